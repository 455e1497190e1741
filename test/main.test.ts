import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { call as callOn, contractViolations, spawnMain, startServer, stop } from './process.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const violations = contractViolations();

const call = (base: string, path: string, opts: { method?: string; body?: unknown; token?: string } = {}) => callOn(violations, base, opts.method ?? 'GET', path, opts);

describe('main.ts', () => {
  it('serves health, keeps state across a SIGTERM restart, and exits promptly on SIGTERM', async () => {
    const a = await startServer({ SIM_DATA_DIR: dir });
    const health = await call(a.base, '/__sim/health');
    expect(health.status).toBe(200);
    const login = (await call(a.base, '/mcoi/api/users/authenticate', { method: 'POST', body: { login: '6e8login23', password: '12345678' } })).body;
    const created = await call(a.base, '/mcoi/api/orders', {
      method: 'POST',
      token: login.accessToken,
      body: { productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 3, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 },
    });
    const { orderId } = created.body;
    const t0 = performance.now();
    a.child.kill('SIGTERM');
    const [code] = await once(a.child, 'exit');
    expect(code).toBe(0);
    expect(performance.now() - t0).toBeLessThan(5_000); // generous here; the container test holds it to a second

    const b = await startServer({ SIM_DATA_DIR: dir });
    const list = (await call(b.base, `/mcoi/api/orders?orderId=${orderId}`, { token: login.accessToken })).body;
    expect(list.orderInfos.map((o: { orderId: string }) => o.orderId)).toEqual([orderId]);
    b.child.kill('SIGTERM');
    await once(b.child, 'exit');
  });

  it('starts with a scenario active (SIM_SCENARIO), and refuses a malformed one with exit code 2', async () => {
    const a = await startServer({ SIM_STORE: 'memory', SIM_SCENARIO: 'scenarios/mcoi/stand-down-503.yaml' });
    const list = await call(a.base, '/__sim/scenarios');
    expect(list.body.active).toBe('mcoi-stand-down-503');
    expect((await call(a.base, '/mcoi/api/orders')).status).toBe(503);
    a.child.kill('SIGTERM');
    await once(a.child, 'exit');

    const bad = spawnMain({ SIM_STORE: 'memory' }, ['--scenario', 'package.json']);
    const [code] = await once(bad.child, 'exit');
    expect(code).toBe(2);
    expect(bad.output()).toContain('package.json: invalid scenario');
  });

  it('refuses a bad setting with a clear message and exit code 2', async () => {
    const bad = spawnMain({ SIM_STORE: 'postgres' });
    const [code] = await once(bad.child, 'exit');
    expect(code).toBe(2);
    expect(bad.output()).toContain('SIM_STORE=postgres is not a valid value (one of: file, memory)');
  });

  it('prints its usage and every setting with --help, the systems\' switches included; exit 0', async () => {
    const r = spawnMain({}, ['--help']);
    const [code] = await once(r.child, 'exit');
    expect(code).toBe(0);
    expect(r.output()).toContain('usage: node dist/simulator/main.js [--scenario <file>] [--help]');
    for (const v of ['PORT', 'SIM_TIMINGS', 'SIM_LOG_FORMAT', 'SIM_MCOI_PERMISSION_STATUS']) expect(r.output()).toContain(v);
  });

  it('says every wrong setting at once, with the valid values, and exits 2 before listening', async () => {
    const bad = spawnMain({ SIM_LOG_LEVEL: 'inof', SIM_TIMINGS: '{"mcoi":{"orderReadyMS":5}}', SIM_MCOI_PERMISSION_STATUS: '402', PORT: '99999' });
    const [code] = await once(bad.child, 'exit');
    expect(code).toBe(2);
    expect(bad.output()).toContain('SIM_LOG_LEVEL=inof is not a valid value: did you mean info? (one of: silent, error, warn, info, debug)');
    expect(bad.output()).toContain('SIM_TIMINGS.mcoi has no timing "orderReadyMS": did you mean orderReadyMs?');
    expect(bad.output()).toContain('SIM_MCOI_PERMISSION_STATUS=402 is not a valid value (one of: 403, 400)');
    expect(bad.output()).toContain('PORT=99999 must be a whole number from 0 to 65535');
    expect(bad.output()).not.toContain('listening');
  });

  it('serves each system SIM_PORTS names at its real paths on a port of its own, and says where at start', async () => {
    const a = await startServer({ SIM_STORE: 'memory', SIM_PORTS: 'mcoi=0,true-api=0' });
    const line = JSON.parse(a.output().split('\n').find((l) => l.includes('listening on'))!);
    expect(Object.keys(line.ports)).toEqual(['mcoi', 'true-api']);
    expect(line.msg).toMatch(/own ports: mcoi :\d+\/, true-api :\d+\/api\/v3\/true-api/);
    const mcoi = `http://127.0.0.1:${line.ports.mcoi}`;
    const trueApi = `http://127.0.0.1:${line.ports['true-api']}`;
    const login = await callOn(violations, mcoi, 'POST', '/api/users/authenticate', { body: { login: '6e8login23', password: '12345678' }, as: '/mcoi/api/users/authenticate' });
    expect(login.status).toBe(200);
    const orders = await callOn(violations, a.base, 'GET', '/mcoi/api/orders', { token: login.body.accessToken });
    expect(orders.status).toBe(200);
    const key = await callOn(violations, trueApi, 'GET', '/api/v3/true-api/auth/key', { as: '/true-api/auth/key' });
    expect(key.status).toBe(200);
    expect((await callOn(violations, a.base, 'GET', '/api/v3/true-api/auth/key', { as: '/true-api/auth/key' })).status).toBe(200);
    // A request Node cannot read on a system's port is answered in that system's envelope.
    const huge = await fetch(`${mcoi}/api/orders`, { headers: { 'x-big': 'a'.repeat(20_000) } });
    expect(huge.status).toBe(431);
    expect(await huge.json()).toMatchObject({ globalErrors: [{ service: 'mcoi' }] });
    expect(await stop(a)).toBe(0);
  });

  it('refuses a port already in use with a message on stderr and exit code 1', async () => {
    const a = await startServer({ SIM_STORE: 'memory' });
    const port = new URL(a.base).port;
    const b = spawnMain({ SIM_STORE: 'memory', PORT: port, HOST: '127.0.0.1' });
    const [code] = await once(b.child, 'exit');
    expect(code).toBe(1);
    expect(b.output()).toContain(`simulator: port ${port} on 127.0.0.1 is already in use: stop the other process or set PORT`);
    expect(b.output()).not.toContain('listening');
    await stop(a);
  });

  it('logs one JSON line per request (method, path, system, operationId, status, ms, caller, fault), bodies at debug', async () => {
    const a = await startServer({ SIM_STORE: 'memory', SIM_LOG_LEVEL: 'debug', SIM_SCENARIO: 'scenarios/mcoi/stand-down-503.yaml' });
    await call(a.base, '/__sim/clock', { method: 'POST', body: { advanceMs: 3_600_000 } }); // past the stand-down window
    const token = (await call(a.base, '/mcoi/api/users/authenticate', { method: 'POST', body: { login: '6e8login23', password: '12345678' } })).body.accessToken;
    await call(a.base, '/mcoi/api/orders?limit=1', { token });
    await stop(a);
    const lines = a.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const orders = lines.find((l) => l.msg === 'request' && l.path === '/mcoi/api/orders');
    expect(orders).toMatchObject({ level: 30, method: 'GET', system: 'mcoi', operationId: 'listOrders', status: 200, principal: '6e8login23' });
    expect(typeof orders.ms).toBe('number');
    expect(orders.responseBody.orderInfos).toHaveLength(1);
    const login = lines.find((l) => l.msg === 'request' && l.operationId === 'authenticate');
    expect(login.requestBody).toEqual({ login: '6e8login23', password: '***' }); // secrets hidden unless SIM_JOURNAL_SECRETS=show
    expect(login.responseBody.accessToken).toBe('***');
  });

  it('at SIM_LOG_LEVEL=warn still says where it listens, and logs no request lines', async () => {
    const a = await startServer({ SIM_STORE: 'memory', SIM_LOG_LEVEL: 'warn' });
    expect((await call(a.base, '/__sim/health')).status).toBe(200);
    await stop(a);
    expect(a.output()).toMatch(/listening on :\d+ \(pid \d+\)/);
    expect(a.output()).toContain('stopped in');
    expect(a.output()).not.toContain('"msg":"request"');
  });

  it('marks the fault that shaped an answer in the log line', async () => {
    const a = await startServer({ SIM_STORE: 'memory', SIM_SCENARIO: 'scenarios/mcoi/stand-down-503.yaml' });
    await call(a.base, '/mcoi/api/orders');
    await stop(a);
    const line = a.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((l) => l.msg === 'request');
    expect(line).toMatchObject({ status: 503, operationId: 'listOrders', fault: 'html (/faults/0)' });
  });

  it('reports SIM_* variables that are not settings, and a SIM_SEED an existing data directory ignores', async () => {
    const d = mkdtempSync(join(tmpdir(), 'sim-seed-'));
    try {
      await stop(await startServer({ SIM_DATA_DIR: d }));
      const b = await startServer({ SIM_DATA_DIR: d, SIM_SEED: '5', SIM_RATE_LIMIT: 'off' });
      await stop(b);
      expect(b.output()).toContain('SIM_SEED=5 ignored: the data directory keeps its seed');
      expect(b.output()).toContain('SIM_RATE_LIMIT did you mean SIM_RATE_LIMITS?');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('npm start runs the server under npm itself: SIGTERM to npm, or to the pid the start-up line reports, stops it', async () => {
    const d = mkdtempSync(join(tmpdir(), 'sim-npm-'));
    try {
      for (const target of ['npm', 'server'] as const) {
        const npm = spawn('npm', ['start', '--silent'], { cwd: PROJECT_ROOT, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SIM_DATA_DIR: d, SIM_LOG_FORMAT: 'json' }, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        npm.stdout!.on('data', (c) => (out += c));
        npm.stderr!.on('data', (c) => (out += c));
        const pid = await new Promise<number>((resolve, reject) => {
          npm.stdout!.on('data', () => {
            const m = /listening on :\d+ \(pid (\d+)\)/.exec(out);
            if (m) resolve(Number(m[1]));
          });
          npm.on('exit', () => reject(new Error(out)));
        }, );
        const exited = once(npm, 'exit');
        process.kill(target === 'npm' ? npm.pid! : pid, 'SIGTERM');
        await exited;
        expect(out, target).toContain('stopped in');
        expect(() => process.kill(pid, 0), `the server (pid ${pid}) is gone after SIGTERM to ${target}`).toThrow();
      }
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  }, 60_000);
});
