/**
 * ID issuer — Poland's issuer of EU TPD unit level identifiers (API v3), served under /id-issuer.
 */
import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { mergeByKey } from '../../core/scenario.js';
import { join } from 'node:path';
import { bearerToken } from '../../core/auth.js';
import { RequestInvalid, SimError, type RenderedError } from '../../core/errors.js';
import type { Contract } from '../../core/openapi.js';
import { PROJECT_ROOT } from '../../core/paths.js';
import { resolveTimings, type SimContext, type SystemInstance, type SystemModule, type WorldSeed } from '../../core/system.js';
import { CONTROL_HANDBOOK } from '../../control/handbook.js';
import { HANDBOOK, type ProblemEntry } from './handbook.js';
import { identifierStatus, requestStatus } from './machine.js';
import { DEFAULT_TIMINGS, type IdIssuerTimings } from './reference.js';
import { createHandlers, type IdIssuerRuntime } from './routes.js';
import type { IdIssuerState, Token, User } from './state.js';
import { buildWorld, type WorldFixture } from './world.js';

export const CONTRACT_FILE = 'openapi/id-issuer.yaml';

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

/** A W3C trace id (as ASP.NET writes it) around 32 unique hex digits: trace id, then a span id cut from it. */
function traceId(hex32: string): string {
  return `00-${hex32}-${hex32.slice(8, 24)}-00`;
}

export const idIssuer: SystemModule<IdIssuerState, User> = {
  id: 'id-issuer',
  title: 'Poland ID issuer API v3 (EU TPD unit level identifiers)',
  contractFile: CONTRACT_FILE,

  overlayWorld(state: IdIssuerState, o: Record<string, unknown>): IdIssuerState {
    const w = state.world;
    const tokens = { ...state.tokens };
    for (const t of (o.tokens as { token: string; user: string }[] | undefined) ?? []) tokens[t.token] = { token: t.token, user: t.user, expiresAt: null };
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

  initialWorld(seed: number, nowMs: number): WorldSeed<IdIssuerState> {
    const fixture = JSON.parse(readFileSync(join(PROJECT_ROOT, 'fixtures', 'id-issuer', 'world.json'), 'utf8')) as WorldFixture;
    return { state: buildWorld(fixture, seed, nowMs), blobs: {} };
  },

  create(ctx: SimContext, _contract: Contract): SystemInstance<User> {
    const state = () => ctx.store.get<IdIssuerState>('id-issuer');
    const timings = (): IdIssuerTimings => resolveTimings('id-issuer', DEFAULT_TIMINGS, ctx.config.timings);
    const rt: IdIssuerRuntime = {
      state,
      commit: (fn) => ctx.store.update('id-issuer', fn),
      env: (forced) => ({ now: ctx.clock.nowMs(), timings: timings(), forced }),
      now: () => ctx.clock.nowMs(),
      timings,
    };

    const problem = (entry: ProblemEntry, args: unknown[], fieldErrors?: Record<string, string[]>, headers?: Record<string, string>): RenderedError => ({
      status: entry.status,
      contentType: 'application/problem+json',
      body: renderProblem(entry, args, fieldErrors, traceId(ctx.store.responseIds('id-issuer').hex32())),
      headers,
    });

    const render = (err: unknown): RenderedError => {
      if (err instanceof SimError) {
        const e = err.entry as ProblemEntry;
        return problem(e, [...err.args], undefined, err.details.headers);
      }
      if (err instanceof RequestInvalid) {
        if (err.issues.some((i) => i.reason === 'tooLarge')) return problem(HANDBOOK.PAYLOAD_TOO_LARGE, [ctx.config.bodyLimit]);
        const errors: Record<string, string[]> = {};
        for (const i of err.issues) (errors[i.path || '$'] ??= []).push(i.message);
        return problem(HANDBOOK.VALIDATION, [], errors);
      }
      console.error('[id-issuer] unexpected error', err);
      return problem(HANDBOOK.INTERNAL, []);
    };

    const tokenView = (t: Token) => ({ token: t.token, user: t.user, expiresAt: t.expiresAt === null ? null : new Date(t.expiresAt).toISOString(), revoked: t.revoked === true });
    const findToken = (token: string): Token => {
      const t = state().tokens[token];
      if (!t) throw new SimError(CONTROL_HANDBOOK.UNKNOWN_TOKEN, [token]);
      return t;
    };

    return {
      handlers: createHandlers(rt),
      render,
      handbook: HANDBOOK,
      renderStatus: (status) => problem({ ...HANDBOOK.UPSTREAM_STATUS, status, title: STATUS_CODES[status] ?? 'Error' }, [status, STATUS_CODES[status] ?? 'Error']),
      who: (user) => ({ user: user?.email }),
      unmatched: (method, path, allowed) =>
        allowed.length ? problem(HANDBOOK.METHOD_NOT_ALLOWED, [method, allowed.join(', ')], undefined, { Allow: allowed.join(', ') }) : problem(HANDBOOK.PATH_NOT_FOUND, [method, path]),
      guard(req) {
        const token = bearerToken(req.headers.authorization as string | undefined);
        const challenge = (why: string, desc: string) =>
          new SimError(HANDBOOK.UNAUTHORIZED, [why], { headers: { 'WWW-Authenticate': desc ? `Bearer error="invalid_token", error_description="${desc}"` : 'Bearer' } });
        if (!token) throw challenge('is missing', '');
        const t = state().tokens[token];
        if (!t || t.revoked) throw challenge('is not valid', 'The token is not valid');
        if (t.expiresAt !== null && ctx.clock.nowMs() >= t.expiresAt) throw challenge('has expired', `The token expired at '${new Date(t.expiresAt).toISOString()}'`);
        const user = state().world.users.find((u) => u.email === t.user);
        if (!user) throw challenge('is not valid', 'The token is not valid');
        req.principal = user;
      },
      rebuild: () => undefined,
      summary() {
        const s = state();
        const now = ctx.clock.nowMs();
        const t = timings();
        const count = (xs: (string | null)[]) => xs.reduce<Record<string, number>>((m, x) => (x === null ? m : ((m[x] = (m[x] ?? 0) + 1), m)), {});
        const reqs = Object.values(s.requests);
        return {
          system: 'id-issuer',
          timings: t,
          issuerIdentificationCode: s.world.issuerIdentificationCode,
          economicOperators: s.world.economicOperators,
          facilities: s.world.facilities,
          machines: s.world.machines,
          users: s.world.users,
          tokens: Object.values(s.tokens).map(tokenView),
          requests: { total: reqs.length, byStatus: count(reqs.map((r) => requestStatus(r, now, t))) },
          identifiers: { byStatus: count(reqs.map((r) => identifierStatus(r, s.world, now, t))) },
        };
      },
      controlHandlers: {
        mintIdIssuerToken: async (req) => {
          const { user, expiresInMs } = req.body as { user: string; expiresInMs?: number };
          if (!state().world.users.some((u) => u.email === user)) throw new SimError(CONTROL_HANDBOOK.UNKNOWN_USER, [user]);
          const { minted } = await ctx.store.update<IdIssuerState, { state: IdIssuerState; minted: Token }>('id-issuer', (s, tx) => {
            const minted: Token = { token: `sim-${tx.ids.hex('token', 40)}`, user, expiresAt: expiresInMs === undefined ? null : ctx.clock.nowMs() + expiresInMs };
            return { state: { ...s, tokens: { ...s.tokens, [minted.token]: minted } }, minted };
          });
          return { status: 201, body: tokenView(minted) };
        },
        expireIdIssuerToken: async (req) => {
          const t = findToken(String(req.params.token));
          const expired = { ...t, expiresAt: ctx.clock.nowMs() };
          await ctx.store.update<IdIssuerState, { state: IdIssuerState }>('id-issuer', (s) => ({ state: { ...s, tokens: { ...s.tokens, [t.token]: expired } } }));
          return { body: tokenView(expired) };
        },
        revokeIdIssuerToken: async (req) => {
          const t = findToken(String(req.params.token));
          await ctx.store.update<IdIssuerState, { state: IdIssuerState }>('id-issuer', (s) => ({ state: { ...s, tokens: { ...s.tokens, [t.token]: { ...t, revoked: true } } } }));
          return { status: 204 };
        },
      },
    };
  },
};
