/** True API test helpers: sign in (lenient or strict, with a test certificate) and call with the token. */
import { webcrypto } from 'node:crypto';
import { expect } from 'vitest';
import { signCms, X509Certificate } from '../../simulator/core/cms.js';
import type { Setup } from '../helpers.js';

export const BASE = '/true-api';
export const PRODUCER = '150140000012';
export const WHOLESALER = '180340000025';
export const IMPORTER = '201040000033';
export const PRE_REGISTERED = '211240000042';

/** GET /auth/key. */
export async function authKey(s: Setup): Promise<{ uuid: string; data: string }> {
  const r = await s.http.get(`${BASE}/auth/key`);
  expect(r.status).toBe(200);
  return r.body;
}

/** A certificate and key for a participant from the control plane, ready to sign with. */
export async function certificateFor(s: Setup, bin: string, extra: Record<string, unknown> = {}) {
  const r = await s.http.post('/__sim/true-api/certificates').send({ bin, ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { ...r.body, cert: new X509Certificate(r.body.certificate), key: await importKey(r.body.privateKey) } as { certificate: string; privateKey: string; caCertificate: string; cert: X509Certificate; key: CryptoKey; serialNumber: string };
}

export async function importKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']) as Promise<CryptoKey>;
}

/** An attached CMS over `content`, base64, as NCALayer's createCMSSignatureFromBase64(..., true) gives it. */
export async function sign(content: string, c: { cert: X509Certificate; key: CryptoKey }): Promise<string> {
  return (await signCms(Buffer.from(content, 'latin1'), { certificate: c.cert, privateKey: c.key })).toString('base64');
}

/** Signs in (any data: the lenient profile names the participant by `inn`) and returns the Authorization header. */
export async function signIn(s: Setup, bin = PRODUCER): Promise<string> {
  const { uuid } = await authKey(s);
  const r = await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid, data: 'c2lnbmVk', inn: bin });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return `Bearer ${r.body.token}`;
}

/**
 * Switches True API to strict signatures and gives each participant a certificate of the test CA, a signed-in
 * token (an attached CMS over the challenge) and a detached signer of documents.
 */
export async function strictSession(s: Setup, ...bins: string[]) {
  const r = await s.http.post('/__sim/scenarios').send({ scenario: { name: 'strict-signatures', description: 'Strict signatures', profile: { 'true-api': { signatures: 'strict' } } } });
  expect(r.status).toBe(200);
  return Promise.all(
    bins.map(async (bin) => {
      const cert = await certificateFor(s, bin);
      const { uuid, data } = await authKey(s);
      const signedIn = await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid, data: await sign(data, cert) });
      expect(signedIn.status, signedIn.text).toBe(200);
      /** A detached CMS of this participant over `content` (UTF-8), base64. */
      const detached = async (content: string) => (await signCms(Buffer.from(content), { certificate: cert.cert, privateKey: cert.key, detached: true })).toString('base64');
      return { bin, cert, auth: `Bearer ${signedIn.body.token}`, detached };
    }),
  );
}
