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
import { AsyncLocalStorage } from 'node:async_hooks';
import { STATUS_CODES } from 'node:http';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { readBody } from './body.js';
import { monotonicMs, type Clock } from './clock.js';
import type { Renderer } from './envelope.js';
import { RequestInvalid, SimError, type HandbookEntry, type RenderedError } from './errors.js';
import { gatewayPage, type FaultDecision, type FaultEngine } from './faults.js';
import type { Journal, Outcome } from './journal.js';
import type { RateLimiter } from './limits.js';
import type { Logger } from './log.js';
import type { Contract, Operation } from './openapi.js';
import { redact } from './secrets.js';
import type { FaultAction } from './scenario.js';
import { rateLimit, type DomainEvent, type RateLimitDecl, type SimConfig, type SimRequest, type SimResponse, type SystemInstance } from './system.js';

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
  readonly faults: FaultEngine | undefined;
  /** Resolves when the world may serve (while a reset is being written, requests wait). */
  ready(): Promise<void>;
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
}

async function send(res: Response, r: RenderedError | SimResponse, fallbackStatus = 200): Promise<void> {
  res.status(r.status ?? fallbackStatus);
  for (const [k, v] of Object.entries(r.headers ?? {})) res.setHeader(k, v);
  if ('stream' in r && r.stream) {
    if (r.contentType) res.type(r.contentType);
    // A HEAD of a stream (an event stream never ends by itself): its status and headers, at once.
    if (res.req.method === 'HEAD') {
      res.end();
      return;
    }
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

/**
 * Captures what was sent and records it when the exchange ends — answered, cut by a fault, or dropped by either
 * side: the journal, one log line, and the test hook.
 */
export function recordExchanges(system: string, deps: MountDeps) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = monotonicMs();
    const world = worldOf(res);
    const at = world.clock.now().toISOString();
    // Express 5 parses req.query on every read: read it once.
    const query = req.query as Record<string, unknown>;
    res.locals.query = query;
    let captured: unknown;
    let capturedSet = false;
    let wire: string | number | undefined;
    const events: DomainEvent[] = [];
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
    res.on('close', () => {
      const op = res.locals.op as Operation | undefined;
      const fault = res.locals.fault as FaultDecision | undefined;
      const contentType = res.getHeader('content-type') as string | undefined;
      const path = req.originalUrl.split('?')[0].slice(req.baseUrl.length) || '/';
      const outcome: Outcome = res.writableFinished ? 'answered' : fault && 'truncate' in fault.action ? 'truncated' : 'dropped';
      const durationMs = Math.round((monotonicMs() - started) * 1000) / 1000;
      const principal = res.locals.principal as string | undefined;
      const length = Number(req.headers['content-length']);
      world.journal.record(
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

function rateLimited(m: Mounted, world: MountWorld, instance: SystemInstance, req: SimRequest, ip: string): SimError | undefined {
  if (!m.rateLimit) return undefined;
  const perMinute = rateLimit(world.config, m.id, m.rateLimit.documented);
  if (perMinute === undefined) return undefined;
  const auth = instance.auth;
  const key = auth?.rateKey?.(req) ?? auth?.who?.(req.principal).user ?? `ip:${ip}`;
  const d = world.limiter.hit(`${m.id}\u0000${key}`, world.clock.nowMs(), perMinute);
  if (d.allowed) return undefined;
  const seconds = Math.max(1, Math.ceil(d.retryAfterMs / 1000));
  return new SimError(m.handbook[m.rateLimit.error], [perMinute], { headers: { 'Retry-After': String(seconds) }, context: { retryAfterSeconds: seconds } });
}

/**
 * One router per system, shared by every world: each request is served by the instance of the world it addresses
 * (`res.locals.world`), once that world is ready.
 */
export function mountSystem(m: Mounted, deps: MountDeps): Router {
  const { contract } = m;
  const router = express.Router({ strict: false });
  router.use(recordExchanges(m.id, deps));

  for (const op of contract.operations) {
    router[op.method](op.expressPath, async (req: Request, res: Response, next: NextFunction) => {
      const world = worldOf(res);
      const offered = world.served(m.id).instance.offered;
      if (offered && !offered(op)) return next();
      res.locals.op = op;
      const simReq: SimRequest = { op, query: res.locals.query as Record<string, unknown>, params: req.params as Record<string, unknown>, body: undefined, headers: req.headers, ip: req.ip ?? '' };
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
            guardError = rateLimited(m, world, instance, simReq, req.ip ?? '');
            if (!guardError) auth?.authorize?.(simReq);
          } catch (e) {
            guardError = e;
          }
          const who = auth?.who?.(simReq.principal) ?? {};
          if (who.user) res.locals.principal = who.user;
          const engine = world.faults;
          const fault = engine?.decide({ system: m.id, operationId: op.operationId, method: req.method, path: req.path, nowMs: world.clock.nowMs(), ...who });
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
        const out = m.id === 'control' ? await serve() : await world.busy(serve);
        if (!out) return;
        const produced = out.contentType ?? (out.body !== undefined && typeof out.body !== 'string' && !Buffer.isBuffer(out.body) ? 'application/json' : undefined);
        if (produced && renderer.notAcceptable && !req.accepts(produced)) return void (await send(res, renderer.notAcceptable(op, simReq)));
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
    });
  }
  router.use(async (req: Request, res: Response) => {
    const world = worldOf(res);
    await world.ready();
    const { instance, renderer } = world.served(m.id);
    const path = req.path;
    const allowed = contract.operations.filter((o) => contract.match(o.method, path)?.op === o && (instance.offered?.(o) ?? true)).map((o) => o.method.toUpperCase());
    void send(res, renderer.unmatched(req.method, path, allowed));
  });
  // Last resort: an exception outside a handler still answers in the system's envelope, never a stack trace; a path
  // that is not valid percent-encoding is answered as the operation it would have reached (its error family).
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err instanceof URIError ? new RequestInvalid([{ in: 'path', path: '', reason: 'malformed', message: 'the path is not valid percent-encoding' }]) : err;
    let op: Operation | undefined;
    try {
      op = contract.match(req.method, req.path)?.op;
    } catch {
      op = undefined;
    }
    if (res.headersSent) res.destroy();
    else void send(res, worldOf(res).served(m.id).renderer.render(e, op));
  });
  return router;
}
