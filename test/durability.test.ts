/**
 * Mutations as seen from outside (in-process apps on the file store): a failed write is an error and changes
 * nothing; replay refuses a missing blob; a reset racing a streamed download or another request ends it cleanly.
 */
import { get as httpGet } from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createApp } from '../simulator/app.js';
import { ManualClock } from '../simulator/core/clock.js';
import { MissingBlob } from '../simulator/core/store.js';
import { contractHook, T0 } from './helpers.js';
import { HANDBOOK, mcoiError, USERS, withoutErrorId } from './mcoi/helpers.js';
import { BASE, requestBody, USER } from './id-issuer/helpers.js';

const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(dir: string, clock = new ManualClock(T0)) {
  const sim = await createApp({ clock, seed: 1, store: { kind: 'file', dir }, onExchange: contractHook().hook });
  closers.push(() => sim.close());
  const http = request(sim.app);
  const login = async () => `Bearer ${(await http.post('/mcoi/api/users/authenticate').send(USERS.main)).body.accessToken}`;
  return { sim, http, login, clock };
}

const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'sim-durable-'));
  dirs.push(d);
  return d;
};

/** Makes the next append fail (the log cannot be opened), and mends it. */
const breakLog = (dir: string) => (rmSync(join(dir, 'log.jsonl'), { force: true }), mkdirSync(join(dir, 'log.jsonl')));
const mendLog = (dir: string) => rmSync(join(dir, 'log.jsonl'), { recursive: true });

const ORDER = { productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 5, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 };

describe('a failed disk write', () => {
  it('answers an error in the system envelope and leaves no trace: not listed, id not consumed, later writes work', async () => {
    const dir = tmp();
    const a = await start(dir);
    const auth = await a.login();
    const before = (await a.http.get('/mcoi/api/orders').set('Authorization', auth)).body.orderInfos.length;
    breakLog(dir); // the next write cannot append to the log
    const failed = await a.http.post('/mcoi/api/orders').set('Authorization', auth).send(ORDER);
    expect(failed.status).toBe(500);
    expect(withoutErrorId(failed.body)).toEqual(mcoiError(HANDBOOK.INTERNAL));
    expect((await a.http.get('/mcoi/api/orders').set('Authorization', auth)).body.orderInfos).toHaveLength(before);
    mendLog(dir);
    const ok = await a.http.post('/mcoi/api/orders').set('Authorization', auth).send(ORDER);
    expect(ok.status).toBe(200);
    expect((await a.http.get('/mcoi/api/orders').set('Authorization', auth)).body.orderInfos).toHaveLength(before + 1);
    await a.sim.close();
    const b = await start(dir);
    expect((await b.http.get('/mcoi/api/orders').set('Authorization', auth)).body.orderInfos.map((o: { orderId: string }) => o.orderId)).toContain(ok.body.orderId);
  });

  it('rolls a report back with its blob and its effects on codes', async () => {
    const dir = tmp();
    const a = await start(dir);
    const auth = await a.login();
    const orderId = (await a.http.post('/mcoi/api/orders').set('Authorization', auth).send(ORDER)).body.orderId;
    a.clock.advance(3_000);
    const { codes } = (await a.http.get('/mcoi/api/codes').query({ orderId, gtin: '04899215122371', quantity: 5 }).set('Authorization', auth)).body;
    breakLog(dir);
    const failed = await a.http.post('/mcoi/api/utilisation').query({ productGroup: 'vegetableoil' }).set('Authorization', auth).send({ sntins: codes, businessPlaceId: 27, releaseType: 'PRODUCTION' });
    expect(failed.status).toBe(500);
    expect((await a.http.get(`/__sim/state/mcoi/codes/${encodeURIComponent(codes[0])}`)).body.status).toBe('RECEIVED');
    mendLog(dir);
    const again = await a.http.post('/mcoi/api/utilisation').query({ productGroup: 'vegetableoil' }).set('Authorization', auth).send({ sntins: codes, businessPlaceId: 27, releaseType: 'PRODUCTION' });
    expect(again.status).toBe(200);
    a.clock.advance(2_000);
    expect((await a.http.get(`/mcoi/api/utilisation/${again.body.reportId}`).set('Authorization', auth)).body.reportStatus).toBe('SUCCESS');
  });
});

describe('replay', () => {
  for (const key of ['mcoi/doc/0e534f23-0c42-4118-4e32-5ef2d04dc555', 'mcoi/doc/0e277565-4f07-45f1-602f-2e3bac7e7c3d', 'mcoi/order/0e13a243-fcad-4755-6fa7-9102e6832e61']) {
    it(`refuses to start, naming the blob, when the state names a blob that is missing (${key})`, async () => {
      const dir = tmp();
      const a = await start(dir);
      await a.sim.close();
      const gen = readdirSync(join(dir, 'blobs'))[0];
      unlinkSync(join(dir, 'blobs', gen, `${encodeURIComponent(key)}.json`));
      await expect(createApp({ clock: new ManualClock(T0), store: { kind: 'file', dir } })).rejects.toThrow(new MissingBlob(key).message);
    });
  }
});

describe('a reset racing requests', () => {
  it('ends a streamed CSV download cleanly (complete, or the connection closed) and the server stays healthy', async () => {
    const s = await start(tmp());
    const res = await s.http.post(`${BASE}/requests`).set('Authorization', USER).send(requestBody({ reqQuantity: 1_500_000, processImmediately: true }));
    expect(res.status).toBe(201);
    s.clock.advance(12_000);
    const server = s.sim.app.listen(0, '127.0.0.1');
    closers.push(() => new Promise((r) => server.close(() => r())));
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    const outcome = await new Promise<string>((resolve) => {
      const req = httpGet({ host: '127.0.0.1', port, path: `${BASE}/${res.body.requestId}/csv?format=Full`, headers: { authorization: USER } }, (r) => {
        let bytes = 0;
        r.once('data', async (chunk: Buffer) => {
          bytes += chunk.length;
          r.pause(); // a slow client: the server waits on back-pressure while the world is reset
          expect((await s.http.post('/__sim/reset')).status).toBe(200);
          r.resume();
        });
        r.on('data', (chunk: Buffer) => (bytes += chunk.length));
        r.on('end', () => resolve(`complete ${bytes}`));
        r.on('error', () => resolve('closed'));
        r.on('aborted', () => resolve('closed'));
      });
      req.on('error', () => resolve('closed'));
    });
    expect(outcome).toMatch(/^(complete \d+|closed)$/);
    expect((await s.http.get('/__sim/health')).status).toBe(200);
    // The world was reset: the request is gone and the download recorded nothing in the new world.
    expect((await s.http.get(`${BASE}/requests/${res.body.requestId}`).set('Authorization', USER)).status).toBe(404);
  });

  it('lets mutations and resets interleave without an error outside the envelopes', async () => {
    const s = await start(tmp());
    const auth = await s.login();
    const results = await Promise.all([
      ...Array.from({ length: 20 }, () => s.http.post('/mcoi/api/orders').set('Authorization', auth).send(ORDER)),
      s.http.post('/__sim/reset'),
      ...Array.from({ length: 10 }, () => s.http.post(`${BASE}/requests`).set('Authorization', USER).send(requestBody())),
      s.http.post('/__sim/reset'),
    ]);
    for (const r of results) expect([200, 201, 401]).toContain(r.status); // 401: the login was wiped by a reset
    expect((await s.http.get('/__sim/health')).status).toBe(200);
  });
});
