/**
 * The typed control-plane client (simulator/control/client.ts) and the `marking-sim` verbs built on it: every route
 * it calls is one of the contract's, its types are the ones generated from the contract, and the CLI drives a running
 * simulator with clear errors and exit codes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ControlClient, ControlError, durationMs, ROUTES } from '../simulator/control/client.js';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { CONTROL_TYPES_FILE, controlTypes } from '../scripts/control-types.js';
import { setup, type Setup } from './helpers.js';
import { USERS } from './mcoi/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'ctl-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function listen(s: Setup): Promise<{ url: string; server: Server }> {
  const server = createServer(s.sim.app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
const close = async (server: Server) => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
};

describe('the typed client', () => {
  it('calls only routes of the control contract, with types generated from it (npm run schema keeps openapi/control-api.d.ts current)', async () => {
    const s = await setup();
    const ops = new Map(s.sim.contracts.control.operations.map((o) => [o.operationId, `${o.method.toUpperCase()} ${o.path}`]));
    for (const [op, [method, path]] of Object.entries(ROUTES)) expect(ops.get(op), op).toBe(`${method} ${path}`);
    expect(readFileSync(join(PROJECT_ROOT, CONTROL_TYPES_FILE), 'utf8')).toBe(await controlTypes());
  });

  it('drives the clock, worlds, the journal and its exports, and the report card', async () => {
    const s = await setup();
    const { url, server } = await listen(s);
    try {
      const sim = new ControlClient({ url });
      expect((await sim.health()).status).toBe('ok');
      const before = (await sim.clock.get()).nowMs;
      expect((await sim.clock.advance('24h')).nowMs).toBe(before + 86_400_000);
      expect((await sim.clock.set('2027-01-01T00:00:00Z')).now).toBe('2027-01-01T00:00:00.000Z');
      const world = await sim.worlds.create({ id: 'client-w', ttlMs: 600_000 });
      expect(world.id).toBe('client-w');
      const inWorld = sim.world(world.id);
      await fetch(`${url}/w/client-w/mcoi/api/users/authenticate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(USERS.main) });
      expect((await inWorld.journal.list({ system: 'mcoi' })).entries.map((e) => e.path)).toEqual(['/api/users/authenticate']);
      expect((await sim.journal.list({ system: 'mcoi' })).entries).toEqual([]);
      const har = JSON.parse(await inWorld.journal.export('har')) as { log: { entries: { request: { url: string } }[] } };
      expect(har.log.entries[0].request.url).toBe(`${url}/w/client-w/mcoi/api/users/authenticate`);
      expect(await inWorld.journal.export('scenario')).toContain('steps:');
      expect((await inWorld.conformance.report()).clients.map((c) => c.client)).toEqual(['mcoi: 6e8login23 · node']);
      expect(await inWorld.conformance.junit()).toContain('<testsuite name="mcoi: 6e8login23 · node"');
      expect((await inWorld.conformance.reset()).since).toMatch(/^20/);
      expect((await sim.worlds.list()).worlds.map((w) => w.id)).toEqual(['client-w']);
      await sim.worlds.delete('client-w');
      await expect(sim.worlds.get('client-w')).rejects.toMatchObject({ name: 'ControlError', status: 404 });
      expect((await sim.scenarios.activate('mcoi-rate-limit')).name).toBe('mcoi-rate-limit');
      // By its file below scenarios/, as users say it.
      expect((await sim.scenarios.activate('mcoi/stand-down-503')).name).toBe('mcoi-stand-down-503');
      expect((await sim.scenarios.activate('mcoi/rate-limit')).name).toBe('mcoi-rate-limit');
      expect((await sim.scenarios.list()).active).toBe('mcoi-rate-limit');
      expect((await sim.reset()).status).toBe('reset');
    } finally {
      await close(server);
    }
  });

  it('says what went wrong: a refusal with its detail, a token asked for, no simulator, a bad duration', async () => {
    const s = await setup({ security: { control: { enabled: true, token: 'client-token-0123456789abcdef' } } });
    const { url, server } = await listen(s);
    try {
      await expect(new ControlClient({ url }).clock.get()).rejects.toMatchObject({ status: 401, detail: 'the control plane needs Authorization: Bearer <SIM_CONTROL_TOKEN>' });
      const sim = new ControlClient({ url, token: 'client-token-0123456789abcdef' });
      expect((await sim.clock.get()).frozen).toBe(true);
      await expect(sim.scenarios.activate('no-such-scenario')).rejects.toBeInstanceOf(ControlError);
      await expect(sim.clock.set('yesterday')).rejects.toMatchObject({ status: 400 });
    } finally {
      await close(server);
    }
    await expect(new ControlClient({ url, timeoutMs: 2_000 }).health()).rejects.toMatchObject({ status: 0, message: expect.stringContaining(`the simulator at ${url} did not answer`) });
    expect(() => durationMs('soon')).toThrow(RangeError);
    expect([durationMs('24h'), durationMs('90m'), durationMs('1.5s'), durationMs('250ms'), durationMs('1d'), durationMs(7)]).toEqual([86_400_000, 5_400_000, 1_500, 250, 86_400_000, 7]);
    expect(() => new ControlClient({ url: 'localhost:8080' })).toThrow(RangeError);
  });
});

/** The CLI in a child process (the simulator answering runs in this one: the child must not block it). */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'simulator', 'cli.ts'), ...args], { cwd: PROJECT_ROOT, env: { ...process.env, SIM_URL: '', SIM_CONTROL_TOKEN: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('marking-sim verbs against a running simulator', () => {
  it('clock advance, scenario activate, journal export --format har, conformance (exit 1 on a failed rule)', async () => {
    const s = await setup();
    const { url, server } = await listen(s);
    try {
      const before = s.clock.nowMs();
      const adv = await cli(['clock', 'advance', '24h', '--url', url]);
      expect([adv.status, adv.stderr]).toEqual([0, '']);
      expect(JSON.parse(adv.stdout).nowMs).toBe(before + 86_400_000);
      const act = await cli(['scenario', 'activate', 'mcoi/rate-limit', '--url', url]);
      expect([act.status, act.stdout.trim()]).toEqual([0, expect.stringMatching(/^active: mcoi-rate-limit \(\d+ faults, \d+ steps\)$/)]);
      expect((await s.http.get('/__sim/scenarios')).body.active).toBe('mcoi-rate-limit');
      for (let i = 0; i < 2; i++) await s.http.post('/mcoi/api/orders').set('Authorization', `Bearer ${(await s.http.post('/mcoi/api/users/authenticate').send(USERS.main)).body.accessToken}`).send({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 2, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 });
      const out = join(tmp, 'journal.har');
      const exp = await cli(['journal', 'export', '--format', 'har', '--out', out, '--url', url]);
      expect(exp.status).toBe(0);
      expect(JSON.parse(readFileSync(out, 'utf8')).log.version).toBe('1.2');
      const junit = join(tmp, 'card.xml');
      const card = await cli(['conformance', '--junit', junit, '--url', url]);
      expect(card.status).toBe(1);
      expect(card.stdout).toMatch(/✗ mcoi: 6e8login23: \d+ passed, 1 failed/);
      expect(card.stdout).toMatch(/duplicate-write: POST \/api\/orders succeeded again/);
      expect(readFileSync(junit, 'utf8')).toContain('<failure message="1 violation(s) of duplicate-write"');
    } finally {
      await close(server);
    }
  }, 60_000);

  it('exit codes: 2 for a usage error, 1 for a refusal (with the detail), 3 when nothing answers; --token from the environment', async () => {
    const s = await setup({ security: { control: { enabled: true, token: 'cli-token-0123456789abcdef01' } } });
    const { url, server } = await listen(s);
    try {
      const usage = await cli(['clock', 'advance', 'soon', '--url', url]);
      expect([usage.status, usage.stderr]).toEqual([2, expect.stringContaining('not a duration: "soon"')]);
      expect((await cli(['clock', 'rewind', '--url', url])).status).toBe(2);
      const refused = await cli(['clock', '--url', url]);
      expect([refused.status, refused.stderr.trim()]).toEqual([1, 'marking-sim clock: 401: the control plane needs Authorization: Bearer <SIM_CONTROL_TOKEN>']);
      expect((await cli(['clock', '--url', url], { SIM_CONTROL_TOKEN: 'cli-token-0123456789abcdef01' })).status).toBe(0);
      const help = await cli(['worlds', '--help']);
      expect([help.status, help.stdout]).toEqual([0, expect.stringContaining('journal export --format har|scenario')]);
    } finally {
      await close(server);
    }
    const none = await cli(['health', '--url', url]);
    expect([none.status, none.stderr]).toEqual([3, expect.stringContaining('did not answer')]);
  }, 60_000);
});
