/**
 * ID issuer — Poland's issuer of EU TPD unit level identifiers (API v3), served under /id-issuer. This file is what
 * the system declares (contract, handbook, timings, switches, outcomes, world) and how it is wired.
 */
import { STATUS_CODES } from 'node:http';
import { bearerToken } from '../../core/auth.js';
import { TIME_RANGE } from '../../core/clock.js';
import { RequestInvalid, SimError, type RenderedError } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import { mergeByKey, overlayList as list } from '../../core/scenario.js';
import type { SystemModule } from '../../core/system.js';
import { CONTROL_ERRORS, HANDBOOK, type ProblemEntry } from './handbook.js';
import { identifierStatus, requestStatus, type IdIssuerOutcome } from './machine.js';
import { REJECTION_REASONS, TIMINGS, type IdIssuerTimings } from './reference.js';
import { RequestIndex } from './indexes.js';
import { createViews } from './views.js';
import { createHandlers, type IdIssuerRuntime } from './routes.js';
import type { IdIssuerState, Token, User } from './state.js';
import { buildWorld, type WorldFixture } from './world.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Record<string, string[]>;
  traceId: string;
}

/** An ASP.NET Core problem details body for a handbook entry (what tests compare responses with). */
export function renderProblem(entry: ProblemEntry, args: unknown[] = [], fieldErrors?: Record<string, string[]>, traceId = '00-00000000000000000000000000000000-0000000000000000-00'): Problem {
  const text = new SimError(entry, args).message;
  const p: Problem = { type: entry.type, title: entry.title, status: entry.status, traceId };
  if (fieldErrors) p.errors = fieldErrors;
  else if (entry.field) p.errors = { [entry.field]: [text] };
  else p.detail = text;
  return p;
}

/** A W3C trace id (as ASP.NET writes it) from a response id: 32 hex digits of trace, a span id cut from them. */
function traceId(responseId: string): string {
  const hex = responseId.replace(/-/g, '');
  return `00-${hex}-${hex.slice(8, 24)}-00`;
}

const ID = { type: 'string', pattern: '^[A-Z0-9]{1,20}$' };

export const idIssuer: SystemModule<IdIssuerState, User> = {
  id: 'id-issuer',
  title: 'Poland ID issuer API v3 (EU TPD unit level identifiers)',
  base: '/id-issuer',
  contract: 'openapi/id-issuer.yaml',
  controlContract: 'openapi/id-issuer.control.yaml',
  handbook: HANDBOOK,
  timings: TIMINGS,
  rateLimit: { error: 'TOO_MANY_REQUESTS' },
  switches: {},
  outcomes: {
    requestRejected: { operations: ['createUnitRequest'], schema: { enum: [...REJECTION_REASONS] }, description: 'The request is Rejected with this rejection reason.' },
    cannotSynchronize: { operations: ['createUnitRequest'], schema: { const: true }, description: 'Its identifiers end CannotSynchronize.' },
  },
  callers: { user: 'e-mail' },
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
    const timings = () => ctx.timings() as IdIssuerTimings;
    const index = new RequestIndex(ctx.latest);
    const rt: IdIssuerRuntime = {
      state: ctx.state,
      commit: ctx.commit,
      env: (forced) => ({ now: ctx.clock.nowMs(), timings: timings(), forced: forced as IdIssuerOutcome | undefined }),
      now: () => ctx.clock.nowMs(),
      timings,
      index,
    };

    const problem = (entry: ProblemEntry, args: unknown[], fieldErrors?: Record<string, string[]>, headers?: Record<string, string>): RenderedError => ({
      status: entry.status,
      contentType: 'application/problem+json',
      body: renderProblem(entry, args, fieldErrors, traceId(ctx.responseId())),
      headers,
    });

    const render = (err: unknown): RenderedError => {
      if (err instanceof SimError) {
        // ASP.NET's bearer handler names the scheme on every 401 (RFC 6750), a scenario's forced one included.
        const headers = err.entry.status === 401 ? { 'WWW-Authenticate': 'Bearer', ...err.details.headers } : err.details.headers;
        return problem(err.entry as ProblemEntry, [...err.args], undefined, headers);
      }
      if (err instanceof RequestInvalid) {
        if (err.issues.some((i) => i.reason === 'tooLarge')) return problem(HANDBOOK.PAYLOAD_TOO_LARGE, [ctx.bodyLimit]);
        const media = err.issues.find((i) => i.reason === 'mediaType');
        if (media) return problem(HANDBOOK.UNSUPPORTED_MEDIA_TYPE, [media.message]);
        const errors: Record<string, string[]> = {};
        for (const i of err.issues) (errors[i.path || '$'] ??= []).push(i.message);
        return problem(HANDBOOK.VALIDATION, [], errors);
      }
      ctx.logError('id-issuer: unexpected error', err);
      return problem(HANDBOOK.INTERNAL, []);
    };

    const tokenView = (t: Token) => ({ token: t.token, user: t.user, expiresAt: t.expiresAt === null ? null : new Date(t.expiresAt).toISOString(), revoked: t.revoked === true });
    const findToken = (token: string): Token => {
      const t = pmap.get(ctx.state().tokens, token);
      if (!t) throw new SimError(CONTROL_ERRORS.UNKNOWN_TOKEN, [token]);
      return t;
    };

    const shown = createViews({ state: ctx.state, now: () => ctx.clock.nowMs(), timings });

    return {
      handlers: createHandlers(rt),
      views: shown.views,
      timeline: shown.timeline,
      render,
      renderStatus: (status) => problem({ ...HANDBOOK.UPSTREAM_STATUS, status, title: STATUS_CODES[status] ?? 'Error' }, [status, STATUS_CODES[status] ?? 'Error']),
      who: (user) => ({ user: user?.email }),
      unmatched: (method, path, allowed) =>
        allowed.length ? problem(HANDBOOK.METHOD_NOT_ALLOWED, [method, allowed.join(', ')], undefined, { Allow: allowed.join(', ') }) : problem(HANDBOOK.PATH_NOT_FOUND, [method, path]),
      authenticate(req) {
        const token = bearerToken(req.headers.authorization as string | undefined);
        const challenge = (why: string, desc: string) =>
          new SimError(HANDBOOK.UNAUTHORIZED, [why], { headers: { 'WWW-Authenticate': desc ? `Bearer error="invalid_token", error_description="${desc}"` : 'Bearer' } });
        if (!token) throw challenge('is missing', '');
        const t = pmap.get(ctx.state().tokens, token);
        if (!t || t.revoked) throw challenge('is not valid', 'The token is not valid');
        if (t.expiresAt !== null && ctx.clock.nowMs() >= t.expiresAt) throw challenge('has expired', `The token expired at '${new Date(t.expiresAt).toISOString()}'`);
        const user = ctx.state().world.users.find((u) => u.email === t.user);
        if (!user) throw challenge('is not valid', 'The token is not valid');
        req.principal = user;
      },
      rebuild: () => index.rebuild(),
      summary() {
        const s = ctx.state();
        const now = ctx.clock.nowMs();
        const t = timings();
        const count = (xs: (string | null)[]) => xs.reduce<Record<string, number>>((m, x) => (x === null ? m : ((m[x] = (m[x] ?? 0) + 1), m)), {});
        const reqs = [...pmap.values(s.requests)];
        return {
          issuerIdentificationCode: s.world.issuerIdentificationCode,
          economicOperators: s.world.economicOperators,
          facilities: s.world.facilities,
          machines: s.world.machines,
          users: s.world.users,
          // Counted, never listed: a token is a secret (the README lists the default world's; the control plane mints more).
          tokens: { total: pmap.size(s.tokens), usable: [...pmap.values(s.tokens)].filter((x) => !x.revoked && (x.expiresAt === null || x.expiresAt > now)).length },
          requests: { total: reqs.length, byStatus: count(reqs.map((r) => requestStatus(r, now, t))) },
          identifiers: { byStatus: count(reqs.map((r) => identifierStatus(r, s.world, now, t))) },
        };
      },
      controlHandlers: {
        mintIdIssuerToken: async (req) => {
          const { user, expiresInMs } = req.body as { user: string; expiresInMs?: number };
          if (!ctx.state().world.users.some((u) => u.email === user)) throw new SimError(CONTROL_ERRORS.UNKNOWN_USER, [user]);
          const { minted } = await ctx.commit((s, tx) => {
            // An expiry past the end of virtual time is the same as the end of it (every instant stays a valid date).
            const minted: Token = { token: `sim-${tx.ids.hex('token', 40)}`, user, expiresAt: expiresInMs === undefined ? null : Math.min(ctx.clock.nowMs() + expiresInMs, TIME_RANGE.maxMs) };
            return { state: { ...s, tokens: pmap.set(s.tokens, minted.token, minted) }, minted };
          });
          return { status: 201, body: tokenView(minted) };
        },
        expireIdIssuerToken: async (req) => {
          const t = findToken(String(req.params.token));
          const expired = { ...t, expiresAt: ctx.clock.nowMs() };
          await ctx.commit((s) => ({ state: { ...s, tokens: pmap.set(s.tokens, t.token, expired) } }));
          return { body: tokenView(expired) };
        },
        revokeIdIssuerToken: async (req) => {
          const t = findToken(String(req.params.token));
          await ctx.commit((s) => ({ state: { ...s, tokens: pmap.set(s.tokens, t.token, { ...t, revoked: true }) } }));
          return { status: 204 };
        },
      },
    };
  },
};
