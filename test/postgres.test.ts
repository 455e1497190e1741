/**
 * The PostgreSQL store (SIM_STORE=postgres://...): durable across SIGKILL with worlds, the schema versioned, one
 * simulator per world and database, the database lost and found again. Needs a PostgreSQL server:
 * SIM_TEST_PG_URL=postgres://user@host:port/postgres (a role that may create databases; each test file makes its
 * own and drops it). Without it the suite is skipped with a notice; .ci/run starts one and sets SIM_PG_TESTS=required.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type Socket, connect } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCrashTrials } from './harness/crash.js';
import { runReplicaCrashTrials } from './harness/replica-crash.js';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { checkContract, setup } from './helpers.js';
import { call as callOn, contractViolations, spawnMain, startServer, stop } from './process.js';

const ADMIN = process.env.SIM_TEST_PG_URL;
if (!ADMIN) {
  if (process.env.SIM_PG_TESTS === 'required') throw new Error('SIM_PG_TESTS=required but SIM_TEST_PG_URL is not set (a PostgreSQL role that may create databases)');
  console.warn('\n*** PostgreSQL store tests SKIPPED: set SIM_TEST_PG_URL=postgres://user@host:port/postgres to run them ***\n');
}

const ORDER = { productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 2, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 };

/** A database of its own for this file, dropped at the end. */
function scratchDatabase() {
  const name = `sim_test_${process.pid}_${Math.floor(performance.now())}`;
  const url = () => {
    const u = new URL(ADMIN!);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const admin = async <T>(f: (c: pg.Client) => Promise<T>) => {
    const c = new pg.Client({ connectionString: ADMIN });
    await c.connect();
    try {
      return await f(c);
    } finally {
      await c.end();
    }
  };
  return {
    url,
    create: () => admin((c) => c.query(`CREATE DATABASE ${name}`)),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
    query: async (sql: string, params: unknown[] = []) => {
      const c = new pg.Client({ connectionString: url() });
      await c.connect();
      try {
        return (await c.query(sql, params)).rows;
      } finally {
        await c.end();
      }
    },
  };
}

describe.skipIf(!ADMIN)('the PostgreSQL store', () => {
  const db = scratchDatabase();
  beforeAll(() => db.create());
  afterAll(() => db.drop());
  const violations = contractViolations();

  it('keeps the default world and other worlds across SIGKILL, mutates them after, and a deleted world leaves no row', async () => {
    const a = await startServer({ SIM_STORE: db.url() });
    expect(a.output()).toMatch(/store: postgres \(postgres:\/\/[^)]*, new\)/);
    const c = (base: string, method: string, path: string, opts: Parameters<typeof callOn>[4] = {}) => callOn(violations, base, method, path, opts);
    const health = await c(a.base, 'GET', '/__sim/health');
    expect(health.body).toMatchObject({ store: { kind: 'postgres', reachable: true }, replica: expect.stringMatching(/\/\d+$/) });
    const made: Record<string, { token: string; orderId: string }> = {};
    for (const w of ['', 'alpha', 'beta']) {
      if (w) expect((await c(a.base, 'POST', '/__sim/worlds', { body: { id: w } })).status).toBe(201);
      const p = w ? `/w/${w}` : '';
      const login = await c(a.base, 'POST', `${p}/mcoi/api/users/authenticate`, { body: { login: '6e8login23', password: '12345678' }, as: '/mcoi/api/users/authenticate' });
      const order = await c(a.base, 'POST', `${p}/mcoi/api/orders`, { token: login.body.accessToken, body: ORDER, as: '/mcoi/api/orders' });
      expect(order.status).toBe(200);
      made[w || 'default'] = { token: login.body.accessToken, orderId: order.body.orderId };
    }
    // The clock moved: it is in the database too.
    expect((await c(a.base, 'POST', '/__sim/clock', { body: { advanceMs: 5_000 } })).status).toBe(200);
    expect(await stop(a, 'SIGKILL')).toBeNull();

    const b = await startServer({ SIM_STORE: db.url() });
    expect(b.output()).toMatch(/store: postgres \([^)]*, restored\)/);
    expect(((await c(b.base, 'GET', '/__sim/worlds')).body.worlds as { id: string }[]).map((w) => w.id).sort()).toEqual(['alpha', 'beta']);
    expect((await c(b.base, 'GET', '/__sim/clock')).body.offsetMs).toBeGreaterThanOrEqual(5_000);
    for (const [w, m] of Object.entries(made)) {
      const p = w === 'default' ? '' : `/w/${w}`;
      const list = await c(b.base, 'GET', `${p}/mcoi/api/orders?orderId=${m.orderId}`, { token: m.token, as: '/mcoi/api/orders' });
      expect(list.status, w).toBe(200);
      expect(list.body.orderInfos.map((o: { orderId: string }) => o.orderId)).toEqual([m.orderId]);
      // Mutated after the restart with the same token: an id never handed out before.
      const again = await c(b.base, 'POST', `${p}/mcoi/api/orders`, { token: m.token, body: ORDER, as: '/mcoi/api/orders' });
      expect(again.status).toBe(200);
      expect(Object.values(made).map((x) => x.orderId)).not.toContain(again.body.orderId);
    }
    expect((await c(b.base, 'DELETE', '/__sim/worlds/beta')).status).toBe(204);
    expect(await db.query("SELECT world FROM sim_state WHERE world = 'beta' UNION SELECT id FROM sim_worlds WHERE id = 'beta' UNION SELECT world FROM sim_blobs WHERE world = 'beta'")).toEqual([]);
    expect(await stop(b)).toBe(0);
  }, 60_000);

  it('loses no acknowledged write and repeats no id over 10 SIGKILLs under three writers', async () => {
    const crash = scratchDatabase();
    await crash.create();
    try {
      const report = await runCrashTrials({
        trials: 10,
        seed: 11,
        start: () => startServer({ SIM_STORE: crash.url(), SIM_RATE_LIMITS: 'off' }),
        check: (method, path, status, contentType, body, headers) => checkContract(violations, method, path, status, contentType, body, headers),
      });
      expect(report.trials).toBe(10);
      expect(report.lost).toEqual([]);
      expect(report.duplicates).toEqual([]);
      expect(report.acknowledged.orders).toBeGreaterThan(20);
      expect(report.acknowledged.requests).toBeGreaterThan(20);
    } finally {
      await crash.drop();
    }
  }, 180_000);

  it('three replicas on one database serve the same worlds: read-your-writes, one clock, one scenario, worlds, concurrent writers', async () => {
    const shared = scratchDatabase();
    await shared.create();
    const replicas = await Promise.all([0, 1, 2].map(() => startServer({ SIM_STORE: shared.url(), SIM_RATE_LIMITS: 'off' })));
    try {
      const c = (i: number, method: string, path: string, opts: Parameters<typeof callOn>[4] = {}) => callOn(violations, replicas[i % 3].base, method, path, opts);
      // A login through one replica, an order through the next, read through the third on the very next request.
      const login = await c(0, 'POST', '/mcoi/api/users/authenticate', { body: { login: '6e8login23', password: '12345678' } });
      const token = login.body.accessToken as string;
      const order = await c(1, 'POST', '/mcoi/api/orders', { token, body: ORDER });
      expect(order.status).toBe(200);
      expect((await c(2, 'GET', `/mcoi/api/orders?orderId=${order.body.orderId}`, { token })).body.orderInfos.map((o: { orderId: string }) => o.orderId)).toEqual([order.body.orderId]);
      // The clock moved through one is where every replica reads it; the order is READY everywhere.
      expect((await c(0, 'POST', '/__sim/clock', { body: { advanceMs: 60_000 } })).status).toBe(200);
      for (const i of [1, 2]) expect((await c(i, 'GET', '/__sim/clock')).body.offsetMs).toBeGreaterThanOrEqual(60_000);
      expect((await c(2, 'GET', `/mcoi/api/orders?orderId=${order.body.orderId}`, { token })).body.orderInfos[0].orderStatus).toBe('READY');
      // A scenario activated through one replica holds on the others; a reset through another ends it everywhere.
      expect((await c(0, 'POST', '/__sim/scenarios', { body: { name: 'mcoi-stand-down-503' } })).status).toBe(200);
      for (const i of [1, 2]) {
        const down = await fetch(`${replicas[i].base}/mcoi/api/orders`);
        expect(down.status, `replica ${i}`).toBe(503);
        expect((await c(i, 'GET', '/__sim/scenarios')).body.active).toBe('mcoi-stand-down-503');
      }
      expect((await c(1, 'POST', '/__sim/reset', { body: {} })).status).toBe(200);
      for (const i of [0, 2]) expect((await c(i, 'GET', '/mcoi/api/orders')).status, `replica ${i}`).toBe(401);
      // A world created through one replica is served by the others at once.
      expect((await c(2, 'POST', '/__sim/worlds', { body: { id: 'shared' } })).status).toBe(201);
      const inWorld = await c(0, 'POST', '/w/shared/mcoi/api/users/authenticate', { body: { login: '6e8login23', password: '12345678' }, as: '/mcoi/api/users/authenticate' });
      expect(inWorld.status).toBe(200);
      expect((await c(1, 'GET', '/__sim/worlds')).body.worlds.map((w: { id: string }) => w.id)).toEqual(['shared']);
      // Writers on all three at once: every order acknowledged, none twice, each visible through every replica.
      const fresh = (await c(0, 'POST', '/mcoi/api/users/authenticate', { body: { login: '6e8login23', password: '12345678' } })).body.accessToken as string;
      const made = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const r = await c(i, 'POST', '/mcoi/api/orders', { token: fresh, body: ORDER });
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          const closed = await c(i + 1, 'POST', `/mcoi/api/order/close?orderId=${r.body.orderId}`, { token: fresh });
          expect(closed.status).toBe(200);
          return r.body.orderId as string;
        }),
      );
      expect(new Set(made).size).toBe(30);
      // One journal: any replica lists every replica's exchanges at once (it asks the others to send theirs).
      const journal = (await c(2, 'GET', '/__sim/journal?system=mcoi&operationId=registerOrder&limit=1000')).body.entries as { id: number; at: string; responseBody: { orderId?: string } }[];
      const journaled = new Set(journal.map((e) => e.responseBody?.orderId));
      for (const id of made) expect(journaled.has(id), `journal: ${id}`).toBe(true);
      // In the order they happened (on one clock, all replicas' virtual times rise together), each its own id.
      const times = journal.map((e) => Date.parse(e.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(new Set(journal.map((e) => e.id)).size).toBe(journal.length);
      // The reset through replica 1 emptied the journal for all: the reads replica 2 took before it (held or sent) are gone.
      // (The reset made the same ids again: the first order after it is closed by id, but never read by id.)
      const all = (await c(0, 'GET', '/__sim/journal?limit=1000')).body.entries as { method: string; query: Record<string, unknown> }[];
      expect(all.length).toBeGreaterThan(60);
      expect(all.filter((e) => e.method === 'GET' && e.query.orderId === order.body.orderId)).toEqual([]);
      for (const i of [0, 1, 2]) {
        const listed = await c(i, 'GET', '/mcoi/api/orders?limit=100', { token: fresh });
        const ids = new Set(listed.body.orderInfos.map((o: { orderId: string }) => o.orderId));
        for (const id of made) expect(ids.has(id), `replica ${i}: ${id}`).toBe(true);
      }
    } finally {
      await Promise.all(replicas.map((r) => stop(r)));
      await shared.drop();
    }
  }, 120_000);

  it('pushes to the ERP once across replicas: the replica that runs the clock\'s work delivers, the other finds it done', async () => {
    const shared = scratchDatabase();
    await shared.create();
    const got: unknown[] = [];
    const erp = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        got.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => erp.listen(0, '127.0.0.1', r));
    const replicas = await Promise.all([0, 1].map(() => startServer({ SIM_STORE: shared.url(), SIM_RATE_LIMITS: 'off' })));
    try {
      const c = (i: number, method: string, path: string, opts: Parameters<typeof callOn>[4] = {}) => callOn(violations, replicas[i].base, method, path, opts);
      expect((await c(0, 'POST', '/__sim/clock', { body: { freeze: true } })).status).toBe(200);
      expect((await c(0, 'PUT', '/__sim/setmark/erp', { body: { journalUrl: `http://127.0.0.1:${(erp.address() as { port: number }).port}/journal` } })).status).toBe(200);
      // A violation through the other replica: the journal push will carry it.
      expect((await c(1, 'POST', '/setmark/cash/validate', { body: { id: 101, version: 1, shop: 1, cash: 25, operationType: 0, productType: 3, inn: '7701234560', mark: 'NOT-ON-STOCK', strictCheck: false } })).status).toBe(200);
      // Ten virtual minutes through one replica: its clock's work runs and pushes; then the other runs its own.
      expect((await c(0, 'POST', '/__sim/clock', { body: { advanceMs: 600_000 } })).status).toBe(200);
      expect((await c(1, 'POST', '/__sim/clock', { body: { advanceMs: 0 } })).status).toBe(200);
      expect((await c(0, 'POST', '/__sim/clock', { body: { advanceMs: 0 } })).status).toBe(200);
      expect(got).toHaveLength(1);
      expect((got[0] as { data: { excise: string }[] }).data[0].excise).toBe('NOT-ON-STOCK');
    } finally {
      await Promise.all(replicas.map((r) => stop(r)));
      erp.close();
      await shared.drop();
    }
  }, 60_000);

  it('counts rate limits across replicas: the 6th request of a minute is refused whichever replica gets it', async () => {
    const shared = scratchDatabase();
    await shared.create();
    const replicas = await Promise.all([0, 1].map(() => startServer({ SIM_STORE: shared.url() })));
    try {
      const c = (i: number, method: string, path: string, opts: Parameters<typeof callOn>[4] = {}) => callOn(violations, replicas[i % 2].base, method, path, opts);
      expect((await c(0, 'POST', '/__sim/scenarios', { body: { scenario: { name: 'five-a-minute', description: 'MCOI allows 5 requests a minute', limits: { mcoi: { requestsPerMinute: 5 } } } } })).status).toBe(200);
      const login = await c(1, 'POST', '/mcoi/api/users/authenticate', { body: { login: '6e8login23', password: '12345678' } });
      expect(login.status, JSON.stringify(login.body)).toBe(200);
      const token = login.body.accessToken as string;
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await c(i, 'GET', '/mcoi/api/orders', { token })).status);
      // Five reads of this user pass, alternating replicas; from the sixth every replica refuses (the login is counted
      // apart, by the login it names).
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    } finally {
      await Promise.all(replicas.map((r) => stop(r)));
      await shared.drop();
    }
  }, 60_000);

  it('serves through a load balancer without affinity (HAProxy, round-robin): every replica answers, each request sees the last', async () => {
    const haproxy = ['haproxy', '/usr/sbin/haproxy'].find((b) => spawnSync(b, ['-v']).status === 0);
    if (!haproxy) {
      if (process.env.SIM_PG_TESTS === 'required') throw new Error('SIM_PG_TESTS=required but haproxy is not installed (apt-get install haproxy)');
      console.warn('*** no haproxy: the load-balancer case is skipped ***');
      return;
    }
    const shared = scratchDatabase();
    await shared.create();
    const replicas = await Promise.all([0, 1, 2].map(() => startServer({ SIM_STORE: shared.url(), SIM_RATE_LIMITS: 'off' })));
    const dir = mkdtempSync(join(tmpdir(), 'sim-lb-'));
    const free = createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const port = (free.address() as { port: number }).port;
    await new Promise((r) => free.close(r));
    writeFileSync(
      join(dir, 'haproxy.cfg'),
      [
        'defaults',
        '  mode http',
        '  timeout connect 5s',
        '  timeout client 30s',
        '  timeout server 30s',
        'frontend simulator',
        `  bind 127.0.0.1:${port}`,
        '  default_backend replicas',
        'backend replicas',
        '  balance roundrobin',
        ...replicas.map((r, i) => `  server sim${i} ${new URL(r.base).host}`),
        '',
      ].join('\n'),
    );
    const lb = spawn(haproxy, ['-f', join(dir, 'haproxy.cfg'), '-db'], { stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    try {
      for (let i = 0; (await fetch(`${base}/__sim/health`).catch(() => undefined))?.status !== 200; i++) {
        if (i > 100) throw new Error('haproxy did not come up');
        await new Promise((r) => setTimeout(r, 50));
      }
      const c = (method: string, path: string, opts: Parameters<typeof callOn>[4] = {}) => callOn(violations, base, method, path, opts);
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) seen.add((await c('GET', '/__sim/health')).body.replica);
      expect(seen.size).toBe(3);
      const token = (await c('POST', '/mcoi/api/users/authenticate', { body: { login: '6e8login23', password: '12345678' } })).body.accessToken as string;
      for (let i = 0; i < 6; i++) {
        const made = await c('POST', '/mcoi/api/orders', { token, body: ORDER });
        expect(made.status).toBe(200);
        // The very next request, on the next replica, sees it.
        expect((await c('GET', `/mcoi/api/orders?orderId=${made.body.orderId}`, { token })).body.orderInfos).toHaveLength(1);
        expect((await c('POST', `/mcoi/api/order/close?orderId=${made.body.orderId}`, { token })).status).toBe(200);
      }
    } finally {
      lb.kill('SIGKILL');
      await Promise.all(replicas.map((r) => stop(r)));
      await shared.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('loses no acknowledged write when a replica of three is killed under writers, and the others keep serving (3 trials; more in npm run bench)', async () => {
    const shared = scratchDatabase();
    await shared.create();
    try {
      const report = await runReplicaCrashTrials({ trials: 3, seed: 5, start: () => startServer({ SIM_STORE: shared.url(), SIM_RATE_LIMITS: 'off' }), stop: (s) => stop(s as Parameters<typeof stop>[0]) });
      expect(report.trials).toBe(3);
      expect(report.lost).toEqual([]);
      expect(report.duplicates).toEqual([]);
      expect(report.acknowledged).toBeGreaterThan(30);
    } finally {
      await shared.drop();
    }
  }, 180_000);

  it('refuses to start on a schema newer than it knows, saying so', async () => {
    const other = scratchDatabase();
    await other.create();
    try {
      // Made current by a first start, then claimed by "a newer simulator".
      const a = await startServer({ SIM_STORE: other.url() });
      expect(await stop(a), a.output()).toBe(0);
      await other.query('UPDATE sim_schema SET version = 999');
      const b = spawnMain({ SIM_STORE: other.url(), PORT: '0', HOST: '127.0.0.1' });
      const [code] = await once(b.child, 'exit');
      expect(code).toBe(1);
      expect(b.output()).toContain("the database's schema is version 999, newer than this simulator knows");
    } finally {
      await other.drop();
    }
  }, 60_000);

  it('waits for a database that does not answer yet, with a clear line, instead of failing', async () => {
    const unused = createServer();
    await new Promise<void>((r) => unused.listen(0, '127.0.0.1', r));
    const port = (unused.address() as { port: number }).port;
    await new Promise((r) => unused.close(r)); // nothing listens there now
    const u = new URL(db.url());
    u.port = String(port);
    const s = spawnMain({ SIM_STORE: u.toString(), PORT: '0', HOST: '127.0.0.1' });
    await new Promise<void>((resolve) => {
      const check = () => (/waiting for PostgreSQL at postgres:\/\/[^ ]*:\d+\//.test(s.output()) ? resolve() : undefined);
      s.child.stdout!.on('data', check);
      s.child.stderr!.on('data', check);
    });
    expect(s.output()).not.toContain('listening');
    s.child.kill('SIGKILL');
    await once(s.child, 'exit');
  }, 30_000);

  it('answers in the system\'s own envelope while the database is out of reach, and serves again when it is back', async () => {
    // The simulator reaches the database through a proxy this test opens and closes.
    const target = new URL(db.url());
    const sockets = new Set<Socket>();
    let proxy: Server | undefined;
    const open = (port = 0) =>
      new Promise<number>((resolve) => {
        proxy = createServer((client) => {
          const upstream = connect(Number(target.port || 5432), target.hostname);
          sockets.add(client).add(upstream);
          client.pipe(upstream).pipe(client);
          const end = () => {
            client.destroy();
            upstream.destroy();
          };
          client.on('error', end).on('close', end);
          upstream.on('error', end).on('close', end);
        });
        proxy.listen(port, '127.0.0.1', () => resolve((proxy!.address() as { port: number }).port));
      });
    const down = async () => {
      const closed = new Promise((r) => proxy!.close(r));
      for (const s of sockets) s.destroy();
      sockets.clear();
      await closed;
    };
    const port = await open();
    const via = new URL(db.url());
    via.hostname = '127.0.0.1';
    via.port = String(port);
    const s = await setup({ store: { kind: 'postgres', url: via.toString() } });
    try {
      const login = await s.http.post('/w/x/mcoi/api/users/authenticate').send({ login: '6e8login23', password: '12345678' });
      expect(login.status).toBe(404); // no such world (yet): nothing to do with the database
      const auth = `Bearer ${(await s.http.post('/mcoi/api/users/authenticate').send({ login: '6e8login23', password: '12345678' })).body.accessToken}`;
      await down();
      // A write: the MCOI envelope with a 5xx, in bounded time; nothing acknowledged.
      const refused = await s.http.post('/mcoi/api/orders').set('Authorization', auth).send(ORDER);
      expect(refused.status).toBeGreaterThanOrEqual(500);
      expect(refused.body.globalErrors[0]).toMatchObject({ service: 'mcoi' });
      const health = await s.http.get('/__sim/health');
      expect(health.status).toBe(503);
      expect(health.body.detail).toContain('postgres store cannot be reached');
      // Back: the next write goes through by itself; the refused one never happened.
      await open(port);
      const ok = await s.http.post('/mcoi/api/orders').set('Authorization', auth).send(ORDER);
      expect(ok.status, ok.text).toBe(200);
      expect((await s.http.get('/__sim/health')).status).toBe(200);
      const listed = await s.http.get('/mcoi/api/orders').set('Authorization', auth);
      expect(listed.body.orderInfos.map((o: { orderId: string }) => o.orderId)).toContain(ok.body.orderId);
    } finally {
      await s.sim.close();
      await down().catch(() => undefined);
    }
  }, 60_000);

  it('survives a restart of PostgreSQL itself (a crash: immediate shutdown, recovery): replicas reconnect by themselves, acknowledged writes are there, ids go on', async () => {
    // A cluster of its own (scripts/start-postgres.sh on another port and directory): restarting it disturbs no other test.
    const dir = mkdtempSync(join(tmpdir(), 'pg-restart-'));
    chmodSync(dir, 0o755); // the postgres user keeps its cluster below
    const port = String(56000 + (process.pid % 1000));
    const started = spawnSync('bash', [join(PROJECT_ROOT, 'scripts', 'start-postgres.sh')], { env: { ...process.env, PG_TEST_PORT: port, PG_TEST_DIR: join(dir, 'pg') }, encoding: 'utf8' });
    expect(started.status, started.stderr).toBe(0);
    const url = started.stdout.trim();
    const bin = spawnSync('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1'], { encoding: 'utf8' }).stdout.trim();
    const asPostgres = (args: string[]) => (process.getuid?.() === 0 ? spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8' }) : spawnSync('sudo', ['-u', 'postgres', ...args], { encoding: 'utf8' }));
    const replicas = await Promise.all([0, 1].map(() => startServer({ SIM_STORE: url, SIM_RATE_LIMITS: 'off' })));
    try {
      const c = (i: number, method: string, path: string, opts: Parameters<typeof callOn>[4] = {}) => callOn(violations, replicas[i].base, method, path, opts);
      const token = (await c(0, 'POST', '/mcoi/api/users/authenticate', { body: { login: '6e8login23', password: '12345678' } })).body.accessToken as string;
      const before = await c(0, 'POST', '/mcoi/api/orders', { token, body: ORDER });
      expect(before.status).toBe(200);

      // A crash of the database: every connection cut, recovery on start; the unlogged journal and rate tables emptied.
      // (-l: the server's output to its log, not to this test's pipe, which it would hold open)
      const restart = asPostgres([`${bin}/pg_ctl`, '-D', join(dir, 'pg', 'data'), '-l', join(dir, 'pg', 'server.log'), '-m', 'immediate', '-w', 'restart']);
      expect(restart.status, restart.stderr).toBe(0);

      // Each replica serves again by itself (its pool reconnects); a few requests may fail while it does.
      for (const i of [0, 1]) {
        let status = 0;
        for (let n = 0; n < 200 && status !== 200; n++) status = (await fetch(`${replicas[i].base}/__sim/health`)).status;
        expect(status, `replica ${i} healthy again`).toBe(200);
      }
      const read = await c(1, 'GET', `/mcoi/api/orders?orderId=${before.body.orderId}`, { token });
      expect(read.body.orderInfos.map((o: { orderId: string }) => o.orderId)).toEqual([before.body.orderId]);
      let after = await c(1, 'POST', '/mcoi/api/orders', { token, body: ORDER });
      for (let n = 0; n < 20 && after.status !== 200; n++) after = await c(1, 'POST', '/mcoi/api/orders', { token, body: ORDER });
      expect(after.status).toBe(200);
      expect(after.body.orderId).not.toBe(before.body.orderId);
      // The journal works again (its unlogged table was emptied by the crash): the new exchange is listed.
      const listed = (await c(1, 'GET', '/__sim/journal?system=mcoi&operationId=registerOrder')).body.entries as { responseBody?: { orderId?: string } }[];
      expect(listed.map((e) => e.responseBody?.orderId)).toContain(after.body.orderId);
    } finally {
      await Promise.all(replicas.map((r) => stop(r)));
      asPostgres([`${bin}/pg_ctl`, '-D', join(dir, 'pg', 'data'), '-m', 'fast', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
