/**
 * What the mounted systems declare, gathered once: operations (from their contracts), handbook keys, timings,
 * switches, forced outcomes, rate limits, world overlays. Everything that lists systems — the scenario schema and
 * its meaning checks, the environment variables, the control contract's filters — is derived from a catalog.
 *
 * @example
 * const catalog = catalogOf(SYSTEMS);
 * catalog.system('mcoi')?.operations.map((o) => o.operationId);
 */
import { join } from 'node:path';
import { loadContract, type Contract } from './openapi.js';
import { PROJECT_ROOT } from './paths.js';
import type { SystemModule } from './system.js';

export interface SystemInfo {
  readonly module: SystemModule<any, any>;
  readonly id: string;
  readonly contract: Contract;
  readonly operations: readonly { operationId: string; method: string; path: string }[];
  readonly handbookKeys: readonly string[];
}

export interface Catalog {
  readonly systems: readonly SystemInfo[];
  readonly ids: readonly string[];
  system(id: string): SystemInfo | undefined;
}

/** The catalog of a list of modules. Ids must be unique and lower-case; a clash is a start-up error. */
export function catalogOf(modules: readonly SystemModule<any, any>[]): Catalog {
  const systems: SystemInfo[] = [];
  for (const module of modules) {
    if (!/^[a-z][a-z0-9-]*$/.test(module.id)) throw new Error(`system id ${JSON.stringify(module.id)} must be lower-case kebab-case`);
    if (module.id === 'control') throw new Error('"control" names the control plane; a system cannot take it');
    if (systems.some((s) => s.id === module.id)) throw new Error(`two systems declare the id ${module.id}`);
    const other = systems.find((s) => s.module.base === module.base);
    if (other) throw new Error(`systems ${other.id} and ${module.id} both mount at ${module.base}`);
    if (!(module.rateLimit.error in module.handbook)) throw new Error(`${module.id}: rateLimit.error ${module.rateLimit.error} is not a handbook key`);
    const contract = loadContract(join(PROJECT_ROOT, module.contract));
    const operations = contract.operations.map((o) => ({ operationId: o.operationId, method: o.method.toUpperCase(), path: o.path }));
    for (const [name, o] of Object.entries(module.outcomes)) {
      for (const op of o.operations) if (!operations.some((x) => x.operationId === op)) throw new Error(`${module.id}: outcome ${name} names operation ${op}, which the contract does not have`);
    }
    systems.push({ module, id: module.id, contract, operations, handbookKeys: Object.keys(module.handbook) });
  }
  const byId = new Map(systems.map((s) => [s.id, s]));
  return { systems, ids: systems.map((s) => s.id), system: (id) => byId.get(id) };
}

/** Edit distance, for "did you mean" suggestions. */
export function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The closest of `choices` to `value`, when close enough to be a likely typo. */
export function closest(value: string, choices: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of choices) {
    const d = distance(value, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(value.length / 3)) ? best : undefined;
}

/** "did you mean X?" and the valid choices (all of them when few): `did you mean info? (one of: silent, info)`. */
export function suggest(value: string, choices: readonly string[]): string {
  const near = closest(value, choices);
  const list = choices.length <= 24 ? `one of: ${choices.join(', ')}` : `${choices.length} valid values`;
  return near ? `did you mean ${near}? (${list})` : `(${list})`;
}
