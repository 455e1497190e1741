/**
 * The backends a store can run on, by the kind SIM_STORE names. Each is one module and one line here; the commit
 * core and the systems do not change.
 *
 * @example
 * const backend = openBackend({ kind: 'file', dir: './.sim-data' });
 */
import type { Backend, StoreOptions } from './backend.js';
import { FileBackend } from './file.js';
import { MemoryBackend } from './memory.js';
import { PostgresBackend } from './postgres.js';

type Factory<K extends StoreOptions['kind']> = (options: Extract<StoreOptions, { kind: K }>) => Backend;

export const BACKENDS: { [K in StoreOptions['kind']]: Factory<K> } = {
  memory: () => new MemoryBackend(),
  file: (o) => new FileBackend(o.dir),
  postgres: (o) => new PostgresBackend(o),
};

export function openBackend(options: StoreOptions): Backend {
  const factory = BACKENDS[options.kind] as Factory<typeof options.kind>;
  return factory(options as never);
}

export type { Backend, Batch, DbShape, Meta, StoreChoice, StoreOptions } from './backend.js';
export { Conflict, storeOf } from './backend.js';
