/**
 * The journal as a scenario journey (GET /__sim/journal?format=scenario): a session recorded against the simulator
 * becomes a regression test. Replay it from a fresh world (reset before recording): same seed, same clock start,
 * the same gaps between requests, so the same ids come back.
 *
 * Secrets are not printed unless asked for (`showSecrets`): a token a response issued is captured by name at that
 * step and used as ${name} where the session sent it later, so the journey still replays; a secret the session
 * sent without having received it (a password, a pre-provisioned token) is written as *** and counted in the
 * description.
 */
import { stringify } from 'yaml';
import type { Exchange } from '../core/journal.js';
import type { Step } from '../core/scenario.js';
import { HIDDEN, redact, secretsIn } from '../core/secrets.js';

export function journalAsScenario(entries: Exchange[], seed: number, nowMs: number, showSecrets = false): string {
  // What the simulator sent by itself (pushes) is not a call a client made: it is not replayed.
  const calls = entries.filter((e) => e.system !== 'control' && e.direction !== 'outbound');
  const steps: Step[] = [];
  /** A secret value received earlier → the capture that holds it. */
  const captured = new Map<string, string>();
  let hidden = 0;
  let last: number | undefined;
  const hide = (value: string) => {
    const name = captured.get(value);
    if (name) return `\${${name}}`;
    hidden++;
    return HIDDEN;
  };
  for (const e of calls) {
    const at = Date.parse(e.at);
    if (last !== undefined && at > last) steps.push({ advanceMs: at - last });
    last = at;
    const qs = new URLSearchParams(Object.entries(e.query).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, String(x)]) : [[k, String(v)]]))).toString();
    const request: Step['request'] = { system: e.system, method: e.method, path: e.path + (qs ? `?${qs}` : '') };
    if (e.authorization) {
      const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(e.authorization);
      request.headers = { Authorization: showSecrets ? e.authorization : m ? `${m[1]} ${hide(m[2])}` : HIDDEN };
    }
    if (e.requestBody !== undefined && !(typeof e.requestBody === 'object' && e.requestBody !== null && '_clipped' in e.requestBody)) {
      if (showSecrets) request.body = e.requestBody;
      else {
        hidden += secretsIn(e.requestBody).filter((x) => !captured.has(x.value)).length;
        request.body = redact(e.requestBody);
      }
    }
    const step: Step = { name: `${e.method} ${e.path}${e.operationId ? ` (${e.operationId})` : ''}`, request, expect: { status: e.status } };
    if (!showSecrets) {
      for (const s of secretsIn(e.responseBody)) {
        if (captured.has(s.value)) continue;
        const name = `secret${captured.size + 1}`;
        captured.set(s.value, name);
        step.capture = { ...step.capture, [name]: s.path };
      }
    }
    steps.push(step);
  }
  const stamp = new Date(nowMs).toISOString();
  const note = hidden ? ` ${hidden} secret value(s) the session sent without receiving them here are written as ${HIDDEN}: fill them in, or export with SIM_JOURNAL_SECRETS=show.` : '';
  return stringify({
    name: `recorded-${stamp.replace(/[^0-9]/g, '').slice(0, 14)}`,
    description: `Recorded from the journal at ${stamp}: ${calls.length} requests. Replays from a fresh world with the same seed and clock.${note}`,
    seed,
    clock: { start: calls[0]?.at ?? stamp, frozen: true },
    steps,
  });
}
