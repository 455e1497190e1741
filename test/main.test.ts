import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call as callOn, contractViolations, spawnMain, startServer } from './process.js';

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
});
