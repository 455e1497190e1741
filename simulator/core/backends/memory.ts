/** `SIM_STORE=memory` (and every test): the same commits, kept in this process only. */
import { encodeBlob, type Backend, type Batch } from './backend.js';

export class MemoryBackend implements Backend {
  readonly persistent = false;
  private readonly blobs = new Map<string, { bytes: Buffer; binary: boolean }>();

  async read(): Promise<null> {
    return null;
  }

  discard(): void {}

  readBlob(generation: number, key: string): unknown {
    const b = this.blobs.get(`${generation}/${key}`);
    if (!b) return undefined;
    // A copy, so a reader never shares (and mutates) the writer's objects, as with files.
    return b.binary ? Buffer.from(b.bytes) : JSON.parse(b.bytes.toString('utf8'));
  }

  hasBlob(generation: number, key: string): boolean {
    return this.blobs.has(`${generation}/${key}`);
  }

  async write(batch: Batch): Promise<void> {
    const gen = batch.data._meta.generation;
    for (const [k, v] of batch.blobs) this.blobs.set(`${gen}/${k}`, encodeBlob(v));
    if (batch.dropGeneration !== undefined) for (const k of [...this.blobs.keys()]) if (k.startsWith(`${batch.dropGeneration}/`)) this.blobs.delete(k);
  }

  async close(): Promise<void> {}
}
