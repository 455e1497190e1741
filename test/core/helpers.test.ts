/**
 * The core helpers the next systems need: JWT on the virtual clock, one-time challenges, ZIP, XML, CMS/X.509.
 */
import { execFileSync } from 'node:child_process';
import { createHash, webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { consumeChallenge, issueChallenge } from '../../simulator/core/challenge.js';
import { CmsInvalid, parseCms, signCms, subjectField, X509Certificate, X509CertificateGenerator } from '../../simulator/core/cms.js';
import { issueJwt, verifyJwt } from '../../simulator/core/jwt.js';
import { parseXml, toXml, XmlInvalid } from '../../simulator/core/xml.js';
import { unzipFiles, zipFiles } from '../../simulator/core/zip.js';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const secret = new TextEncoder().encode('a secret of the world, from its seed');

describe('JWT on the virtual clock', () => {
  it('is valid until its lifetime has passed in virtual time, and carries its claims', async () => {
    const token = await issueJwt({ pid: 42, inn: '150140000012' }, { secret, nowMs: T0, lifetimeMs: 10 * 3_600_000, id: 'jti-1' });
    expect(token.split('.')).toHaveLength(3);
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    const ok = await verifyJwt(token, { secret, nowMs: T0 + 10 * 3_600_000 - 1_000 });
    expect(ok).toMatchObject({ ok: true, claims: { pid: 42, inn: '150140000012', jti: 'jti-1', iat: T0 / 1000 } });
    expect(await verifyJwt(token, { secret, nowMs: T0 + 10 * 3_600_000 })).toEqual({ ok: false, reason: 'expired' });
  });

  it('is the same for the same claims and time, and refuses a token signed with another secret or tampered with', async () => {
    const a = await issueJwt({ pid: 1 }, { secret, nowMs: T0, lifetimeMs: 1000 });
    expect(await issueJwt({ pid: 1 }, { secret, nowMs: T0, lifetimeMs: 1000 })).toBe(a);
    expect(await verifyJwt(a, { secret: new TextEncoder().encode('another'), nowMs: T0 })).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifyJwt(a.slice(0, -2) + 'xx', { secret, nowMs: T0 })).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifyJwt('not a token', { secret, nowMs: T0 })).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('one-time challenges', () => {
  it('are used once, expire on the clock, and the expired ones are pruned', () => {
    let { challenges, challenge } = issueChallenge({}, { id: 'c1', data: 'AAA=', nowMs: T0, ttlMs: 600_000 });
    const used = consumeChallenge(challenges, 'c1', T0 + 1000);
    expect(used.result).toEqual({ ok: true, challenge });
    expect(consumeChallenge(used.challenges, 'c1', T0 + 2000).result).toEqual({ ok: false, reason: 'unknown' });
    ({ challenges } = issueChallenge({}, { id: 'c2', data: 'BBB=', nowMs: T0, ttlMs: 600_000 }));
    expect(consumeChallenge(challenges, 'c2', T0 + 600_000).result).toEqual({ ok: false, reason: 'expired' });
    ({ challenges } = issueChallenge(challenges, { id: 'c3', data: 'CCC=', nowMs: T0 + 700_000, ttlMs: 600_000 }));
    expect(Object.keys(challenges)).toEqual(['c3']);
  });
});

describe('ZIP', () => {
  it('writes the same bytes for the same entries and time, readable back', () => {
    const entries = [{ name: 'codes.json', data: JSON.stringify({ results: ['a', 'b'] }) }, { name: 'raw.bin', data: new Uint8Array([0, 255, 7]) }];
    const a = zipFiles(entries, { mtimeMs: T0 });
    expect(a.subarray(0, 4).toString('hex')).toBe('504b0304');
    expect(createHash('sha256').update(zipFiles(entries, { mtimeMs: T0 })).digest('hex')).toBe(createHash('sha256').update(a).digest('hex'));
    const back = unzipFiles(a);
    expect(JSON.parse(back['codes.json'].toString())).toEqual({ results: ['a', 'b'] });
    expect([...back['raw.bin']]).toEqual([0, 255, 7]);
    expect(() => zipFiles([entries[0], entries[0]], { mtimeMs: T0 })).toThrow('given twice');
  });
});

describe('XML', () => {
  it('builds and parses, keeping digits as strings, and says where malformed XML breaks', () => {
    const xml = toXml({ UnauthorizedException: { error: 'unauthorized', error_description: 'Full authentication is required to access this resource' } });
    expect(xml).toContain('<error_description>Full authentication is required to access this resource</error_description>');
    expect(parseXml(xml)).toEqual({ UnauthorizedException: { error: 'unauthorized', error_description: 'Full authentication is required to access this resource' } });
    expect(parseXml('<a><code>0104601234567890</code></a>')).toEqual({ a: { code: '0104601234567890' } });
    expect(() => parseXml('<a><b></a>')).toThrow(XmlInvalid);
    expect(toXml({ a: { '@_x': '1 & 2', '#text': '<3' } })).toContain('x="1 &amp; 2"');
  });

  it('reads thousands of predefined entities (codes with & and <), and refuses what a DOCTYPE expands as invalid XML, never as a crash', () => {
    const many = `<list>${Array.from({ length: 5_000 }, (_, i) => `<c>a&amp;b&lt;${i}</c>`).join('')}</list>`;
    const codes = (parseXml(many) as { list: { c: string[] } }).list.c;
    expect(codes).toHaveLength(5_000);
    expect(codes[4_999]).toBe('a&b<4999');
    const bomb = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "${'A'.repeat(900)}">]><x>${'&a;'.repeat(200)}</x>`;
    expect(() => parseXml(bomb)).toThrow(XmlInvalid);
  });
});

describe('CMS and X.509', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cms-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function signer() {
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
    const certificate = await X509CertificateGenerator.createSelfSigned(
      { serialNumber: '0a1b2c', name: 'CN=Табак Продакшн, OU=BIN150140000012, 2.5.4.5=IIN850101300123, C=KZ', notBefore: new Date(T0), notAfter: new Date(T0 + 365 * 86_400_000), keys, signingAlgorithm: alg },
      webcrypto as unknown as Crypto,
    );
    return { certificate, keys };
  }

  it('reads an attached signature: the content, and who signed it from the certificate subject', async () => {
    const { certificate, keys } = await signer();
    const content = Buffer.from('challenge-data-from-auth-key');
    const der = await signCms(content, { certificate, privateKey: keys.privateKey });
    const cms = parseCms(der.toString('base64'));
    expect(cms.content).toEqual(content);
    expect(subjectField(cms.signers[0].certificate, 'OU')).toEqual(['BIN150140000012']);
    expect(subjectField(cms.signers[0].certificate, 'serialNumber')).toEqual(['IIN850101300123']);
    expect(cms.signers[0].digestAlgorithm).toBe('2.16.840.1.101.3.4.2.1');
    expect(await cms.signedData.verify({ signer: 0, trustedCerts: [], checkChain: false })).toBe(true);
  });

  it('reads a detached signature (no content inside) and a signature made by openssl cms', async () => {
    const { certificate, keys } = await signer();
    const detached = parseCms(await signCms(Buffer.from('document'), { certificate, privateKey: keys.privateKey, detached: true }));
    expect(detached.content).toBeUndefined();
    // The way the README tells users to sign: openssl cms -sign -nodetach -binary -outform DER
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
    writeFileSync(join(dir, 'key.pem'), `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`);
    writeFileSync(join(dir, 'cert.pem'), certificate.toString('pem'));
    writeFileSync(join(dir, 'data.txt'), 'challenge-signed-by-openssl');
    execFileSync('openssl', ['cms', '-sign', '-nodetach', '-binary', '-outform', 'DER', '-in', join(dir, 'data.txt'), '-signer', join(dir, 'cert.pem'), '-inkey', join(dir, 'key.pem'), '-out', join(dir, 'sig.der')]);
    const cms = parseCms(readFileSync(join(dir, 'sig.der')));
    expect(cms.content?.toString()).toBe('challenge-signed-by-openssl');
    expect(subjectField(cms.signers[0].certificate, 'OU')).toEqual(['BIN150140000012']);
    expect(cms.signers[0].certificate).toBeInstanceOf(X509Certificate);
  });

  it('refuses what is not a signature with CmsInvalid, never another error', () => {
    for (const bad of ['', 'not base64 at all!', Buffer.from('hello').toString('base64'), Buffer.from([0x30, 0x82, 0xff]).toString('base64'), 'MAA=']) {
      expect(() => parseCms(bad), bad).toThrow(CmsInvalid);
    }
  });
});
