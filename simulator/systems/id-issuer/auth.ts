/** Who calls the ID issuer: a bearer token the control plane minted (or the world names), its user, its operators. */
import { bearerToken } from '../../core/auth.js';
import { SimError } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import type { Auth, SystemContext } from '../../core/system.js';
import { HANDBOOK } from './handbook.js';
import type { IdIssuerState, User } from './state.js';

export function idIssuerAuth(ctx: SystemContext<IdIssuerState>): Auth<User> {
  return {
    authenticate(req) {
      const token = bearerToken(req.headers.authorization as string | undefined);
      const challenge = (why: string, desc: string) =>
        new SimError(HANDBOOK.UNAUTHORIZED, [why], { headers: { 'WWW-Authenticate': desc ? `Bearer error="invalid_token", error_description="${desc}"` : 'Bearer' } });
      if (!token) throw challenge('is missing', '');
      const s = ctx.state();
      const t = pmap.get(s.tokens, token);
      if (!t || t.revoked) throw challenge('is not valid', 'The token is not valid');
      if (t.expiresAt !== null && ctx.now() >= t.expiresAt) throw challenge('has expired', `The token expired at '${new Date(t.expiresAt).toISOString()}'`);
      const user = s.world.users.find((u) => u.email === t.user);
      if (!user) throw challenge('is not valid', 'The token is not valid');
      req.principal = user;
    },
    who: (user) => ({ user: user?.email }),
  };
}
