/**
 * Who calls MCOI: a bearer token of POST /api/users/authenticate (§2.1), alive 30 minutes of virtual time, replaced by
 * the user's next login; or the user's API key (account setup 003, observed #32), with the same roles and tenancy.
 * The roles of §2.4 per operation.
 */
import { bearerToken, checkToken } from '../../core/auth.js';
import { SimError } from '../../core/errors.js';
import { clockMs } from '../../core/progression.js';
import type { Auth, SystemContext } from '../../core/system.js';
import { HANDBOOK } from './handbook.js';
import { checkApiKey } from './keys.js';
import { ROLE_FOR_OPERATION, type McoiTimings } from './reference.js';
import type { McoiState, User } from './state.js';

export function mcoiAuth(ctx: SystemContext<McoiState>): Auth<User> {
  return {
    authenticate(req) {
      const s = ctx.state();
      const now = ctx.now();
      const token = bearerToken(req.headers.authorization as string | undefined);
      const check = checkToken(s.sessions, token, now);
      if (check.ok) {
        const user = s.world.users.find((u) => u.login === check.subject);
        if (!user) throw new SimError(HANDBOOK.UNAUTHORIZED, ['unknown user'], { context: { _cause: 'invalid-token' } });
        req.principal = user;
        return;
      }
      if (check.reason === 'invalid-token') {
        // Not a login token: a business user's API key?
        const key = checkApiKey(s, token, now, clockMs((ctx.timings() as McoiTimings).apiKeyLifetimeMs));
        if (key.ok) {
          req.principal = key.user;
          return;
        }
        if (key.detail !== 'unknown') throw new SimError(HANDBOOK.UNAUTHORIZED, [`${key.detail} API key`], { header: 'Authorization', context: { _cause: 'inactive-token' } });
      }
      throw new SimError(HANDBOOK.UNAUTHORIZED, [`${check.detail} token`], { header: 'Authorization', context: { _cause: check.reason } });
    },
    authorize(req) {
      const role = ROLE_FOR_OPERATION[req.op.operationId];
      if (role && role !== 'BY_DOCUMENT_TYPE' && !req.principal!.roles.includes(role)) throw new SimError(HANDBOOK.NO_PERMISSION);
    },
    who: (user) => ({ user: user?.login, organization: user ? ctx.state().world.organizations.find((o) => o.id === user.orgId)?.tin : undefined }),
    // Authentication is rate-limited per login (observed: 100 requests a minute per user) — a login of the world's;
    // any other (a client varying it at will) counts against the client's address, so keys cannot grow without bound.
    rateKey: (req) => {
      if (req.principal) return undefined;
      const login = (req.body as { login?: unknown } | undefined)?.login;
      return typeof login === 'string' && ctx.state().world.users.some((u) => u.login === login) ? `login:${login}` : `ip:${req.ip}`;
    },
  };
}
