/**
 * MCOI — ASL BELGISI (Uzbekistan) Marking Code Ordering Interface v1.1.17, served under /mcoi. This file is what the
 * system declares (contract, handbook, timings, rate limit, switches, outcomes, world) and how it is wired.
 */
import { STATUS_CODES } from 'node:http';
import { bearerToken, checkToken } from '../../core/auth.js';
import { RequestInvalid, SimError, type RenderedError } from '../../core/errors.js';
import { mergeByKey, overlayList as list } from '../../core/scenario.js';
import type { SystemModule } from '../../core/system.js';
import { pmap } from '../../core/pmap.js';
import { CodeBook } from './codes.js';
import { McoiIndexes } from './indexes.js';
import { codeKeyFor } from './generate.js';
import { CONTROL_ERRORS, HANDBOOK, type McoiError } from './handbook.js';
import { orderStatus, reportStatus, type McoiOutcome } from './machine.js';
import { EXTENSION_OPERATIONS, LIMITS, ORG_KINDS, PRODUCT_GROUPS, ROLE_FOR_OPERATION, ROLES, TIMINGS, type McoiTimings } from './reference.js';
import { createHandlers, type McoiRuntime } from './routes.js';
import { createViews } from './views.js';
import type { McoiState, User } from './state.js';
import { buildWorld, type WorldFixture } from './world.js';

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
  if (entry.bare) return { status: entry.status, body: { globalErrors: [item] } };
  if (entry.code) item.code = entry.code;
  if (details.body) item.requestBodyJsonPath = details.body;
  if (details.query) item.requestQueryJsonPath = details.query;
  if (details.path) item.requestPathJsonPath = details.path;
  if (errorId) item.errorId = errorId;
  item.service = 'mcoi';
  if (details.context) item.context = details.context;
  return { status: entry.status, body: { globalErrors: [item] } };
}


export const mcoi: SystemModule<McoiState, User> = {
  id: 'mcoi',
  title: 'ASL BELGISI (Uzbekistan) Marking Code Ordering Interface v1.1.17',
  base: '/mcoi',
  contract: 'openapi/mcoi.yaml',
  controlContract: 'openapi/mcoi.control.yaml',
  handbook: HANDBOOK,
  timings: TIMINGS,
  rateLimit: { documented: LIMITS.requestsPerMinute, source: '§1.4 (100 hits a minute); 429 with Retry-After (observed)', error: 'TOO_MANY_REQUESTS' },
  switches: {
    permissionDeniedStatus: {
      env: 'SIM_MCOI_PERMISSION_STATUS',
      values: [403, 400],
      default: 403,
      description: 'The HTTP status of a missing role: 403 as §2.4 says, or 400 as the real stage answers.',
    },
    extensions: {
      env: 'SIM_MCOI_EXTENSIONS',
      values: ['on', 'off'],
      default: 'on',
      description: 'The operations real clients call beyond v1.1.17 (README "beyond the document"): served, or off for the 404 of a strictly documented server.',
    },
  },
  outcomes: {
    orderRejected: { operations: ['registerOrder'], schema: { type: 'string', minLength: 1, maxLength: 1000 }, description: 'Every sub-order REJECTED with this reason.' },
    reportError: {
      operations: ['registerUtilisation', 'registerValidation', 'registerAggregation', 'registerDisaggregation'],
      description: 'The report ends ERROR with these errors (storage/errors).',
      schema: {
        type: 'array',
        minItems: 1,
        maxItems: 1000,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['errorCode'],
          properties: { propertyName: { type: 'string' }, propertyValue: { type: 'string' }, errorCode: { type: 'string' }, errorTags: { type: 'object' } },
        },
      },
    },
    partiallyProcessed: {
      operations: ['registerValidation', 'registerAggregation', 'registerDisaggregation'],
      description:
        'The document ends PARTIALLY_PROCESSED (observed #12): the codes at these positions (0-based, in the order the report names them) get these errors, the others take effect. Only for a report that passes every check; utilisation reports have no such status (§6.9).',
      schema: {
        type: 'array',
        minItems: 1,
        maxItems: 1000,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['at', 'errorCode'],
          properties: { at: { type: 'integer', minimum: 0, maximum: 29_999 }, errorCode: { type: 'string', minLength: 1 }, propertyName: { type: 'string' }, errorTags: { type: 'object' } },
        },
      },
    },
    notInStorageForMs: {
      operations: ['registerUtilisation', 'registerValidation', 'registerAggregation', 'registerDisaggregation'],
      description: 'Document storage answers 404 for the new document for this many ms of virtual time (observed #8: clients poll through it).',
      schema: { type: 'integer', minimum: 1, maximum: 86_400_000 },
    },
  },
  callers: { user: 'login', organization: "TIN of the caller's organization" },
  fixture: 'fixtures/mcoi/world.json',
  credentials: (fixture) =>
    (fixture as WorldFixture).users.map((u) => ({ user: u.login, secret: u.password, note: `POST /api/users/authenticate; organization ${u.orgId}; roles ${u.roles.join(', ') || 'none'}` })),
  worldOverlay: {
    type: 'object',
    additionalProperties: false,
    description: 'Organizations (by id), users (by login), places of business (by id), product cards (by gtin).',
    properties: {
      organizations: list({
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: {
          id: { type: 'integer' },
          tin: { type: 'string', pattern: '^[0-9]{9}$' },
          name: { type: 'string' },
          kinds: { type: 'array', items: { enum: [...ORG_KINDS] } },
          productGroups: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['productGroup', 'issuer'], properties: { productGroup: { enum: [...PRODUCT_GROUPS] }, issuer: { type: 'boolean' } } } },
        },
      }),
      users: list({
        type: 'object',
        additionalProperties: false,
        required: ['login'],
        properties: { login: { type: 'string', minLength: 1 }, password: { type: 'string' }, orgId: { type: 'integer' }, name: { type: 'string' }, roles: { type: 'array', items: { enum: Object.keys(ROLES) } } },
      }),
      businessPlaces: list({ type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'integer' }, orgId: { type: 'integer' }, address: { type: 'string' } } }),
      products: list({
        type: 'object',
        additionalProperties: false,
        required: ['gtin'],
        properties: { gtin: { type: 'string', pattern: '^[0-9]{14}$' }, orgId: { type: 'integer' }, productGroup: { enum: [...PRODUCT_GROUPS] }, name: { type: 'string' }, manufacturerCountry: { type: 'string', pattern: '^[A-Z]{2}$' } },
      }),
    },
  },

  initialWorld: (fixture, seed) => buildWorld(fixture as WorldFixture, codeKeyFor(seed)),

  // State written before orders and documents were persistent maps.
  upgrade: (s) => ({ ...s, orders: pmap.of(s.orders), documents: pmap.of(s.documents) }),

  overlayWorld(state, o) {
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

  create(ctx) {
    const timings = () => ctx.timings() as McoiTimings;
    // The code index serves mutations (a report resolving codes), so it follows the latest state.
    const book = new CodeBook(ctx.latest, ctx.blobs, () => ctx.clock.nowMs(), timings);
    const index = new McoiIndexes(ctx.latest);
    const permissionStatus = () => Number(ctx.profile('permissionDeniedStatus'));

    const rt: McoiRuntime = {
      state: ctx.state,
      commit: ctx.commit,
      env: (tx, forced) => ({ now: ctx.clock.nowMs(), ids: tx.ids, timings: timings(), codes: book, orders: index, forced: forced as McoiOutcome | undefined }),
      now: () => ctx.clock.nowMs(),
      timings,
      book,
      index,
      blobs: ctx.blobs,
      validateSchema: (name, value) => ctx.contract.validateSchema(name, value, '$.documentBody'),
    };

    const render = (err: unknown): RenderedError => {
      const id = ctx.responseId();
      if (err instanceof SimError) {
        // Every refusal for want of permission (201) answers as the profile says: §2.4's 403, or the stage's bare 400.
        if ((err.entry as McoiError).errorCode === HANDBOOK.NO_PERMISSION.errorCode && permissionStatus() === 400) return renderError(HANDBOOK.NO_PERMISSION_STAGE);
        const r = renderError(err.entry as McoiError, [...err.args], err.details, id);
        return { ...r, headers: err.details.headers };
      }
      if (err instanceof RequestInvalid) {
        const i = err.issues[0];
        if (i.reason === 'malformed' || i.reason === 'tooDeep') return renderError(HANDBOOK.INVALID_FORMAT, [i.message], { body: '$' }, id);
        if (i.reason === 'tooLarge') return renderError(HANDBOOK.PAYLOAD_TOO_LARGE, [ctx.bodyLimit], {}, id);
        if (i.reason === 'mediaType') return renderError(HANDBOOK.UNSUPPORTED_MEDIA_TYPE, [i.message], { header: 'Content-Type' }, id);
        const where = i.in === 'body' ? i.path : i.path || (i.name ?? '');
        return renderError(HANDBOOK.INVALID_INPUT, [where, i.message], {
          ...(i.in === 'body' ? { body: i.path } : i.in === 'query' ? { query: i.path } : i.in === 'path' ? { path: i.path } : {}),
          context: { parameter: i.name ?? i.path, reason: i.reason },
        }, id);
      }
      ctx.logError('mcoi: unexpected error', err);
      return renderError(HANDBOOK.INTERNAL, [], {}, id);
    };

    const shown = createViews({ state: ctx.state, book, blobs: ctx.blobs, now: () => ctx.clock.nowMs(), timings });

    return {
      handlers: createHandlers(rt),
      views: shown.views,
      timeline: shown.timeline,
      render,
      renderStatus: (status) => {
        if (status === 503) return renderError(HANDBOOK.SERVICE_UNAVAILABLE);
        if (status === 500) return renderError(HANDBOOK.INTERNAL);
        return renderError({ ...HANDBOOK.UPSTREAM_STATUS, status }, [status, STATUS_CODES[status] ?? 'Error']);
      },
      who: (user) => ({ user: user?.login, organization: user ? ctx.state().world.organizations.find((o) => o.id === user.orgId)?.tin : undefined }),
      // Authentication is rate-limited per login (observed: 100 requests a minute per user).
      rateKey: (req) => (req.principal ? undefined : `login:${typeof (req.body as { login?: unknown } | undefined)?.login === 'string' ? (req.body as { login: string }).login : req.ip}`),
      offered: (op) => !EXTENSION_OPERATIONS.includes(op.operationId) || ctx.profile('extensions') === 'on',
      unmatched: (method, path, allowed) =>
        allowed.length ? { ...renderError(HANDBOOK.METHOD_NOT_ALLOWED, [method, allowed.join(', ')]), headers: { Allow: allowed.join(', ') } } : renderError(HANDBOOK.PATH_NOT_FOUND, [method, path]),
      authenticate(req) {
        const token = bearerToken(req.headers.authorization as string | undefined);
        const check = checkToken(ctx.state().sessions, token, ctx.clock.nowMs());
        if (!check.ok) throw new SimError(HANDBOOK.UNAUTHORIZED, [`${check.detail} token`], { header: 'Authorization', context: { _cause: check.reason } });
        const user = ctx.state().world.users.find((u) => u.login === check.subject);
        if (!user) throw new SimError(HANDBOOK.UNAUTHORIZED, ['unknown user'], { context: { _cause: 'invalid-token' } });
        req.principal = user;
      },
      authorize(req) {
        const role = ROLE_FOR_OPERATION[req.op.operationId];
        if (role && role !== 'BY_DOCUMENT_TYPE' && !req.principal!.roles.includes(role)) throw new SimError(HANDBOOK.NO_PERMISSION);
      },
      rebuild: () => {
        book.rebuild();
        index.rebuild();
      },
      summary() {
        const s = ctx.state();
        const now = ctx.clock.nowMs();
        const t = timings();
        const count = (xs: string[]) => xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});
        return {
          organizations: s.world.organizations.map((o) => ({ id: o.id, tin: o.tin, name: o.name, kinds: o.kinds })),
          users: s.world.users.map((u) => ({ login: u.login, orgId: u.orgId, roles: u.roles })),
          orders: { total: pmap.size(s.orders), byStatus: count([...pmap.values(s.orders)].map((o) => orderStatus(o, now, t))) },
          documents: {
            total: pmap.size(s.documents),
            byType: count([...pmap.values(s.documents)].map((d) => d.type)),
            byStatus: count([...pmap.values(s.documents)].map((d) => reportStatus(d, now, t))),
          },
          codes: book.stats(),
          activeSessions: Object.values(s.sessions).filter((x) => x.expiresAt > now).length,
        };
      },
      controlHandlers: {
        getMcoiCodeState: (req) => {
          const code = String(req.params.code);
          const d = book.describe(code);
          if (!d) throw new SimError(CONTROL_ERRORS.UNKNOWN_CODE, [code]);
          return { body: d };
        },
      },
    };
  },
};
