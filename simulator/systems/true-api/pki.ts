/**
 * True API's test PKI: a certificate authority of the simulator's own, standing in for НУЦ РК (the national CA), and
 * participant certificates shaped like Kazakh NCA ones (the BIN in the subject's OU as `BIN<12 digits>`, the
 * signer's IIN in serialNumber as `IIN<12 digits>`). Keys are ECDSA P-256, every one derived from the seed (the CA's,
 * the default participants', and each issued certificate's from its serial), so the same seed gives the same CA
 * across restarts and the certificates shipped in fixtures/true-api/certs (seed 1) keep verifying.
 *
 * @example
 * const pki = new TestPki(seed);
 * const { certificate, privateKey } = await pki.issue(holder, { serialNumber, notBefore, notAfter, keys: await pki.issuedKeys(serialNumber) });
 * await pki.verify(parseCms(data), nowMs); // undefined, or why the signature is not one of this CA's
 */
import { createECDH, createHash, webcrypto } from 'node:crypto';
import { AuthenticatedSafe, CertBag, Certificate, PFX, PKCS8ShroudedKeyBag, PrivateKeyInfo, SafeBag, SafeContents, type ContentEncryptionAesCbcParams } from 'pkijs';
import { BasicConstraintsExtension, KeyUsageFlags, KeyUsagesExtension, X509CertificateGenerator, type ParsedCms, type X509Certificate } from '../../core/cms.js';
import { SimError } from '../../core/errors.js';
import { HANDBOOK } from './handbook.js';

const crypto = webcrypto as unknown as Crypto;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
/** The order of P-256: a private scalar must be below it. */
const N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

export const CA_NAME = 'CN=ИС МПТ — тестовый удостоверяющий центр симулятора, O=Marking-systems simulator, C=KZ';
/** The CA's own validity: fixed, wide, so virtual time anywhere in the range users travel to finds it valid. */
const CA_VALIDITY = { notBefore: new Date('2000-01-01T00:00:00Z'), notAfter: new Date('2099-12-31T23:59:59Z') };

const b64url = (b: Buffer) => b.toString('base64url');

/** A P-256 key pair whose private scalar is a hash of `label`: the same label, the same keys. */
export async function derivedKeys(label: string): Promise<CryptoKeyPair> {
  for (let i = 0; ; i++) {
    const d = createHash('sha256').update(`${label}/${i}`).digest();
    const n = BigInt(`0x${d.toString('hex')}`);
    if (n === 0n || n >= N) continue;
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(d);
    const pub = ecdh.getPublicKey(); // 0x04 || x || y
    const jwk = { kty: 'EC', crv: 'P-256', x: b64url(pub.subarray(1, 33)), y: b64url(pub.subarray(33, 65)), d: b64url(d), ext: true };
    const privateKey = await crypto.subtle.importKey('jwk', jwk, EC, true, ['sign']);
    const { d: _d, ...publicJwk } = jwk;
    const publicKey = await crypto.subtle.importKey('jwk', publicJwk, EC, true, ['verify']);
    return { privateKey, publicKey };
  }
}

export async function pemOfPrivateKey(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key)).toString('base64');
  return `-----BEGIN PRIVATE KEY-----\n${der.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

export interface Holder {
  bin: string;
  iin: string;
  /** The signer's name (CN); the organization's name goes to O. */
  name: string;
  organization: string;
}

export interface Issued {
  certificate: X509Certificate;
  privateKey: CryptoKey;
}

/** A subject as Kazakh NCA certificates spell it. Commas and other specials in names are escaped (RFC 4514). */
export function subjectOf(h: Holder): string {
  const esc = (v: string) => v.replace(/([,+"\\<>;=#])/g, '\\$1');
  return `CN=${esc(h.name)}, O=${esc(h.organization)}, OU=BIN${h.bin}, 2.5.4.5=IIN${h.iin}, C=KZ`;
}

export class TestPki {
  private ca?: Promise<Issued>;

  constructor(private readonly seed: number) {}

  /** The CA: its key from the seed; its certificate made once per process (ECDSA signs with a fresh nonce). */
  authority(): Promise<Issued> {
    this.ca ??= (async () => {
      const keys = await derivedKeys(`true-api/pki/${this.seed}/ca`);
      const certificate = await X509CertificateGenerator.createSelfSigned(
        {
          serialNumber: '01',
          name: CA_NAME,
          keys,
          signingAlgorithm: SIGNING,
          ...CA_VALIDITY,
          extensions: [new BasicConstraintsExtension(true, 0, true), new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true)],
        },
        crypto,
      );
      return { certificate, privateKey: keys.privateKey };
    })();
    return this.ca;
  }

  /** The key pair of a participant's shipped certificate (fixtures/true-api/certs): derived from seed and BIN. */
  shippedKeys(bin: string): Promise<CryptoKeyPair> {
    return derivedKeys(`true-api/pki/${this.seed}/participant/${bin}`);
  }

  /** The key pair of a certificate the control plane issues: derived from the seed and its serial (never reused). */
  issuedKeys(serialNumber: string): Promise<CryptoKeyPair> {
    return derivedKeys(`true-api/pki/${this.seed}/issued/${serialNumber}`);
  }

  /** A certificate for a holder, with the given key pair, signed by the CA. */
  async issue(h: Holder, o: { serialNumber: string; notBefore: Date; notAfter: Date; keys: CryptoKeyPair }): Promise<Issued> {
    const ca = await this.authority();
    const keys = o.keys;
    const certificate = await X509CertificateGenerator.create(
      {
        serialNumber: o.serialNumber,
        subject: subjectOf(h),
        issuer: ca.certificate.subject,
        notBefore: o.notBefore,
        notAfter: o.notAfter,
        publicKey: keys.publicKey,
        signingKey: ca.privateKey,
        signingAlgorithm: SIGNING,
        extensions: [new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation, true)],
      },
      crypto,
    );
    return { certificate, privateKey: keys.privateKey };
  }

  /**
   * Verifies a CMS signature against this CA at virtual time `nowMs`: the signer's certificate chains to the CA,
   * is valid at that moment, and the signature matches the content (attached, or `detached` given). Returns the
   * handbook error that says why not, or undefined when it verifies.
   */
  async verify(cms: ParsedCms, nowMs: number, detached?: Uint8Array): Promise<SimError | undefined> {
    const ca = await this.authority();
    const signer = cms.signers[0].certificate;
    if (signer.issuer !== ca.certificate.subject) return new SimError(HANDBOOK.SIGNATURE_FOREIGN_ISSUER, [signer.issuer]);
    if (!(await signer.verify({ publicKey: ca.certificate.publicKey, signatureOnly: true }, crypto))) return new SimError(HANDBOOK.SIGNATURE_FOREIGN_CA);
    if (nowMs < signer.notBefore.getTime() || nowMs > signer.notAfter.getTime())
      return new SimError(HANDBOOK.SIGNATURE_CERT_NOT_VALID, [new Date(nowMs).toISOString(), signer.notBefore.toISOString(), signer.notAfter.toISOString()]);
    try {
      const ok = await cms.signedData.verify({
        signer: 0,
        trustedCerts: [Certificate.fromBER(ca.certificate.rawData)],
        checkChain: false,
        ...(detached ? { data: detached.buffer.slice(detached.byteOffset, detached.byteOffset + detached.byteLength) as ArrayBuffer } : {}),
      });
      return ok ? undefined : new SimError(HANDBOOK.SIGNATURE_MISMATCH);
    } catch {
      return new SimError(HANDBOOK.SIGNATURE_MISMATCH);
    }
  }
}

const KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';

/**
 * A PKCS#12 file (what NCALayer and the national SDK load) holding the key and the certificate, under a password:
 * the key shrouded and the certificates encrypted with AES-256-CBC (PBES2, PBKDF2 with SHA-256), a SHA-256 MAC over
 * the whole. `openssl pkcs12 -in file -passin pass:...` reads it.
 */
export async function pkcs12Of(issued: Issued, password: string): Promise<Buffer> {
  const pwd = new TextEncoder().encode(password).buffer as ArrayBuffer;
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', issued.privateKey));
  const keyBag = new PKCS8ShroudedKeyBag({ parsedValue: PrivateKeyInfo.fromBER(pkcs8.buffer.slice(pkcs8.byteOffset, pkcs8.byteOffset + pkcs8.byteLength) as ArrayBuffer) });
  const pfx = new PFX({
    parsedValue: {
      integrityMode: 0,
      authenticatedSafe: new AuthenticatedSafe({
        parsedValue: {
          safeContents: [
            { privacyMode: 0, value: new SafeContents({ safeBags: [new SafeBag({ bagId: KEY_BAG, bagValue: keyBag })] }) },
            { privacyMode: 1, value: new SafeContents({ safeBags: [new SafeBag({ bagId: CERT_BAG, bagValue: new CertBag({ parsedValue: Certificate.fromBER(issued.certificate.rawData) }) })] }) },
          ],
        },
      }),
    },
  });
  // pkijs types AES-CBC as needing an iv; it draws one itself.
  const encryption = { password: pwd, contentEncryptionAlgorithm: { name: 'AES-CBC', length: 256 } as ContentEncryptionAesCbcParams, hmacHashAlgorithm: 'SHA-256', iterationCount: 2048 };
  await keyBag.makeInternalValues(encryption);
  await pfx.parsedValue!.authenticatedSafe!.makeInternalValues({ safeContents: [{}, encryption] });
  await pfx.makeInternalValues({ password: pwd, iterations: 2048, pbkdf2HashAlgorithm: { name: 'SHA-256' }, hmacHashAlgorithm: 'SHA-256' });
  return Buffer.from(pfx.toSchema().toBER(false));
}
