import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createApp } from '../simulator/app.js';
import { ManualClock } from '../simulator/core/clock.js';
import { pmap } from '../simulator/core/pmap.js';
import { contractHook, T0 } from './helpers.js';
import { USERS } from './mcoi/helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(dir: string, clock: ManualClock) {
  const sim = await createApp({ clock, seed: 1, store: { kind: 'file', dir }, onExchange: contractHook().hook });
  const http = request(sim.app);
  const login = async () => `Bearer ${(await http.post('/mcoi/api/users/authenticate').send(USERS.main)).body.accessToken}`;
  return { sim, http, login };
}

describe('file store (SIM_DATA_DIR)', () => {
  it('keeps orders, packs, reports and code states across a restart, and continues the id sequence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    dirs.push(dir);
    const clock = new ManualClock(T0);
    const a = await start(dir, clock);
    let auth = await a.login();
    const orderId = (await a.http.post('/mcoi/api/orders').set('Authorization', auth).send({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 5, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 })).body.orderId;
    clock.advance(3_000);
    const { codes, packId } = (await a.http.get('/mcoi/api/codes').query({ orderId, gtin: '04899215122371', quantity: 3 }).set('Authorization', auth)).body;
    const reportId = (await a.http.post('/mcoi/api/utilisation').query({ productGroup: 'vegetableoil' }).set('Authorization', auth).send({ sntins: codes.slice(0, 2), businessPlaceId: 27, releaseType: 'PRODUCTION' })).body.reportId;
    await a.sim.close();

    clock.advance(2_000);
    const b = await start(dir, clock);
    // the token survived too
    expect((await b.http.get('/mcoi/api/orders').query({ orderId }).set('Authorization', auth)).body.orderInfos[0].orderStatus).toBe('READY');
    expect((await b.http.get(`/mcoi/api/utilisation/${reportId}`).set('Authorization', auth)).body.reportStatus).toBe('SUCCESS');
    expect((await b.http.get('/mcoi/api/codes').query({ orderId, gtin: '04899215122371', quantity: 1 }).set('Authorization', auth)).body).toEqual({ packId, codes });
    const state = async (c: string) => (await b.http.get(`/__sim/state/mcoi/codes/${encodeURIComponent(c)}`)).body.status;
    expect([await state(codes[0]), await state(codes[1]), await state(codes[2])]).toEqual(['APPLIED', 'APPLIED', 'RECEIVED']);
    auth = await b.login();
    const next = (await b.http.post('/mcoi/api/orders').set('Authorization', auth).send({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 1, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 })).body.orderId;
    expect(next).not.toBe(orderId);
    await b.sim.close();
  });

  it('stores large report bodies outside the document lowdb rewrites', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    dirs.push(dir);
    const clock = new ManualClock(T0);
    const a = await start(dir, clock);
    // The default worlds' own size (a mark, a shop... of every system), written whole at start.
    const fresh = statSync(join(dir, 'db.json')).size;
    const auth = await a.login();
    const orderId = (await a.http.post('/mcoi/api/orders').set('Authorization', auth).send({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 20_000, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 })).body.orderId;
    clock.advance(3_000);
    const { codes } = (await a.http.get('/mcoi/api/codes').query({ orderId, gtin: '04899215122371', quantity: 20_000 }).set('Authorization', auth)).body;
    await a.http.post('/mcoi/api/utilisation').query({ productGroup: 'vegetableoil' }).set('Authorization', auth).send({ sntins: codes, businessPlaceId: 27, releaseType: 'PRODUCTION' });
    await a.sim.close();
    // 20,000 codes and a report of them (about 1 MB) add only their references to the document.
    expect(statSync(join(dir, 'db.json')).size - fresh).toBeLessThan(16 * 1024);
  });

  it('starts from the default world when the directory is empty, and reset clears blobs too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    dirs.push(dir);
    const a = await start(dir, new ManualClock(T0));
    expect(pmap.get(JSON.parse(readFileSync(join(dir, 'db.json'), 'utf8')).mcoi.orders, '0e13a243-fcad-4755-6fa7-9102e6832e61')).toBeDefined();
    await a.http.post('/__sim/reset');
    await a.sim.close();
    const b = await start(dir, new ManualClock(T0));
    const auth = await b.login();
    expect((await b.http.get('/mcoi/public/api/v1/doc/storage/json/0e534f23-0c42-4118-4e32-5ef2d04dc555').set('Authorization', auth)).body.seriesNumber).toBe('FINLK211111111111111');
    await b.sim.close();
  });

  it('opens a data directory an earlier version wrote (collections as plain records) and carries on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    dirs.push(dir);
    const a = await start(dir, new ManualClock(T0));
    await a.sim.close();
    // Rewrite the document as the previous version kept it: orders, documents, requests and tokens as plain objects.
    const db = JSON.parse(readFileSync(join(dir, 'db.json'), 'utf8'));
    const plain = (m: { t: unknown[] }) => {
      const out: Record<string, unknown> = {};
      // A node is 64 slots (its first never a string); a leaf its records flat, key then value.
      const walk = (s: unknown): void => {
        if (Array.isArray(s) && typeof s[0] !== 'string') s.forEach(walk);
        else if (Array.isArray(s)) for (let i = 0; i < s.length; i += 2) out[s[i] as string] = s[i + 1];
      };
      walk(m.t);
      return out;
    };
    db.mcoi.orders = plain(db.mcoi.orders);
    db.mcoi.documents = plain(db.mcoi.documents);
    db['id-issuer'].requests = plain(db['id-issuer'].requests);
    db['id-issuer'].tokens = plain(db['id-issuer'].tokens);
    writeFileSync(join(dir, 'db.json'), JSON.stringify(db));
    const b = await start(dir, new ManualClock(T0));
    const auth = await b.login();
    expect((await b.http.get('/mcoi/api/orders').set('Authorization', auth)).body.orderInfos).toHaveLength(6);
    expect((await b.http.get('/id-issuer/api/v3/identifiers/unit/requests/24').set('Authorization', 'Bearer sim-token-user-test-pl')).status).toBe(200);
    expect((await b.http.post('/mcoi/api/orders').set('Authorization', auth).send({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 1, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 })).status).toBe(200);
    await b.sim.close();
    expect(pmap.is(JSON.parse(readFileSync(join(dir, 'db.json'), 'utf8')).mcoi.orders)).toBe(true);
  });

  it('opens documents an earlier version typed DISAGGREGATION as TRANSPORT_CODE_DISAGGREGATION, and a world without API keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    dirs.push(dir);
    const a = await start(dir, new ManualClock(T0));
    await a.sim.close();
    const db = JSON.parse(readFileSync(join(dir, 'db.json'), 'utf8'));
    const [aggregation] = [...pmap.values(db.mcoi.documents as ReturnType<typeof pmap.empty<{ documentId: string; type: string }>>)].filter((d) => d.type !== 'ORDER');
    db.mcoi.documents = pmap.set(db.mcoi.documents, aggregation.documentId, { ...aggregation, type: 'DISAGGREGATION' });
    delete db.mcoi.apiKeys;
    writeFileSync(join(dir, 'db.json'), JSON.stringify(db));
    const b = await start(dir, new ManualClock(T0));
    const found = await b.http.get('/mcoi/public/api/v1/doc/storage/docs/search').query({ types: 'TRANSPORT_CODE_DISAGGREGATION' }).set('Authorization', await b.login());
    expect(found.body.documentInfos.map((d: { documentId: string }) => d.documentId)).toEqual([aggregation.documentId]);
    // No key survives from nowhere; one minted now works.
    expect((await b.http.get('/mcoi/public/api/v1/party/parties/301234567/api-keys/check').set('Authorization', 'Bearer 2f6c1a3e-5b7d-4e90-8a1c-6e8a0b7c9d01')).status).toBe(401);
    const minted = await b.http.post('/__sim/mcoi/api-keys').send({ login: '6e8login23' });
    expect((await b.http.get('/mcoi/public/api/v1/party/parties/301234567/api-keys/check').set('Authorization', `Bearer ${minted.body.apiKey}`)).status).toBe(200);
    await b.sim.close();
  });
});
