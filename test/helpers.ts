/**
 * Test set-up: each test builds its own app (memory store, ManualClock, seed), and every response it produces is
 * validated against the OpenAPI contract of the system that answered; a violation fails the test.
 */
import { onTestFinished, expect } from 'vitest';
import request from 'supertest';
import { contractsOf, createApp, defaultCatalog, type AppDeps, type Sim } from '../simulator/app.js';
import type { ExchangeHook } from '../simulator/core/mount.js';
import type { Contract } from '../simulator/core/openapi.js';
import { ManualClock } from '../simulator/core/clock.js';

/** A Monday morning in 2026: after the fixtures' 2025 history, before the examples' 2028 expiration date. */
export const T0 = Date.parse('2026-03-02T09:00:00.000Z');

export interface Setup {
  sim: Sim;
  clock: ManualClock;
  http: ReturnType<typeof request>;
  violations: string[];
  advance(ms: number): void;
}

const CATALOG = defaultCatalog();
/** The default systems' contracts, the control plane's with their control routes merged in. */
export const CONTRACTS: Record<string, Contract> = contractsOf(CATALOG);
const BASES: Record<string, string> = { '/__sim': 'control', ...Object.fromEntries(CATALOG.systems.map((s) => [s.module.base, s.id])) };

/**
 * Checks one response against the contract of the system that answered, for responses that do not pass through
 * an app's exchange hook (a server in another process). `path` is the full path; the system is found from its base.
 */
export function checkContract(violations: string[], method: string, fullPath: string, status: number, contentType: string | undefined, body: unknown, headers: Record<string, unknown> = {}): void {
  // A scenario's gateway page (text/html) is off-contract on purpose.
  if ((contentType ?? '').startsWith('text/html')) return;
  const base = Object.keys(BASES).find((b) => fullPath.startsWith(b));
  if (!base) return void violations.push(`${method} ${fullPath}: outside every system`);
  const contract = CONTRACTS[BASES[base]];
  const path = fullPath.slice(base.length).split('?')[0];
  for (const v of contract.validateResponse(contract.match(method, path)?.op, status, contentType, body, headers)) violations.push(`${method} ${fullPath}: ${v}`);
}

/**
 * An exchange hook that validates every response an app produces (status, declared headers, media type, body);
 * violations fail the running test. `contracts` gives the app's own (an app with another set of systems).
 */
export function contractHook(contracts: () => Record<string, Contract> = () => CONTRACTS): { hook: ExchangeHook; violations: string[] } {
  const violations: string[] = [];
  onTestFinished(() => {
    expect(violations, 'responses that break the OpenAPI contract').toEqual([]);
  });
  const hook: ExchangeHook = (e) => {
    // A gateway page, a dropped or cut connection, a corrupted file: off-contract on purpose (scenario faults).
    if (e.fault && ['html', 'drop', 'truncate', 'corrupt'].some((k) => k in e.fault!.action)) return;
    if (e.outcome !== 'answered') return; // the client went away: nothing was answered to check
    let body = e.body;
    if (typeof body === 'string' && /json/.test(e.contentType ?? '')) body = JSON.parse(body);
    for (const v of contracts()[e.system].validateResponse(e.op, e.status, e.contentType, body, e.headers)) violations.push(`${e.method} ${e.path}: ${v}`);
  };
  return { hook, violations };
}

export async function setup(deps: Partial<AppDeps> & { now?: number } = {}): Promise<Setup> {
  const clock = new ManualClock(deps.now ?? T0);
  let sim: Sim | undefined;
  const { hook, violations } = contractHook(() => sim?.contracts ?? CONTRACTS);
  sim = await createApp({ clock, seed: 1, store: { kind: 'memory' }, ...deps, onExchange: hook });
  const http = request(sim.app);
  return {
    sim,
    clock,
    http,
    violations,
    advance: (ms) => clock.advance(ms),
  };
}

export const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
