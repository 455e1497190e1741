import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCatalog } from '../simulator/app.js';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { loadScenarioFile } from '../simulator/core/scenario.js';
import { T0 } from './helpers.js';
import { registerOrder, setup } from './mcoi/helpers.js';

describe('GET /__sim/health', () => {
  it('names the mounted systems once the world is loaded', async () => {
    const s = await setup();
    const res = await s.http.get('/__sim/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', systems: [{ id: 'mcoi', base: '/mcoi' }, { id: 'id-issuer', base: '/id-issuer' }, { id: 'true-api', base: '/true-api' }, { id: 'setmark', base: '/setmark' }], seed: 1, clock: { now: new Date(T0).toISOString(), frozen: true } });
  });
});

describe('/__sim/clock', () => {
  it('advances, sets, freezes and unfreezes virtual time', async () => {
    const s = await setup();
    expect((await s.http.post('/__sim/clock').send({ advanceMs: 60_000 })).body.now).toBe(new Date(T0 + 60_000).toISOString());
    expect((await s.http.get('/__sim/clock')).body.nowMs).toBe(T0 + 60_000);
    expect((await s.http.post('/__sim/clock').send({ set: '2027-01-01T00:00:00Z' })).body.now).toBe('2027-01-01T00:00:00.000Z');
    expect((await s.http.post('/__sim/clock').send({ freeze: false })).body.frozen).toBe(false);
    expect((await s.http.post('/__sim/clock').send({ freeze: true })).body.frozen).toBe(true);
  });

  it('moves every world: an order registered now is READY after advancing by the control plane', async () => {
    const s = await setup();
    const auth = await s.login();
    const id = await registerOrder(s, auth);
    await s.http.post('/__sim/clock').send({ advanceMs: 3_000 });
    const res = await s.http.get('/mcoi/api/orders').query({ orderId: id }).set('Authorization', auth);
    expect(res.body.orderInfos[0].orderStatus).toBe('READY');
  });

  it('refuses a negative step, an unknown field and a date that is not ISO 8601, as problem details', async () => {
    const s = await setup();
    for (const body of [{ advanceMs: -1 }, { rewind: 5 }, { set: 'tomorrow' }, {}]) {
      const res = await s.http.post('/__sim/clock').send(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ title: 'Bad Request', status: 400 });
    }
    expect((await s.http.get('/__sim/clock')).body.nowMs).toBe(T0);
  });
});

describe('POST /__sim/reset', () => {
  it('returns to the default world and can change the seed', async () => {
    const s = await setup();
    const auth = await s.login();
    const id = await registerOrder(s, auth);
    expect((await s.http.post('/__sim/reset').send({})).body).toEqual({ status: 'reset', seed: 1 });
    const again = await s.login();
    expect((await s.http.get('/mcoi/api/orders').query({ orderId: id }).set('Authorization', again)).body.orderInfos).toEqual([]);
    // same seed: the same id is issued again
    expect(await registerOrder(s, again)).toBe(id);
    expect((await s.http.post('/__sim/reset').send({ seed: 2 })).body.seed).toBe(2);
    expect(await registerOrder(s, await s.login())).not.toBe(id);
  });

  it('forgets tokens issued before the reset', async () => {
    const s = await setup();
    const auth = await s.login();
    await s.http.post('/__sim/reset');
    expect((await s.http.get('/mcoi/api/orders').set('Authorization', auth)).status).toBe(401);
  });
});

describe('GET /__sim/journal', () => {
  it('records what clients sent and got, filterable by system and status', async () => {
    const s = await setup();
    await s.http.post('/mcoi/api/users/authenticate').send({ login: '6e8login23', password: 'bad' });
    await s.http.get('/__sim/health');
    const res = await s.http.get('/__sim/journal').query({ system: 'mcoi' });
    expect(res.body.entries).toEqual([
      expect.objectContaining({ system: 'mcoi', operationId: 'authenticate', method: 'POST', path: '/api/users/authenticate', status: 401, requestBody: { login: '6e8login23', password: '***' }, at: new Date(T0).toISOString() }),
    ]);
    expect((await s.http.get('/__sim/journal').query({ status: 401 })).body.entries).toHaveLength(1);
  });

  it('hides passwords, tokens and Authorization headers unless secrets are shown (SIM_JOURNAL_SECRETS=show)', async () => {
    for (const showSecrets of [false, true]) {
      const s = await setup({ security: { showSecrets } });
      const auth = await s.login();
      await s.http.get('/mcoi/api/orders').set('Authorization', auth);
      const minted = (await s.http.post('/__sim/id-issuer/tokens').send({ user: 'user@test.pl' })).body.token;
      const text = JSON.stringify((await s.http.get('/__sim/journal')).body);
      for (const secret of [auth.slice('Bearer '.length), '12345678', minted]) expect(text.includes(secret), `${secret} shown: ${showSecrets}`).toBe(showSecrets);
      if (!showSecrets) expect(text).toContain('"authorization":"Bearer ***"');
      expect(JSON.stringify((await s.http.get('/__sim/state/id-issuer')).body)).not.toContain('sim-token-user-test-pl');
    }
  });
});

describe('GET /__sim/state/{system}', () => {
  it('summarizes a world without changing it', async () => {
    const s = await setup();
    const res = await s.http.get('/__sim/state/mcoi');
    expect(res.body).toMatchObject({ system: 'mcoi', orders: { total: 6 }, documents: { total: 5 }, rateLimits: { requestsPerMinute: 100 } });
    expect((await s.http.get('/__sim/state/mcoi')).body).toEqual(res.body);
    expect((await s.http.get('/__sim/state/nosuch')).status).toBe(404);
  });
});

describe('contracts and docs', () => {
  it('serves each contract as JSON and YAML, and Swagger UI', async () => {
    const s = await setup();
    const json = await s.http.get('/__sim/openapi/mcoi.json');
    expect(json.body.info.version).toBe('1.1.17');
    const yaml = await s.http.get('/__sim/openapi/control.yaml');
    expect(yaml.headers['content-type']).toContain('application/yaml');
    expect(yaml.text).toContain('openapi: 3.1.0');
    expect(yaml.text).toContain('/state/mcoi/codes/{code}:'); // merged in from MCOI's control contract
    expect((await s.http.get('/__sim/openapi/mcoi.yaml')).text).toBe(readFileSync(join(PROJECT_ROOT, 'openapi', 'mcoi.yaml'), 'utf8'));
    const missing = await s.http.get('/__sim/openapi/mcoi.jsn');
    expect([missing.status, missing.body.detail]).toEqual([404, 'no contract "mcoi.jsn" (did you mean mcoi.json? (one of: control.json, control.yaml, mcoi.json, mcoi.yaml, id-issuer.json, id-issuer.yaml, true-api.json, true-api.yaml, setmark.json, setmark.yaml))']);
    const ui = await s.http.get('/__sim/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('answers paths outside every system with problem details', async () => {
    const s = await setup();
    const res = await s.http.get('/nowhere');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
  });
});

describe('GET /', () => {
  it('redirects to the dashboard, whose page, script and style sheet are served with a strict CSP', async () => {
    const s = await setup();
    const res = await s.http.get('/');
    expect([res.status, res.headers.location]).toEqual([302, '/__sim/ui/']);
    for (const [path, type] of [['/__sim/ui/', 'text/html'], ['/__sim/ui/app.js', 'text/javascript'], ['/__sim/ui/style.css', 'text/css']]) {
      const file = await s.http.get(path);
      expect(file.status, path).toBe(200);
      expect(file.headers['content-type'], path).toContain(type);
      expect(file.headers['content-security-policy'], path).toContain("default-src 'self'");
    }
    expect((await s.http.get('/__sim/ui/nothing.js')).status).toBe(404);
  });
});

describe('the journal records every exchange', () => {
  it('including dropped and truncated ones, with the fault rule that shaped each and the caller', async () => {
    const s = await setup();
    await s.sim.activate(loadScenarioFile('scenarios/mcoi/flaky-gateway.yaml', defaultCatalog()));
    const token = await s.login();
    const server = s.sim.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      for (let i = 0; i < 3; i++) await fetch(`${base}/mcoi/api/orders`, { headers: { authorization: token } }).then((r) => r.text()).catch(() => 'cut');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    const entries = (await s.http.get('/__sim/journal?system=mcoi&operationId=listOrders')).body.entries;
    expect(entries.map((e: { outcome: string; fault?: { rule: number; action: string }; status: number; principal?: string }) => [e.outcome, e.fault, e.principal])).toEqual([
      ['dropped', { rule: 0, action: 'drop' }, '6e8login23'],
      ['truncated', { rule: 1, action: 'truncate' }, '6e8login23'],
      ['answered', { rule: 2, action: 'status' }, '6e8login23'],
    ]);
  });
});
