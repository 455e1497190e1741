/**
 * The Testcontainers module (clients/testcontainers) against the simulator's image, through a Docker-compatible API
 * (CI: podman's service, scripts/testcontainers-test.sh). Without a container engine the suite is skipped and says
 * so; SIM_CONTAINER_TESTS=required makes it run. SIM_TEST_IMAGE names the image (default the one
 * scripts/container-test.sh builds).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MarkingSimulatorContainer } from '../clients/testcontainers/src/index.js';
import { checkContract } from './helpers.js';

const IMAGE = process.env.SIM_TEST_IMAGE ?? 'localhost/marking-sim:container-test';
const ENGINE = !!process.env.DOCKER_HOST || existsSync('/var/run/docker.sock');
const REQUIRED = process.env.SIM_CONTAINER_TESTS === 'required';
if (!ENGINE) {
  if (REQUIRED) throw new Error('SIM_CONTAINER_TESTS=required but no container engine (DOCKER_HOST, /var/run/docker.sock): run scripts/testcontainers-test.sh');
  console.warn('\n*** Testcontainers module tests SKIPPED: no container engine (scripts/testcontainers-test.sh starts podman\'s) ***\n');
}

const tmp = mkdtempSync(join(tmpdir(), 'tc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const violations: string[] = [];
afterAll(() => expect(violations, 'responses that break the OpenAPI contract').toEqual([]));

async function call(base: string, prefix: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${base}${prefix}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const parsed = /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
  checkContract(violations, method, path, res.status, res.headers.get('content-type') ?? undefined, parsed, Object.fromEntries(res.headers));
  return { status: res.status, body: parsed };
}

describe.skipIf(!ENGINE)('MarkingSimulatorContainer', () => {
  it('starts the image with a shipped scenario and a frozen clock; gives each system\'s URLs, a control client, a world per test', async () => {
    const sim = await new MarkingSimulatorContainer(IMAGE).withScenario('mcoi-rate-limit').withClock('2026-03-02T09:00:00Z').start();
    try {
      expect((await sim.control.scenarios.list()).active).toBe('mcoi-rate-limit');
      expect(await sim.control.clock.get()).toMatchObject({ now: '2026-03-02T09:00:00.000Z', frozen: true });
      const login = await call(sim.baseUrl(), '', 'POST', '/mcoi/api/users/authenticate', { login: '6e8login23', password: '12345678' });
      expect(login.status).toBe(200);
      expect(sim.systemUrl('mcoi')).toBe(`${sim.baseUrl()}/mcoi`);
      // MCOI on its own port, at its real paths.
      const own = await fetch(`${sim.realUrl('mcoi')}/api/orders`, { headers: { authorization: `Bearer ${login.body.accessToken}` } });
      expect(own.status).toBe(200);
      expect((await fetch(`${sim.realUrl('true-api')}/auth/key`)).status).toBe(200);

      const a = await sim.newWorld();
      const b = await sim.newWorld();
      expect(a.systems.mcoi).toBe(`${sim.baseUrl()}/w/${a.id}/mcoi`);
      const inA = await call(sim.baseUrl(), `/w/${a.id}`, 'POST', '/mcoi/api/users/authenticate', { login: '6e8login23', password: '12345678' });
      expect((await call(sim.baseUrl(), `/w/${b.id}`, 'GET', '/mcoi/api/orders', undefined, inA.body.accessToken)).status).toBe(401);
      await a.control.clock.advance('24h');
      expect((await a.control.clock.get()).nowMs - (await b.control.clock.get()).nowMs).toBeGreaterThanOrEqual(86_400_000 - 60_000);
      expect((await a.control.conformance.report()).clients.map((c) => c.client)).toEqual([expect.stringMatching(/^mcoi: 6e8login23/)]);
      await a.delete();
      expect((await sim.control.worlds.list()).worlds.map((w) => w.id)).toEqual([b.id]);
    } finally {
      await sim.stop();
    }
  }, 120_000);

  it('copies a scenario file in, and locks the control plane with a token it then sends', async () => {
    const file = join(tmp, 'five.yaml');
    writeFileSync(file, 'name: five-a-minute\ndescription: MCOI allows 5 requests a minute\nlimits: { mcoi: { requestsPerMinute: 5 } }\n');
    const sim = await new MarkingSimulatorContainer(IMAGE).withScenario(file).withControlToken('tc-token-0123456789abcdef0123').start();
    try {
      expect((await sim.control.scenarios.list()).active).toBe('five-a-minute');
      expect((await fetch(`${sim.baseUrl()}/__sim/clock`)).status).toBe(401);
    } finally {
      await sim.stop();
    }
  }, 120_000);
});
