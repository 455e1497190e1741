/**
 * Hostile input never stops the server, never answers 500, and never leaves a change behind: deep nesting, malformed
 * percent-encoding, control-plane numbers that would break dates, deep fields inside encoded documents.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { b64 } from './helpers.js';
import { HANDBOOK, mcoiError, readyCodes, setup, withoutErrorId } from './mcoi/helpers.js';
import { BASE, requestBody, USER } from './id-issuer/helpers.js';
import { call, contractViolations, startServer, stop } from './process.js';
import { MAX_STRING } from '../simulator/core/bounds.js';

const violations = contractViolations();
const DEEP = '['.repeat(8000) + ']'.repeat(8000);

/** Sends raw bytes with Transfer-Encoding: chunked (no Content-Length), as the attack did. */
function chunked(port: number, method: string, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...headers } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    for (let i = 0; i < body.length; i += 1024) req.write(body.slice(i, i + 1024));
    req.end();
  });
}

describe('a body nested 8,000 levels deep, chunked, without a token', () => {
  it('is a 400 in each envelope, and the process stays up (a real server)', async () => {
    const s = await startServer({ SIM_STORE: 'memory' });
    const port = Number(new URL(s.base).port);
    try {
      const mcoi = await chunked(port, 'POST', '/mcoi/api/orders', DEEP);
      expect(mcoi.status).toBe(400);
      expect(JSON.parse(mcoi.text).globalErrors[0]).toMatchObject({ code: 'invalid-format', error: 'Invalid format: request body nests deeper than 64 levels' });
      const id = await chunked(port, 'POST', '/id-issuer/api/v3/identifiers/unit/requests', DEEP);
      expect(id.status).toBe(400);
      expect(JSON.parse(id.text)).toMatchObject({ title: 'One or more validation errors occurred.', errors: { $: ['request body nests deeper than 64 levels'] } });
      const control = await chunked(port, 'POST', '/__sim/reset', DEEP);
      expect(control.status).toBe(400);
      expect((await call(violations, s.base, 'GET', '/__sim/health')).status).toBe(200);
      expect((await call(violations, s.base, 'GET', '/__sim/journal?limit=3')).body.entries).toHaveLength(3);
      expect(s.child.exitCode).toBeNull();
    } finally {
      await stop(s);
    }
    expect(s.output()).not.toMatch(/RangeError|Maximum call stack/);
  });
});

describe('malformed percent-encoding in a path parameter', () => {
  for (const path of ['/mcoi/api/utilisation/%ZZ', '/mcoi/api/utilisation/%FF', '/mcoi/api/utilisation/%C0%80', '/mcoi/api/utilisation/%']) {
    it(`${path} is a 400 in the MCOI envelope, with or without a token`, async () => {
      const s = await setup();
      const auth = await s.login();
      for (const withToken of [false, true]) {
        const server = s.sim.app.listen(0, '127.0.0.1');
        await new Promise((r) => server.once('listening', r));
        const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, { headers: withToken ? { authorization: auth } : {} });
        server.close();
        expect(res.status).toBe(400);
        expect(withoutErrorId((await res.json()) as never)).toEqual(mcoiError(HANDBOOK.INVALID_FORMAT, ['the path is not valid percent-encoding'], { body: '$' }));
      }
      expect((await s.http.get('/__sim/health')).status).toBe(200);
    });
  }
  it('is a 400 in the ID issuer envelope too', async () => {
    const s = await setup();
    const server = s.sim.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${BASE}/requests/%E0%A4%A`, { headers: { authorization: USER } });
    server.close();
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('the control plane keeps every instant a valid date', () => {
  it('refuses an advance past the range, in one step or many, and leaves the clock as it was', async () => {
    const s = await setup();
    expect((await s.http.post('/__sim/clock').send({ advanceMs: 9007199254740991 })).status).toBe(400);
    expect((await s.http.post('/__sim/clock').send({ set: '9999-12-01T00:00:00Z' })).status).toBe(200);
    const before = (await s.http.get('/__sim/clock')).body.nowMs;
    const over = await s.http.post('/__sim/clock').send({ advanceMs: 3153600000000 });
    expect([over.status, over.body.detail]).toEqual([400, 'virtual time must stay between 1970-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z']);
    expect((await s.http.get('/__sim/clock')).body.nowMs).toBe(before);
    expect((await s.http.post('/__sim/clock').send({ set: '0001-01-01T00:00:00Z' })).status).toBe(400);
    expect((await s.http.get('/__sim/health')).status).toBe(200);
    expect((await s.http.get('/mcoi/api/orders')).status).toBe(401); // every route still answers
  });

  it('refuses a token lifetime past the range, and clamps one that would end after the year 9999', async () => {
    const s = await setup();
    expect((await s.http.post('/__sim/id-issuer/tokens').send({ user: 'user@test.pl', expiresInMs: 9007199254740991 })).status).toBe(400);
    await s.http.post('/__sim/clock').send({ set: '9990-01-01T00:00:00Z' });
    const minted = await s.http.post('/__sim/id-issuer/tokens').send({ user: 'user@test.pl', expiresInMs: 3153600000000 });
    expect([minted.status, minted.body.expiresAt]).toEqual([201, '9999-12-31T23:59:59.999Z']);
    expect((await s.http.get('/__sim/state/id-issuer')).status).toBe(200);
  });

  it('refuses a scenario that starts its clock outside the range, when it is loaded', async () => {
    const s = await setup();
    const res = await s.http.post('/__sim/scenarios').send({ scenario: { name: 'early', description: 'd', clock: { start: '0500-01-01T00:00:00Z' } } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ path: '/clock/start', message: 'must be between 1970-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z' });
  });
});

describe('a deep field inside a valid request', () => {
  const deep = (n: number): unknown => (n === 0 ? 'x' : [deep(n - 1)]);

  it('is refused before anything is acknowledged: an order with a deep extra field', async () => {
    const s = await setup();
    const auth = await s.login();
    const res = await s.http.post('/mcoi/api/orders').set('Authorization', auth).send({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', businessPlaceId: 27, products: [{ gtin: '04899215122371', quantity: 1, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], extra: deep(100) });
    expect(res.status).toBe(400);
    expect((await s.http.get('/__sim/state/mcoi')).body.orders.total).toBe(6);
  });

  it('is refused before anything is acknowledged: a report whose documentBody hides a deep field', async () => {
    const s = await setup();
    const auth = await s.login();
    const { codes } = await readyCodes(s, auth, 2);
    const report = { productGroup: 'vegetableoil', businessPlaceId: 27, packageType: 'UNIT', documentDate: '2026-03-02T08:00:00+05:00', codes: codes.map((code) => ({ code, printQualityClass: 'A' })), extra: deep(200) };
    const res = await s.http.post('/mcoi/public/api/v1/doc/validation').set('Authorization', auth).send({ documentBody: b64(report) });
    expect(res.status).toBe(400);
    expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.DOCUMENT_BODY_NOT_JSON, ['it nests deeper than 64 levels'], { body: '$.documentBody' }));
    expect((await s.http.get('/__sim/state/mcoi')).body.documents.total).toBe(5);
  });

  it('an ID-issuer request with a deep extra field', async () => {
    const s = await setup();
    const res = await s.http.post(`${BASE}/requests`).set('Authorization', USER).send({ ...requestBody(), extra: deep(100) });
    expect(res.status).toBe(400);
    expect((await s.http.get('/__sim/state/id-issuer')).body.requests.total).toBe(6);
  });
});

describe('a request Node cannot read (headers over 16 KB)', () => {
  it('is answered in the envelope of the system it was for, not with a bare status line', async () => {
    const s = await startServer({ SIM_STORE: 'memory' });
    const port = Number(new URL(s.base).port);
    const big = (path: string) =>
      new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path, headers: { 'x-padding': 'x'.repeat(20_000) } }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      const mcoi = await big('/mcoi/api/orders');
      expect([mcoi.status, mcoi.type]).toEqual([431, 'application/json; charset=utf-8']);
      expect(JSON.parse(mcoi.body).globalErrors[0]).toMatchObject({ error: '431 Request Header Fields Too Large' });
      const id = await big('/id-issuer/api/v3/identifiers/unit');
      expect([id.status, JSON.parse(id.body).title]).toEqual([431, 'Request Header Fields Too Large']);
      const other = await big('/nowhere');
      expect([other.status, JSON.parse(other.body).detail]).toEqual([431, 'the request could not be read (headers larger than 16 KB, or a malformed request line)']);
      expect((await call(violations, s.base, 'GET', '/__sim/health')).status).toBe(200);
    } finally {
      await stop(s);
    }
  });
});

describe('a string longer than its contract allows', () => {
  const order = (poNumber: string) => ({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', businessPlaceId: 27, poNumber, products: [{ gtin: '04899215122371', quantity: 1, serialNumberType: 'OPERATOR', cisType: 'UNIT' }] });

  it('MCOI: a poNumber of 5 MB is a 400 naming the field, and nothing is stored; 1000 characters is accepted', async () => {
    const s = await setup();
    const auth = await s.login();
    const huge = await s.http.post('/mcoi/api/orders').set('Authorization', auth).send(order('x'.repeat(5 * 1024 * 1024)));
    expect(huge.status).toBe(400);
    expect(huge.body.globalErrors[0]).toMatchObject({ code: 'invalid-input-parameter', error: 'Invalid parameter $.poNumber: must NOT have more than 1000 characters', requestBodyJsonPath: '$.poNumber' });
    expect((await s.http.get('/__sim/state/mcoi')).body.orders.total).toBe(6);
    const atLimit = await s.http.post('/mcoi/api/orders').set('Authorization', auth).send(order('x'.repeat(1000)));
    expect(atLimit.status).toBe(200);
    expect(s.violations).toEqual([]);
  });

  it('MCOI: documentBody is bounded by the body limit, not the string cap, and a long string inside the report is refused', async () => {
    const s = await setup();
    const auth = await s.login();
    const { codes } = await readyCodes(s, auth, 40);
    const report = { productGroup: 'vegetableoil', businessPlaceId: 27, packageType: 'UNIT', documentDate: '2026-03-02T08:00:00+05:00', codes: codes.map((code) => ({ code, printQualityClass: 'A' })) };
    expect(b64(report).length).toBeGreaterThan(1000);
    const long = await s.http.post('/mcoi/public/api/v1/doc/validation').set('Authorization', auth).send({ documentBody: b64({ ...report, codes: [{ code: 'x'.repeat(1001), printQualityClass: 'A' }] }) });
    expect(long.status).toBe(400);
    expect(long.body.globalErrors[0].error).toBe('Invalid parameter $.documentBody.codes[0].code: must NOT have more than 1000 characters');
    const ok = await s.http.post('/mcoi/public/api/v1/doc/validation').set('Authorization', auth).send({ documentBody: b64(report) });
    expect(ok.status).toBe(200);
    expect(s.violations).toEqual([]);
  });

  it('ID issuer: a 1001-character productBrand is a 400 problem naming the field', async () => {
    const s = await setup();
    const res = await s.http.post(`${BASE}/requests`).set('Authorization', USER).send(requestBody({ productData: { ...requestBody().productData, productBrand: 'b'.repeat(1001) } }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual({ '$.productData.productBrand': ['must NOT have more than 1000 characters'] });
    expect((await s.http.get('/__sim/state/id-issuer')).body.requests.total).toBe(6);
    expect(s.violations).toEqual([]);
  });

  it('control plane: a 1001-character scenario name is a 400 problem', async () => {
    const s = await setup();
    const res = await s.http.post('/__sim/scenarios').send({ name: 'a'.repeat(1001) });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([{ in: 'body', path: '$.name', message: 'must NOT have more than 1000 characters' }]);
    expect(s.violations).toEqual([]);
  });

  it('every served contract says so (x-sim-interpretation names the cap)', async () => {
    const s = await setup();
    for (const [id, c] of Object.entries(s.sim.contracts)) {
      const notes = ((c.document.info as unknown as Record<string, unknown>)['x-sim-interpretation'] ?? []) as string[];
      expect(notes.some((n) => n.includes(`at most ${MAX_STRING} characters`)), id).toBe(true);
    }
  });
});
