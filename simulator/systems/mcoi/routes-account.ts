/**
 * The business user's account as clients feel it (account setup 003; observed #32, #33): checking and renewing the
 * API key, and a party's status. Thin handlers over keys.ts.
 */
import { bearerToken, checkToken } from '../../core/auth.js';
import { SimError } from '../../core/errors.js';
import { clockMs } from '../../core/progression.js';
import type { Handler, SimRequest, SystemContext } from '../../core/system.js';
import { HANDBOOK } from './handbook.js';
import { checkApiKey, expiresAt, issueApiKey } from './keys.js';
import { orgByTin, orgOf } from './machine.js';
import { LIMITS, type McoiTimings } from './reference.js';
import { localised } from './serialize.js';
import type { McoiState, User } from './state.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The TIN a party path names. One client calls `/party/parties/tin/api-keys/check?tin=…` (the word "tin" in the path,
 * the number in the query): there, the query's (or the body's) TIN is meant.
 */
const tinOf = (req: SimRequest<User>, body?: { tin?: unknown }): string => {
  const path = String(req.params.tin);
  if (path !== 'tin') return path;
  const q = (req.query as { tin?: string }).tin;
  return q ?? (typeof body?.tin === 'string' ? body.tin : path);
};

export function createAccountHandlers(ctx: SystemContext<McoiState>): Record<string, Handler<User>> {
  const lifetime = () => clockMs((ctx.timings() as McoiTimings).apiKeyLifetimeMs);
  return {
    // GET party/parties/{tin}/api-keys/check: whether the credential sent belongs to that TIN, and until when it lives.
    checkApiKey: (req) => {
      const s = ctx.state();
      const user = req.principal as User;
      const token = bearerToken(req.headers.authorization as string | undefined);
      const session = checkToken(s.sessions, token, ctx.now());
      const key = session.ok ? undefined : checkApiKey(s, token, ctx.now(), lifetime());
      const until = session.ok ? session.session.expiresAt : key?.ok ? expiresAt(key.key, lifetime()) : null;
      return { body: { isTinCorrect: orgOf(s, user.orgId)?.tin === tinOf(req), expiresOn: iso(until) } };
    },

    // POST party/parties/{tin}/api-keys/refresh: a new key for the user whose key (in the body, or the Bearer) is sent;
    // that key is retired. An expired key may be renewed (that is what renewing is for); a retired one may not.
    refreshApiKey: async (req) => {
      const body = (req.body ?? {}) as { apiKey?: unknown; tin?: unknown };
      const sent = typeof body.apiKey === 'string' ? body.apiKey : bearerToken(req.headers.authorization as string | undefined);
      const r = await ctx.commit((s, tx) => {
        const now = ctx.now();
        const session = checkToken(s.sessions, sent, now);
        if (sent === undefined) throw new SimError(HANDBOOK.UNAUTHORIZED, ['missing token'], { header: 'Authorization', context: { _cause: 'missing-token' } });
        let user = session.ok ? s.world.users.find((u) => u.login === session.subject) : undefined;
        if (!session.ok) {
          const key = checkApiKey(s, sent, now, lifetime());
          if (key.ok || key.detail === 'expired') user = key.user;
          else throw new SimError(HANDBOOK.UNAUTHORIZED, [`${key.detail} API key`], { header: 'Authorization', context: { _cause: key.detail === 'unknown' ? 'invalid-token' : 'inactive-token' } });
        }
        if (!user) throw new SimError(HANDBOOK.UNAUTHORIZED, ['unknown user'], { header: 'Authorization', context: { _cause: 'invalid-token' } });
        if (orgOf(s, user.orgId)?.tin !== tinOf(req, body)) throw new SimError(HANDBOOK.NO_PERMISSION);
        return issueApiKey(s, user, now, tx.ids, 'refresh');
      });
      return { body: { apiKey: r.key.key, expiresOn: iso(expiresAt(r.key, lifetime())) } };
    },

    // GET party/parties/{tin}/status: a participant's standing (its own balance only to itself).
    getPartyStatus: (req) => {
      const s = ctx.state();
      const tin = tinOf(req);
      const org = orgByTin(s, tin);
      if (!org) throw new SimError(HANDBOOK.PARTY_NOT_FOUND, [tin]);
      const own = org.id === (req.principal as User).orgId;
      return {
        body: {
          tin: org.tin,
          name: localised(org.name),
          status: 'ACTIVE',
          kinds: org.kinds,
          agreementActivated: org.agreementActivated !== false,
          productGroups: org.productGroups,
          ...(own && org.balance !== undefined ? { balance: org.balance, codePrice: LIMITS.codePriceUzs } : {}),
        },
      };
    },
  };
}
