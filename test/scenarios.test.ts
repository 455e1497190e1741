import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createApp, defaultCatalog, type AppDeps } from '../simulator/app.js';
import { findScenarios, scenarioFiles } from '../simulator/control/scenarios.js';
import { runJourney } from '../simulator/control/journey.js';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { checkScenario, loadScenarioFile, parseScenario, ScenarioInvalid, type Scenario } from '../simulator/core/scenario.js';
import { contractHook, CONTRACTS } from './helpers.js';

/** MCOI's operations, in the contract's order: what an error lists as the valid choices. */
const MCOI = CONTRACTS.mcoi;
import { setup, USERS } from './mcoi/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'scenarios-'));
const CATALOG = defaultCatalog();
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
    const { scenarios, invalid } = findScenarios(CATALOG);
    expect(invalid.map((i) => i.message)).toEqual([]);
    const names = scenarios.map((s) => s.scenario.name);
    expect(new Set(names).size).toBe(names.length);
    expect(scenarios.length).toBeGreaterThanOrEqual(15);
  });

  for (const file of files) {
    it(`${relative(PROJECT_ROOT, file)}: its journey passes`, async () => {
      const scenario = loadScenarioFile(file, CATALOG);
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

describe('malformed scenarios are reported with the file, line and column, what was expected and the valid choices', () => {
  const problems = (text: string) => {
    try {
      parseScenario(text, 'x.yaml', CATALOG);
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioInvalid);
      return (e as ScenarioInvalid).problems;
    }
    throw new Error('accepted a malformed scenario');
  };
  const FAULT = (match: string, action = '{ drop: true }') => `name: x\ndescription: y\nfaults:\n  - match: ${match}\n    action: ${action}\n`;

  it('YAML syntax errors, with line and column', () => {
    expect(problems('name: x\ndescription: [unclosed\n')[0]).toMatch(/^line \d+, column \d+: /);
  });
  it('missing and unknown fields, the unknown one pointed at and a near valid one suggested', () => {
    expect(problems('name: x\n')).toEqual(['line 1, column 1: /: needs "description"']);
    expect(problems('name: x\ndescription: y\ntimigns: instant\n')).toEqual(['line 3, column 1: /: has an unknown field "timigns": did you mean timings? (one of: name, description, seed, world, clock, timings, limits, profile, faults, steps)']);
  });
  it('an action that is not one of the closed list, or two actions at once', () => {
    expect(problems(FAULT('{ system: mcoi }', '{ explode: true }')).join()).toContain('line 5, column 15: /faults/0/action: has an unknown field "explode"');
    expect(problems(FAULT('{ system: mcoi }', '{ drop: true, status: 500 }'))).toContain('line 5, column 13: /faults/0/action: must have exactly one entry (see scenarios/README.md)');
  });
  it('a system that does not exist, with the systems there are', () => {
    expect(problems(FAULT('{ system: mcio }'))).toEqual(['line 4, column 22: /faults/0/match/system: "mcio" is not valid: did you mean mcoi? (one of: mcoi, id-issuer, true-api, setmark)']);
  });
  it('an operationId the system does not have ("did you mean registerOrder?")', () => {
    expect(problems(FAULT('{ system: mcoi, operation: registerOrders }'))).toEqual([
      `line 4, column 39: /faults/0/match/operation: "registerOrders" is not valid: did you mean registerOrder? (${MCOI.operations.length} valid values)`,
    ]);
    // The operations of one system are not another's.
    expect(problems(FAULT('{ system: id-issuer, operation: registerOrder }'))[0]).toMatch(/^line 4, column 44: \/faults\/0\/match\/operation: "registerOrder" is not valid/);
  });
  it('a handbook key the system does not have', () => {
    expect(problems(FAULT('{ system: mcoi }', '{ error: ORDER_NOT_FUOND }'))[0]).toMatch(/^line 5, column 22: \/faults\/0\/action\/error: "ORDER_NOT_FUOND" is not valid: did you mean ORDER_NOT_FOUND\? \(\d+ valid values\)$/);
  });
  it('a path without a leading slash, or one that matches no route of the system', () => {
    expect(problems(FAULT('{ system: mcoi, path: api/orders }'))).toEqual(['line 4, column 34: /faults/0/match/path: must match ^/']);
    expect(problems(FAULT('{ system: mcoi, path: /api/order }'))).toEqual([`line 4, column 34: /faults/0/match/path: /api/order matches no route of mcoi: did you mean /api/orders? (${new Set(MCOI.operations.map((o) => o.path)).size} valid values)`]);
    // A wildcard segment matches a path parameter.
    expect(() => parseScenario(FAULT('{ system: mcoi, path: "/api/utilisation/*" }'), 'x.yaml', CATALOG)).not.toThrow();
  });
  it('a forced outcome on an operation it does not apply to, or of another system', () => {
    expect(problems(FAULT('{ system: mcoi, operation: listOrders }', '{ outcome: { orderRejected: duplicate } }'))).toEqual(['line 5, column 41: /faults/0/action/outcome/orderRejected: orderRejected applies to registerOrder, not to listOrders']);
    expect(problems(FAULT('{ system: mcoi }', '{ outcome: { orderRejected: duplicate } }'))).toEqual(['line 4, column 12: /faults/0/match: a forced outcome needs "operation": orderRejected applies to registerOrder']);
    expect(problems(FAULT('{ system: mcoi, operation: registerOrder }', '{ outcome: { requestRejected: EONotActive } }'))[0]).toMatch(/\/faults\/0\/action\/outcome: has an unknown field "requestRejected"/);
  });
  it('a timing, a switch value or a world key a system does not declare', () => {
    expect(problems('name: x\ndescription: y\ntimings: { mcoi: { orderReadyMS: 5 } }\n')[0]).toMatch(/^line 3, column 20: \/timings\/mcoi: has an unknown field "orderReadyMS": did you mean orderReadyMs\?/);
    expect(problems('name: x\ndescription: y\nprofile: { mcoi: { permissionDeniedStatus: 401 } }\n')[0]).toMatch(/\/profile\/mcoi\/permissionDeniedStatus: must be one of 403, 400/);
    expect(problems('name: x\ndescription: y\nworld: { mcoi: { user: [] } }\n')[0]).toMatch(/\/world\/mcoi: has an unknown field "user": did you mean users\?/);
  });
  it('a bad calls range, and a step that is neither a request nor a clock advance', () => {
    expect(problems(FAULT('{ system: mcoi, calls: "3-5" }')).join()).toContain('/faults/0/match/calls');
    expect(problems('name: x\ndescription: y\nsteps: [{ name: nothing }]\n').join()).toContain('/steps/0');
  });
  it('an unreadable file', () => {
    expect(() => loadScenarioFile(join(tmp, 'missing.yaml'), CATALOG)).toThrow(/missing.yaml: invalid scenario\n  cannot be read: ENOENT/);
  });
});

describe('POST /__sim/scenarios', () => {
  it('activates a shipped scenario by name, and reset returns to the baseline', async () => {
    const s = await setup();
    expect((await s.http.post('/__sim/scenarios').send({ name: 'mcoi-stand-down-503' })).body).toEqual({ status: 'active', name: 'mcoi-stand-down-503', faults: 1, steps: 6 });
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

  it('publishes the JSON Schema the systems derive, the same as scenarios/schema.json (npm run schema writes it)', async () => {
    const s = await setup();
    const res = await s.http.get('/__sim/scenarios/schema');
    expect(res.body.$id).toBe('https://marking-sim.local/scenario.schema.json');
    expect(res.body.$defs.action.properties).toHaveProperty('html');
    expect(res.body).toEqual(JSON.parse(readFileSync(join(PROJECT_ROOT, 'scenarios', 'schema.json'), 'utf8')));
  });
});

describe('faults', () => {
  it('match a caller and a probability drawn from the scenario seed (the same calls fail for the same seed)', async () => {
    const runs: number[][] = [];
    for (const seed of [3, 3]) {
      const s = await setup({ rateLimits: false });
      await s.sim.activate(checkScenario({ name: 'p', description: 'd', seed, faults: [{ match: { system: 'mcoi', operation: 'listOrders', user: '6e8login23', probability: 0.5 }, action: { status: 502 } }] }, 't', CATALOG));
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
    await s.sim.activate(checkScenario({ name: 'e', description: 'd', clock: { start: '2026-03-02T09:00:00Z', frozen: true }, faults: [{ match: { system: 'mcoi', operation: 'registerValidation' }, action: { outcome: { reportError: [{ errorCode: 'invalid-print-quality-report', propertyName: 'CODE', errorTags: { reason: 'scanner offline' } }] } } }] }, 't', CATALOG));
    const auth = await s.login();
    const report = { productGroup: 'vegetableoil', businessPlaceId: 27, packageType: 'UNIT', documentDate: '2026-03-02T08:00:00Z', codes: [{ code: '010489921512237121UNI-AaaZTRlLg', printQualityClass: 'A' }] };
    const res = await s.http.post('/mcoi/public/api/v1/doc/validation').set('Authorization', auth).send({ documentBody: Buffer.from(JSON.stringify(report)).toString('base64') });
    s.advance(2_000);
    const errors = await s.http.get(`/mcoi/public/api/v1/doc/storage/errors/${res.body.documentId}`).set('Authorization', auth);
    expect(errors.body.documentErrors).toEqual([{ propertyName: 'CODE', errorCode: 'invalid-print-quality-report', index: 0, errorTags: { reason: 'scanner offline' } }]);
  });

  it('force an ID-issuer rejection reason', async () => {
    const s = await setup();
    await s.sim.activate(checkScenario({ name: 'r', description: 'd', faults: [{ match: { system: 'id-issuer', operation: 'createUnitRequest' }, action: { outcome: { requestRejected: 'LegacyTechnicalError' } } }] }, 't', CATALOG));
    const { create, details } = await import('./id-issuer/helpers.js');
    const id = await create(s);
    s.advance(2_000);
    expect(await details(s, id)).toMatchObject({ status: 'Rejected', rejectionReason: 'LegacyTechnicalError' });
  });
});

describe('the journal as a scenario', () => {
  it('exports a session without its secrets: issued tokens are captured by name and reused, a password is ***', async () => {
    const a = await serve({ seed: 4 });
    const call = (path: string, init: RequestInit = {}) => fetch(a.base + path, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
    const token = (await (await call('/mcoi/api/users/authenticate', { method: 'POST', body: JSON.stringify(USERS.main) })).json()).accessToken;
    await call('/mcoi/api/orders', { headers: { authorization: `Bearer ${token}` } });
    const yaml = await (await call('/__sim/journal?format=scenario')).text();
    await a.close();
    expect(yaml).not.toContain(token);
    expect(yaml).not.toContain(USERS.main.password);
    const requests = checkScenario(parse(yaml), 'export', CATALOG).steps!.filter((st) => st.request);
    expect(requests[0]).toMatchObject({ request: { body: { login: USERS.main.login, password: '***' } }, capture: { secret1: 'accessToken', secret2: 'refreshToken' } });
    expect(requests[1].request!.headers).toEqual({ Authorization: 'Bearer ${secret1}' });
    expect(parse(yaml).description).toContain('1 secret value(s) the session sent without receiving them here are written as ***');
  });

  it('exports a session that replays as a passing journey against a fresh simulator (secrets shown)', async () => {
    const a = await serve({ seed: 4, security: { showSecrets: true } });
    await a.sim.activate(checkScenario({ name: 'recording', description: 'frozen clock', seed: 4, clock: { start: '2026-03-02T09:00:00Z', frozen: true } }, 't', CATALOG));
    const call = (path: string, init: RequestInit = {}) => fetch(a.base + path, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
    const token = (await (await call('/mcoi/api/users/authenticate', { method: 'POST', body: JSON.stringify(USERS.main) })).json()).accessToken;
    const auth = { authorization: `Bearer ${token}` };
    const { orderId } = await (await call('/mcoi/api/orders', { method: 'POST', headers: auth, body: JSON.stringify({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', businessPlaceId: 27, products: [{ gtin: '04899215122371', quantity: 3, serialNumberType: 'OPERATOR', cisType: 'UNIT' }] }) })).json();
    await call('/__sim/clock', { method: 'POST', body: JSON.stringify({ advanceMs: 3_000 }) });
    expect((await call(`/mcoi/api/codes?orderId=${orderId}&gtin=04899215122371&quantity=3`, { headers: auth })).status).toBe(200);
    expect((await call('/mcoi/api/orders?orderId=nope', { headers: auth })).status).toBe(200);
    const yaml = await (await call('/__sim/journal?format=scenario')).text();
    await a.close();

    const exported = checkScenario(parse(yaml), 'export', CATALOG);
    expect(exported.steps!.map((st) => st.advanceMs ?? st.request!.method)).toEqual(['POST', 'POST', 3_000, 'GET', 'GET']);
    const file = join(tmp, 'recorded.yaml');
    writeFileSync(file, yaml);
    const b = await serve();
    try {
      const results = await runJourney(loadScenarioFile(file, CATALOG), b.base, { activate: true });
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
    expect(r.stdout).toMatch(/8 passed, 0 failed/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuite name="mcoi-token-expired" file="scenarios/mcoi/token-expired.yaml" tests="8" failures="0" skipped="0"');
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

  it('exits 2 on a malformed file, naming the file, line and column, without a stack trace, and still writes JUnit', () => {
    const file = join(tmp, 'malformed.yaml');
    writeFileSync(file, 'name: malformed\ndescription: x\nfaults:\n  - match: { system: mcoi }\n    action: { status: 200 }\n');
    const junit = join(tmp, 'malformed.xml');
    const r = cli(file, 'scenarios/mcoi/token-expired.yaml', '--junit', junit);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}: invalid scenario`);
    expect(r.stderr).toContain('line 5, column 23: /faults/0/action/status: must be >= 400');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toMatch(/8 passed, 1 failed/); // the valid file still ran
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain(`<testsuite name="${file}" file="${file}" tests="1" failures="1"`);
    expect(xml).toContain('<error message="');
  });

  it('prints its usage with --help (exit 0) and on a wrong command (exit 2)', () => {
    const help = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'simulator', 'cli.ts'), '--help'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: marking-sim run <scenario.yaml...>');
    const wrong = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'simulator', 'cli.ts'), 'walk'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('usage:');
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
      expect(r.stdout).toMatch(/9 passed, 0 failed/);
      expect(r.status).toBe(0);
      expect(app.sim.scenario()?.name).toBe('id-issuer-happy-path');
    } finally {
      await app.close();
    }
  });
});

describe('journeys in parallel worlds (--world new --parallel N)', () => {
  it('runs each journey in a fresh world of the running simulator, N at a time, and deletes each world after', async () => {
    const app = await serve();
    try {
      const files = ['scenarios/id-issuer/happy-path.yaml', 'scenarios/id-issuer/cancellation-window.yaml', 'scenarios/mcoi/happy-path.yaml', 'scenarios/true-api/eaeu-import-partly-accepted.yaml'];
      const junit = join(tmp, 'worlds.xml');
      const r = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'simulator', 'cli.ts'), 'run', ...files, '--url', app.base, '--world', 'new', '--parallel', '3', '--junit', junit], { cwd: PROJECT_ROOT });
        let stdout = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.on('exit', (status) => resolve({ status, stdout }));
      });
      expect(r.stdout, r.stdout).toMatch(/ passed, 0 failed/);
      expect(r.status).toBe(0);
      // Each scenario's journey printed together; the default world untouched; no world left behind.
      for (const f of files) expect(r.stdout).toContain(`(${f})`);
      expect(app.sim.scenario()).toBeUndefined();
      expect(app.sim.worlds.list()).toEqual([]);
      expect(readFileSync(junit, 'utf8').match(/<testsuite /g)).toHaveLength(files.length);
    } finally {
      await app.close();
    }
  });
  it('refuses --parallel without --world new, and a --world other than new', () => {
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'simulator', 'cli.ts'), 'run', ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(cli('scenarios/mcoi/happy-path.yaml', '--parallel', '2').status).toBe(2);
    expect(cli('scenarios/mcoi/happy-path.yaml', '--world', 'old').status).toBe(2);
  });
});

describe('limits', () => {
  it('overrides a documented rate limit per system', async () => {
    const s = await setup();
    await s.sim.activate(checkScenario({ name: 'l', description: 'd', limits: { mcoi: { requestsPerMinute: 3 } } }, 't', CATALOG));
    const auth = await s.login();
    for (let i = 0; i < 3; i++) expect((await s.http.get('/mcoi/api/orders').set('Authorization', auth)).status).toBe(200);
    const res = await s.http.get('/mcoi/api/orders').set('Authorization', auth);
    expect(res.status).toBe(429);
    expect(res.body.globalErrors[0].error).toBe('Limit exceeded: at most 3 requests per minute');
    expect((await s.http.get('/__sim/state/mcoi')).body.rateLimits).toEqual({ requestsPerMinute: 3 });
  });
});
