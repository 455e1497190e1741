/**
 * True API sign-in (§4): who signed the data of GET /auth/key, under the signature profile, and the token's claims.
 *
 * - `lenient` (default): any non-empty data. When it is a CMS, the participant is the one its signer certificate
 *   names (OU=BIN<bin>); otherwise an `inn` field of the body (clients of the Russian twin send one), else the
 *   world's default participant. No real national signature is needed in a test.
 * - `strict`: data must be an attached CMS over the challenge, made with a certificate of the simulator's test CA,
 *   valid at the virtual now; anything else is refused with the reason.
 *
 * @example
 * const bin = await signerOf({ data, inn }, challenge, 'strict', pki, nowMs); // '150140000012' or a SimError
 */
import { CmsInvalid, parseCms, subjectField, type ParsedCms } from '../../core/cms.js';
import { bearerToken } from '../../core/auth.js';
import { SimError } from '../../core/errors.js';
import { verifyJwt } from '../../core/jwt.js';
import type { Auth, SystemContext } from '../../core/system.js';
import { HANDBOOK } from './handbook.js';
import type { TestPki } from './pki.js';
import { isValidBin } from './reference.js';
import type { Participant, TrueApiState, World } from './state.js';

export type SignatureProfile = 'lenient' | 'strict';

/** Who is calling: the participant the token names. */
export interface Caller {
  participant: Participant;
}

/** The BIN a signer certificate names in its OU (`BIN150140000012`), if any. */
export function binOf(cms: ParsedCms): string | undefined {
  for (const ou of subjectField(cms.signers[0].certificate, 'OU')) {
    const m = /^BIN([0-9]{12})$/.exec(ou.trim());
    if (m) return m[1];
  }
  return undefined;
}

/** The BIN of whoever signed `data` for the challenge `challengeData`, or the SimError to answer. */
export async function signerOf(body: { data: string; inn?: string }, challengeData: string, profile: SignatureProfile, pki: TestPki, nowMs: number, world: World): Promise<string> {
  let cms: ParsedCms | undefined;
  try {
    cms = parseCms(body.data);
  } catch (e) {
    if (!(e instanceof CmsInvalid)) throw e;
    if (profile === 'strict') throw new SimError(HANDBOOK.SIGNATURE_NOT_CMS, [e.message]);
  }
  if (profile === 'lenient') {
    const fromCert = cms && binOf(cms);
    if (fromCert) return fromCert;
    if (body.inn !== undefined && body.inn !== '') {
      if (!isValidBin(body.inn)) throw new SimError(HANDBOOK.INN_INVALID, [body.inn]);
      return body.inn;
    }
    return world.defaultParticipant;
  }
  const signed = cms!;
  if (!signed.content) throw new SimError(HANDBOOK.SIGNATURE_DETACHED);
  // NCALayer's createCMSSignatureFromBase64 signs the bytes the base64 stands for: the data itself. Signing the
  // base64 text of it is accepted too.
  const content = signed.content.toString('latin1');
  if (content !== challengeData && content !== Buffer.from(challengeData, 'latin1').toString('base64')) throw new SimError(HANDBOOK.SIGNATURE_WRONG_DATA);
  const refusal = await pki.verify(signed, nowMs);
  if (refusal) throw refusal;
  const bin = binOf(signed);
  if (!bin) throw new SimError(HANDBOOK.SIGNATURE_NO_BIN);
  return bin;
}

/**
 * The detached signature of a submitted document (§2.3: CMS "без включения данных в подпись", base64) over its
 * bytes — the XML itself, or the base64 text of it (both are accepted, as at sign-in). `lenient`: any non-empty
 * base64. `strict`: a detached CMS by a certificate of the test CA, valid now, naming `signerBin` (the submitting
 * participant). Answers the SimError to throw, or undefined.
 */
export async function documentSignatureRefusal(
  o: { signature: string; content: Buffer; base64: string; fileId: string; signerBin: string },
  profile: SignatureProfile,
  pki: TestPki,
  nowMs: number,
): Promise<SimError | undefined> {
  const sig = o.signature.replace(/\s+/g, '');
  if (!sig) return new SimError(HANDBOOK.SIGNATURE_EMPTY);
  const refuse = (e: SimError) => new SimError(HANDBOOK.SIGNATURE_REFUSED, [o.fileId, e.message]);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(sig)) return refuse(new SimError(HANDBOOK.SIGNATURE_NOT_CMS, ['не строка base64']));
  if (profile === 'lenient') return undefined;
  let cms: ParsedCms;
  try {
    cms = parseCms(sig);
  } catch (e) {
    if (!(e instanceof CmsInvalid)) throw e;
    return refuse(new SimError(HANDBOOK.SIGNATURE_NOT_CMS, [e.message]));
  }
  if (cms.content) return refuse(new SimError(HANDBOOK.SIGNATURE_ATTACHED));
  const first = await pki.verify(cms, nowMs, o.content);
  const refusal = first && first.entry === HANDBOOK.SIGNATURE_MISMATCH ? await pki.verify(cms, nowMs, Buffer.from(o.base64, 'latin1')) : first;
  if (refusal) return refuse(refusal);
  const bin = binOf(cms);
  if (bin !== o.signerBin) return refuse(new SimError(HANDBOOK.SIGNATURE_FOREIGN_SIGNER, [bin ?? '—', o.signerBin]));
  return undefined;
}

/** The participant a BIN names, able to sign in; or the SimError to answer. */
export function participantFor(world: World, bin: string): Participant {
  const p = world.participants.find((x) => x.bin === bin);
  if (!p) throw new SimError(HANDBOOK.PARTICIPANT_UNKNOWN, [bin]);
  if (!p.registered) throw new SimError(HANDBOOK.PARTICIPANT_NOT_REGISTERED, [bin]);
  return p;
}

/** The token's claims, as the document's example shows them (product_group_info) plus pid and the BIN. */
export function claimsOf(p: Participant): Record<string, unknown> {
  return {
    pid: p.organisationId,
    inn: p.bin,
    full_name: p.name,
    product_group_info: p.contracts.map((c) => ({ name: c.productGroup, status: null, types: p.roles })),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who calls: a bearer JWT of /auth/simpleSignIn (§4.5), the participant's latest (a newer one replaced it). */
export function trueApiAuth(ctx: SystemContext<TrueApiState>): Auth<Caller> {
  return {
    async authenticate(req) {
      const token = bearerToken(req.headers.authorization as string | undefined);
      if (!token) throw new SimError(HANDBOOK.UNAUTHORIZED);
      const s = ctx.state();
      // A UUID-form token of a sign-in that asked for one (observed #37): the participant's newest, while it lives.
      if (UUID.test(token)) {
        const bin = Object.keys(s.unitedTokens ?? {}).find((b) => s.unitedTokens![b].token === token.toLowerCase());
        if (bin === undefined) throw new SimError(HANDBOOK.TOKEN_INVALID, [token]);
        if (ctx.now() >= s.unitedTokens![bin].expiresAt) throw new SimError(HANDBOOK.TOKEN_EXPIRED, [token]);
        const participant = s.world.participants.find((p) => p.bin === bin);
        if (!participant) throw new SimError(HANDBOOK.TOKEN_INVALID, [token]);
        req.principal = { participant };
        return;
      }
      const check = await verifyJwt(token, { secret: Buffer.from(s.jwtSecret, 'hex'), nowMs: ctx.now() });
      if (!check.ok) throw new SimError(check.reason === 'expired' ? HANDBOOK.TOKEN_EXPIRED : HANDBOOK.TOKEN_INVALID, [token]);
      const bin = check.claims.inn as string;
      // A newer token of the same participant replaced this one (observed: the real stand says it expired).
      if (s.sessions[bin] !== check.claims.jti) throw new SimError(HANDBOOK.TOKEN_EXPIRED, [token]);
      const participant = s.world.participants.find((p) => p.bin === bin);
      if (!participant) throw new SimError(HANDBOOK.TOKEN_INVALID, [token]);
      req.principal = { participant };
    },
    who: (c) => ({ user: c?.participant.bin, organization: c?.participant.bin }),
  };
}
