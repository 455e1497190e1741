/**
 * The one piece of machinery that serves a system: a route per contract operation, and for each request, in order:
 * the body read by its declared media type; authentication when the contract secures the operation; the rate
 * limit; authorisation; a scenario's fault, if one matches; validation of parameters, headers and body; the
 * handler; Accept negotiation (the system decides what a mismatch means); the system's error renderer for every
 * failure; the journal and the log for every exchange, dropped ones included. Handlers never see malformed input;
 * clients never see a framework's error body.
 *
 * @example
 * app.use(module.base, mountSystem({ id: 'mcoi', instance, contract, deps, limit: module.rateLimit }));
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import { parse as parseQuery } from 'node:querystring';
import accepts from 'accepts';
import { STATUS_CODES } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { readBody } from './body.js';
import { monotonicMs, type Clock } from './clock.js';
import type { Renderer } from './envelope.js';
import { RequestInvalid, SimError, type HandbookEntry, type RenderedError } from './errors.js';
import { gatewayPage, type FaultDecision, type FaultEngine } from './faults.js';
import { type ConformanceDecl, type Grader, type Observation } from './conformance.js';
import type { Exchange as JournalEntry, Journal, Outcome } from './journal.js';
import type { RateLimiter } from './limits.js';
import type { Logger } from './log.js';
import type { Contract, Operation } from './openapi.js';
import { redact } from './secrets.js';
import type { FaultAction } from './scenario.js';
import { boundAs } from './query.js';
import { rateLimit, type DomainEvent, type QueryBinding, type RateLimitDecl, type SimConfig, type SimRequest, type SimResponse, type SystemInstance } from './system.js';

export interface Exchange {
  system: string;
  op?: Operation;
  method: string;
  path: string;
  status: number;
  contentType?: string;
  headers: Record<string, unknown>;
  body: unknown;
  fault?: FaultDecision;
  outcome: Outcome;
}

export type ExchangeHook = (e: Exchange) => void;

/** The world a request addresses, as the machinery that serves it sees it (simulator/world.ts). */
export interface MountWorld {
  readonly id: string;
  readonly clock: Clock;
  readonly config: SimConfig;
  readonly journal: Journal;
  readonly limiter: RateLimiter;
  /** Grades the clients of the world (the report card) on each of their exchanges. */
  readonly grader: Grader;
  readonly faults: FaultEngine | undefined;
  /** Resolves when the world may serve (while a reset is being written, requests wait). */
  ready(): Promise<void>;
  /** Takes in what other replicas of a shared store committed (at once with a store of one process). */
  sync(): Promise<void>;
  /** A client request's handler at work (a reset lets it finish before the world changes). */
  busy<T>(work: () => Promise<T>): Promise<T>;
  /** The system (or the control plane) as this world serves it now. */
  served(id: string): { instance: SystemInstance; renderer: Renderer };
}

/** What every mounted system shares from the app. */
export interface MountDeps {
  log: Logger;
  /** Show secrets in debug log lines (SIM_JOURNAL_SECRETS=show). */
  showSecrets: boolean;
  hook?: ExchangeHook;
  /** The events the mutations of the exchange in progress caused (the journal keeps them with it). */
  events: AsyncLocalStorage<DomainEvent[]>;
  /** A system's grading declarations (its callers when no credential names them). */
  conformance?(system: string): ConformanceDecl | undefined;
  /** Whether exchanges are graded at all (SIM_CONFORMANCE). */
  grading?: boolean;
}

/** The world a request addresses: set by the app before any system's router (res.locals.world). */
export const worldOf = (res: Response): MountWorld => res.locals.world as MountWorld;

/** What one system (or the control plane) is, whatever the world. */
export interface Mounted {
  id: string;
  contract: Contract;
  handbook: Record<string, HandbookEntry>;
  /** The documented rate limit and the handbook entry that refuses (the control plane has none). */
  rateLimit?: RateLimitDecl;
  /** The largest request body this system reads (its document's, else the simulator's). */
  bodyLimit: string;
  /** How the real service binds its query string (SystemModule.queryBinding). */
  queryBinding?: QueryBinding;
}

/** A text media type answered with its charset, as Express writes one (`application/json; charset=utf-8`). */
const withCharset = (type: string) => (/;\s*charset=/i.test(type) ? type : `${type}; charset=utf-8`);

/**
 * Writes an answer, once, straight to Node's response (what Express's res.send does, without its per-call lookups):
 * JSON bodies serialized, strings with their charset, bytes as they are; no body for HEAD, 204 and 304. What was
 * answered is kept for the journal (res.locals.captured, and its size on the wire).
 */
function writeBody(res: Response, status: number, contentType: string | undefined, body: unknown): void {
  res.statusCode = status;
  let payload: string | Buffer | undefined;
  let type = contentType;
  if (body === undefined) payload = undefined;
  else if (Buffer.isBuffer(body) || body instanceof Uint8Array) {
    payload = Buffer.isBuffer(body) ? body : Buffer.from(body);
    type ??= 'application/octet-stream';
  } else if (typeof body === 'string') {
    payload = body;
    type = withCharset(type ?? 'text/html');
  } else {
    payload = JSON.stringify(body);
    type = withCharset(type ?? 'application/json');
  }
  res.locals.captured = body;
  res.locals.wire = typeof payload === 'string' ? payload : payload?.length;
  if (payload === undefined) return void res.end();
  if (type && !res.hasHeader('Content-Type')) res.setHeader('Content-Type', type);
  if (status === 204 || status === 304) {
    res.removeHeader('Content-Type');
    return void res.end();
  }
  res.setHeader('Content-Length', typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length);
  if (res.req.method === 'HEAD') return void res.end();
  res.end(payload);
}

async function send(res: Response, r: RenderedError | SimResponse, fallbackStatus = 200): Promise<void> {
  const status = r.status ?? fallbackStatus;
  if (r.headers) for (const k of Object.keys(r.headers)) res.setHeader(k, r.headers[k]);
  if ('stream' in r && r.stream) {
    res.statusCode = status;
    if (r.contentType) res.setHeader('Content-Type', /^(text\/|application\/(json|xml|yaml))/.test(r.contentType) ? withCharset(r.contentType) : r.contentType);
    // A HEAD of a stream (an event stream never ends by itself): its status and headers, at once.
    if (res.req.method === 'HEAD') {
      res.end();
      return;
    }
    await r.stream(res);
    res.end();
    return;
  }
  writeBody(res, status, r.contentType, r.body);
}

/** Answers a fault that replaces the response; false when the request goes on (latency, outcome, truncate, corrupt). */
async function answerFault(fault: FaultAction, engine: FaultEngine, m: Mounted, renderer: Renderer, res: Response): Promise<boolean> {
  if ('error' in fault) {
    const entry = m.handbook[fault.error];
    // Scenarios are checked when loaded; an unknown key here is a bug of the checker, not of the request.
    if (!entry) throw new Error(`scenario fault names unknown handbook key ${fault.error}`);
    // Text arguments are not known to a fault: placeholders name them.
    const args = Array.from({ length: typeof entry.text === 'function' ? entry.text.length : 0 }, (_, i) => `{${i}}`);
    await send(res, renderer.render(new SimError(entry, args)));
    return true;
  }
  if ('status' in fault) {
    await send(res, renderer.renderStatus(fault.status));
    return true;
  }
  if ('html' in fault) {
    writeBody(res, fault.html.status, 'text/html', gatewayPage(fault.html.status, STATUS_CODES[fault.html.status] ?? 'Error'));
    return true;
  }
  if ('drop' in fault) {
    res.socket?.destroy();
    return true;
  }
  if ('latency' in fault) await new Promise((r) => setTimeout(r, engine.latencyMs(fault.latency)));
  return false;
}

/** Truncates or corrupts what the response writes (the status and headers stay those of a good answer). */
function damage(res: Response, fault: FaultAction): void {
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => Response;
  if ('corrupt' in fault) {
    let done = false;
    const corrupt = (chunk: unknown) => {
      if (done || chunk === undefined || chunk === null) return chunk;
      const b = Buffer.from(chunk as Buffer);
      if (b.length) {
        b[0] ^= 0x01; // one flipped bit: the same length, another checksum
        done = true;
      }
      return b;
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => write(corrupt(chunk), ...rest)) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => end(corrupt(chunk), ...rest)) as typeof res.end;
    return;
  }
  if ('truncate' in fault) {
    let left = fault.truncate.bytes;
    const cut = (chunk: unknown): boolean => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return true;
      const b = Buffer.from(chunk as Buffer);
      if (b.length < left) {
        left -= b.length;
        write(b);
        return true;
      }
      write(b.subarray(0, left));
      left = 0;
      setImmediate(() => res.socket?.destroy());
      return false;
    };
    res.write = ((chunk: unknown) => cut(chunk)) as typeof res.write;
    res.end = ((chunk?: unknown) => {
      if (cut(chunk)) setImmediate(() => res.socket?.destroy());
      return res;
    }) as typeof res.end;
  }
}

/**
 * Captures what was sent and records it when the exchange ends — answered, cut by a fault, or dropped by either
 * side: the journal, one log line, and the test hook.
 */
export function recordExchanges(system: string, deps: MountDeps) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = monotonicMs();
    const world = worldOf(res);
    const now = world.clock.now();
    const at = now.toISOString();
    // The query (repeated keys make arrays: types=A&types=B; no bracket syntax, which none of the documents use) and
    // the path below the base, read once.
    const q = req.url.indexOf('?');
    const query = q < 0 ? {} : (parseQuery(req.url.slice(q + 1)) as Record<string, unknown>);
    res.locals.query = query;
    res.locals.path = (q < 0 ? req.url : req.url.slice(0, q)) || '/';
    const events: DomainEvent[] = [];
    res.on('close', () => {
      const captured = res.locals.captured as unknown;
      const wire = res.locals.wire as string | number | undefined;
      const op = res.locals.op as Operation | undefined;
      const fault = res.locals.fault as FaultDecision | undefined;
      const contentType = res.getHeader('content-type') as string | undefined;
      const path = res.locals.path as string;
      const outcome: Outcome = res.writableFinished ? 'answered' : fault && 'truncate' in fault.action ? 'truncated' : 'dropped';
      const durationMs = Math.round((monotonicMs() - started) * 1000) / 1000;
      const principal = res.locals.principal as string | undefined;
      const length = Number(req.headers['content-length']);
      const recorded = world.journal.record(
        {
          at,
          system,
          operationId: op?.operationId,
          method: req.method,
          path: system === 'control' ? req.originalUrl.split('?')[0] : path,
          query,
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
          requestBody: req.body,
          status: res.statusCode,
          outcome,
          ...(fault ? { fault: { rule: fault.rule, action: Object.keys(fault.action)[0], ...(fault.description ? { description: fault.description } : {}) } } : {}),
          ...(principal ? { principal } : {}),
          contentType,
          responseBody: captured,
          durationMs,
          ...(events.length ? { events } : {}),
        },
        { request: Number.isFinite(length) ? length : undefined, response: wire },
      );
      if (system !== 'control' && deps.grading) grade(world, recorded, now.getTime(), req, res, deps.conformance?.(system));
      if (deps.log.isLevelEnabled('info')) {
        const entry = world.journal.last();
        const shown = <T>(v: T) => (deps.showSecrets ? v : redact(v));
        deps.log.info(
          {
            method: req.method,
            path: req.originalUrl.split('?')[0],
            system,
            operationId: op?.operationId,
            status: res.statusCode,
            ms: durationMs,
            ...(outcome !== 'answered' ? { outcome } : {}),
            ...(fault ? { fault: `${Object.keys(fault.action)[0]} (/faults/${fault.rule})` } : {}),
            ...(principal ? { principal } : {}),
            // debug: what was sent and answered, as the journal keeps it (bounded)
            ...(deps.log.isLevelEnabled('debug') ? { requestBody: shown(entry?.requestBody), responseBody: shown(entry?.responseBody) } : {}),
          },
          'request',
        );
      }
      deps.hook?.({ system, op, method: req.method, path, status: res.statusCode, contentType, headers: res.getHeaders(), body: captured, fault, outcome });
    });
    deps.events.run(events, next);
  };
}

/** Hands a client's exchange to the world's report card, attributed to its client. */
function grade(world: MountWorld, e: JournalEntry, atMs: number, req: Request, res: Response, decl: ConformanceDecl | undefined): void {
  const o: Observation = {
    id: e.id,
    at: e.at,
    atMs,
    realMs: monotonicMs(),
    system: e.system,
    operationId: e.operationId,
    method: e.method,
    path: e.path,
    query: e.query,
    params: (res.locals.params as Record<string, unknown> | undefined) ?? {},
    status: e.status,
    requestBody: req.body,
    responseBody: res.locals.captured,
    events: e.events,
  };
  if (req.headers.authorization) o.credential = world.grader.credential(req.headers.authorization);
  if (e.status === 429) {
    const retry = Number(res.getHeader('retry-after'));
    if (Number.isFinite(retry)) o.retryAfterS = retry;
  }
  const agent = req.headers['x-sim-client'] ?? req.headers['user-agent'];
  let who = (res.locals.who as { user?: string; organization?: string } | undefined) ?? {};
  if (!who.user && !who.organization && decl?.caller) {
    try {
      who = decl.caller(o) ?? who;
    } catch {
      // A caller that cannot be read from what was sent is anonymous.
    }
  }
  world.grader.see(o, { system: e.system, user: who.user, organization: who.organization, agent: typeof agent === 'string' && agent ? agent : undefined });
}

async function rateLimited(m: Mounted, world: MountWorld, instance: SystemInstance, req: SimRequest, ip: string): Promise<SimError | undefined> {
  if (!m.rateLimit) return undefined;
  const perMinute = rateLimit(world.config, m.id, m.rateLimit.documented);
  if (perMinute === undefined) return undefined;
  const auth = instance.auth;
  const key = auth?.rateKey?.(req) ?? auth?.who?.(req.principal).user ?? `ip:${ip}`;
  const d = await world.limiter.check(`${m.id}\u0000${key}`, world.clock.nowMs(), perMinute);
  if (d.allowed) return undefined;
  const seconds = Math.max(1, Math.ceil(d.retryAfterMs / 1000));
  return new SimError(m.handbook[m.rateLimit.error], [perMinute], { headers: { 'Retry-After': String(seconds) }, context: { retryAfterSeconds: seconds } });
}

/** An operation's path as a matcher: its parameters by name, case-insensitive, a trailing slash allowed (as Express). */
interface Route {
  op: Operation;
  re: RegExp;
  names: string[];
}

function routesOf(contract: Contract): Map<string, Route[]> {
  const byMethod = new Map<string, Route[]>();
  for (const op of contract.operations) {
    const names: string[] = [];
    const re = new RegExp(`^${op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_s, n: string) => (names.push(n), '([^/]+)'))}/?$`, 'i');
    const method = op.method.toUpperCase();
    byMethod.set(method, [...(byMethod.get(method) ?? []), { op, re, names }]);
  }
  return byMethod;
}

/**
 * One dispatcher per system, shared by every world: it finds the operation of a request by its method and path (its
 * own matching, not a router walk) and serves it with the instance of the world the request addresses
 * (`res.locals.world`), once that world is ready; a path no operation has gets the system's 404 or 405.
 */
export function mountSystem(m: Mounted, deps: MountDeps): RequestHandler {
  const { contract } = m;
  const routes = routesOf(contract);
  /** Every route in the contract's order (what a 405's Allow lists). */
  const all = contract.operations.map((op) => [...routes.values()].flat().find((r) => r.op === op)!);
  const record = recordExchanges(m.id, deps);
  // Each method once: a literal path and a template that also matches it (docs/search, docs/{documentId}) share one.
  const allowedFor = (path: string, instance: SystemInstance) => [...new Set(all.filter((r) => r.re.test(path) && (instance.offered?.(r.op) ?? true)).map((r) => r.op.method.toUpperCase()))];

  const serveOp = async (route: Route, match: RegExpExecArray, req: Request, res: Response, world: MountWorld) => {
    const { op } = route;
    res.locals.op = op;
    const params: Record<string, string> = {};
    for (let i = 0; i < route.names.length; i++) params[route.names[i]] = decodeURIComponent(match[i + 1]);
    req.params = params;
    res.locals.query = boundAs(res.locals.query as Record<string, unknown>, op, m.queryBinding);
    const simReq: SimRequest = { op, query: res.locals.query as Record<string, unknown>, params, body: undefined, headers: req.headers, ip: req.socket.remoteAddress ?? '' };
    let renderer = world.served(m.id).renderer;
    try {
      const read = await readBody(req, res, op.requestMedia, m.bodyLimit);
      simReq.body = req.body = read.body; // req.body: what the journal records, whatever the media type
      // From here the request belongs to one generation of the world: guards, handler, what it commits.
      const serve = async (): Promise<SimResponse | undefined> => {
        const served = world.served(m.id);
        const { instance } = served;
        renderer = served.renderer;
        const auth = instance.auth;
        // Who is calling, how often, and may they: a failure here waits behind a fault (a gateway answers first).
        let guardError: unknown;
        try {
          if (op.secured) await auth!.authenticate(simReq);
          guardError = await rateLimited(m, world, instance, simReq, simReq.ip);
          if (!guardError) auth?.authorize?.(simReq);
        } catch (e) {
          guardError = e;
        }
        const who = auth?.who?.(simReq.principal) ?? {};
        if (who.user) res.locals.principal = who.user;
        res.locals.who = who;
        res.locals.params = simReq.params;
        const engine = world.faults;
        const fault = engine?.decide({ system: m.id, operationId: op.operationId, method: req.method, path: res.locals.path as string, nowMs: world.clock.nowMs(), ...who });
        if (fault) {
          res.locals.fault = fault;
          if (await answerFault(fault.action, engine!, m, renderer, res)) return undefined;
          if ('outcome' in fault.action) simReq.forced = fault.action.outcome;
        }
        if (guardError !== undefined) throw guardError;
        const checked = contract.validateRequest(op, { query: simReq.query, params: simReq.params, headers: req.headers, body: simReq.body, mediaType: read.mediaType });
        if (!checked.ok) {
          const invalid = new RequestInvalid(checked.issues);
          await instance.refused?.(op, simReq, invalid);
          throw invalid;
        }
        simReq.query = checked.value.query;
        simReq.params = checked.value.params;
        return instance.handlers[op.operationId](simReq);
      };
      // The control plane is not a client of a world: a reset must not wait for itself.
      // The control plane is not held at a reset's gate; with a shared store it reads what other replicas committed
      // (or, the database out of reach, what this replica holds: health then says so, and writes fail on their own).
      const out = m.id === 'control' ? await world.sync().then(serve, serve) : await world.busy(serve);
      if (!out) return;
      const produced = out.contentType ?? (out.body !== undefined && typeof out.body !== 'string' && !Buffer.isBuffer(out.body) ? 'application/json' : undefined);
      if (produced && renderer.notAcceptable && !accepts(req).type(produced)) return void (await send(res, renderer.notAcceptable(op, simReq)));
      const fault = res.locals.fault as FaultDecision | undefined;
      if (fault && ('truncate' in fault.action || 'corrupt' in fault.action)) damage(res, fault.action);
      await send(res, out);
    } catch (err) {
      // A failure after a stream began cannot change the status any more: cut the connection instead.
      if (res.headersSent) res.destroy(err as Error);
      // The world was reset while this request changed it: nothing was written; the system is unavailable for it.
      else if ((err as Error)?.name === 'WorldReplaced') await send(res, renderer.renderStatus(503));
      else await send(res, renderer.render(err, op, simReq));
    }
  };

  const dispatch = async (req: Request, res: Response, next: NextFunction) => {
    const world = worldOf(res);
    const path = res.locals.path as string;
    const { instance } = world.served(m.id);
    const candidates = [...(routes.get(req.method) ?? []), ...(req.method === 'HEAD' ? (routes.get('GET') ?? []) : [])];
    for (const route of candidates) {
      const match = route.re.exec(path);
      if (!match || (instance.offered && !instance.offered(route.op))) continue;
      try {
        for (let i = 1; i < match.length; i++) decodeURIComponent(match[i]);
      } catch {
        // Not valid percent-encoding: answered as the operation it would have reached (its error family), unmatched.
        const e = new RequestInvalid([{ in: 'path', path: '', reason: 'malformed', message: 'the path is not valid percent-encoding' }]);
        return void (await send(res, world.served(m.id).renderer.render(e, route.op)));
      }
      return serveOp(route, match, req, res, world);
    }
    void next;
    await world.ready();
    const served = world.served(m.id);
    void (await send(res, served.renderer.unmatched(req.method, path, allowedFor(path, served.instance))));
  };

  return (req: Request, res: Response, next: NextFunction) => {
    record(req, res, () => {
      dispatch(req, res, next).catch((err: unknown) => {
        // Last resort: an exception outside a handler still answers in the system's envelope, never a stack trace.
        if (res.headersSent) res.destroy();
        else void send(res, worldOf(res).served(m.id).renderer.render(err));
      });
    });
  };
}
