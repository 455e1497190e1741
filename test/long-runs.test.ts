/**
 * Long runs and hostile probes (issue 23): each defect a review or a fuzz found, with the test that failed before it
 * was mended.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultCatalog, SYSTEMS } from '../simulator/app.js';
import { RateLimiter } from '../simulator/core/limits.js';
import { outboundPolicy } from '../simulator/core/outbound.js';
import { parseSettings } from '../simulator/core/settings.js';
import type { SystemModule } from '../simulator/core/system.js';
import { setup, T0 } from './helpers.js';
import { BASE as ID_BASE } from './id-issuer/helpers.js';
import { USERS } from './mcoi/helpers.js';
import { BASE as SM, INN1, INN4, pkg, status, validate } from './setmark/helpers.js';
import { BASE as TA, signIn } from './true-api/helpers.js';
import { third, type ThirdState } from './third-system/index.js';
import { ManualClock } from '../simulator/core/clock.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'sim-long-'));
  closers.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
};

/** An ERP on loopback that holds each request until told how to answer it. */
async function slowErp() {
  const held: { req: IncomingMessage; res: ServerResponse }[] = [];
  let arrived: () => void = () => {};
  const server: Server = createServer((req, res) => {
    req.resume();
    held.push({ req, res });
    arrived();
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  closers.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    next: () => new Promise<void>((r) => (held.length ? r() : (arrived = r))),
  };
}

describe('1. work of one world never lands in the next', () => {
  it('a push to the ERP in flight when the world is reset records nothing in the new world', async () => {
    const erp = await slowErp();
    const s = await setup({ tickMs: 0, rateLimits: false });
    await s.http.put('/__sim/setmark/erp').send({ journalUrl: `${erp.url}/journal` }).expect(200);
    // A sale without stock (strictCheck false) is journaled: something to push.
    expect((await validate(s, { mark: 'NOT-ON-STOCK-0001', strictCheck: false })).result).toBe(true);
    const push = s.http.post('/__sim/setmark/push/journal').then((r) => r);
    await erp.next();
    const reset = await s.http.post('/__sim/reset');
    expect(reset.status).toBe(200);
    erp.held[0].res.writeHead(200).end('taken');
    const answered = await push;
    expect(answered.status).toBe(503); // the world it began in is gone: nothing was written
    const view = (await s.http.get('/__sim/setmark/erp')).body;
    expect([view.deliveries, view.queue, view.journalUrl]).toEqual([[], [], null]);
    expect((await s.http.get('/__sim/journal')).body.entries.filter((e: { direction?: string }) => e.direction === 'outbound')).toEqual([]);
  });
});

describe('2. control routes read what they change inside the commit', () => {
  it('a DELETE and an expire of the same ID-issuer token at once leave it revoked (file store)', async () => {
    const s = await setup({ store: { kind: 'file', dir: tmp() } });
    for (let i = 0; i < 10; i++) {
      const minted = (await s.http.post('/__sim/id-issuer/tokens').send({ user: 'user@test.pl' })).body.token as string;
      const [del, exp] = await Promise.all([s.http.delete(`/__sim/id-issuer/tokens/${minted}`), s.http.post(`/__sim/id-issuer/tokens/${minted}/expire`)]);
      expect(del.status).toBe(204);
      expect(exp.status).toBe(200);
      const used = await s.http.get(`${ID_BASE}/requests`).set('Authorization', `Bearer ${minted}`);
      expect(used.status).toBe(401);
      expect(used.headers['www-authenticate']).toContain('The token is not valid');
    }
  });
});

describe('3. the work on the clock never queues up', () => {
  it('runs at most once at a time with one more pending, however often it is asked for', async () => {
    let runs = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const ticking: SystemModule<ThirdState, string> = {
      ...third,
      create(ctx) {
        return {
          ...third.create(ctx),
          tick: async () => {
            runs++;
            await gate;
          },
        };
      },
    };
    const s = await setup({ systems: [...SYSTEMS, ticking], tickMs: 0 });
    const all = Array.from({ length: 200 }, () => s.sim.tick());
    release();
    await Promise.all(all);
    expect(runs).toBe(2);
  });
});

describe('4. the simulator sends only where it is allowed', () => {
  it('refuses a control route naming another host, and nothing changes', async () => {
    const s = await setup({ tickMs: 0 });
    const res = await s.http.put('/__sim/setmark/erp').send({ journalUrl: 'http://169.254.169.254/latest/meta-data' });
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/^journalUrl: host 169\.254\.169\.254 is not one the simulator may send to: allow it in SIM_OUTBOUND_HOSTS/);
    expect((await s.http.get('/__sim/setmark/erp')).body.journalUrl).toBeNull();
  });

  it('refuses a scenario naming another host in its world or profile', async () => {
    const s = await setup({ tickMs: 0 });
    const world = await s.http.post('/__sim/scenarios').send({ scenario: { name: 'ssrf', description: 'x', world: { setmark: { erp: { journalUrl: 'http://evil.example/j' } } } } });
    expect(world.status).toBe(400);
    expect(world.body.errors[0]).toEqual({ in: 'body', path: '/world/setmark', message: expect.stringMatching(/host evil\.example is not one the simulator may send to/) });
    const profile = await s.http.post('/__sim/scenarios').send({ scenario: { name: 'ssrf2', description: 'x', profile: { setmark: { erpUrl: 'http://10.0.0.1:8080' } } } });
    expect(profile.status).toBe(400);
    expect(JSON.stringify(profile.body.errors)).toMatch(/host 10\.0\.0\.1 is not one the simulator may send to/);
  });

  it('refuses such a setting at start, and takes one the operator allows', () => {
    const catalog = defaultCatalog();
    expect(() => parseSettings({ SIM_SETMARK_ERP_URL: 'http://erp.internal:9000' }, catalog)).toThrow(/SIM_SETMARK_ERP_URL=http:\/\/erp\.internal:9000: host erp\.internal is not one/);
    expect(parseSettings({ SIM_SETMARK_ERP_URL: 'http://erp.internal:9000', SIM_OUTBOUND_HOSTS: 'erp.internal' }, catalog).profile.setmark.erpUrl).toBe('http://erp.internal:9000');
    expect(parseSettings({ SIM_SETMARK_ERP_URL: 'http://erp:9000', SIM_ALLOWED_HOSTS: 'simulator,erp' }, catalog).profile.setmark.erpUrl).toBe('http://erp:9000');
    expect(outboundPolicy(['localhost']).refusal('http://user:pw@localhost/x')).toMatch(/credentials/);
    expect(outboundPolicy(['localhost']).refusal('file:///etc/passwd')).toMatch(/http or https only/);
  });

  it('reads a bounded part of an answer, however large', async () => {
    const big = createServer((req, res) => {
      req.resume();
      res.writeHead(500, { 'content-type': 'text/plain' });
      const chunk = 'x'.repeat(64 * 1024);
      let n = 0;
      const more = () => {
        while (n++ < 200) if (!res.write(chunk)) return void res.once('drain', more);
        res.end();
      };
      more();
    });
    big.listen(0, '127.0.0.1');
    await new Promise((r) => big.once('listening', r));
    closers.push(() => new Promise<void>((r) => (big.closeAllConnections(), big.close(() => r()))));
    const s = await setup({ tickMs: 0 });
    await s.http.put('/__sim/setmark/erp').send({ journalUrl: `http://127.0.0.1:${(big.address() as AddressInfo).port}/j` }).expect(200);
    await validate(s, { mark: 'NOT-ON-STOCK-0002', strictCheck: false });
    const pushed = await s.http.post('/__sim/setmark/push/journal');
    expect(pushed.body.attempts[0].status).toBe(500);
    const out = (await s.http.get('/__sim/journal')).body.entries.find((e: { direction?: string }) => e.direction === 'outbound');
    expect(String(out.responseBody).length).toBeLessThanOrEqual(2_001);
  });
});

describe('5. nothing grows without bound', () => {
  it('keeps at most 100,000 rate-limit keys, and sweeps the ones whose window emptied', () => {
    const l = new RateLimiter({ windowMs: 60_000 });
    for (let i = 0; i < 150_000; i++) l.hit(`k${i}`, T0, 100);
    expect(l.size).toBeLessThanOrEqual(100_000);
    for (let i = 0; i < 10_000; i++) l.hit('one', T0 + 120_000, 100_000);
    expect(l.size).toBe(1);
  });

  it('counts a login nobody has against the client address, not against the login it names', async () => {
    const s = await setup();
    for (let i = 0; i < 100; i++) expect((await s.http.post('/mcoi/api/users/authenticate').send({ login: `nobody-${i}`, password: 'x' })).status).toBe(401);
    expect((await s.http.post('/mcoi/api/users/authenticate').send({ login: 'nobody-x', password: 'x' })).status).toBe(429);
    // A real login keeps its own window.
    expect((await s.http.post('/mcoi/api/users/authenticate').send(USERS.main)).status).toBe(200);
  });

  it('queues one MRC list however many cron fires pass while the ERP is down', async () => {
    const erp = await slowErp();
    const clock = new ManualClock(T0);
    const s = await setup({ clock, tickMs: 0 });
    await s.http.put('/__sim/setmark/erp').send({ mrcUrl: 'http://127.0.0.1:9/mrc', mrcCron: '0 * * * * *' }).expect(200);
    void erp;
    for (let i = 0; i < 5; i++) {
      await s.http.post('/__sim/clock').send({ advanceMs: 60_000 }).expect(200);
    }
    const queue = (await s.http.get('/__sim/setmark/erp')).body.queue as { kind: string; packageNumber: number; packageCount: number }[];
    const mrc = queue.filter((q) => q.kind === 'mrc');
    expect(mrc.length).toBe(mrc[0].packageCount);
  });
});

describe('6. a reset is visible all at once when durable, or not at all', () => {
  it('a reset whose write fails changes nothing: the world, its seed and its scenario stay', async () => {
    const dir = tmp();
    const s = await setup({ store: { kind: 'file', dir } });
    await s.http.post('/__sim/scenarios').send({ name: 'mcoi-happy-path' }).expect(200);
    const auth = await (async () => `Bearer ${(await s.http.post('/mcoi/api/users/authenticate').send(USERS.main)).body.accessToken}`)();
    const order = await s.http.post('/mcoi/api/orders').set('Authorization', auth).send({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', businessPlaceId: 27, products: [{ gtin: '04899215122371', quantity: 1, serialNumberType: 'OPERATOR', cisType: 'UNIT' }] });
    expect(order.status).toBe(200);
    mkdirSync(join(dir, 'db.json.tmp')); // the snapshot a reset writes cannot be written
    const reset = await s.http.post('/__sim/reset').send({ seed: 99 });
    expect(reset.status).toBe(500);
    const health = (await s.http.get('/__sim/health')).body;
    expect(health.seed).toBe(1);
    expect((await s.http.get('/__sim/scenarios')).body.active).toBe('mcoi-happy-path');
    expect((await s.http.get('/mcoi/api/orders').query({ orderId: order.body.orderId }).set('Authorization', auth)).body.orderInfos).toHaveLength(1);
    rmSync(join(dir, 'db.json.tmp'), { recursive: true });
    expect((await s.http.post('/__sim/reset').send({ seed: 99 })).status).toBe(200);
    expect((await s.http.get('/__sim/health')).body.seed).toBe(99);
  });
});

describe('7. HEAD of an event stream', () => {
  it('answers its status and headers at once', async () => {
    const s = await setup();
    const res = await s.http.head('/__sim/journal/stream').timeout(2_000);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
  });
});

describe('9. a name of Object.prototype is a value like any other', () => {
  it('is an unknown sortBy (400), view (404) or capture, never a 500', async () => {
    const s = await setup();
    const auth = await signIn(s);
    for (const name of ['__proto__', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'constructor']) {
      for (const side of ['outgoing', 'incoming']) expect((await s.http.get(`${TA}/edo-api/${side}-documents`).query({ sortBy: name }).set('Authorization', auth)).status, name).toBe(400);
      expect((await s.http.get(`/__sim/state/mcoi/views/${name}`)).status, name).toBe(404);
    }
  });
});

describe('10. one legal entity cannot take another\'s mark', () => {
  it('refuses a mark on another entity\'s stock (504), and the first keeps it', async () => {
    const s = await setup({ tickMs: 0 });
    const code = '010463007409260921ENTITY00001';
    await s.http.post(`${SM}/erp/add_mark`).send(pkg(1, [{ mark: code, barcode: '4630074092609' }])).expect(200);
    await s.http.post(`${SM}/erp/add_mark`).send(pkg(2, [{ mark: code, barcode: '9999999999999' }], { shop: 4, inn: INN4 })).expect(200);
    s.clock.advance(2_000);
    const p = (await status(s, [2], 4)).packets[0];
    expect([p.status, p.errorCode, p.data?.[0]]).toEqual([4, 506, { field: 'mark', value: code, errorCode: 504, message: 'марка числится на остатках другого юрлица' }]);
    expect((await validate(s, { mark: code, inn: INN1 })).result).toBe(true);
    expect((await s.http.get(`/__sim/setmark/marks/${code}`)).body).toMatchObject({ shop: 1, inn: INN1, barcode: '4630074092609' });
  });
});

describe('11. SIM_TIMINGS=instant zeroes processing, never lifetimes', () => {
  it('lets True API sign in (the auth key and the token keep their lifetimes)', async () => {
    const s = await setup({ timings: { '*': { all: 0 } } });
    expect(await signIn(s)).toMatch(/^Bearer ey/);
    const mcoi = (await s.http.get('/__sim/state/true-api')).body.timings;
    expect([mcoi.authKeyTtlMs, mcoi.tokenLifetimeMs, mcoi.codesOrderReadyMs]).toEqual([600_000, 36_000_000, 0]);
  });
});

describe('12. small ones', () => {
  it('a formal document without Content-Type: Spring\'s empty media type', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const server = s.sim.app.listen(0, '127.0.0.1');
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    await new Promise((r) => server.once('listening', r));
    const body = Buffer.from('content=PHg%2B&signature=c2ln');
    // A body with no Content-Type header at all (supertest would add one).
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${TA}/edo-api/outgoing-documents/formal`, { method: 'POST', headers: { Authorization: auth }, body: new Blob([body]) });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ error_message: "Content type '' not supported" });
  });

  it('a shipment path that is not valid percent-encoding answers in the shipments\' family', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const res = await s.http.get(`${TA}/edo-api/shipments/%E0%A4%A/status`).set('Authorization', auth);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ code: '400', message: 'Некорректный запрос: the path is not valid percent-encoding' }] });
  });

  it('an XML error without a column does not say "undefined"', async () => {
    const { parseXml } = await import('../simulator/core/xml.js');
    for (const bad of ['<a>', '<a></b>', '<?xml version="1.0"?><a x="1" x="2"/>', '']) {
      try {
        parseXml(bad);
      } catch (e) {
        expect((e as Error).message).not.toMatch(/undefined/);
      }
    }
  });
});
