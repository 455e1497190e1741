/**
 * MCOI — ASL BELGISI (Uzbekistan) Marking Code Ordering Interface v1.1.17, served under /mcoi. This file is what the
 * system declares (contract, handbook, timings, rate limit, switches, outcomes, world); envelope.ts, auth.ts,
 * control.ts and routes.ts hold how it answers.
 */
import { mergeByKey, overlayList as list } from '../../core/scenario.js';
import type { SystemModule } from '../../core/system.js';
import { mcoiConformance } from './conformance.js';
import { pmap } from '../../core/pmap.js';
import { mcoiAuth } from './auth.js';
import { CodeBook } from './codes.js';
import { mcoiControl, mcoiSummary } from './control.js';
import { mcoiEnvelope } from './envelope.js';
import { codeKeyFor } from './generate.js';
import { HANDBOOK } from './handbook.js';
import { McoiIndexes } from './indexes.js';
import { BUFFER_TRANSITIONS, CODE_TRANSITIONS, DOCUMENT_TRANSITIONS, EXPORT_TRANSITIONS, EXTENSION_OPERATIONS, LIMITS, ORDER_TRANSITIONS, ORG_KINDS, PRODUCT_GROUPS, ROLES, TIMINGS, type McoiTimings } from './reference.js';
import { createAccountHandlers } from './routes-account.js';
import { createObservedHandlers } from './routes-observed.js';
import { createHandlers } from './routes.js';
import type { McoiState, User } from './state.js';
import { createViews } from './views.js';
import { buildWorld, splitKeys, type WorldFixture } from './world.js';

export const mcoi: SystemModule<McoiState, User> = {
  id: 'mcoi',
  title: 'ASL BELGISI (Uzbekistan) Marking Code Ordering Interface v1.1.17',
  base: '/mcoi',
  contract: 'openapi/mcoi.yaml',
  controlContract: 'openapi/mcoi.control.yaml',
  handbook: HANDBOOK,
  timings: TIMINGS,
  transitions: { order: ORDER_TRANSITIONS, 'sub-order': BUFFER_TRANSITIONS, code: CODE_TRANSITIONS, document: DOCUMENT_TRANSITIONS, export: EXPORT_TRANSITIONS },
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
  conformance: mcoiConformance,
  fixture: 'fixtures/mcoi/world.json',
  credentials: (fixture) =>
    (fixture as WorldFixture).users.flatMap((u) => [
      { user: u.login, secret: u.password, note: `POST /api/users/authenticate; organization ${u.orgId}; roles ${u.roles.join(', ') || 'none'}` },
      ...(u.apiKey ? [{ user: u.login, secret: u.apiKey, note: 'API key: Authorization: Bearer <key> (Open API, utilisation); check and refresh at /public/api/v1/party/parties/{tin}/api-keys/…' }] : []),
    ]),
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
          agreementActivated: { type: 'boolean', description: 'The agreement with the Operator is activated (false: orders are refused, 003).' },
          balance: { type: 'number', minimum: 0, maximum: 1e15, description: 'The personal account in UZS; orders are paid from it and refused when it falls short (absent: not checked).' },
          productGroups: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['productGroup', 'issuer'], properties: { productGroup: { enum: [...PRODUCT_GROUPS] }, issuer: { type: 'boolean' } } } },
        },
      }),
      users: list({
        type: 'object',
        additionalProperties: false,
        required: ['login'],
        properties: {
          login: { type: 'string', minLength: 1 },
          password: { type: 'string' },
          orgId: { type: 'integer' },
          name: { type: 'string' },
          roles: { type: 'array', items: { enum: Object.keys(ROLES) } },
          apiKey: { type: 'string', minLength: 8, maxLength: 200, description: 'The user\'s API key (it does not expire; a refresh replaces it).' },
        },
      }),
      businessPlaces: list({ type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'integer' }, orgId: { type: 'integer' }, address: { type: 'string' } } }),
      products: list({
        type: 'object',
        additionalProperties: false,
        required: ['gtin'],
        properties: { gtin: { type: 'string', pattern: '^[0-9]{14}$' }, orgId: { type: 'integer' }, productGroup: { enum: [...PRODUCT_GROUPS] }, name: { type: 'string' }, manufacturerCountry: { type: 'string', pattern: '^[A-Z]{2}$' }, tnved: { type: 'string', pattern: '^[0-9]{4,10}$' } },
      }),
    },
  },

  initialWorld: (fixture, seed) => buildWorld(fixture as WorldFixture, codeKeyFor(seed)),

  // State written before orders and documents were persistent maps.
  upgrade: (s) => {
    // Documents of the observed disaggregation were typed DISAGGREGATION before the real type name was known.
    const documents = pmap.of(s.documents);
    const renamed = [...pmap.values(documents)].filter((d) => (d.type as string) === 'DISAGGREGATION');
    return {
      ...s,
      orders: pmap.of(s.orders),
      documents: renamed.length ? pmap.batch(documents, (b) => renamed.forEach((d) => b.set(d.documentId, { ...d, type: 'TRANSPORT_CODE_DISAGGREGATION' }))) : documents,
      apiKeys: pmap.of(s.apiKeys),
      exports: pmap.of(s.exports),
    };
  },

  overlayWorld(state, o) {
    const w = state.world;
    // A user the overlay gives an API key holds that key alone (the world's own: it does not expire).
    const { users, keys } = splitKeys(mergeByKey(w.users, o.users, 'login'));
    const rekeyed = new Set(keys.map((k) => k.login));
    const apiKeys = pmap.batch(state.apiKeys, (b) => {
      for (const k of pmap.values(state.apiKeys)) if (rekeyed.has(k.login) || keys.some((x) => x.key === k.key)) b.delete(k.key);
      for (const k of keys) b.set(k.key, k);
    });
    return {
      ...state,
      world: {
        organizations: mergeByKey(w.organizations, o.organizations, 'id'),
        users,
        businessPlaces: mergeByKey(w.businessPlaces, o.businessPlaces, 'id'),
        products: mergeByKey(w.products, o.products, 'gtin'),
      },
      apiKeys,
    };
  },

  create(ctx) {
    const timings = () => ctx.timings() as McoiTimings;
    // The code index serves mutations (a report resolving codes), so it follows the latest state.
    const book = new CodeBook(ctx.latest, ctx.blobs, ctx.now, timings, ctx.polls);
    const index = new McoiIndexes(ctx.latest);
    const shown = createViews({ state: ctx.state, book, blobs: ctx.blobs, now: ctx.now, timings, polls: ctx.polls });
    return {
      handlers: { ...createHandlers(ctx, book, index), ...createAccountHandlers(ctx), ...createObservedHandlers(ctx, book, index) },
      envelope: mcoiEnvelope(ctx),
      auth: mcoiAuth(ctx),
      offered: (op) => !EXTENSION_OPERATIONS.includes(op.operationId) || ctx.profile('extensions') === 'on',
      indexes: [book, index],
      views: shown.views,
      timeline: shown.timeline,
      summary: () => mcoiSummary(ctx, book),
      control: mcoiControl(ctx, book, index),
    };
  },
};
