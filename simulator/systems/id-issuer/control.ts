/**
 * The ID issuer's control routes (bearer tokens minted, expired, revoked: the service's users get theirs from its
 * identity provider) and its state summary. Every change reads what it changes inside its commit.
 */
import { TIME_RANGE } from '../../core/clock.js';
import { SimError } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import type { Handler, SystemContext } from '../../core/system.js';
import { CONTROL_ERRORS } from './handbook.js';
import { identifierStatus, pollKey, requestStatus } from './machine.js';
import type { IdIssuerTimings } from './reference.js';
import type { IdIssuerState, Token } from './state.js';

const tokenView = (t: Token) => ({ token: t.token, user: t.user, expiresAt: t.expiresAt === null ? null : new Date(t.expiresAt).toISOString(), revoked: t.revoked === true });

/** A token of the latest state, or the control plane's 404. */
function tokenIn(s: IdIssuerState, token: string): Token {
  const t = pmap.get(s.tokens, token);
  if (!t) throw new SimError(CONTROL_ERRORS.UNKNOWN_TOKEN, [token]);
  return t;
}

export function idIssuerControl(ctx: SystemContext<IdIssuerState>): Record<string, Handler> {
  return {
    mintIdIssuerToken: async (req) => {
      const { user, expiresInMs } = req.body as { user: string; expiresInMs?: number };
      const { minted } = await ctx.commit((s, tx) => {
        if (!s.world.users.some((u) => u.email === user)) throw new SimError(CONTROL_ERRORS.UNKNOWN_USER, [user]);
        // An expiry past the end of virtual time is the same as the end of it (every instant stays a valid date).
        const minted: Token = { token: `sim-${tx.ids.hex('token', 40)}`, user, expiresAt: expiresInMs === undefined ? null : Math.min(ctx.now() + expiresInMs, TIME_RANGE.maxMs) };
        return { state: { ...s, tokens: pmap.set(s.tokens, minted.token, minted) }, minted, events: [{ type: 'TokenMinted', user }] };
      });
      return { status: 201, body: tokenView(minted) };
    },
    expireIdIssuerToken: async (req) => {
      const { expired } = await ctx.commit((s) => {
        const t = tokenIn(s, String(req.params.token));
        const expired: Token = { ...t, expiresAt: ctx.now() };
        return { state: { ...s, tokens: pmap.set(s.tokens, t.token, expired) }, expired, events: [{ type: 'TokenExpired', user: t.user }] };
      });
      return { body: tokenView(expired) };
    },
    revokeIdIssuerToken: async (req) => {
      await ctx.commit((s) => {
        const t = tokenIn(s, String(req.params.token));
        return { state: { ...s, tokens: pmap.set(s.tokens, t.token, { ...t, revoked: true }) }, events: [{ type: 'TokenRevoked', user: t.user }] };
      });
      return { status: 204 };
    },
  };
}

export function idIssuerSummary(ctx: SystemContext<IdIssuerState>): unknown {
  const s = ctx.state();
  const now = ctx.now();
  const t = ctx.timings() as IdIssuerTimings;
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
    requests: { total: reqs.length, byStatus: count(reqs.map((r) => requestStatus(r, now, t, ctx.polls(pollKey(r))))) },
    identifiers: { byStatus: count(reqs.map((r) => identifierStatus(r, s.world, now, t, ctx.polls(pollKey(r))))) },
  };
}
