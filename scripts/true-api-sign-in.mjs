#!/usr/bin/env node
/**
 * Signs in to True API the way a client does (§4), in plain Node with pkijs: GET /auth/key, an attached CMS over its
 * data, POST /auth/simpleSignIn. Prints the token. Works against the simulator in either signature profile.
 *
 *   node scripts/true-api-sign-in.mjs http://localhost:8080/true-api fixtures/true-api/certs/150140000012
 *
 * (the second argument is a path prefix: <prefix>.crt.pem and <prefix>.key.pem, PEM certificate and PKCS#8 key).
 */
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto }));
const der = (pem) => {
  const b = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
};

/** An attached CMS (base64) over `data`, as NCALayer's createCMSSignatureFromBase64(..., true) makes it. */
export async function signChallenge(data, certPem, keyPem) {
  const cert = pkijs.Certificate.fromBER(der(certPem));
  const algorithm = cert.subjectPublicKeyInfo.algorithm.algorithmId === '1.2.840.10045.2.1' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const key = await webcrypto.subtle.importKey('pkcs8', der(keyPem), algorithm, false, ['sign']);
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.7.1', eContent: new asn1js.OctetString({ valueHex: new TextEncoder().encode(data) }) }),
    signerInfos: [new pkijs.SignerInfo({ version: 1, sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }) })],
    certificates: [cert],
  });
  await signed.sign(key, 0, 'SHA-256');
  const cms = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: signed.toSchema(true) });
  return Buffer.from(cms.toSchema().toBER(false)).toString('base64');
}

export async function signIn(base, prefix) {
  const { uuid, data } = await (await fetch(`${base}/auth/key`)).json();
  const signature = await signChallenge(data, readFileSync(`${prefix}.crt.pem`, 'utf8'), readFileSync(`${prefix}.key.pem`, 'utf8'));
  const res = await fetch(`${base}/auth/simpleSignIn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uuid, data: signature }) });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`simpleSignIn answered ${res.status}: ${body.error_message ?? JSON.stringify(body)}`);
  return body.token;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [base, prefix] = process.argv.slice(2);
  if (!base || !prefix) {
    console.error('usage: node scripts/true-api-sign-in.mjs <base URL, e.g. http://localhost:8080/true-api> <certificate prefix, e.g. fixtures/true-api/certs/150140000012>');
    process.exit(2);
  }
  signIn(base, prefix).then(
    (token) => console.log(token),
    (e) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
