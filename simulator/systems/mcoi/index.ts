/**
 * MCOI — ASL BELGISI (Uzbekistan) Marking Code Ordering Interface v1.1.17, served under /mcoi.
 */
import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { mergeByKey } from '../../core/scenario.js';
import { join } from 'node:path';
import { bearerToken, checkToken } from '../../core/auth.js';
import { RequestInvalid, SimError, type RenderedError } from '../../core/errors.js';
import { RateLimiter } from '../../core/limits.js';
import { PROJECT_ROOT } from '../../core/paths.js';
import { rateLimit, resolveTimings, type SimContext, type SystemInstance, type SystemModule, type WorldSeed } from '../../core/system.js';
import type { Contract } from '../../core/openapi.js';
import { CONTROL_HANDBOOK } from '../../control/handbook.js';
import { CodeBook } from './codes.js';
import { codeKeyFor } from './generate.js';
import { HANDBOOK, type McoiError } from './handbook.js';
import { orderStatus, reportStatus } from './machine.js';
import { DEFAULT_TIMINGS, LIMITS, ROLE_FOR_OPERATION, type McoiTimings } from './reference.js';
import { createHandlers, type McoiRuntime } from './routes.js';
import { buildWorld, type WorldFixture } from './world.js';
import type { McoiState, User } from './state.js';

export const CONTRACT_FILE = 'openapi/mcoi.yaml';

export interface McoiEnvelopeItem {
  error: string;
  errorCode: number;
  code?: string;
  requestBodyJsonPath?: string;
  requestQueryJsonPath?: string;
  requestPathJsonPath?: string;
  errorId?: string;
  service?: string;
  context?: Record<string, unknown>;
}

/** The §1.6 envelope for one handbook entry: what tests compare responses with. */
export function renderError(entry: McoiError, args: unknown[] = [], details: SimError['details'] = {}, errorId?: string): { status: number; body: { globalErrors: McoiEnvelopeItem[] } } {
  const e = new SimError(entry, args, details);
  const item: McoiEnvelopeItem = { error: e.message, errorCode: entry.errorCode };
  if (entry.code) item.code = entry.code;
  if (details.body) item.requestBodyJsonPath = details.body;
  if (details.query) item.requestQueryJsonPath = details.query;
  if (details.path) item.requestPathJsonPath = details.path;
  if (errorId) item.errorId = errorId;
  item.service = 'mcoi';
  if (details.context) item.context = details.context;
  return { status: entry.status, body: { globalErrors: [item] } };
}

function loadFixture(): WorldFixture {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'fixtures', 'mcoi', 'world.json'), 'utf8')) as WorldFixture;
}

export const mcoi: SystemModule<McoiState, User> = {
  id: 'mcoi',
  title: 'ASL BELGISI (Uzbekistan) Marking Code Ordering Interface v1.1.17',
  contractFile: CONTRACT_FILE,

  initialWorld(seed: number, _nowMs: number): WorldSeed<McoiState> {
    return buildWorld(loadFixture(), codeKeyFor(seed));
  },

  overlayWorld(state: McoiState, o: Record<string, unknown>): McoiState {
    const w = state.world;
    return {
      ...state,
      world: {
        organizations: mergeByKey(w.organizations, o.organizations, 'id'),
        users: mergeByKey(w.users, o.users, 'login'),
        businessPlaces: mergeByKey(w.businessPlaces, o.businessPlaces, 'id'),
        products: mergeByKey(w.products, o.products, 'gtin'),
      },
    };
  },

  create(ctx: SimContext, contract: Contract): SystemInstance<User> {
    const state = () => ctx.store.get<McoiState>('mcoi');
    const timings = (): McoiTimings => resolveTimings('mcoi', DEFAULT_TIMINGS, ctx.config.timings);
    // The code index serves mutations (a report resolving codes), so it follows the latest state.
    const book = new CodeBook(() => ctx.store.latest<McoiState>('mcoi'), ctx.store.blobs, () => ctx.clock.nowMs(), timings);
    const limiter = new RateLimiter({ limit: LIMITS.requestsPerMinute, windowMs: 60_000 });
    const permissionStatus = () => Number(ctx.config.profile.mcoi?.permissionDeniedStatus ?? 403);

    const rt: McoiRuntime = {
      state,
      commit: (fn) => ctx.store.update('mcoi', fn),
      env: (tx, forced) => ({ now: ctx.clock.nowMs(), ids: tx.ids, timings: timings(), codes: book, forced }),
      now: () => ctx.clock.nowMs(),
      timings,
      book,
      blobs: ctx.store.blobs,
      permissionStatus,
      validateSchema: (name, value) => contract.validateSchema(name, value, '$.documentBody'),
    };

    const limitHit = (key: string) => {
      const perMinute = rateLimit(ctx.config, 'mcoi', LIMITS.requestsPerMinute);
      if (perMinute === undefined) return;
      const d = limiter.hit(key, ctx.clock.nowMs(), perMinute);
      if (!d.allowed) {
        const seconds = Math.max(1, Math.ceil(d.retryAfterMs / 1000));
        throw new SimError(HANDBOOK.TOO_MANY_REQUESTS, [perMinute], { headers: { 'Retry-After': String(seconds) }, context: { retryAfterSeconds: seconds } });
      }
    };

    const render = (err: unknown): RenderedError => {
      const id = ctx.store.responseIds('mcoi').uuid();
      if (err instanceof SimError) {
        const r = renderError(err.entry as McoiError, [...err.args], err.details, id);
        return { ...r, headers: err.details.headers };
      }
      if (err instanceof RequestInvalid) {
        const i = err.issues[0];
        if (i.reason === 'malformed') return renderError(HANDBOOK.INVALID_FORMAT, [i.message], { body: '$' }, id);
        if (i.reason === 'tooLarge') return renderError(HANDBOOK.PAYLOAD_TOO_LARGE, [ctx.config.bodyLimit], {}, id);
        const where = i.in === 'body' ? i.path : i.path || (i.name ?? '');
        return renderError(HANDBOOK.INVALID_INPUT, [where, i.message], {
          ...(i.in === 'body' ? { body: i.path } : i.in === 'query' ? { query: i.path } : i.in === 'path' ? { path: i.path } : {}),
          context: { parameter: i.name ?? i.path, reason: i.reason },
        }, id);
      }
      console.error('[mcoi] unexpected error', err);
      return renderError(HANDBOOK.INTERNAL, [], {}, id);
    };

    return {
      handlers: createHandlers(rt),
      render,
      handbook: HANDBOOK,
      renderStatus: (status) => {
        if (status === 503) return renderError(HANDBOOK.SERVICE_UNAVAILABLE);
        if (status === 500) return renderError(HANDBOOK.INTERNAL);
        return renderError({ ...HANDBOOK.UPSTREAM_STATUS, status }, [status, STATUS_CODES[status] ?? 'Error']);
      },
      who: (user) => ({ user: user?.login, organization: user ? state().world.organizations.find((o) => o.id === user.orgId)?.tin : undefined }),
      unmatched: (method, path, allowed) =>
        allowed.length ? { ...renderError(HANDBOOK.METHOD_NOT_ALLOWED, [method, allowed.join(', ')]), headers: { Allow: allowed.join(', ') } } : renderError(HANDBOOK.PATH_NOT_FOUND, [method, path]),
      guard(req) {
        const opId = req.op.operationId;
        if (opId === 'authenticate') {
          const login = (req.body as { login?: unknown } | undefined)?.login;
          limitHit(`login:${typeof login === 'string' ? login : req.ip}`);
          return;
        }
        const token = bearerToken(req.headers.authorization as string | undefined);
        const check = checkToken(state().sessions, token, ctx.clock.nowMs());
        if (!check.ok) throw new SimError(HANDBOOK.UNAUTHORIZED, [`${check.detail} token`], { header: 'Authorization', context: { _cause: check.reason } });
        const user = state().world.users.find((u) => u.login === check.subject);
        if (!user) throw new SimError(HANDBOOK.UNAUTHORIZED, ['unknown user'], { context: { _cause: 'invalid-token' } });
        limitHit(`user:${user.login}`);
        const role = ROLE_FOR_OPERATION[opId];
        if (role && role !== 'BY_DOCUMENT_TYPE' && !user.roles.includes(role)) throw new SimError({ ...HANDBOOK.NO_PERMISSION, status: permissionStatus() });
        req.principal = user;
      },
      rebuild: () => book.rebuild(),
      clearTransient: () => limiter.clear(),
      summary() {
        const s = state();
        const now = ctx.clock.nowMs();
        const t = timings();
        const count = (xs: string[]) => xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});
        return {
          system: 'mcoi',
          timings: t,
          rateLimits: ((n) => (n === undefined ? 'off' : { requestsPerMinute: n }))(rateLimit(ctx.config, 'mcoi', LIMITS.requestsPerMinute)),
          organizations: s.world.organizations.map((o) => ({ id: o.id, tin: o.tin, name: o.name, kinds: o.kinds })),
          users: s.world.users.map((u) => ({ login: u.login, orgId: u.orgId, roles: u.roles })),
          orders: { total: Object.keys(s.orders).length, byStatus: count(Object.values(s.orders).map((o) => orderStatus(o, now, t))) },
          documents: {
            total: Object.keys(s.documents).length,
            byType: count(Object.values(s.documents).map((d) => d.type)),
            byStatus: count(Object.values(s.documents).map((d) => reportStatus(d, now, t))),
          },
          codes: book.stats(),
          activeSessions: Object.values(s.sessions).filter((x) => x.expiresAt > now).length,
        };
      },
      controlHandlers: {
        getMcoiCodeState: (req) => {
          const code = String(req.params.code);
          const d = book.describe(code);
          if (!d) throw new SimError(CONTROL_HANDBOOK.UNKNOWN_CODE, [code]);
          return { body: d };
        },
      },
    };
  },
};

