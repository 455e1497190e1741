/**
 * Worlds (issue 25): many isolated simulated worlds in one simulator, each under /w/{id}/ with its own state, ids,
 * clock, scenario, tokens and journal; managed on the control plane. restart.test.ts-style durability of worlds is
 * in the last block (a real process, the file store).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { setup } from './helpers.js';
import { call as callOn, contractViolations, startServer, stop } from './process.js';

const ORDER = { productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 2, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 };
const ID_REQUEST = {
  economicOperatorId: 'PWPK0000001',
  facilityId: 'PWPK0000002',
  processType: false,
  routeData: { intendedMarket: 'PL', fromOutOfUE: false },
  productData: { cnCode: 'Code', productBrand: 'Brand', productType: 'Cigarette', productWeight: 15, euCegIdentifier: '12345-12-12345', euCegProductNumber: '12345678901', units: 10 },
  reqQuantity: 1000,
};
const ID_AUTH = 'Bearer sim-token-user-test-pl';

describe('worlds in one simulator (/w/{id}/...)', () => {
  it('20 clients at once, each in its own world: MCOI order to utilisation, the ID issuer\'s 24-hour window, a True API sign-in — and nothing crosses', async () => {
    const s = await setup({ tickMs: 0 });
    const N = 20;
    const ids = Array.from({ length: N }, (_, i) => `suite-${i}`);
    const created = await Promise.all(ids.map((id) => s.http.post('/__sim/worlds').send({ id, seed: 1 })));
    for (const r of created) expect(r.status, r.text).toBe(201);
    expect(created[3].body).toMatchObject({ id: 'suite-3', baseUrl: expect.stringMatching(/\/w\/suite-3$/), systems: { mcoi: expect.stringMatching(/\/w\/suite-3\/mcoi$/) } });

    const at = (id: string) => (p: string) => `/w/${id}${p}`;
    // Phase 1, every world at once: MCOI from an order to its utilisation, a True API sign-in.
    const mcoi = async (id: string) => {
      const w = at(id);
      // Frozen, so that each world's clock moves only when this client moves it.
      const frozen = await s.http.post(w('/__sim/clock')).send({ freeze: true });
      expect(frozen.status).toBe(200);
      const login = await s.http.post(w('/mcoi/api/users/authenticate')).send({ login: '6e8login23', password: '12345678' });
      expect(login.status).toBe(200);
      const auth = `Bearer ${login.body.accessToken}`;
      const order = await s.http.post(w('/mcoi/api/orders')).set('Authorization', auth).send(ORDER);
      expect(order.status, order.text).toBe(200);
      expect((await s.http.post(w('/__sim/clock')).send({ advanceMs: 3_000 })).status).toBe(200);
      const codes = await s.http.get(w('/mcoi/api/codes')).query({ orderId: order.body.orderId, gtin: '04899215122371', quantity: 2 }).set('Authorization', auth);
      expect(codes.status, codes.text).toBe(200);
      const util = await s.http.post(w('/mcoi/api/utilisation')).query({ productGroup: 'vegetableoil' }).set('Authorization', auth).send({ sntins: codes.body.codes, businessPlaceId: 27, releaseType: 'PRODUCTION' });
      expect(util.status, util.text).toBe(200);
      const key = await s.http.get(w('/true-api/auth/key'));
      const signedIn = await s.http.post(w('/true-api/auth/simpleSignIn')).send({ uuid: key.body.uuid, data: 'c2lnbmVk', inn: '150140000012' });
      expect(signedIn.status).toBe(200);
      return { id, start: frozen.body.nowMs as number, auth, orderId: order.body.orderId as string, reportId: util.body.reportId as string, taToken: signedIn.body.token as string };
    };
    const runs = await Promise.all(ids.map(mcoi));
    // Same seed, yet no two worlds handed out the same token or id.
    for (const key of ['auth', 'orderId', 'reportId', 'taToken'] as const) expect(new Set(runs.map((r) => r[key])).size, key).toBe(N);
    // While every token is alive: valid in its own world, unknown in the next; an order and a report of one world
    // are nowhere in the next.
    await Promise.all(
      runs.map(async (r, i) => {
        const other = runs[(i + 1) % N];
        const mine = at(r.id);
        const w = at(other.id);
        expect((await s.http.get(mine('/mcoi/api/orders')).query({ orderId: r.orderId }).set('Authorization', r.auth)).body.orderInfos).toHaveLength(1);
        expect((await s.http.get(w('/mcoi/api/orders')).set('Authorization', r.auth)).status).toBe(401);
        expect((await s.http.get(w('/mcoi/api/orders')).query({ orderId: r.orderId }).set('Authorization', other.auth)).body.orderInfos).toEqual([]);
        expect((await s.http.get(w(`/mcoi/api/utilisation/${r.reportId}`)).set('Authorization', other.auth)).status).toBe(404);
        expect((await s.http.get(mine('/true-api/elk/product-groups/balance/all')).set('Authorization', `Bearer ${r.taToken}`)).status).toBe(200);
        expect((await s.http.get(w('/true-api/elk/product-groups/balance/all')).set('Authorization', `Bearer ${r.taToken}`)).status).toBe(401);
        // Each world's journal holds its own client's calls only.
        const journal = (await s.http.get(mine('/__sim/journal')).query({ system: 'mcoi', limit: 1000 })).body.entries as { responseBody: unknown }[];
        expect(journal.some((e) => JSON.stringify(e.responseBody ?? '').includes(other.orderId))).toBe(false);
        expect(journal.some((e) => JSON.stringify(e.responseBody ?? '').includes(r.orderId))).toBe(true);
      }),
    );
    // Phase 2, every world at once: the ID issuer's 24-hour window, each client moving its own world's clock.
    const clocks = await Promise.all(
      ids.map(async (id) => {
        const w = at(id);
        const early = await s.http.post(w('/id-issuer/api/v3/identifiers/unit/requests')).set('Authorization', ID_AUTH).send(ID_REQUEST);
        const late = await s.http.post(w('/id-issuer/api/v3/identifiers/unit/requests')).set('Authorization', ID_AUTH).send(ID_REQUEST);
        expect([early.status, late.status]).toEqual([201, 201]);
        const cancel = (rid: string) => s.http.put(w(`/id-issuer/api/v3/identifiers/unit/requests/${rid}/cancellation`)).set('Authorization', ID_AUTH).send({ economicOperatorId: 'PWPK0000001', cancellationReason: 'EventNotMaterialise' });
        expect((await s.http.post(w('/__sim/clock')).send({ advanceMs: 2_000 })).status).toBe(200);
        expect((await cancel(early.body.requestId)).status).toBe(204);
        expect((await s.http.post(w('/__sim/clock')).send({ advanceMs: 86_400_000 })).status).toBe(200);
        expect((await cancel(late.body.requestId)).status).toBe(409);
        return (await s.http.get(w('/__sim/clock'))).body.nowMs as number;
      }),
    );
    // Each world's clock moved by its own client only (a day and 3 s); the default world's not at all.
    const t0 = s.clock.nowMs();
    for (const [i, c] of clocks.entries()) expect(c - runs[i].start).toBe(86_405_000);
    expect((await s.http.get('/__sim/clock')).body.nowMs).toBe(t0);
    // The default world saw none of it.
    const main = await s.http.post('/mcoi/api/users/authenticate').send({ login: '6e8login23', password: '12345678' });
    expect((await s.http.get('/mcoi/api/orders').set('Authorization', `Bearer ${main.body.accessToken}`)).body.orderInfos.map((o: { orderId: string }) => o.orderId)).not.toContain(runs[0].orderId);
    expect((await s.http.get('/__sim/worlds')).body.worlds.map((w: { id: string }) => w.id).sort()).toEqual([...ids].sort());
  });

  it('a world\'s control plane acts on that world only: reset, scenarios, views, the dashboard', async () => {
    const s = await setup({ tickMs: 0 });
    expect((await s.http.post('/__sim/worlds').send({ id: 'qa', scenario: 'mcoi-stand-down-503' })).status).toBe(201);
    // The scenario is that world's: the default world answers, qa's MCOI is down.
    expect((await s.http.get('/w/qa/mcoi/api/orders')).status).toBe(503);
    expect((await s.http.get('/mcoi/api/orders')).status).toBe(401);
    expect((await s.http.get('/w/qa/__sim/scenarios')).body.active).toBe('mcoi-stand-down-503');
    expect((await s.http.get('/__sim/scenarios')).body.active).toBeNull();
    expect((await s.http.get('/__sim/worlds/qa')).body).toMatchObject({ id: 'qa', scenario: 'mcoi-stand-down-503', ttlMs: null, seed: expect.any(Number) });
    // An inline scenario too.
    const inline = await s.http.post('/__sim/worlds').send({ id: 'inline', scenario: { name: 'x', description: 'y', seed: 7 } });
    expect(inline.status, inline.text).toBe(201);
    expect(inline.body).toMatchObject({ scenario: 'x', seed: 7 });
    // A reset in qa returns qa to the baseline; the default world's data stays.
    expect((await s.http.post('/w/qa/__sim/reset').send({})).status).toBe(200);
    expect((await s.http.get('/w/qa/mcoi/api/orders')).status).toBe(401);
    // Views and the dashboard under the world's prefix.
    expect((await s.http.get('/w/qa/__sim/state/mcoi/views/orders')).status).toBe(200);
    expect((await s.http.get('/w/qa/__sim/ui/')).text).toContain('<script type="module" src="app.js">');
    // A system's own port takes the prefix in front of its real paths.
    const own = await request(s.sim.portListener('mcoi')).post('/w/qa/api/users/authenticate').send({ login: '6e8login23', password: '12345678' });
    expect(own.status).toBe(200);
    expect((await s.http.get('/w/qa/mcoi/api/orders').set('Authorization', `Bearer ${own.body.accessToken}`)).status).toBe(200);
    expect((await s.http.get('/mcoi/api/orders').set('Authorization', `Bearer ${own.body.accessToken}`)).status).toBe(401);
  });

  it('refuses bad ids, duplicates, unknown worlds and one world too many, each with a clear problem', async () => {
    const s = await setup({ tickMs: 0, maxWorlds: 2 });
    for (const id of ['bad id', 'a/b', '', 'x'.repeat(65), 'ü']) {
      const r = await s.http.post('/__sim/worlds').send({ id });
      expect(r.status, id).toBe(400);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await s.http.post('/__sim/worlds').send({ id: 'one' })).status).toBe(201);
    const dup = await s.http.post('/__sim/worlds').send({ id: 'one' });
    expect(dup.status).toBe(409);
    expect(dup.body.detail).toContain('"one" exists already');
    // Without an id: a fresh UUID.
    const anon = await s.http.post('/__sim/worlds');
    expect(anon.status).toBe(201);
    expect(anon.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const full = await s.http.post('/__sim/worlds').send({ id: 'three' });
    expect(full.status).toBe(429);
    expect(full.body.detail).toContain('at most 2 worlds');
    for (const path of ['/w/nope/mcoi/api/orders', '/w/nope/__sim/health', '/w/bad%20id/__sim/health', '/w//mcoi/api/orders']) {
      const r = await s.http.get(path);
      expect(r.status, path).toBe(404);
      expect(r.headers['content-type'], path).toMatch(/application\/problem\+json/);
    }
    expect((await s.http.get('/__sim/worlds/nope')).status).toBe(404);
    expect((await s.http.delete('/__sim/worlds/nope')).status).toBe(404);
    expect((await s.http.post('/__sim/worlds').send({ scenario: 'no-such-scenario' })).status).toBe(404);
    expect((await s.http.post('/__sim/worlds').send({ ttlMs: 5 })).status).toBe(400);
    expect((await s.http.post('/__sim/worlds').send({ scenario: { name: 'x' } })).status).toBe(400);
    // Deleting frees a place; the deleted world is gone for its clients.
    expect((await s.http.delete('/__sim/worlds/one')).status).toBe(204);
    expect((await s.http.get('/w/one/__sim/health')).status).toBe(404);
    expect((await s.http.post('/__sim/worlds').send({ id: 'three' })).status).toBe(201);
  });

  it('deletes a world its time to live leaves without a request, and keeps one that is used', async () => {
    let t = 0; // real time as the worlds see it: moved here instead of waited for
    const s = await setup({ tickMs: 0, realMs: () => t });
    expect((await s.http.post('/__sim/worlds').send({ id: 'idle', ttlMs: 60_000 })).status).toBe(201);
    expect((await s.http.post('/__sim/worlds').send({ id: 'busy', ttlMs: 60_000 })).status).toBe(201);
    expect((await s.http.post('/__sim/worlds').send({ id: 'kept' })).status).toBe(201);
    const listed = async () => ((await s.http.get('/__sim/worlds')).body.worlds as { id: string }[]).map((w) => w.id).sort();
    t = 59_000;
    await s.sim.worlds.sweep();
    expect(await listed()).toEqual(['busy', 'idle', 'kept']);
    expect((await s.http.get('/w/busy/__sim/health')).status).toBe(200); // its time to live starts again
    t = 61_000;
    await s.sim.worlds.sweep();
    expect(await listed()).toEqual(['busy', 'kept']);
    expect((await s.http.get('/w/idle/__sim/health')).status).toBe(404);
    t = 119_001;
    await s.sim.worlds.sweep();
    expect(await listed()).toEqual(['kept']);
  });
});

describe('worlds are durable like the default world (a real process, the file store)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-worlds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const violations = contractViolations();

  it('keeps several worlds and their state across SIGKILL and SIGTERM, mutates them after, and a deleted one is gone from disk', async () => {
    const a = await startServer({ SIM_DATA_DIR: dir, SIM_STORE: 'file' });
    const c = (base: string, method: string, path: string, opts: Parameters<typeof callOn>[4] = {}) => callOn(violations, base, method, path, opts);
    const made: Record<string, { token: string; orderId: string }> = {};
    for (const id of ['alpha', 'beta', 'gamma']) {
      expect((await c(a.base, 'POST', '/__sim/worlds', { body: { id, ...(id === 'gamma' ? { ttlMs: 3_600_000 } : {}) } })).status).toBe(201);
      const login = await c(a.base, 'POST', `/w/${id}/mcoi/api/users/authenticate`, { body: { login: '6e8login23', password: '12345678' }, as: '/mcoi/api/users/authenticate' });
      const order = await c(a.base, 'POST', `/w/${id}/mcoi/api/orders`, { token: login.body.accessToken, body: ORDER, as: '/mcoi/api/orders' });
      expect(order.status).toBe(200);
      made[id] = { token: login.body.accessToken, orderId: order.body.orderId };
    }
    expect((await c(a.base, 'POST', '/w/beta/__sim/clock', { body: { advanceMs: 60_000 }, as: '/__sim/clock' })).status).toBe(200);
    expect(await stop(a, 'SIGKILL')).toBeNull();

    const b = await startServer({ SIM_DATA_DIR: dir, SIM_STORE: 'file' });
    const listed = (await c(b.base, 'GET', '/__sim/worlds')).body.worlds as { id: string; ttlMs: number | null; clock: { offsetMs: number } }[];
    expect(listed.map((w) => w.id).sort()).toEqual(['alpha', 'beta', 'gamma']);
    expect(listed.find((w) => w.id === 'gamma')!.ttlMs).toBe(3_600_000);
    expect(listed.find((w) => w.id === 'beta')!.clock.offsetMs).toBeGreaterThanOrEqual(60_000);
    expect(listed.find((w) => w.id === 'alpha')!.clock.offsetMs).toBeLessThan(60_000);
    for (const [id, m] of Object.entries(made)) {
      const list = await c(b.base, 'GET', `/w/${id}/mcoi/api/orders?orderId=${m.orderId}`, { token: m.token, as: '/mcoi/api/orders' });
      expect(list.status, `${id}: ${JSON.stringify(list.body)}`).toBe(200);
      expect(list.body.orderInfos.map((o: { orderId: string }) => o.orderId), id).toEqual([m.orderId]);
      // Mutated after the restart: a new order with the same token, an id never handed out before.
      const again = await c(b.base, 'POST', `/w/${id}/mcoi/api/orders`, { token: m.token, body: ORDER, as: '/mcoi/api/orders' });
      expect(again.status).toBe(200);
      expect(Object.values(made).map((x) => x.orderId)).not.toContain(again.body.orderId);
    }
    expect((await c(b.base, 'DELETE', '/__sim/worlds/beta')).status).toBe(204);
    expect(existsSync(join(dir, 'worlds', 'beta'))).toBe(false);
    expect(await stop(b)).toBe(0);

    const d = await startServer({ SIM_DATA_DIR: dir, SIM_STORE: 'file' });
    expect(((await c(d.base, 'GET', '/__sim/worlds')).body.worlds as { id: string }[]).map((w) => w.id).sort()).toEqual(['alpha', 'gamma']);
    // An unknown world is a problem of its own (no operation's answer): read without the contract check.
    const gone = await fetch(`${d.base}/w/beta/__sim/health`);
    expect(gone.status).toBe(404);
    expect((await gone.json()).detail).toContain('no world "beta"');
    expect(await stop(d)).toBe(0);
  });
});
