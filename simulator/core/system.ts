/**
 * What a system is. A `SystemModule` is the one place a system declares what it has — its base path, contract,
 * handbook, timings, rate limit, profile switches, forced outcomes, control routes, fixtures, world overlay — and
 * everything else is derived from these declarations: the scenario schema, the control contract, the environment
 * variables, the journal filters, the README's tables (tested against them). Core and control name no system.
 *
 * @example
 * export const mySystem: SystemModule<MyState, MyUser> = { id: 'my-system', base: '/my-system', ... };
 * // simulator/app.ts: export const SYSTEMS = [mcoi, idIssuer, mySystem];
 */
import type { Clock } from './clock.js';
import type { ConformanceDecl } from './conformance.js';
import type { Envelope } from './envelope.js';
import type { Handbook } from './errors.js';
import type { Contract, Operation } from './openapi.js';
import type { Answer } from './outbound.js';
import type { Timing, Transitions } from './progression.js';
import type { BlobReader, Tx } from './store.js';

export interface SimRequest<P = unknown> {
  op: Operation;
  query: Record<string, any>;
  params: Record<string, any>;
  body: any;
  headers: Record<string, string | string[] | undefined>;
  /** Set by the system's authenticate: who is calling (a user, a token...). */
  principal?: P;
  ip: string;
  /** A business outcome forced by a scenario fault: one of the system's declared outcomes, by name. */
  forced?: Record<string, unknown>;
}

export interface SimResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  contentType?: string;
  /** Writes a large body itself (a CSV of a million lines) after status and headers are set; resolves when done. */
  stream?: (out: NodeJS.WritableStream & { writableNeedDrain?: boolean }) => Promise<void>;
}

export type Handler<P = unknown> = (req: SimRequest<P>) => Promise<SimResponse> | SimResponse;

/** A timing of the system, in virtual milliseconds. */
export interface TimingDecl {
  readonly default: number;
  readonly description: string;
  /**
   * `processing` (the default): how long something is processed — `SIM_TIMINGS=instant` zeroes it; `lifetime`: how
   * long something stays valid (a token, a download); `period`: how often or how soon the system acts by itself (a
   * push, a retry). Lifetimes and periods are never zeroed.
   */
  readonly kind?: 'processing' | 'lifetime' | 'period';
  /** A stage of a progression: a scenario may set it to `{ "afterPolls": N }` (core/progression.ts). */
  readonly polls?: boolean;
}

/** An observed-behaviour switch of the fidelity profile: set by its environment variable or a scenario's profile. */
export interface SwitchDecl {
  readonly env: string;
  readonly values: readonly (string | number)[];
  /** A switch that also takes free values (a URL): a regular expression they must match, besides `values`. */
  readonly pattern?: string;
  /** Its free value is a URL the simulator sends to: checked against SIM_OUTBOUND_HOSTS wherever it is set. */
  readonly url?: boolean;
  readonly default: string | number;
  readonly description: string;
}

/** A business outcome a scenario fault can force on some operations. */
export interface OutcomeDecl {
  readonly operations: readonly string[];
  /** JSON Schema of the outcome's value. */
  readonly schema: object;
  readonly description: string;
}

/** The documented request-rate limit (if any) and the handbook entry a refused request gets. */
export interface RateLimitDecl {
  /** Requests per minute per caller, as the document says; absent when it says none (scenarios may add one). */
  readonly documented?: number;
  readonly source?: string;
  /** Handbook key of the 429; rendered with (requestsPerMinute) and a Retry-After header. */
  readonly error: string;
}

export interface WorldSeed<S> {
  state: S;
  blobs: Record<string, unknown>;
}

/** How a service's framework binds its query string (SystemModule.queryBinding). */
export type QueryBinding = 'spring' | 'aspnet';

export interface SystemModule<S = unknown, P = unknown> {
  /** Lower-case id: the folder, the contract, the scenario key. */
  readonly id: string;
  readonly title: string;
  /** Where it is served: the real base URL's replacement. */
  readonly base: string;
  /**
   * The path below the real host where the real system's operations start ('' or absent: at the root). On a port of
   * its own (SIM_PORTS) the system answers there, so a client changes only scheme, host and port; a non-empty one is
   * also served on the main port beside `base`.
   */
  readonly realBase?: string;
  /** The emulated API's contract. */
  readonly contract: string;
  /** Control-plane operations the system adds under /__sim (merged; a clash is a start-up error). */
  readonly controlContract?: string;
  readonly handbook: Handbook;
  readonly timings: Readonly<Record<string, TimingDecl>>;
  /** What may follow what, per kind of entity: every status change an event reports is checked against it. */
  readonly transitions?: Readonly<Record<string, Transitions>>;
  readonly rateLimit: RateLimitDecl;
  /**
   * How the real service binds its query string where the contract cannot say. `spring` (Spring MVC): a parameter
   * sent twice is its first value, except a plain string's values, which come joined with commas (Spring's
   * ArrayToObject and ArrayToString converters: `orderId=a&orderId=b` is "a,b"). `aspnet` (ASP.NET Core model
   * binding): names match the contract's whatever their case (`PageSize=1` is `pageSize`), and a parameter sent twice
   * is its first value. Absent: names match exactly, and a parameter sent twice is its first value.
   */
  readonly queryBinding?: QueryBinding;
  /** The document's request-size limit (`30mb`); absent: the simulator's 20 MB. */
  readonly bodyLimit?: { readonly size: string; readonly source: string };
  readonly switches: Readonly<Record<string, SwitchDecl>>;
  readonly outcomes: Readonly<Record<string, OutcomeDecl>>;
  /** What a fault's `user` and `organization` match, in the system's own words. */
  readonly callers: { readonly user: string; readonly organization?: string };
  /** How clients of the system are graded (the report card): its own rules, its status polls, its callers. */
  readonly conformance?: ConformanceDecl;
  /** The default world's fixture file (JSON), read and handed to initialWorld. */
  readonly fixture: string;
  /** The credentials of the default world (published in the README), as the dashboard's overview lists them. */
  credentials?(fixture: unknown): Credential[];
  /** JSON Schema of a scenario's `world.<id>` overlay. */
  readonly worldOverlay: object;
  /** The default world; `nowMs` lets fixtures place history relative to the moment the world is made. */
  initialWorld(fixture: unknown, seed: number, nowMs: number): WorldSeed<S>;
  /** The URLs a state names that the simulator would send to (a scenario's world is refused when one is not allowed). */
  outboundUrls?(state: S): string[];
  /** Brings state an earlier version wrote up to this version's shape (run on a restored store). */
  upgrade?(state: S): S;
  /** A scenario's overlay laid over the initial state (lists merged by key); throws, saying why, for one it cannot take. */
  overlayWorld(state: S, overlay: Record<string, unknown>): S;
  create(ctx: SystemContext<S>): SystemInstance<P>;
}

/**
 * Something that happened in a world, in the document's own terms (an order registered, codes that changed status
 * and why, a document processed, a push delivered). Machine commands return them with the new state; core hands the
 * committed ones to subscribers (the journal, the runtime indexes). An event with `entity`, `from` and `to` is a
 * status change: core checks it against the system's transition table for that entity.
 */
export interface DomainEvent {
  readonly type: string;
  readonly entity?: string;
  readonly from?: string;
  readonly to?: string;
  readonly [field: string]: unknown;
}

/** What a mutation returns: the new state, the events it caused, and whatever the caller needs besides. */
export interface Change<S> {
  state: S;
  events?: readonly DomainEvent[];
}

/** A runtime index of a system (lookups the state does not answer fast): kept current by events, rebuilt when the state is replaced. */
export interface Index {
  /** From the state alone (after open, reset, a scenario, a rolled-back write). */
  rebuild(): void;
  /** The events of a mutation, as soon as it is staged (mutations behind it must see it), before it is durable. */
  apply?(events: readonly DomainEvent[]): void;
}

/** What a system receives from the app: its state, its settings, shared machinery; never another system. */
export interface SystemContext<S> {
  readonly id: string;
  /** The world's seed (a data directory keeps the one it was made with): for what must be the same every start. */
  readonly seed: number;
  readonly clock: Clock;
  readonly contract: Contract;
  /** Committed state: what a client may see. */
  state(): S;
  /** State including changes whose write is in flight: for mutations and the indexes that serve them only. */
  latest(): S;
  /** Virtual time now, in ms. */
  now(): number;
  /**
   * One mutation on the latest state (stage blobs and draw ids through `tx`), returning the new state and the events it
   * caused; resolves once durable. Whatever it depends on is read inside `fn`, never before.
   */
  commit<R extends Change<S>>(fn: (s: S, tx: Tx) => R): Promise<R>;
  readonly blobs: BlobReader;
  /** The timings now: declared defaults, then SIM_TIMINGS, then the active scenario (a stage may wait for polls). */
  timings(): Record<string, Timing>;
  /**
   * A client read these entities (by key): counted, durably, only while one of the system's timings waits for polls;
   * resolves once counted. `polls(key)` is the count so far.
   */
  poll(keys: readonly string[]): Promise<void>;
  polls(key: string): number;
  /** A profile switch's value now: its default, then its environment variable, then the active scenario. */
  profile(name: string): string | number;
  /** An id for one response (an errorId, a trace id): unique across restarts, never written. */
  responseId(): string;
  readonly bodyLimit: string;
  /** Logs what only an operator needs (an unexpected error); never a client's secret. */
  logError(message: string, err: unknown): void;
  /** Records an exchange the system made itself (a push to a client's server) in the request journal. */
  outbound(e: OutboundExchange): void;
  /** Why the simulator may not send to this URL (SIM_OUTBOUND_HOSTS), or undefined when it may. */
  outboundRefusal(url: string): string | undefined;
  /** POSTs JSON to an allowed URL; at most a small bound of the answer is read; never throws (status 0: none). */
  post(url: string, body: unknown, timeoutMs: number): Promise<Answer>;
}

/** A request the simulator sent (SetMark's pushes to the ERP): journaled beside what clients sent, marked outbound. */
export interface OutboundExchange {
  operationId: string;
  url: string;
  requestBody: unknown;
  /** The HTTP status the receiver answered, or 0 when none came (refused, timed out). */
  status: number;
  responseBody?: unknown;
  durationMs: number;
}

/** How a client of the default world signs in: who, with what secret (if any), and what that caller may do. */
export interface Credential {
  user: string;
  secret?: string;
  note: string;
}

/** A cell of a dashboard table: text, a number, a flag, or nothing. */
export type Cell = string | number | boolean | null;

/** One entity in a dashboard table: its id (for its detail), its cells by column key, its status when it has one. */
export interface ViewRow {
  id: string;
  cells: Record<string, Cell>;
  status?: string;
}

/** An entity in full: its fields, and tables of what belongs to it (an order's sub-orders, a document's errors). */
export interface ViewDetail {
  title: string;
  fields: Record<string, Cell>;
  sections: { title: string; columns: ViewColumn[]; rows: ViewRow[] }[];
  /** Codes in it whose timeline can be opened. */
  codes?: string[];
}

export interface ViewColumn {
  key: string;
  title: string;
}

/**
 * A table of the world the dashboard shows (orders, documents, packages...). The control plane filters (a text that
 * any cell contains, a status) and pages it on the server; `rows` yields every entity, newest first.
 */
export interface View {
  title: string;
  columns: ViewColumn[];
  /** The statuses an entity may have: the choices of the status filter. */
  statuses?: readonly string[];
  /** The column whose cells are codes the system's timeline knows (the dashboard links them to it). */
  codeColumn?: string;
  rows(): Iterable<ViewRow>;
  /** How many rows there are, without making them: an unfiltered page then stops at its last row. */
  count?(): number;
  detail?(id: string): ViewDetail | undefined;
}

/** What happened to one code, oldest first, as the dashboard's code lookup draws it. */
export interface CodeTimeline {
  code: string;
  status: string;
  fields: Record<string, Cell>;
  events: { at: string; event: string; status?: string; by?: string }[];
}

/** Who is calling and what they may do, for operations the contract secures. */
export interface Auth<P = unknown> {
  /** Who is calling (sets `principal`) or a 401. */
  authenticate(req: SimRequest<P>): void | Promise<void>;
  /** After authentication and the rate limit: may this caller do this (a 403)? */
  authorize?(req: SimRequest<P>): void;
  /** Who is calling, for fault matches on user and organization and for the log. */
  who?(principal: P | undefined): { user?: string; organization?: string };
  /** What the rate limit counts a request against (default: the caller's user, else the client address). */
  rateKey?(req: SimRequest<P>): string | undefined;
}

export interface SystemInstance<P = unknown> {
  /** One handler per contract operationId; the coverage test compares both sets. */
  handlers: Record<string, Handler<P>>;
  /** How each kind of failure looks in the system's own envelope (core/envelope.ts decides which kind it is). */
  envelope: Envelope<SimRequest<P>>;
  auth?: Auth<P>;
  /**
   * Whether an operation of the contract is served now (absent: all are). An operation not offered answers as a path
   * no operation has, before anything else: a profile switch can make a system as strict as its document.
   */
  offered?(op: Operation): boolean;
  /** Runtime indexes: rebuilt from the store when it is replaced, kept current by the events of each mutation. */
  indexes?: Index[];
  /** The dashboard's tables of this system's world, by name (GET /__sim/state/{system}/views). */
  views?: Record<string, View>;
  /** A code looked up as a client would send it (with or without GS and crypto tail); undefined when unknown. */
  timeline?(code: string): CodeTimeline | undefined;
  /** Read-only summary for GET /__sim/state/:id. */
  summary(): unknown;
  /** Handlers of the operations of the system's control contract. */
  control?: Record<string, Handler>;
  /**
   * A request the contract refused, before it is answered with the error: what the system keeps of it (SetMark records
   * an invalid package with status 1 when its id can be read). Must not throw for any body.
   */
  refused?(op: Operation, req: SimRequest<P>, err: Error): Promise<void>;
  /**
   * Work the system does by itself as virtual time passes (SetMark's pushes to the ERP): called after every change of
   * the clock through the control plane, and every second while the clock runs. Never runs twice at once.
   */
  tick?(): Promise<void>;
}

/** Settings every system shares, resolved by the app (baseline from the environment, then a scenario's). */
export interface SimConfig {
  seed: number;
  /** Documented request-rate limits: the default, and per system (a scenario's `limits`). */
  rateLimits: boolean;
  limits: Record<string, LimitSetting>;
  /** Timings per system then per name; `'*': { all: N }` sets every processing delay of every system. */
  timings: Record<string, Record<string, Timing>>;
  /** Observed-behaviour switches per system (see README, fidelity profile). */
  profile: Record<string, Record<string, unknown>>;
  bodyLimit: string;
}

/** A system's documented rate limit: on (the document's), off, or another number of requests per minute. */
export type LimitSetting = 'on' | 'off' | { requestsPerMinute: number };

/** The requests per minute a system allows now: its documented number, a scenario's override, or none (off). */
export function rateLimit(config: SimConfig, systemId: string, documented: number | undefined): number | undefined {
  const v = config.limits[systemId];
  if (v === undefined) return config.rateLimits ? documented : undefined;
  if (v === 'off') return undefined;
  return v === 'on' ? documented : v.requestsPerMinute;
}

/**
 * A system's timings: its defaults, then `'*'.all` (SIM_TIMINGS=instant) over its processing delays only (never a
 * lifetime or a period), then its own overrides.
 *
 * @example
 * resolveTimings(mcoi, { '*': { all: 0 } }); // { orderPendingMs: 0, orderReadyMs: 0, documentProcessingMs: 0 }
 */
export function resolveTimings(m: Pick<SystemModule, 'id' | 'timings'>, timings: SimConfig['timings']): Record<string, Timing> {
  const all = timings['*']?.all;
  const base = Object.fromEntries(Object.entries(m.timings).map(([k, t]) => [k, all !== undefined && (t.kind ?? 'processing') === 'processing' ? all : t.default]));
  return { ...base, ...(timings[m.id] ?? {}) };
}

/** The declared defaults of a system's timings. */
export const timingDefaults = (m: Pick<SystemModule, 'timings'>): Record<string, number> => Object.fromEntries(Object.entries(m.timings).map(([k, t]) => [k, t.default]));
