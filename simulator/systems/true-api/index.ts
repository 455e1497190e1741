/**
 * True API — Kazakhstan's ИС МПТ True API v2.22, served under /true-api. This file is what the system declares
 * (contract, handbook, timings, switches, outcomes, world); envelope.ts, auth.ts, control.ts and the routes files hold
 * how it answers.
 */
import { pmap } from '../../core/pmap.js';
import { mergeByKey, overlayList as list } from '../../core/scenario.js';
import type { SystemModule } from '../../core/system.js';
import { trueApiConformance } from './conformance.js';
import { trueApiAuth, type Caller } from './auth.js';
import { trueApiControl, trueApiSummary } from './control.js';
import { TRUE_API_ENVELOPE } from './envelope.js';
import { HANDBOOK } from './handbook.js';
import { CODE_STATUSES, ORDER_TRANSITIONS, PRODUCT_GROUP_NAMES, ROLES, TIMINGS } from './reference.js';
import { Registry } from './registry.js';
import { createDocumentHandlers } from './routes-documents.js';
import { createEdoHandlers } from './routes-edo.js';
import { createShipmentHandlers } from './routes-shipments.js';
import { createHandlers } from './routes.js';
import type { Batch, Participant, TrueApiState } from './state.js';
import { createViews } from './views.js';
import { buildWorld, worldProblems, type WorldFixture } from './world.js';

const BIN = { type: 'string', pattern: '^[0-9]{12}$' };

export const trueApi: SystemModule<TrueApiState, Caller> = {
  id: 'true-api',
  title: 'Kazakhstan True API v2.22 (ИС МПТ)',
  base: '/true-api',
  // True API v2.22 §1.1: every method is <host>/api/v3/true-api + its path.
  realBase: '/api/v3/true-api',
  contract: 'openapi/true-api.yaml',
  controlContract: 'openapi/true-api.control.yaml',
  handbook: HANDBOOK,
  timings: TIMINGS,
  transitions: { 'codes-order': ORDER_TRANSITIONS },
  rateLimit: { error: 'TOO_MANY_REQUESTS' },
  // Spring MVC: the document's own error texts are Spring's and Jackson's ("Required request body is missing", "JSON parse error").
  queryBinding: 'spring',
  bodyLimit: { size: '30mb', source: '§2.3: at most 30 MB, 413 "Слишком большой запрос" above' },
  switches: {
    signatures: {
      env: 'SIM_TRUE_API_SIGNATURES',
      values: ['lenient', 'strict'],
      default: 'lenient',
      description: 'Sign-in signatures: lenient accepts any data (the participant from a CMS certificate, an inn field, or the default one); strict verifies an attached CMS over the challenge against the test CA.',
    },
  },
  outcomes: {
    codesOrderFailed: { operations: ['cisesMy'], schema: { enum: ['VALIDATION_FAILED', 'ERROR'] }, description: 'The code-list order ends with this status instead of SUCCESS.' },
    documentRejected: {
      operations: ['writeOff', 'introduceGoods', 'importThirdCountries', 'formalDocument', 'importAcceptance'],
      schema: { type: 'string', minLength: 1, maxLength: 1000 },
      description: 'The document ends CHECKED_NOT_OK with this error text, whatever its codes (a notice: in errors and downloadDesc; a formal document: status 10; an acceptance notice: in documentErrors); nothing changes in the registry.',
    },
  },
  callers: { user: 'participant BIN' },
  conformance: trueApiConformance,
  fixture: 'fixtures/true-api/world.json',
  credentials: (fixture) =>
    (fixture as WorldFixture).participants.map((p) => ({ user: p.bin, note: `GET /auth/key, then POST /auth/simpleSignIn with inn ${p.bin} and any data (signatures lenient); ${p.name}` })),
  worldOverlay: {
    type: 'object',
    additionalProperties: false,
    description: 'Participants (by bin), catalogue products (by gtin), code batches (by id), the default participant of lenient sign-ins.',
    properties: {
      defaultParticipant: BIN,
      participants: list({
        type: 'object',
        additionalProperties: false,
        required: ['bin'],
        properties: {
          bin: BIN,
          name: { type: 'string', minLength: 1, maxLength: 300 },
          organisationId: { type: 'integer', minimum: 1 },
          roles: { type: 'array', items: { enum: [...ROLES] } },
          registered: { type: 'boolean' },
          signer: { type: 'object', additionalProperties: false, required: ['iin', 'name'], properties: { iin: BIN, name: { type: 'string', minLength: 1, maxLength: 300 } } },
          contracts: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['productGroup', 'contractId', 'balance'],
              properties: { productGroup: { enum: [...PRODUCT_GROUP_NAMES] }, contractId: { type: 'integer', minimum: 1 }, balance: { type: 'integer' } },
            },
          },
        },
      }),
      products: list({
        type: 'object',
        additionalProperties: false,
        required: ['gtin', 'name', 'brand', 'tnved', 'productGroup', 'producerBin'],
        properties: {
          gtin: { type: 'string', pattern: '^[0-9]{14}$' },
          name: { type: 'string', minLength: 1, maxLength: 500 },
          brand: { type: 'string', maxLength: 200 },
          tnved: { type: 'string', pattern: '^[0-9]{10}$' },
          productGroup: { enum: [...PRODUCT_GROUP_NAMES] },
          producerBin: BIN,
        },
      }),
      batches: list({
        type: 'object',
        additionalProperties: false,
        required: ['id', 'productGroup', 'kind', 'gtin', 'count', 'status', 'producerBin', 'ownerBin', 'emittedAt', 'producedAt', 'emissionType'],
        properties: {
          id: { type: 'integer', minimum: 1, maximum: 63 },
          productGroup: { enum: [...PRODUCT_GROUP_NAMES] },
          kind: { enum: ['tobacco', 'units'], description: 'tobacco: count boxes of 50 blocks of 10 packs; units: count single units.' },
          gtin: { type: 'string', pattern: '^[0-9]{14}$' },
          blockGtin: { type: 'string', pattern: '^[0-9]{14}$' },
          count: { type: 'integer', minimum: 1, maximum: 16_000_000 },
          status: { enum: Object.keys(CODE_STATUSES) },
          producerBin: BIN,
          ownerBin: BIN,
          emittedAt: { type: 'string', format: 'date-time' },
          producedAt: { type: 'string', format: 'date-time' },
          emissionType: { enum: ['LOCAL', 'FOREIGN'] },
        },
      }),
    },
  },

  upgrade: (s) => ({ ...s, documents: pmap.of(s.documents), fileIds: pmap.of(s.fileIds), shipments: pmap.of(s.shipments), acceptances: pmap.of(s.acceptances), codeChanges: pmap.of(s.codeChanges) }),

  initialWorld: (fixture, seed, nowMs) => ({ state: buildWorld(fixture as WorldFixture, seed, nowMs), blobs: {} }),

  overlayWorld(state, o) {
    const w = state.world;
    // A participant the overlay adds gets what it does not say: a new organisation id, a trade role, no contract.
    let nextPid = Math.max(0, ...w.participants.map((p) => p.organisationId)) + 1;
    const added = ((o.participants as Partial<Participant>[] | undefined) ?? []).map((p) =>
      w.participants.some((x) => x.bin === p.bin) ? p : { organisationId: nextPid++, roles: ['TRADE_PARTICIPANT'], registered: true, contracts: [], name: `Участник ${p.bin}`, signer: { iin: p.bin!, name: `Участник ${p.bin}` }, ...p },
    );
    const participants = mergeByKey(w.participants, added, 'bin');
    const world = {
      defaultParticipant: typeof o.defaultParticipant === 'string' ? o.defaultParticipant : w.defaultParticipant,
      participants,
      products: mergeByKey(w.products, o.products as TrueApiState['world']['products'] | undefined, 'gtin'),
      batches: mergeByKey(
        w.batches,
        (o.batches as (Omit<Batch, 'emittedAt' | 'producedAt'> & { emittedAt: string; producedAt: string })[] | undefined)?.map((b) => ({ ...b, emittedAt: Date.parse(b.emittedAt), producedAt: Date.parse(b.producedAt) })),
        'id',
      ),
    };
    const problems = worldProblems(world);
    if (problems.length) throw new Error(`world.true-api: ${problems.join('; ')}`);
    return { ...state, world };
  },

  create(ctx) {
    const reg = new Registry(ctx);
    const shown = createViews({ state: ctx.state, now: ctx.now, codeState: (code) => reg.codeState(code), registry: () => reg.view() });
    return {
      handlers: { ...createHandlers(ctx, reg), ...createDocumentHandlers(ctx, reg), ...createEdoHandlers(ctx, reg), ...createShipmentHandlers(ctx, reg) },
      envelope: TRUE_API_ENVELOPE,
      auth: trueApiAuth(ctx),
      views: shown.views,
      timeline: shown.timeline,
      summary: () => trueApiSummary(ctx, reg),
      control: trueApiControl(ctx, reg),
    };
  },
};
