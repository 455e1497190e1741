/**
 * Every system at its real path (SIM_PORTS): a system's own port serves its operations where the real system has
 * them (True API under /api/v3/true-api, the others at the root) and nothing else; the main port also serves True
 * API under /api/v3/true-api. One world behind every port. main.test.ts starts the ports in a real process.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../simulator/app.js';
import { parseSettings, SettingsInvalid } from '../simulator/core/settings.js';
import { setup } from './helpers.js';
import { USERS } from './mcoi/helpers.js';

describe('a system on a port of its own, at the real paths', () => {
  it('True API under /api/v3/true-api on its port and on the main one; its simulator base and the control plane not on its port', async () => {
    const s = await setup();
    const own = request(s.sim.portListener('true-api'));
    const key = await own.get('/api/v3/true-api/auth/key');
    expect(key.status).toBe(200);
    expect(key.body).toEqual({ uuid: expect.any(String), data: expect.any(String) });
    // The challenge is the world's: signing in on the main port with the uuid the own port gave works.
    const signedIn = await s.http.post('/true-api/auth/simpleSignIn').send({ uuid: key.body.uuid, data: 'c2lnbmVk', inn: '150140000012' });
    expect(signedIn.status, signedIn.text).toBe(200);
    const token = signedIn.body.token as string;
    const balance = await own.get('/api/v3/true-api/elk/product-groups/balance/all').set('Authorization', `Bearer ${token}`);
    expect(balance.status, balance.text).toBe(200);
    // Case-insensitive, as the base under /true-api is.
    expect((await s.http.get('/API/V3/TRUE-API/auth/key')).status).toBe(200);
    expect((await s.http.get('/api/v3/true-api/auth/key')).status).toBe(200);
    // The simulator's own base is not a True API path: an unmatched path in True API's envelope.
    const wrong = await own.get('/true-api/auth/key');
    expect(wrong.status).toBe(404);
    const unmatched = await s.http.get('/true-api/no/such/path');
    expect(unmatched.status).toBe(404);
    expect(Object.keys(wrong.body)).toEqual(Object.keys(unmatched.body));
    const control = await own.get('/__sim/health');
    expect(control.status).toBe(404);
    expect(control.text).not.toContain('"ok"');
  });

  it('MCOI at the root of its port: a login there is the world\'s, an order made there shows on the main port', async () => {
    const s = await setup();
    const own = request(s.sim.portListener('mcoi'));
    const login = await own.post('/api/users/authenticate').send(USERS.main);
    expect(login.status).toBe(200);
    const auth = `Bearer ${login.body.accessToken}`;
    const made = await own
      .post('/api/orders')
      .set('Authorization', auth)
      .send({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 3, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 });
    expect(made.status, made.text).toBe(200);
    const listed = await s.http.get(`/mcoi/api/orders?orderId=${made.body.orderId}`).set('Authorization', auth);
    expect(listed.body.orderInfos.map((o: { orderId: string }) => o.orderId)).toEqual([made.body.orderId]);
    // The document-side paths at the root as well.
    const search = await own.get('/public/api/v1/doc/storage/docs/search?limit=1').set('Authorization', auth);
    expect(search.status, search.text).toBe(200);
    // Another system's paths and the simulator's base are unmatched there, in MCOI's envelope.
    for (const path of ['/mcoi/api/orders', '/erp/status', '/__sim/health']) {
      const r = await own.get(path);
      expect(r.status, path).toBe(404);
      expect(r.body.globalErrors[0]).toMatchObject({ errorCode: 1006, code: 'not-found' });
    }
  });

  it('a 405 lists each allowed method once, though a literal path and a template both match it', async () => {
    const s = await setup();
    const r = await request(s.sim.portListener('mcoi')).post('/public/api/v1/doc/storage/docs/search');
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET');
  });

  it('the ID issuer and SetMark at the root of theirs, answering in their own envelopes', async () => {
    const s = await setup();
    const issuer = await request(s.sim.portListener('id-issuer')).get('/api/v3/identifiers/unit/requests?economicOperatorId=PWPK0000001').set('Authorization', 'Bearer sim-token-user-test-pl');
    expect(issuer.status, issuer.text).toBe(200);
    const setmark = request(s.sim.portListener('setmark'));
    const wrongMethod = await setmark.get('/erp/status');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
  });

  it('a system port refuses a Host the simulator does not answer to, as the main port does', async () => {
    const s = await setup({ security: { allowedHosts: ['localhost'] } });
    const r = await request(s.sim.portListener('mcoi')).get('/api/orders').set('Host', 'evil.example');
    const main = await s.http.get('/mcoi/api/orders').set('Host', 'evil.example');
    expect(r.status).toBe(main.status);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.body).toEqual(main.body);
  });
});

describe('SIM_PORTS', () => {
  const catalog = defaultCatalog();
  const problems = (ports: string, env: Record<string, string> = {}) => {
    try {
      parseSettings({ SIM_PORTS: ports, ...env }, catalog);
    } catch (e) {
      expect(e).toBeInstanceOf(SettingsInvalid);
      return (e as SettingsInvalid).problems;
    }
    return [];
  };
  it('takes each system at most once, each port once, 0 for any free one', () => {
    expect(parseSettings({ SIM_PORTS: 'mcoi=8081, true-api=8082,id-issuer=8083,setmark=8084' }, catalog).ports).toEqual({ mcoi: 8081, 'true-api': 8082, 'id-issuer': 8083, setmark: 8084 });
    expect(parseSettings({ SIM_PORTS: 'mcoi=0,true-api=0' }, catalog).ports).toEqual({ mcoi: 0, 'true-api': 0 });
    expect(parseSettings({}, catalog).ports).toEqual({});
  });
  it('names what is wrong, with the systems there are', () => {
    expect(problems('mcio=8081')).toEqual(['SIM_PORTS names no system "mcio": did you mean mcoi? (one of: mcoi, id-issuer, true-api, setmark)']);
    expect(problems('mcoi=8081,mcoi=8082')).toEqual(['SIM_PORTS gives mcoi two ports']);
    expect(problems('mcoi=8081,setmark=8081')).toEqual(["SIM_PORTS: port 8081 of setmark is already mcoi's"]);
    expect(problems('mcoi=8080')).toEqual(['SIM_PORTS: port 8080 of mcoi is already the main port (PORT)']);
    expect(problems('mcoi=99999')).toEqual(['SIM_PORTS: mcoi=99999 must be a port from 0 (any free one) to 65535']);
    expect(problems('mcoi:8081')[0]).toMatch(/^SIM_PORTS must be <system>=<port> pairs, comma-separated \(mcoi=8081,id-issuer=8082,true-api=8083,setmark=8084\), got "mcoi:8081"$/);
  });
});
