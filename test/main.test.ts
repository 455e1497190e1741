import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { checkContract } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `main.ts` on an ephemeral port and resolves with its base URL once it listens. */
async function startServer(extraEnv: Record<string, string> = {}): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'simulator', 'main.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SIM_DATA_DIR: dir, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  // A data listener, not `for await`: leaving that loop would destroy the child's stdout (EPIPE on its next log).
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const m = /listening on :(\d+)/.exec(out);
      if (m) resolve({ child, base: `http://127.0.0.1:${m[1]}` });
    });
    child.on('exit', () => reject(new Error(`server did not start: ${out}`)));
  });
}

const violations: string[] = [];
afterAll(() => expect(violations, 'responses that break the OpenAPI contract').toEqual([]));

/** fetch, with the response checked against the contract like every response in the suite. */
async function call(base: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, init);
  const text = await res.text();
  const body = /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
  checkContract(violations, init.method ?? 'GET', path, res.status, res.headers.get('content-type') ?? undefined, body);
  return { status: res.status, body };
}

describe('main.ts', () => {
  it('serves health, keeps state across a SIGTERM restart, and exits promptly on SIGTERM', async () => {
    const a = await startServer();
    const health = await call(a.base, '/__sim/health');
    expect(health.status).toBe(200);
    const login = (await call(a.base, '/mcoi/api/users/authenticate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: '6e8login23', password: '12345678' }) })).body;
    const created = await call(a.base, '/mcoi/api/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${login.accessToken}` },
      body: JSON.stringify({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 3, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 }),
    });
    const { orderId } = created.body;
    const t0 = performance.now();
    a.child.kill('SIGTERM');
    const [code] = await once(a.child, 'exit');
    expect(code).toBe(0);
    expect(performance.now() - t0).toBeLessThan(5_000); // generous here; the container test holds it to a second

    const b = await startServer();
    const list = (await call(b.base, `/mcoi/api/orders?orderId=${orderId}`, { headers: { authorization: `Bearer ${login.accessToken}` } })).body;
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

    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'simulator', 'main.ts'), '--scenario', 'package.json'], { cwd: PROJECT_ROOT, env: { ...process.env, SIM_STORE: 'memory' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(err).toContain('package.json: invalid scenario');
  });

  it('refuses a bad setting with a clear message and exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'simulator', 'main.ts')], { cwd: PROJECT_ROOT, env: { ...process.env, SIM_STORE: 'postgres' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(err).toContain('SIM_STORE must be "file" or "memory"');
  });
});
