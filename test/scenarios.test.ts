import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createApp, type AppDeps } from '../simulator/app.js';
import { findScenarios, scenarioFiles } from '../simulator/control/scenarios.js';
import { runJourney } from '../simulator/control/journey.js';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { checkScenario, loadScenarioFile, parseScenario, ScenarioInvalid, type Scenario } from '../simulator/core/scenario.js';
import { contractHook, setup, USERS } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'scenarios-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A listening app (journeys run over HTTP) whose every response is checked against the contracts. */
async function serve(deps: Partial<AppDeps> = {}) {
  const sim = await createApp({ store: { kind: 'memory' }, onExchange: contractHook().hook, ...deps });
  const server = sim.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    sim,
    base,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('every scenario in the repository', () => {
  const files = scenarioFiles();

  it('validates, and names are unique', () => {
    const { scenarios, invalid } = findScenarios();
    expect(invalid.map((i) => i.message)).toEqual([]);
    const names = scenarios.map((s) => s.scenario.name);
    expect(new Set(names).size).toBe(names.length);
    expect(scenarios.length).toBeGreaterThanOrEqual(15);
  });

  for (const file of files) {
    it(`${relative(PROJECT_ROOT, file)}: its journey passes`, async () => {
      const scenario = loadScenarioFile(file);
      expect(scenario.steps?.length ?? 0).toBeGreaterThan(0);
      const app = await serve({ scenario });
      try {
        const results = await runJourney(scenario, app.base, { activate: false });
        expect(results.filter((r) => !r.ok).map((r) => `${r.index}. ${r.name}: ${r.failures.join('; ')}`)).toEqual([]);
      } finally {
        await app.close();
      }
    });
  }
});

describe('malformed scenarios are reported with the file, the path inside it and what was expected', () => {
  const problems = (text: string) => {
    try {
      parseScenario(text, 'x.yaml');
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioInvalid);
      return (e as ScenarioInvalid).problems;
    }
    throw new Error('accepted a malformed scenario');
  };

  it('YAML syntax errors, with line and column', () => {
    expect(problems('name: x\ndescription: [unclosed\n')[0]).toMatch(/^line \d+, column \d+: /);
  });
  it('missing and unknown fields', () => {
    expect(problems('name: x\n')).toEqual(['/: needs "description"']);
    expect(problems('name: x\ndescription: y\nsurprise: 1\n')).toEqual(['/: has an unknown field "surprise"']);
  });
  it('an action that is not one of the closed list, or two actions at once', () => {
    expect(problems('name: x\ndescription: y\nfaults: [{ match: { system: mcoi }, action: { explode: true } }]\n')).toContain('/faults/0/action: has an unknown field "explode"');
    expect(problems('name: x\ndescription: y\nfaults: [{ match: { system: mcoi }, action: { drop: true, status: 500 } }]\n')).toContain('/faults/0/action: must have exactly one action (see scenarios/README.md)');
  });
  it('a system that does not exist, and a bad calls range', () => {
    expect(problems('name: x\ndescription: y\nfaults: [{ match: { system: sap }, action: { drop: true } }]\n')[0]).toMatch(/^\/faults\/0\/match\/system: must be one of "mcoi", "id-issuer"/);
    expect(problems('name: x\ndescription: y\nfaults: [{ match: { system: mcoi, calls: "3-5" }, action: { drop: true } }]\n').join()).toContain('/faults/0/match/calls');
  });
  it('a step that is neither a request nor a clock advance', () => {
    expect(problems('name: x\ndescription: y\nsteps: [{ name: nothing }]\n').join()).toContain('/steps/0');
  });
  it('an unreadable file', () => {
    expect(() => loadScenarioFile(join(tmp, 'missing.yaml'))).toThrow(/missing.yaml: invalid scenario\n  cannot be read: ENOENT/);
  });
});

describe('POST /__sim/scenarios', () => {
  it('activates a shipped scenario by name, and reset returns to the baseline', async () => {
    const s = await setup();
    expect((await s.http.post('/__sim/scenarios').send({ name: 'mcoi-stand-down-503' })).body).toEqual({ status: 'active', name: 'mcoi-stand-down-503', faults: 1, steps: 5 });
    expect((await s.http.get('/__sim/scenarios')).body.active).toBe('mcoi-stand-down-503');
    expect((await s.http.post('/mcoi/api/users/authenticate').send(USERS.main)).status).toBe(503);
    await s.http.post('/__sim/reset');
    expect((await s.http.get('/__sim/scenarios')).body.active).toBeNull();
    expect((await s.http.post('/mcoi/api/users/authenticate').send(USERS.main)).status).toBe(200);
  });

  it('activates an inline scenario with its world, timings and limits', async () => {
    const s = await setup();
    const scenario: Scenario = {
      name: 'inline',
      description: 'a new user, slow orders, no rate limit',
      world: { mcoi: { users: [{ login: 'qa-user', password: 'qa', orgId: 101, name: 'QA', roles: ['API_INTEGRATOR'] }] } },
      timings: { mcoi: { orderReadyMs: 7_200_000 } },
      limits: { mcoi: 'off' },
    };
    expect((await s.http.post('/__sim/scenarios').send({ scenario })).status).toBe(200);
    const login = await s.http.post('/mcoi/api/users/authenticate').send({ login: 'qa-user', password: 'qa' });
    expect(login.status).toBe(200);
    const state = (await s.http.get('/__sim/state/mcoi')).body;
    expect(state.timings.orderReadyMs).toBe(7_200_000);
    expect(state.rateLimits).toBe('off');
  });

  it('refuses an unknown name (404) and an invalid inline scenario (400 with the problems)', async () => {
    const s = await setup();
    expect((await s.http.post('/__sim/scenarios').send({ name: 'nope' })).status).toBe(404);
    const bad = await s.http.post('/__sim/scenarios').send({ scenario: { name: 'Bad Name', description: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ path: '/name' });
  });

  it('publishes the JSON Schema', async () => {
    const s = await setup();
    const res = await s.http.get('/__sim/scenarios/schema');
    expect(res.body.$id).toBe('https://marking-sim.local/scenario.schema.json');
    expect(res.body.$defs.action.properties).toHaveProperty('html');
  });
});

describe('faults', () => {
  it('match a caller and a probability drawn from the scenario seed (the same calls fail for the same seed)', async () => {
    const runs: number[][] = [];
    for (const seed of [3, 3]) {
      const s = await setup({ rateLimits: false });
      await s.sim.activate(checkScenario({ name: 'p', description: 'd', seed, faults: [{ match: { system: 'mcoi', operation: 'listOrders', user: '6e8login23', probability: 0.5 }, action: { status: 502 } }] }, 't'));
      const auth = await s.login();
      const other = await s.login('ordersOnly');
      const statuses = [];
      for (let i = 0; i < 20; i++) statuses.push((await s.http.get('/mcoi/api/orders').set('Authorization', auth)).status);
      runs.push(statuses);
      for (let i = 0; i < 5; i++) expect((await s.http.get('/mcoi/api/orders').set('Authorization', other)).status).toBe(200);
    }
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]).toContain(502);
    expect(runs[0]).toContain(200);
  });

  it('force a report ERROR with the given errors', async () => {
    const s = await setup();
    await s.sim.activate(checkScenario({ name: 'e', description: 'd', clock: { start: '2026-03-02T09:00:00Z', frozen: true }, faults: [{ match: { system: 'mcoi', operation: 'registerValidation' }, action: { outcome: { reportError: [{ errorCode: 'invalid-print-quality-report', propertyName: 'CODE', errorTags: { reason: 'scanner offline' } }] } } }] }, 't'));
    const auth = await s.login();
    const report = { productGroup: 'vegetableoil', businessPlaceId: 27, packageType: 'UNIT', documentDate: '2026-03-02T08:00:00Z', codes: [{ code: '010489921512237121UNI-AaaZTRlLg', printQualityClass: 'A' }] };
    const res = await s.http.post('/mcoi/public/api/v1/doc/validation').set('Authorization', auth).send({ documentBody: Buffer.from(JSON.stringify(report)).toString('base64') });
    s.advance(2_000);
    const errors = await s.http.get(`/mcoi/public/api/v1/doc/storage/errors/${res.body.documentId}`).set('Authorization', auth);
    expect(errors.body.documentErrors).toEqual([{ propertyName: 'CODE', errorCode: 'invalid-print-quality-report', index: 0, errorTags: { reason: 'scanner offline' } }]);
  });

  it('force an ID-issuer rejection reason', async () => {
    const s = await setup();
    await s.sim.activate(checkScenario({ name: 'r', description: 'd', faults: [{ match: { system: 'id-issuer', operation: 'createUnitRequest' }, action: { outcome: { requestRejected: 'LegacyTechnicalError' } } }] }, 't'));
    const { create, details } = await import('./id-issuer/helpers.js');
    const id = await create(s);
    s.advance(2_000);
    expect(await details(s, id)).toMatchObject({ status: 'Rejected', rejectionReason: 'LegacyTechnicalError' });
  });
});

describe('the journal as a scenario', () => {
  it('exports a session that replays as a passing journey against a fresh simulator', async () => {
    const a = await serve({ seed: 4 });
    await a.sim.activate(checkScenario({ name: 'recording', description: 'frozen clock', seed: 4, clock: { start: '2026-03-02T09:00:00Z', frozen: true } }, 't'));
    const call = (path: string, init: RequestInit = {}) => fetch(a.base + path, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
    const token = (await (await call('/mcoi/api/users/authenticate', { method: 'POST', body: JSON.stringify(USERS.main) })).json()).accessToken;
    const auth = { authorization: `Bearer ${token}` };
    const { orderId } = await (await call('/mcoi/api/orders', { method: 'POST', headers: auth, body: JSON.stringify({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', businessPlaceId: 27, products: [{ gtin: '04899215122371', quantity: 3, serialNumberType: 'OPERATOR', cisType: 'UNIT' }] }) })).json();
    await call('/__sim/clock', { method: 'POST', body: JSON.stringify({ advanceMs: 3_000 }) });
    expect((await call(`/mcoi/api/codes?orderId=${orderId}&gtin=04899215122371&quantity=3`, { headers: auth })).status).toBe(200);
    expect((await call('/mcoi/api/orders?orderId=nope', { headers: auth })).status).toBe(200);
    const yaml = await (await call('/__sim/journal?format=scenario')).text();
    await a.close();

    const exported = checkScenario(parse(yaml), 'export');
    expect(exported.steps!.map((st) => st.advanceMs ?? st.request!.method)).toEqual(['POST', 'POST', 3_000, 'GET', 'GET']);
    const file = join(tmp, 'recorded.yaml');
    writeFileSync(file, yaml);
    const b = await serve();
    try {
      const results = await runJourney(loadScenarioFile(file), b.base, { activate: true });
      expect(results.filter((r) => !r.ok)).toEqual([]);
    } finally {
      await b.close();
    }
  });
});

describe('the scenario command', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'simulator', 'cli.ts'), 'run', ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });

  it('runs a journey, prints each step and writes JUnit XML; exit 0', () => {
    const junit = join(tmp, 'ok.xml');
    const r = cli('scenarios/mcoi/token-expired.yaml', '--junit', junit);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('✓ 4. the token has expired');
    expect(r.stdout).toMatch(/7 passed, 0 failed/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuite name="mcoi-token-expired" file="scenarios/mcoi/token-expired.yaml" tests="7" failures="0" skipped="0"');
  });

  it('exits 1 when an expectation fails, with the failure in the report', () => {
    const file = join(tmp, 'failing.yaml');
    writeFileSync(file, 'name: failing\ndescription: expects the wrong status\nsteps:\n  - request: { system: mcoi, method: GET, path: /api/orders }\n    expect: { status: 200 }\n  - advanceMs: 1\n');
    const junit = join(tmp, 'fail.xml');
    const r = cli(file, '--junit', junit);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('status: expected 200, got 401');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('failures="1" skipped="1"');
    expect(xml).toContain('<failure message="status: expected 200, got 401');
  });

  it('exits 2 on a malformed file, naming the file and the path, without a stack trace', () => {
    const file = join(tmp, 'malformed.yaml');
    writeFileSync(file, 'name: malformed\ndescription: x\nfaults:\n  - match: { system: mcoi }\n    action: { status: 200 }\n');
    const r = cli(file);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}: invalid scenario`);
    expect(r.stderr).toContain('/faults/0/action/status: must be >= 400');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('runs against a running simulator with --url', async () => {
    const app = await serve();
    try {
      // Asynchronous: the simulator answering runs in this very process.
      const r = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'simulator', 'cli.ts'), 'run', 'scenarios/id-issuer/happy-path.yaml', '--url', app.base, '--junit', join(tmp, 'url.xml')], { cwd: PROJECT_ROOT });
        let stdout = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.on('exit', (status) => resolve({ status, stdout }));
      });
      expect(r.stdout).toMatch(/8 passed, 0 failed/);
      expect(r.status).toBe(0);
      expect(app.sim.scenario()?.name).toBe('id-issuer-happy-path');
    } finally {
      await app.close();
    }
  });
});

describe('limits', () => {
  it('overrides a documented rate limit per system', async () => {
    const s = await setup();
    await s.sim.activate(checkScenario({ name: 'l', description: 'd', limits: { mcoi: { requestsPerMinute: 3 } } }, 't'));
    const auth = await s.login();
    for (let i = 0; i < 3; i++) expect((await s.http.get('/mcoi/api/orders').set('Authorization', auth)).status).toBe(200);
    const res = await s.http.get('/mcoi/api/orders').set('Authorization', auth);
    expect(res.status).toBe(429);
    expect(res.body.globalErrors[0].error).toBe('Limit exceeded: at most 3 requests per minute');
    expect((await s.http.get('/__sim/state/mcoi')).body.rateLimits).toEqual({ requestsPerMinute: 3 });
  });
});
