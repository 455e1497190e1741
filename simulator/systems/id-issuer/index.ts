/**
 * ID issuer — Poland's issuer of EU TPD unit level identifiers (API v3), served under /id-issuer. This file is what
 * the system declares (contract, handbook, timings, switches, outcomes, world); envelope.ts, auth.ts, control.ts and
 * routes.ts hold how it answers.
 */
import { pmap } from '../../core/pmap.js';
import { mergeByKey, overlayList as list } from '../../core/scenario.js';
import type { SystemModule } from '../../core/system.js';
import { idIssuerConformance } from './conformance.js';
import { idIssuerAuth } from './auth.js';
import { idIssuerControl, idIssuerSummary } from './control.js';
import { idIssuerEnvelope } from './envelope.js';
import { HANDBOOK } from './handbook.js';
import { RequestIndex } from './indexes.js';
import { pollKey } from './machine.js';
import { IDENTIFIER_TRANSITIONS, REJECTION_REASONS, REQUEST_TRANSITIONS, TIMINGS, type IdIssuerTimings } from './reference.js';
import { createHandlers } from './routes.js';
import type { IdIssuerState, User } from './state.js';
import { createViews } from './views.js';
import { buildWorld, type WorldFixture } from './world.js';

const ID = { type: 'string', pattern: '^[A-Z0-9]{1,20}$' };

export const idIssuer: SystemModule<IdIssuerState, User> = {
  id: 'id-issuer',
  title: 'Poland ID issuer API v3 (EU TPD unit level identifiers)',
  base: '/id-issuer',
  contract: 'openapi/id-issuer.yaml',
  // An ASP.NET service: query parameter names bind whatever their case (PageSize, CreatedOnFrom, Status), a repeat to its first value.
  queryBinding: 'aspnet',
  controlContract: 'openapi/id-issuer.control.yaml',
  handbook: HANDBOOK,
  timings: TIMINGS,
  transitions: { request: REQUEST_TRANSITIONS, identifiers: IDENTIFIER_TRANSITIONS },
  rateLimit: { error: 'TOO_MANY_REQUESTS' },
  switches: {},
  outcomes: {
    requestRejected: { operations: ['createUnitRequest'], schema: { enum: [...REJECTION_REASONS] }, description: 'The request is Rejected with this rejection reason.' },
    cannotSynchronize: { operations: ['createUnitRequest'], schema: { const: true }, description: 'Its identifiers end CannotSynchronize.' },
  },
  callers: { user: 'e-mail' },
  conformance: idIssuerConformance,
  fixture: 'fixtures/id-issuer/world.json',
  credentials: (fixture) =>
    ((fixture as { tokens?: { token: string; user: string }[] }).tokens ?? []).map((t) => ({ user: t.user, secret: t.token, note: 'Authorization: Bearer <token> (more from POST /__sim/id-issuer/tokens)' })),
  worldOverlay: {
    type: 'object',
    additionalProperties: false,
    description: 'Economic operators, facilities, machines (by id), users (by email), bearer tokens, the issuer identification code.',
    properties: {
      issuerIdentificationCode: { type: 'string', pattern: '^[A-Z0-9]{4}$' },
      economicOperators: list({
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: {
          id: ID,
          name: { type: 'string' },
          active: { type: 'boolean' },
          contract: { type: 'object', additionalProperties: false, required: ['validFrom', 'validTo'], properties: { validFrom: { type: 'string', format: 'date-time' }, validTo: { type: 'string', format: 'date-time' } } },
          inRouter: { type: 'boolean' },
          legacyTechnicalError: { type: 'boolean' },
        },
      }),
      facilities: list({
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: { id: ID, economicOperatorId: ID, name: { type: 'string' }, active: { type: 'boolean' }, inRouter: { type: 'boolean' }, routerEconomicOperatorId: ID, singleValueAddress: { type: 'boolean' }, synchronizationFails: { type: 'boolean' } },
      }),
      machines: list({
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: { id: ID, facilityId: ID, active: { type: 'boolean' }, inRouter: { type: 'boolean' }, routerFacilityId: ID, isMachinePart: { type: 'boolean' } },
      }),
      users: list({
        type: 'object',
        additionalProperties: false,
        required: ['email'],
        properties: { email: { type: 'string', minLength: 3 }, name: { type: 'string' }, economicOperators: { type: 'array', items: ID }, facilities: { type: 'array', items: ID } },
      }),
      tokens: list({ type: 'object', additionalProperties: false, required: ['token', 'user'], properties: { token: { type: 'string', minLength: 8, maxLength: 200 }, user: { type: 'string' } } }),
    },
  },

  initialWorld: (fixture, seed, nowMs) => ({ state: buildWorld(fixture as WorldFixture, seed, nowMs), blobs: {} }),

  // State written before requests and tokens were persistent maps.
  upgrade: (s) => ({ ...s, requests: pmap.of(s.requests), tokens: pmap.of(s.tokens) }),

  overlayWorld(state, o) {
    const w = state.world;
    let tokens = state.tokens;
    for (const t of (o.tokens as { token: string; user: string }[] | undefined) ?? []) tokens = pmap.set(tokens, t.token, { token: t.token, user: t.user, expiresAt: null });
    return {
      ...state,
      tokens,
      world: {
        issuerIdentificationCode: typeof o.issuerIdentificationCode === 'string' ? o.issuerIdentificationCode : w.issuerIdentificationCode,
        economicOperators: mergeByKey(w.economicOperators, o.economicOperators, 'id'),
        facilities: mergeByKey(w.facilities, o.facilities, 'id'),
        machines: mergeByKey(w.machines, o.machines, 'id'),
        users: mergeByKey(w.users, o.users, 'email'),
      },
    };
  },

  create(ctx) {
    const index = new RequestIndex(ctx.latest);
    const shown = createViews({ state: ctx.state, now: ctx.now, timings: () => ctx.timings() as IdIssuerTimings, polls: (r) => ctx.polls(pollKey(r)) });
    return {
      handlers: createHandlers(ctx, index),
      envelope: idIssuerEnvelope(ctx),
      auth: idIssuerAuth(ctx),
      indexes: [index],
      views: shown.views,
      timeline: shown.timeline,
      summary: () => idIssuerSummary(ctx),
      control: idIssuerControl(ctx),
    };
  },
};
