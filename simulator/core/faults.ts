/**
 * Fault rules from scenarios: a closed list of actions (scenario.ts FaultAction), each with a match on system,
 * operation, method/path, which calls, caller, a window of virtual time and a probability drawn from the scenario
 * seed. Off unless a scenario declares them.
 *
 * @example
 * const engine = new FaultEngine(scenario.faults, seed, clock.nowMs());
 * engine.decide({ system: 'mcoi', operationId: 'registerOrder', method: 'POST', path: '/api/orders', nowMs });
 */
import { Rng } from './random.js';
import type { Fault, FaultAction } from './scenario.js';

export interface CallInfo {
  system: string;
  operationId: string;
  method: string;
  path: string;
  nowMs: number;
  user?: string;
  organization?: string;
}

function callsMatch(spec: number | string | undefined, n: number): boolean {
  if (spec === undefined) return true;
  if (typeof spec === 'number') return n === spec;
  const [from, to] = spec.split('..');
  return n >= Number(from) && (to === '' || n <= Number(to));
}

function pathMatch(pattern: string | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+') + '/?$');
  return re.test(path);
}

/** The fault chosen for a call: its action and which rule (0-based, in the scenario's order) it came from. */
export interface FaultDecision {
  action: FaultAction;
  rule: number;
  description?: string;
}

export class FaultEngine {
  private readonly counts: number[];
  private readonly rng: Rng;

  constructor(
    private readonly faults: Fault[],
    seed: number,
    private readonly activatedAt: number,
  ) {
    this.counts = faults.map(() => 0);
    this.rng = new Rng(seed ^ 0x5eed);
  }

  /** The first rule that matches this call (counting the call against every rule whose criteria fit). */
  decide(c: CallInfo): FaultDecision | undefined {
    let chosen: FaultDecision | undefined;
    this.faults.forEach((f, i) => {
      const m = f.match;
      if (m.system !== c.system) return;
      if (m.operation !== undefined && m.operation !== c.operationId) return;
      if (m.method !== undefined && m.method !== c.method) return;
      if (!pathMatch(m.path, c.path)) return;
      if (m.user !== undefined && m.user !== c.user) return;
      if (m.organization !== undefined && m.organization !== c.organization) return;
      if (m.during) {
        const since = c.nowMs - this.activatedAt;
        if (since < (m.during.fromMs ?? 0) || (m.during.forMs !== undefined && since >= (m.during.fromMs ?? 0) + m.during.forMs)) return;
      }
      this.counts[i] += 1;
      if (!callsMatch(m.calls, this.counts[i])) return;
      if (m.probability !== undefined && this.rng.next() >= m.probability) return;
      chosen ??= { action: f.action, rule: i, ...(f.description ? { description: f.description } : {}) };
    });
    return chosen;
  }

  /** Real milliseconds of a latency action (uniform between minMs and maxMs when given a range). */
  latencyMs(a: { ms?: number; minMs?: number; maxMs?: number }): number {
    if (a.ms !== undefined) return a.ms;
    return this.rng.int(a.minMs ?? 0, a.maxMs ?? 0);
  }
}

/** The HTML page a gateway (nginx) answers when the stand is down. */
export function gatewayPage(status: number, reason: string): string {
  return `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}
