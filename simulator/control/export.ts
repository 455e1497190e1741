/**
 * The journal as a scenario journey (GET /__sim/journal?format=scenario): a session recorded against the simulator
 * becomes a regression test. Replay it from a fresh world (reset before recording): same seed, same clock start,
 * the same gaps between requests, so the same ids and tokens come back.
 */
import { stringify } from 'yaml';
import type { Exchange } from '../core/journal.js';
import type { Step } from '../core/scenario.js';

export function journalAsScenario(entries: Exchange[], seed: number, nowMs: number): string {
  const calls = entries.filter((e) => e.system !== 'control');
  const steps: Step[] = [];
  let last: number | undefined;
  for (const e of calls) {
    const at = Date.parse(e.at);
    if (last !== undefined && at > last) steps.push({ advanceMs: at - last });
    last = at;
    const qs = new URLSearchParams(Object.entries(e.query).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, String(x)]) : [[k, String(v)]]))).toString();
    const request: Step['request'] = { system: e.system, method: e.method, path: e.path + (qs ? `?${qs}` : '') };
    if (e.authorization) request.headers = { Authorization: e.authorization };
    if (e.requestBody !== undefined && !(typeof e.requestBody === 'object' && e.requestBody !== null && '_clipped' in e.requestBody)) request.body = e.requestBody;
    steps.push({ name: `${e.method} ${e.path}${e.operationId ? ` (${e.operationId})` : ''}`, request, expect: { status: e.status } });
  }
  const stamp = new Date(nowMs).toISOString();
  return stringify({
    name: `recorded-${stamp.replace(/[^0-9]/g, '').slice(0, 14)}`,
    description: `Recorded from the journal at ${stamp}: ${calls.length} requests. Replays from a fresh world with the same seed and clock.`,
    seed,
    clock: { start: calls[0]?.at ?? stamp, frozen: true },
    steps,
  });
}
