/**
 * JSON Web Tokens on the virtual clock (jose): issued and checked against `nowMs`, never real time, so advancing the
 * clock expires them. HS256 with a per-world secret: the same claims and time give the same token.
 *
 * @example
 * const token = await issueJwt({ pid: 42, inn: '150140000012' }, { secret, nowMs, lifetimeMs: 36_000_000, id: 'jti-1' });
 * await verifyJwt(token, { secret, nowMs }); // { ok: true, claims } | { ok: false, reason: 'expired' | 'invalid' }
 */
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';

export async function issueJwt(claims: JWTPayload, o: { secret: Uint8Array; nowMs: number; lifetimeMs: number; id?: string; subject?: string }): Promise<string> {
  const iat = Math.floor(o.nowMs / 1000);
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt(iat).setExpirationTime(iat + Math.ceil(o.lifetimeMs / 1000));
  if (o.id) jwt.setJti(o.id);
  if (o.subject) jwt.setSubject(o.subject);
  return jwt.sign(o.secret);
}

export type JwtCheck = { ok: true; claims: JWTPayload } | { ok: false; reason: 'expired' | 'invalid' };

/** Checks signature and expiry at virtual time `nowMs`. Never throws for a bad token: says why. */
export async function verifyJwt(token: string, o: { secret: Uint8Array; nowMs: number }): Promise<JwtCheck> {
  try {
    const { payload } = await jwtVerify(token, o.secret, { algorithms: ['HS256'], currentDate: new Date(o.nowMs) });
    return { ok: true, claims: payload };
  } catch (e) {
    return { ok: false, reason: e instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}
