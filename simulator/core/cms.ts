/**
 * CMS (PKCS#7) signatures and X.509 certificates (pkijs, @peculiar/x509): parse a SignedData — attached (the
 * content inside) or detached — and read who signed it from the signer certificate's subject. Signing is here for
 * the simulator's test PKI and the tests; verification against a trust anchor uses pkijs' own verify.
 *
 * @example
 * const cms = parseCms(base64FromClient);
 * cms.content;                            // the signed bytes, when attached
 * subjectField(cms.signers[0].certificate, 'OU'); // ['BIN150140000012']
 */
import 'reflect-metadata'; // @peculiar/x509 resolves its services through tsyringe, which needs it
import { webcrypto } from 'node:crypto';
import { BasicConstraintsExtension, KeyUsageFlags, KeyUsagesExtension, X509Certificate, X509CertificateGenerator } from '@peculiar/x509';
import { Certificate, ContentInfo, CryptoEngine, EncapsulatedContentInfo, IssuerAndSerialNumber, SignedData, SignerInfo, setEngine } from 'pkijs';
import { OctetString } from 'asn1js';

setEngine('node', new CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }));

const SIGNED_DATA = '1.2.840.113549.1.7.2';
const DATA = '1.2.840.113549.1.7.1';

export class CmsInvalid extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CmsInvalid';
  }
}

export interface CmsSigner {
  certificate: X509Certificate;
  /** The signer's digest algorithm OID. */
  digestAlgorithm: string;
}

export interface ParsedCms {
  /** The signed bytes when the signature is attached; undefined when detached. */
  content?: Buffer;
  certificates: X509Certificate[];
  signers: CmsSigner[];
  /** The pkijs structure, for verification. */
  signedData: SignedData;
}

/** Bytes from base64 text (whitespace and PEM armour allowed) or bytes as they are. */
function bytesOf(input: string | Uint8Array): Buffer {
  if (typeof input !== 'string') return Buffer.from(input);
  const b64 = input.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length === 0) throw new CmsInvalid('not base64');
  return Buffer.from(b64, 'base64');
}

const toArrayBuffer = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** Parses a CMS SignedData; throws CmsInvalid (never another error) for anything that is not one. */
export function parseCms(input: string | Uint8Array): ParsedCms {
  let der: Buffer;
  try {
    der = bytesOf(input);
  } catch (e) {
    throw e instanceof CmsInvalid ? e : new CmsInvalid((e as Error).message);
  }
  let signedData: SignedData;
  try {
    const info = ContentInfo.fromBER(toArrayBuffer(der));
    if (info.contentType !== SIGNED_DATA) throw new CmsInvalid(`not a SignedData (content type ${info.contentType})`);
    signedData = new SignedData({ schema: info.content });
  } catch (e) {
    throw e instanceof CmsInvalid ? e : new CmsInvalid(`not a CMS SignedData: ${(e as Error).message}`);
  }
  const certificates = (signedData.certificates ?? []).filter((c): c is Certificate => c instanceof Certificate).map((c) => new X509Certificate(c.toSchema(true).toBER(false)));
  const eContent = signedData.encapContentInfo.eContent;
  const content = eContent ? Buffer.from(eContent.getValue()) : undefined;
  const signers = signedData.signerInfos.map((si) => {
    const sid = si.sid instanceof IssuerAndSerialNumber ? Buffer.from(si.sid.serialNumber.valueBlock.valueHexView).toString('hex') : undefined;
    const certificate = certificates.find((c) => sid !== undefined && c.serialNumber.replace(/^0+/, '') === sid.replace(/^0+/, ''));
    if (!certificate) throw new CmsInvalid('the signer certificate is not in the signature');
    return { certificate, digestAlgorithm: si.digestAlgorithm.algorithmId };
  });
  if (!signers.length) throw new CmsInvalid('the signature has no signer');
  return { content, certificates, signers, signedData };
}

/** Subject attributes @peculiar/x509 knows only by OID (Kazakh NCA certificates carry the IIN in serialNumber). */
const FIELD_OIDS: Record<string, string> = { serialNumber: '2.5.4.5' };

/** One field of a certificate's subject (`OU`, `CN`, `serialNumber`, an OID...), every value it has. */
export function subjectField(cert: X509Certificate, field: string): string[] {
  return cert.subjectName.getField(FIELD_OIDS[field] ?? field);
}

/**
 * Signs `content` as a CMS SignedData (SHA-256, the certificate included): attached (the content inside, as
 * `openssl cms -sign -nodetach` makes it) or detached. Returns DER bytes.
 */
export async function signCms(content: Uint8Array, o: { certificate: X509Certificate; privateKey: CryptoKey; detached?: boolean }): Promise<Buffer> {
  const cert = Certificate.fromBER(o.certificate.rawData);
  const signedData = new SignedData({
    version: 1,
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: DATA, ...(o.detached ? {} : { eContent: new OctetString({ valueHex: content }) }) }),
    signerInfos: [new SignerInfo({ version: 1, sid: new IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }) })],
    certificates: [cert],
  });
  await signedData.sign(o.privateKey, 0, 'SHA-256', o.detached ? toArrayBuffer(Buffer.from(content)) : undefined);
  const info = new ContentInfo({ contentType: SIGNED_DATA, content: signedData.toSchema(true) });
  return Buffer.from(info.toSchema().toBER(false));
}

export { BasicConstraintsExtension, KeyUsageFlags, KeyUsagesExtension, X509Certificate, X509CertificateGenerator };
