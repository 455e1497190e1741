/**
 * A typed client of the control plane (/__sim): the clock, resets, scenarios, the journal (and its HAR and scenario
 * exports), state, worlds and the client report card. Its types are generated from the control contract
 * (openapi/control-api.d.ts, openapi-typescript — `npm run schema`), and every route it calls is checked against the contract in
 * the tests: nothing about /__sim is copied by hand. Errors are `ControlError`s carrying the problem details.
 *
 * @example
 * const sim = new ControlClient({ url: 'http://localhost:8080', token: process.env.SIM_CONTROL_TOKEN });
 * await sim.clock.advance('24h');
 * const world = await sim.worlds.create({ ttlMs: 600_000 });
 * const inWorld = sim.world(world.id);
 * const card = await inWorld.conformance.report();
 */
import type { operations } from '../../openapi/control-api.js';

type Op = keyof operations;
type Responses<O extends Op> = operations[O]['responses'];
/** The JSON a successful call answers (its 200, else its 201). */
export type Answer<O extends Op> = Responses<O> extends { 200: { content: { 'application/json': infer B } } } ? B : Responses<O> extends { 201: { content: { 'application/json': infer B } } } ? B : undefined;
/** The JSON body an operation takes. */
export type Body<O extends Op> = operations[O] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
export type Query<O extends Op> = operations[O]['parameters'] extends { query?: infer Q } ? NonNullable<Q> : never;

/** Each operation the client calls: its method and path below /__sim, as the contract spells them (a test checks). */
export const ROUTES = {
  getHealth: ['GET', '/health'],
  reset: ['POST', '/reset'],
  getClock: ['GET', '/clock'],
  setClock: ['POST', '/clock'],
  getJournal: ['GET', '/journal'],
  listScenarios: ['GET', '/scenarios'],
  activateScenario: ['POST', '/scenarios'],
  listWorlds: ['GET', '/worlds'],
  createWorld: ['POST', '/worlds'],
  getWorld: ['GET', '/worlds/{world}'],
  deleteWorld: ['DELETE', '/worlds/{world}'],
  getSystemState: ['GET', '/state/{system}'],
  getConformance: ['GET', '/conformance'],
  resetConformance: ['POST', '/conformance/reset'],
  getCredentials: ['GET', '/credentials'],
} as const satisfies Partial<Record<Op, readonly [string, string]>>;
type Routed = keyof typeof ROUTES;

/** A refusal of the control plane (or no answer at all: `status` 0), with its problem details. A bad argument (a duration, a URL) is a RangeError. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly problem?: unknown,
  ) {
    super(status ? `${status}: ${detail}` : detail);
    this.name = 'ControlError';
  }
}

/** `24h`, `90m`, `30s`, `250ms`, `1d`, or milliseconds as a number or digits. */
export function durationMs(d: string | number): number {
  if (typeof d === 'number') return d;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(d);
  if (!m) throw new RangeError(`not a duration: ${JSON.stringify(d)} (say 24h, 90m, 30s, 250ms or 1d)`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms').toLowerCase() as 'ms'];
  return Math.round(Number(m[1]) * unit);
}

export interface ControlClientOptions {
  /** The simulator's base URL (`http://localhost:8080`), without /__sim. */
  url: string;
  /** SIM_CONTROL_TOKEN, when the simulator was started with one. */
  token?: string;
  /** A world of the simulator (POST /__sim/worlds): the client then acts on it. */
  world?: string;
  /** Milliseconds a call may take (default 30 s). */
  timeoutMs?: number;
}

export class ControlClient {
  private readonly base: string;

  constructor(private readonly o: ControlClientOptions) {
    const url = o.url.replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]+/.test(url)) throw new RangeError(`not an http(s) URL: ${JSON.stringify(o.url)}`);
    this.base = `${url}${o.world ? `/w/${encodeURIComponent(o.world)}` : ''}/__sim`;
  }

  /** The same simulator, acting on one of its worlds. */
  world(id: string): ControlClient {
    return new ControlClient({ ...this.o, world: id });
  }

  /** Calls an operation of the contract; resolves with the raw response (call it through the typed methods). */
  private async send(op: Routed, o: { path?: Record<string, string>; query?: Record<string, unknown>; body?: unknown } = {}): Promise<Response> {
    const [method, template] = ROUTES[op];
    const path = template.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(o.path?.[k] ?? ''));
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) q.set(k, String(v));
    const headers: Record<string, string> = {};
    if (this.o.token) headers.authorization = `Bearer ${this.o.token}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}${q.size ? `?${q}` : ''}`, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), signal: AbortSignal.timeout(this.o.timeoutMs ?? 30_000) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new ControlError(0, `the simulator at ${this.o.url} did not answer: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
    if (res.ok) return res;
    const text = await res.text();
    let problem: { detail?: string } | undefined;
    try {
      problem = JSON.parse(text) as { detail?: string };
    } catch {
      problem = undefined;
    }
    throw new ControlError(res.status, problem?.detail ?? (text.slice(0, 300) || res.statusText), problem);
  }

  private async json<O extends Routed>(op: O, o: Parameters<ControlClient['send']>[1] = {}): Promise<Answer<O>> {
    const res = await this.send(op, o);
    return (res.status === 204 ? undefined : await res.json()) as Answer<O>;
  }

  health(): Promise<Answer<'getHealth'>> {
    return this.json('getHealth');
  }

  /** Back to the world's baseline (a new seed if given); clears the journal, rate windows and report card. */
  reset(seed?: number): Promise<Answer<'reset'>> {
    return this.json('reset', { body: seed === undefined ? {} : { seed } });
  }

  readonly clock = {
    get: () => this.json('getClock'),
    advance: (by: string | number) => this.json('setClock', { body: { advanceMs: durationMs(by) } satisfies Body<'setClock'> }),
    set: (at: string | Date) => this.json('setClock', { body: { set: typeof at === 'string' ? at : at.toISOString() } satisfies Body<'setClock'> }),
    freeze: () => this.json('setClock', { body: { freeze: true } satisfies Body<'setClock'> }),
    unfreeze: () => this.json('setClock', { body: { freeze: false } satisfies Body<'setClock'> }),
  };

  readonly scenarios = {
    list: () => this.json('listScenarios'),
    /** By the name of a file under scenarios/, or a scenario given whole. */
    activate: (scenario: string | Record<string, unknown>) => this.json('activateScenario', { body: typeof scenario === 'string' ? { name: scenario } : { scenario } }),
  };

  readonly journal = {
    list: async (filter: Omit<Query<'getJournal'>, 'format'> = {}) => (await this.json('getJournal', { query: filter })) as Extract<Answer<'getJournal'>, { entries: unknown }>,
    /** HAR 1.2 (as JSON text) or a scenario journey (YAML). */
    export: async (format: 'har' | 'scenario', filter: Omit<Query<'getJournal'>, 'format'> = {}): Promise<string> => (await this.send('getJournal', { query: { ...filter, format } })).text(),
  };

  state(system: string): Promise<Answer<'getSystemState'>> {
    return this.json('getSystemState', { path: { system } });
  }

  credentials(): Promise<Answer<'getCredentials'>> {
    return this.json('getCredentials');
  }

  readonly worlds = {
    list: () => this.json('listWorlds'),
    create: (o: Body<'createWorld'> = {}) => this.json('createWorld', { body: o }),
    get: (id: string) => this.json('getWorld', { path: { world: id } }),
    delete: async (id: string) => void (await this.send('deleteWorld', { path: { world: id } })),
  };

  readonly conformance = {
    report: (client?: string) => this.json('getConformance', { query: { client } }),
    /** JUnit XML: a test suite per client, a case per rule. */
    junit: async (client?: string): Promise<string> => (await this.send('getConformance', { query: { client, format: 'junit' } })).text(),
    reset: () => this.json('resetConformance'),
  };
}
