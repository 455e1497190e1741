/**
 * What a system module is, and the one piece of machinery that mounts it: a route per contract operation; the
 * system's guard (auth, rate limit); a scenario's fault, if one matches; request validation against the contract;
 * the handler; the system's error renderer; the journal. Routes never see malformed input; clients never see a
 * framework's error body.
 *
 * @example
 * app.use('/mcoi', mountSystem('mcoi', instance, contract, ctx, journal));
 */
import { STATUS_CODES } from 'node:http';
import express, { type Request, type Response, type NextFunction, type Router } from 'express';
import { monotonicMs, type Clock } from './clock.js';
import { RequestInvalid, SimError, type HandbookEntry, type RenderedError } from './errors.js';
import { gatewayPage, type FaultEngine } from './faults.js';
import type { Journal } from './journal.js';
import type { Contract, Operation } from './openapi.js';
import type { FaultAction, ForcedOutcome, LimitSetting } from './scenario.js';
import type { Store } from './store.js';

export interface SimRequest<P = unknown> {
  op: Operation;
  query: Record<string, any>;
  params: Record<string, any>;
  body: any;
  headers: Record<string, string | string[] | undefined>;
  /** Set by the system's guard: who is calling (a user, a token...). */
  principal?: P;
  ip: string;
  /** A business outcome forced by a scenario fault (order rejected, report ERROR, ...). */
  forced?: ForcedOutcome;
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

export interface SimConfig {
  seed: number;
  /** Documented request-rate limits: the default, and per system (a scenario's `limits`). */
  rateLimits: boolean;
  limits: Record<string, LimitSetting>;
  /** Processing delays in virtual ms, per system then per name; `'*': { all: N }` sets every delay of every system. */
  timings: Record<string, Record<string, number>>;
  /** Observed-behaviour switches (see README, fidelity profile). */
  profile: Record<string, Record<string, unknown>>;
  bodyLimit: string;
}

/**
 * What a system receives from the app: shared machinery, never another system. State goes through the store:
 * `store.get(id)` (committed), `store.latest(id)` (mutations and their indexes), `store.update(id, fn)`.
 */
export interface SimContext {
  clock: Clock;
  store: Store;
  config: SimConfig;
  /** The active scenario's fault rules, if any. */
  faults(): FaultEngine | undefined;
}

/** The requests per minute a system allows now: its documented number, a scenario's override, or none (off). */
export function rateLimit(config: SimConfig, systemId: string, documented: number): number | undefined {
  const v = config.limits[systemId];
  if (v === undefined) return config.rateLimits ? documented : undefined;
  if (v === 'off') return undefined;
  return v === 'on' ? documented : v.requestsPerMinute;
}

export interface SystemInstance<P = unknown> {
  /** One handler per contract operationId; the coverage test compares both sets. */
  handlers: Record<string, Handler<P>>;
  /** Runs before validation for every operation: authenticate, rate-limit. Throws SimError. */
  guard?(req: SimRequest<P>): void | Promise<void>;
  /** Renders any failure in the system's own envelope. */
  render(err: unknown): RenderedError;
  /** The system's handbook, for scenario faults that name an error by its key. */
  handbook: Record<string, HandbookEntry>;
  /** An error of a given HTTP status in the system's own envelope (scenario `status` faults). */
  renderStatus(status: number): RenderedError;
  /** Who is calling, for fault matches on user and organization. */
  who?(principal: P | undefined): { user?: string; organization?: string };
  /** Error for a path below the base that no operation has (`method` known elsewhere → 405). */
  unmatched(method: string, path: string, allowed: string[]): RenderedError;
  /** Rebuilds runtime indexes from the store (after open, reset, scenario). */
  rebuild(): void;
  /** Read-only summary for GET /__sim/state/:id. */
  summary(): unknown;
  /** Read-only control-plane operations this system adds (declared in openapi/control.yaml). */
  controlHandlers?: Record<string, Handler>;
  /** Forgets per-process counters (rate windows). */
  clearTransient?(): void;
}

export interface WorldSeed<S> {
  state: S;
  blobs: Record<string, unknown>;
}

export interface SystemModule<S = unknown, P = unknown> {
  id: string;
  title: string;
  contractFile: string;
  /** The default world; `nowMs` lets fixtures place history relative to the moment the world is made. */
  initialWorld(seed: number, nowMs: number): WorldSeed<S>;
  /** A scenario's `world` for this system laid over the initial state (lists merged by key). */
  overlayWorld?(state: S, overlay: Record<string, unknown>): S;
  create(ctx: SimContext, contract: Contract): SystemInstance<P>;
}

export interface ExchangeHook {
  (e: { system: string; op?: Operation; method: string; path: string; status: number; contentType?: string; body: unknown; fault?: string }): void;
}

/**
 * A system's processing delays: its defaults, then `'*'.all` (SIM_TIMINGS=instant), then its own overrides.
 *
 * @example
 * resolveTimings('mcoi', { orderReadyMs: 3000 }, { '*': { all: 0 } }); // { orderReadyMs: 0 }
 */
export function resolveTimings<T extends Record<string, number>>(systemId: string, defaults: T, timings: SimConfig['timings']): T {
  const all = timings['*']?.all;
  const base = all === undefined ? { ...defaults } : (Object.fromEntries(Object.keys(defaults).map((k) => [k, all])) as T);
  return { ...base, ...(timings[systemId] ?? {}) } as T;
}

async function send(res: Response, r: RenderedError | SimResponse, fallbackStatus = 200): Promise<void> {
  res.status(r.status ?? fallbackStatus);
  for (const [k, v] of Object.entries(r.headers ?? {})) res.setHeader(k, v);
  if ('stream' in r && r.stream) {
    if (r.contentType) res.type(r.contentType);
    await r.stream(res);
    res.end();
    return;
  }
  if (r.body === undefined) {
    res.end();
    return;
  }
  if (r.contentType) res.type(r.contentType);
  if (typeof r.body === 'string' || Buffer.isBuffer(r.body)) res.send(r.body);
  else res.json(r.body);
}

/** Answers a fault that replaces the response; false when the request goes on (latency, outcome, truncate, corrupt). */
async function answerFault(fault: FaultAction, engine: FaultEngine, instance: SystemInstance, res: Response): Promise<boolean> {
  if ('error' in fault) {
    const entry = instance.handbook[fault.error];
    if (!entry) throw new Error(`scenario fault names unknown handbook key ${fault.error}`);
    // Text arguments are not known to a fault: placeholders name them.
    const args = Array.from({ length: typeof entry.text === 'function' ? entry.text.length : 0 }, (_, i) => `{${i}}`);
    await send(res, instance.render(new SimError(entry, args)));
    return true;
  }
  if ('status' in fault) {
    await send(res, instance.renderStatus(fault.status));
    return true;
  }
  if ('html' in fault) {
    res.status(fault.html.status).type('text/html').send(gatewayPage(fault.html.status, STATUS_CODES[fault.html.status] ?? 'Error'));
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

/** Captures what was sent (for the journal and the contract check) and records it when the response ends. */
export function recordExchanges(system: string, clock: Clock, journal: Journal, hook?: ExchangeHook) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = monotonicMs();
    const at = clock.now().toISOString();
    // Express 5 parses req.query on every read: read it once.
    const query = req.query as Record<string, unknown>;
    res.locals.query = query;
    let captured: unknown;
    let capturedSet = false;
    let wire: string | number | undefined;
    const json = res.json.bind(res);
    const sendRaw = res.send.bind(res);
    res.json = (b: unknown) => {
      captured = b;
      capturedSet = true;
      return json(b); // calls res.send with the serialized text, captured below as `wire`
    };
    res.send = (b: unknown) => {
      if (!capturedSet) {
        captured = b;
        capturedSet = true;
      }
      wire = typeof b === 'string' ? b : Buffer.isBuffer(b) ? b.length : undefined;
      return sendRaw(b);
    };
    res.on('finish', () => {
      const op = res.locals.op as Operation | undefined;
      const contentType = res.getHeader('content-type') as string | undefined;
      const path = req.originalUrl.split('?')[0].slice(req.baseUrl.length) || '/';
      const length = Number(req.headers['content-length']);
      journal.record(
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
          contentType,
          responseBody: captured,
          durationMs: Math.round((monotonicMs() - started) * 1000) / 1000,
        },
        { request: Number.isFinite(length) ? length : undefined, response: wire },
      );
      hook?.({ system, op, method: req.method, path, status: res.statusCode, contentType, body: captured, fault: res.locals.fault as string | undefined });
    });
    next();
  };
}

export function mountSystem(id: string, instance: SystemInstance, contract: Contract, ctx: SimContext, journal: Journal, hook?: ExchangeHook): Router {
  const router = express.Router({ strict: false });
  router.use(recordExchanges(id, ctx.clock, journal, hook));
  const json = express.json({ limit: ctx.config.bodyLimit, type: ['application/json', 'application/*+json'] });
  // GET and HEAD carry no body in these APIs: skip the parser (it costs on the hottest path).
  router.use((req: Request, res: Response, next: NextFunction) => (req.method === 'GET' || req.method === 'HEAD' ? next() : json(req, res, next)));
  // Body-parser failures (malformed JSON, oversize) rendered in the system's own envelope.
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.type === 'entity.parse.failed') {
      void send(res, instance.render(new RequestInvalid([{ in: 'body', path: '$', reason: 'malformed', message: 'request body is not valid JSON' }])));
    } else if (e?.type === 'entity.too.large') {
      void send(res, instance.render(new RequestInvalid([{ in: 'body', path: '$', reason: 'tooLarge', message: `request body is larger than ${ctx.config.bodyLimit}` }])));
    } else if (e?.status && e.status < 500) {
      void send(res, instance.render(new RequestInvalid([{ in: 'body', path: '$', reason: 'malformed', message: e.message ?? 'bad request body' }])));
    } else next(err);
  });

  for (const op of contract.operations) {
    const handler = instance.handlers[op.operationId];
    if (!handler) throw new Error(`${id}: contract operation ${op.operationId} has no handler`);
    router[op.method](op.expressPath, async (req: Request, res: Response) => {
      res.locals.op = op;
      const simReq: SimRequest = {
        op,
        query: res.locals.query as Record<string, unknown>,
        params: req.params as Record<string, unknown>,
        body: req.body,
        headers: req.headers,
        ip: req.ip ?? '',
      };
      try {
        // The guard runs first so faults can match the caller; a gateway fault still answers before a 401.
        let guardError: unknown;
        try {
          await instance.guard?.(simReq);
        } catch (e) {
          guardError = e;
        }
        const engine = ctx.faults();
        const fault = engine?.decide({ system: id, operationId: op.operationId, method: req.method, path: req.path, nowMs: ctx.clock.nowMs(), ...instance.who?.(simReq.principal) });
        if (fault) {
          res.locals.fault = Object.keys(fault)[0];
          if (await answerFault(fault, engine!, instance, res)) return;
          if ('outcome' in fault) simReq.forced = fault.outcome;
        }
        if (guardError !== undefined) throw guardError;
        const checked = contract.validateRequest(op, { query: simReq.query, params: simReq.params, body: simReq.body });
        if (!checked.ok) throw new RequestInvalid(checked.issues);
        simReq.query = checked.value.query;
        simReq.params = checked.value.params;
        const out = await handler(simReq);
        if (fault && ('truncate' in fault || 'corrupt' in fault)) damage(res, fault);
        await send(res, out);
      } catch (err) {
        // A failure after a stream began cannot change the status any more: cut the connection instead.
        if (res.headersSent) res.destroy(err as Error);
        else await send(res, instance.render(err));
      }
    });
  }
  router.use((req: Request, res: Response) => {
    const path = req.path;
    const allowed = contract.operations.filter((o) => contract.match(o.method, path)?.op === o).map((o) => o.method.toUpperCase());
    void send(res, instance.unmatched(req.method, path, allowed));
  });
  // Last resort: an exception outside a handler still answers in the system's envelope, never a stack trace.
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    void send(res, instance.render(err));
  });
  return router;
}

