/**
 * True API sign-in (§4): one-time signed challenges, the JWT, the lenient and strict signature profiles against the
 * simulator's test CA, and the XML 401 bodies of §2.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { X509Certificate } from '../../simulator/core/cms.js';
import { PROJECT_ROOT } from '../../simulator/core/paths.js';
import { parseXml } from '../../simulator/core/xml.js';
import { setup, type Setup } from '../helpers.js';
import { authKey, BASE, certificateFor, importKey, IMPORTER, PRE_REGISTERED, PRODUCER, sign, signIn, WHOLESALER } from './helpers.js';

const strict = async () => {
  const s = await setup();
  const r = await s.http.post('/__sim/scenarios').send({ scenario: { name: 'strict-signatures', description: 'Strict signatures', profile: { 'true-api': { signatures: 'strict' } } } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return s;
};

const balances = (s: Setup, auth: string) => s.http.get(`${BASE}/elk/product-groups/balance/all`).set('Authorization', auth);

describe('GET /auth/key', () => {
  it('gives a fresh uuid and 30 capital letters each time', async () => {
    const s = await setup();
    const a = await authKey(s);
    const b = await authKey(s);
    expect(a.uuid).not.toBe(b.uuid);
    expect(a.data).toMatch(/^[A-Z]{30}$/);
    expect(a.data).not.toBe(b.data);
  });
});

describe('POST /auth/simpleSignIn, lenient (default)', () => {
  it('issues an HS256 JWT with pid, the BIN and product_group_info, living 10 hours', async () => {
    const s = await setup();
    const { uuid } = await authKey(s);
    const r = await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid, data: 'anything at all' });
    expect(r.status).toBe(200);
    const claims = decodeJwt(r.body.token);
    expect(claims).toMatchObject({ pid: 600000749, inn: PRODUCER, full_name: 'ТОО «Табак Продакшн»' });
    expect(claims.product_group_info).toEqual(
      ['tobacco', 'milk', 'shoes', 'alcohol'].map((name) => ({ name, status: null, types: ['PRODUCER', 'TRADE_PARTICIPANT'] })),
    );
    expect(claims.exp! - claims.iat!).toBe(36_000);
    expect(JSON.parse(Buffer.from(r.body.token.split('.')[0], 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  it('takes the participant from a CMS certificate, else from inn, and accepts UUID spelled as the table does', async () => {
    const s = await setup();
    const cert = await certificateFor(s, WHOLESALER);
    const k1 = await authKey(s);
    const byCert = await s.http.post(`${BASE}/auth/simpleSignIn`).send({ UUID: k1.uuid, data: await sign('not even the challenge', cert), inn: IMPORTER });
    expect(decodeJwt(byCert.body.token).inn).toBe(WHOLESALER);
    const k2 = await authKey(s);
    const byInn = await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid: k2.uuid, data: 'xx', inn: IMPORTER });
    expect(decodeJwt(byInn.body.token).inn).toBe(IMPORTER);
  });

  it('uses a challenge once, refuses an unknown or expired one, and an inn that is not a BIN', async () => {
    const s = await setup();
    const { uuid } = await authKey(s);
    expect((await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid, data: 'x' })).status).toBe(200);
    const again = await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid, data: 'x' });
    expect([again.status, again.body.error_message]).toEqual([400, `Данные для подписи с идентификатором ${uuid} не найдены или уже использованы: получите новые методом GET /auth/key`]);
    const old = await authKey(s);
    s.advance(600_000);
    const late = await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid: old.uuid, data: 'x' });
    expect([late.status, late.body.error_message]).toEqual([400, `Истёк срок действия данных для подписи с идентификатором ${old.uuid}: получите новые методом GET /auth/key`]);
    for (const proto of ['__proto__', 'constructor', 'toString']) expect((await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid: proto, data: 'x' })).status, proto).toBe(400);
    const k = await authKey(s);
    const bad = await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid: k.uuid, data: 'x', inn: '150140000013' });
    expect([bad.status, bad.body.error_message]).toEqual([400, 'Некорректное значение параметра inn: 150140000013 не является ИИН/БИН']);
    // The failed attempt used the challenge up as well.
    expect((await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid: k.uuid, data: 'x' })).status).toBe(400);
  });

  it('names a missing field as §2.1 does, and refuses a participant that is not fully registered', async () => {
    const s = await setup();
    const noUuid = await s.http.post(`${BASE}/auth/simpleSignIn`).send({ data: 'x' });
    expect([noUuid.status, noUuid.body]).toEqual([400, { error_message: 'Отсутствует обязательный параметр: uuid' }]);
    const { uuid } = await authKey(s);
    const noData = await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid });
    expect([noData.status, noData.body]).toEqual([400, { error_message: 'Отсутствует обязательный параметр: data' }]);
    const k = await authKey(s);
    const pre = await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid: k.uuid, data: 'x', inn: PRE_REGISTERED });
    expect([pre.status, pre.body.error_message]).toEqual([403, `Регистрация участника оборота товаров с ИИН/БИН ${PRE_REGISTERED} не завершена`]);
    const k2 = await authKey(s);
    const unknown = await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid: k2.uuid, data: 'x', inn: '850101300124' });
    expect([unknown.status, unknown.body.error_message]).toEqual([403, 'Участник оборота товаров с ИИН/БИН 850101300124 не зарегистрирован в ИС МПТ']);
  });
});

describe('POST /auth/simpleSignIn, strict', () => {
  it('accepts an attached CMS over the challenge made with a test-CA certificate', async () => {
    const s = await strict();
    const cert = await certificateFor(s, IMPORTER);
    expect(cert.cert.subject).toContain('OU=BIN201040000033');
    const { uuid, data } = await authKey(s);
    const r = await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid, data: await sign(data, cert) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(decodeJwt(r.body.token).inn).toBe(IMPORTER);
  });

  it('accepts the certificates shipped in fixtures/true-api/certs (seed 1), signed as the README shows with openssl', async () => {
    const s = await strict();
    const certs = join(PROJECT_ROOT, 'fixtures', 'true-api', 'certs');
    const k = await authKey(s);
    const der = execFileSync('openssl', ['cms', '-sign', '-nodetach', '-binary', '-outform', 'DER', '-signer', join(certs, `${PRODUCER}.crt.pem`), '-inkey', join(certs, `${PRODUCER}.key.pem`)], { input: k.data });
    const r = await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid: k.uuid, data: der.toString('base64') });
    expect([r.status, decodeJwt(r.body.token).inn]).toEqual([200, PRODUCER]);
    for (const [bin, status] of [[WHOLESALER, 200], [IMPORTER, 200], [PRE_REGISTERED, 403]] as const) {
      const shipped = { cert: new X509Certificate(readFileSync(join(certs, `${bin}.crt.pem`), 'utf8')), key: await importKey(readFileSync(join(certs, `${bin}.key.pem`), 'utf8')) };
      const key = await authKey(s);
      expect((await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid: key.uuid, data: await sign(key.data, shipped) })).status, bin).toBe(status);
    }
  });

  it('accepts the signature scripts/true-api-sign-in.mjs makes in plain Node (what the README shows)', async () => {
    const s = await strict();
    // @ts-expect-error: a plain JavaScript script for users, without types
    const { signChallenge } = await import('../../scripts/true-api-sign-in.mjs');
    const prefix = join(PROJECT_ROOT, 'fixtures', 'true-api', 'certs', IMPORTER);
    const k = await authKey(s);
    const data = await signChallenge(k.data, readFileSync(`${prefix}.crt.pem`, 'utf8'), readFileSync(`${prefix}.key.pem`, 'utf8'));
    const r = await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid: k.uuid, data });
    expect([r.status, decodeJwt(r.body.token).inn]).toEqual([200, IMPORTER]);
  });

  it('gives the key and certificate as a PKCS#12 file too, which openssl opens with the password and signs with', async () => {
    const s = await strict();
    const cert = (await certificateFor(s, WHOLESALER)) as Awaited<ReturnType<typeof certificateFor>> & { pkcs12: string; password: string };
    const dir = mkdtempSync(join(tmpdir(), 'p12-'));
    try {
      writeFileSync(join(dir, 'id.p12'), Buffer.from(cert.pkcs12, 'base64'));
      const pem = execFileSync('openssl', ['pkcs12', '-in', join(dir, 'id.p12'), '-passin', `pass:${cert.password}`, '-nodes'], { encoding: 'utf8' });
      writeFileSync(join(dir, 'id.pem'), pem);
      expect(() => execFileSync('openssl', ['pkcs12', '-in', join(dir, 'id.p12'), '-passin', 'pass:wrong', '-nodes'], { stdio: 'ignore' })).toThrow();
      const k = await authKey(s);
      const der = execFileSync('openssl', ['cms', '-sign', '-nodetach', '-binary', '-outform', 'DER', '-signer', join(dir, 'id.pem')], { input: k.data });
      const r = await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid: k.uuid, data: der.toString('base64') });
      expect([r.status, decodeJwt(r.body.token).inn]).toEqual([200, WHOLESALER]);
      // The journal hides the key, the file, its password and the token.
      const journal = (await s.http.get('/__sim/journal').query({ system: 'control' })).body.entries.find((e: { operationId: string }) => e.operationId === 'issueTrueApiCertificate');
      expect(journal.responseBody).toMatchObject({ privateKey: '***', pkcs12: '***', password: '***' });
      const signIn = (await s.http.get('/__sim/journal').query({ system: 'true-api' })).body.entries.find((e: { operationId: string; status: number }) => e.operationId === 'simpleSignIn' && e.status === 200);
      expect(signIn.responseBody).toEqual({ token: '***' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses, saying why: not a CMS, other data, a detached signature, a foreign CA, an expired certificate', async () => {
    const s = await strict();
    const cert = await certificateFor(s, PRODUCER);
    const attempt = async (make: (data: string) => Promise<string> | string) => {
      const k = await authKey(s);
      const r = await s.http.post(`${BASE}/auth/simpleSignIn`).send({ uuid: k.uuid, data: await make(k.data) });
      expect(r.status).toBe(400);
      return r.body.error_message as string;
    };
    expect(await attempt(() => 'bm90IGEgc2lnbmF0dXJl')).toMatch(/^Ошибка проверки ЭЦП: данные не являются подписью CMS \(PKCS#7\) в base64/);
    expect(await attempt(() => sign('OTHERDATA', cert))).toBe('Ошибка проверки ЭЦП: подписаны не те данные, что выданы методом GET /auth/key');
    const { signCms } = await import('../../simulator/core/cms.js');
    expect(await attempt(async (d) => (await signCms(Buffer.from(d), { certificate: cert.cert, privateKey: cert.key, detached: true })).toString('base64'))).toBe(
      'Ошибка проверки ЭЦП: подпись не содержит подписанных данных: нужна подпись с включением данных (attached CMS)',
    );
    // A certificate of another simulator's CA (another seed) with the same names.
    const other = await setup({ seed: 2 });
    const foreign = await certificateFor(other, PRODUCER);
    expect(await attempt((d) => sign(d, foreign))).toBe('Ошибка проверки ЭЦП: подпись сертификата не принадлежит тестовому удостоверяющему центру симулятора');
    const shortLived = await certificateFor(s, PRODUCER, { validDays: 1 });
    s.advance(2 * 86_400_000);
    expect(await attempt((d) => sign(d, shortLived))).toMatch(/^Ошибка проверки ЭЦП: сертификат недействителен на /);
  });
});

describe('tokens', () => {
  it('answer the §2.1 XML 401s: no token, an expired one, one replaced by a newer one, a forged one', async () => {
    const s = await setup();
    const none = await s.http.get(`${BASE}/elk/product-groups/balance/all`);
    expect([none.status, none.headers['content-type']]).toEqual([401, 'application/xml; charset=utf-8']);
    expect(parseXml(none.text)).toEqual({ UnauthorizedException: { error: 'unauthorized', error_description: 'Full authentication is required to access this resource' } });
    const first = await signIn(s);
    expect((await balances(s, first)).status).toBe(200);
    const second = await signIn(s);
    const replaced = await balances(s, first);
    expect([replaced.status, parseXml(replaced.text)]).toEqual([401, { InvalidTokenException: { error: 'invalid_token', error_description: `Access token expired: ${first.slice(7)}` } }]);
    expect((await balances(s, second)).status).toBe(200);
    s.advance(36_000_000);
    const expired = await balances(s, second);
    expect(parseXml(expired.text)).toEqual({ InvalidTokenException: { error: 'invalid_token', error_description: `Access token expired: ${second.slice(7)}` } });
    const forged = await balances(s, 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJpbm4iOiIxNTAxNDAwMDAwMTIifQ.c2lnbmF0dXJl');
    expect(parseXml(forged.text)).toEqual({ InvalidTokenException: { error: 'invalid_token', error_description: 'Invalid access token: eyJhbGciOiJIUzI1NiJ9.eyJpbm4iOiIxNTAxNDAwMDAwMTIifQ.c2lnbmF0dXJl' } });
  });

  it('of one participant do not replace another participant\'s', async () => {
    const s = await setup();
    const producer = await signIn(s, PRODUCER);
    const importer = await signIn(s, IMPORTER);
    expect((await balances(s, producer)).status).toBe(200);
    expect((await balances(s, importer)).status).toBe(200);
  });
});
