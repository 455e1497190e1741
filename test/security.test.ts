/**
 * Who may reach the simulator and its control plane: allowed hosts (DNS rebinding), a control-plane token, the
 * control plane switched off, JSON-only and same-origin changes (no cross-site form can reset a world).
 */
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../simulator/app.js';
import { defaultAllowedHosts, hostOf } from '../simulator/core/security.js';
import { parseSettings, SettingsInvalid } from '../simulator/core/settings.js';
import { checkContract, setup } from './helpers.js';
import { USERS } from './mcoi/helpers.js';
import { contractViolations, startServer, stop } from './process.js';

contractViolations();
const TOKEN = 'a-control-token-of-32-characters';

describe('allowed hosts', () => {
  it('answers only the Host names it is told, for systems and control plane alike, with a 403 that says how to allow one', async () => {
    const s = await setup({ security: { allowedHosts: ['localhost', 'simulator'] } });
    for (const host of ['localhost:8080', 'SIMULATOR', 'api.localhost:9']) expect((await s.http.get('/__sim/health').set('Host', host)).status, host).toBe(200);
    for (const path of ['/__sim/health', '/mcoi/api/orders']) {
      const res = await s.http.get(path).set('Host', 'attacker.example');
      expect(res.status).toBe(403);
      expect(res.body.detail).toBe('Host "attacker.example" is not one this simulator answers to: add it to SIM_ALLOWED_HOSTS (comma-separated), or set SIM_ALLOWED_HOSTS=* to allow any');
      // Answered before any system: the control contract declares it (the guard's answers pass no exchange hook).
      if (path.startsWith('/__sim')) checkContract(s.violations, 'GET', path, res.status, res.headers['content-type'], res.body, res.headers);
    }
  });

  it('every operation of every system declares the guard\'s 403, and the answer matches it', async () => {
    const s = await setup({ security: { allowedHosts: ['localhost'] } });
    let checked = 0;
    for (const { id, module } of defaultCatalog().systems) {
      const doc = s.sim.contracts[id].document as unknown as { paths: Record<string, Record<string, { operationId?: string }>> };
      for (const [path, item] of Object.entries(doc.paths))
        for (const method of Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))) {
          const url = module.base + path.replace(/\{[^}]+\}/g, '1');
          const res = await s.http[method as 'get'](url).set('Host', 'attacker.example');
          expect(res.status, `${method} ${url}`).toBe(403);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          checkContract(s.violations, method.toUpperCase(), url, res.status, res.headers['content-type'], res.body, res.headers);
          checked++;
        }
    }
    expect(checked).toBeGreaterThan(90);
  });

  it('by default (a real process) answers this machine\'s names and addresses, not another name', async () => {
    expect(defaultAllowedHosts()).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', '::1']));
    expect([hostOf('[::1]:8080'), hostOf('Example.COM.'), hostOf('10.0.0.2:80')]).toEqual(['::1', 'example.com', '10.0.0.2']);
    const s = await startServer({ SIM_STORE: 'memory' });
    const port = Number(new URL(s.base).port);
    const get = (host: string) => new Promise<number>((resolve, reject) => httpRequest({ host: '127.0.0.1', port, path: '/__sim/health', headers: { host } }, (r) => (r.resume(), resolve(r.statusCode!))).on('error', reject).end());
    try {
      expect(await get(`127.0.0.1:${port}`)).toBe(200);
      expect(await get(`localhost:${port}`)).toBe(200);
      expect(await get('rebound.attacker.example')).toBe(403);
    } finally {
      await stop(s);
    }
  });
});

describe('a control-plane token (SIM_CONTROL_TOKEN)', () => {
  it('is needed on every /__sim route but health and the docs; the systems do not need it', async () => {
    const s = await setup({ security: { control: { enabled: true, token: TOKEN } } });
    for (const [method, path] of [['post', '/__sim/reset'], ['get', '/__sim/journal'], ['get', '/__sim/state/mcoi'], ['post', '/__sim/clock'], ['post', '/__sim/scenarios'], ['post', '/__sim/id-issuer/tokens']] as const) {
      const res = await s.http[method](path).send({});
      expect([res.status, res.headers['www-authenticate']], path).toEqual([401, 'Bearer realm="marking-sim control plane"']);
      checkContract(s.violations, method.toUpperCase(), path, res.status, res.headers['content-type'], res.body, res.headers);
      expect((await s.http[method](path).set('Authorization', 'Bearer wrong-token-of-32-characters-xx').send({})).status, path).toBe(401);
    }
    expect((await s.http.post('/__sim/reset').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(200);
    // The dashboard's files hold no data: they load, then every call they make needs the token.
    for (const path of ['/__sim/health', '/__sim/docs/', '/__sim/openapi/mcoi.json', '/__sim/ui/', '/__sim/ui/app.js']) expect((await s.http.get(path)).status, path).toBe(200);
    for (const path of ['/__sim/credentials', '/__sim/state/mcoi/views', '/__sim/journal/stream']) expect((await s.http.get(path)).status, path).toBe(401);
    expect((await s.http.post('/mcoi/api/users/authenticate').send(USERS.main)).status).toBe(200);
  });

  it('keeps a scenario (a world with a new login) from being pushed by anyone without it', async () => {
    const s = await setup({ security: { control: { enabled: true, token: TOKEN } } });
    const scenario = { name: 'backdoor', description: 'd', world: { mcoi: { users: [{ login: 'mallory', password: 'x', orgId: 101, name: 'M', roles: ['API_INTEGRATOR'] }] } } };
    expect((await s.http.post('/__sim/scenarios').send({ scenario })).status).toBe(401);
    expect((await s.http.post('/mcoi/api/users/authenticate').send({ login: 'mallory', password: 'x' })).status).toBe(401);
  });
});

describe('the control plane switched off (SIM_CONTROL=off)', () => {
  it('answers health only', async () => {
    const s = await setup({ security: { control: { enabled: false } } });
    expect((await s.http.get('/__sim/health')).status).toBe(200);
    for (const [method, path] of [['post', '/__sim/reset'], ['get', '/__sim/journal'], ['get', '/__sim/docs/'], ['get', '/__sim/ui/'], ['post', '/__sim/clock'], ['get', '/__sim/state/mcoi/codes/x']] as const) {
      const res = await s.http[method](path);
      expect([res.status, res.body.detail], path).toEqual([404, 'the control plane is switched off (SIM_CONTROL=off): only /__sim/health answers']);
    }
    expect((await s.http.post('/mcoi/api/users/authenticate').send(USERS.main)).status).toBe(200);
  });
});

describe('changes to the world from a web page', () => {
  it('a cross-site form (text/plain or form data, even empty) cannot reset: 415', async () => {
    const s = await setup();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await s.http.post('/__sim/reset').set('Content-Type', type).send('');
      expect([res.status, res.body.detail], type).toEqual([415, `the control plane takes application/json only, got ${type}`]);
    }
  });

  it('a request from another origin cannot change anything (403); the same origin can', async () => {
    const s = await setup();
    const host = '127.0.0.1:8080';
    const foreign = await s.http.post('/__sim/reset').set('Host', host).set('Origin', 'https://attacker.example').send({});
    expect([foreign.status, foreign.body.detail]).toEqual([403, 'requests from another origin (https://attacker.example) may not change the simulator']);
    checkContract(s.violations, 'POST', '/__sim/reset', foreign.status, foreign.headers['content-type'], foreign.body, foreign.headers);
    expect((await s.http.post('/__sim/clock').set('Host', host).set('Origin', 'null').send({ advanceMs: 1 })).status).toBe(403);
    expect((await s.http.post('/__sim/reset').set('Host', host).set('Origin', `http://${host}`).send({})).status).toBe(200);
    expect((await s.http.get('/__sim/journal').set('Host', host).set('Origin', 'https://attacker.example')).status).toBe(200); // reading is not changing
  });
});

describe('settings', () => {
  it('refuses a short control token and host lists that are not host names', () => {
    const catalog = defaultCatalog();
    expect(() => parseSettings({ SIM_CONTROL_TOKEN: 'short' }, catalog)).toThrow(new SettingsInvalid(['SIM_CONTROL_TOKEN must be at least 16 characters, without spaces']));
    expect(() => parseSettings({ SIM_ALLOWED_HOSTS: 'good.example, bad host/' }, catalog)).toThrow(/SIM_ALLOWED_HOSTS must be host names/);
    expect(parseSettings({ SIM_ALLOWED_HOSTS: 'Simulator, 10.0.0.2' }, catalog).allowedHosts).toEqual(['simulator', '10.0.0.2']);
    expect(parseSettings({ SIM_CONTROL: 'off', SIM_JOURNAL_SECRETS: 'show' }, catalog)).toMatchObject({ control: { enabled: false }, showSecrets: true });
  });
});
