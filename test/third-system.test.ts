/**
 * A system is a folder: a test-only third system (test/third-system/) mounts with createApp({ systems }) and gets
 * everything core derives from declarations — routes from its contract, its scenario schema entries and checks,
 * its settings, its control route merged into the control contract — with no line of core naming it.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYSTEMS } from '../simulator/app.js';
import { catalogOf } from '../simulator/core/catalog.js';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { parseScenario, ScenarioInvalid } from '../simulator/core/scenario.js';
import { parseSettings, SettingsInvalid, variablesOf } from '../simulator/core/settings.js';
import { createApp } from '../simulator/app.js';
import { runJourney } from '../simulator/control/journey.js';
import { ManualClock } from '../simulator/core/clock.js';
import { unzipFiles } from '../simulator/core/zip.js';
import { contractHook, setup, T0 } from './helpers.js';
import { third } from './third-system/index.js';

const systems = [...SYSTEMS, third];

async function withThird(deps: Parameters<typeof setup>[0] = {}) {
  const s = await setup({ systems, ...deps });
  const token = (await s.http.post('/third/login').set('Content-Type', 'application/json').send('"alice"')).body.token as string;
  return { ...s, auth: `Bearer ${token}` };
}

describe('a third system, declared in test/ only', () => {
  it('mounts beside the others: health lists it, its contract is served, its control route is merged', async () => {
    const s = await withThird();
    expect((await s.http.get('/__sim/health')).body.systems.map((x: { id: string }) => x.id)).toEqual(['mcoi', 'id-issuer', 'true-api', 'setmark', 'third']);
    expect((await s.http.get('/__sim/openapi/third.json')).body.info.title).toBe('A third system (test only)');
    expect((await s.http.get('/__sim/third/items')).body.items).toEqual([{ id: 'seed-item', name: 'from the fixture', owner: 'alice' }]);
    expect((await s.http.get('/__sim/state/third')).body).toMatchObject({ system: 'third', timings: { itemReadyMs: 1000 }, rateLimits: { requestsPerMinute: 5 }, items: 1 });
    expect((await s.http.get('/__sim/journal?system=third')).status).toBe(200);
    const bad = await s.http.get('/__sim/journal?system=fourth');
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('mcoi, id-issuer, true-api, setmark, third, control');
  });

  it('takes the security of each operation from its contract: login is public, the rest need a token', async () => {
    const s = await withThird();
    const denied = await s.http.post('/third/items').set('X-Request-Id', 'req-1').send({ name: 'x' });
    expect(denied.status).toBe(401);
    expect(denied.headers['content-type']).toMatch(/^application\/xml/);
    expect(denied.text).toContain('<operation>createItem</operation>'); // the renderer knows the operation
    expect((await s.http.post('/third/login').set('Content-Type', 'application/json').send('"mallory"')).status).toBe(400);
  });

  it('reads a bare JSON string, JSON with a header parameter, text/plain, multipart with a file, and raw bytes', async () => {
    const s = await withThird({ rateLimits: false });
    const created = await s.http.post('/third/items').set('Authorization', s.auth).set('X-Request-Id', 'req-1').send({ name: 'box' });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/items/${created.body.id}`);
    expect((await s.http.post('/third/items').set('Authorization', s.auth).send({ name: 'box' })).body).toEqual({ problem: 'header X-Request-Id: is required', code: 'required' });
    expect((await s.http.post('/third/items').set('Authorization', s.auth).set('X-Request-Id', 'NO!').send({ name: 'box' })).body.problem).toMatch(/^header X-Request-Id: must match pattern/);
    expect((await s.http.post('/third/notes').set('Authorization', s.auth).set('Content-Type', 'text/plain').send('hello there')).body).toEqual({ length: 11 });
    expect((await s.http.post('/third/notes').set('Authorization', s.auth).set('Content-Type', 'text/plain').send('x'.repeat(201))).status).toBe(400);
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    const file = await s.http.post('/third/files').set('Authorization', s.auth).field('kind', 'act').attach('file', bytes, { filename: 'act.bin', contentType: 'application/octet-stream' });
    expect(file.body).toEqual({ bytes: 6, sha256: createHash('sha256').update(bytes).digest('hex'), filename: 'act.bin', kind: 'act' });
    expect((await s.http.post('/third/files').set('Authorization', s.auth).field('kind', 'poem').attach('file', bytes, 'a.bin')).status).toBe(400);
    expect((await s.http.post('/third/files').set('Authorization', s.auth).field('kind', 'act')).body.problem).toBe('body $.file: is required');
    const raw = await s.http.post('/third/files').set('Authorization', s.auth).set('Content-Type', 'application/octet-stream').send(bytes);
    expect(raw.body.bytes).toBe(6);
    expect((await s.http.post('/third/notes').set('Authorization', s.auth).set('Content-Type', 'application/json').send('"x"')).status).toBe(415);
  });

  it('lets the system decide what an Accept mismatch means (406, empty body), and serves XML when asked', async () => {
    const s = await withThird();
    const id = (await s.http.post('/third/items').set('Authorization', s.auth).set('X-Request-Id', 'req-1').send({ name: 'box' })).body.id;
    const refused = await s.http.get(`/third/items/${id}`).set('Authorization', s.auth).set('Accept', 'text/csv');
    expect(refused.status).toBe(406);
    expect(refused.text).toBe('');
    const xml = await s.http.get(`/third/items/${id}`).set('Authorization', s.auth).set('Accept', 'application/xml');
    expect(xml.text).toContain(`<id>${id}</id>`);
    // MCOI keeps today's behaviour: it answers JSON whatever Accept says.
    const login = await s.http.post('/mcoi/api/users/authenticate').set('Accept', 'text/csv').send({ login: '6e8login23', password: '12345678' });
    expect(login.status).toBe(200);
  });

  it('has its timing, switch, rate limit and forced outcome driven by a scenario, checked against its declarations', async () => {
    const s = await withThird();
    const catalog = catalogOf(systems);
    const scenario = parseScenario(
      [
        'name: third-run',
        'description: the third system under a scenario',
        'timings: { third: { itemReadyMs: 10 } }',
        'profile: { third: { itemStyle: fancy } }',
        'limits: { third: { requestsPerMinute: 2 } }',
        'faults:',
        '  - match: { system: third, operation: createItem }',
        '    action: { outcome: { itemFailed: true } }',
      ].join('\n'),
      'third.yaml',
      catalog,
    );
    await s.sim.activate(scenario);
    const token = (await s.http.post('/third/login').set('Content-Type', 'application/json').send('"bob"')).body.token;
    const id = (await s.http.post('/third/items').set('Authorization', `Bearer ${token}`).set('X-Request-Id', 'req-2').send({ name: 'b' })).body.id;
    // bob's calls: createItem, then getItem (the second), then a third one in the same minute
    expect((await s.http.get(`/third/items/${id}`).set('Authorization', `Bearer ${token}`)).body).toEqual({ id, name: 'b', status: 'FAILED', style: 'fancy' });
    const limited = await s.http.get(`/third/items/${id}`).set('Authorization', `Bearer ${token}`);
    expect([limited.status, limited.body, limited.headers['retry-after']]).toEqual([429, { problem: 'at most 2 a minute' }, '60']);
    s.advance(60_000);
    expect((await s.http.get(`/third/items/${id}`).set('Authorization', `Bearer ${token}`)).status).toBe(200);
    const wrong = () => parseScenario('name: x\ndescription: y\ntimings: { third: { itemReadyMS: 1 } }\n', 'x.yaml', catalog);
    expect(wrong).toThrow(ScenarioInvalid);
    expect(() => parseScenario('name: x\ndescription: y\nfaults: [{ match: { system: third, operation: getItem }, action: { outcome: { itemFailed: true } } }]\n', 'x.yaml', catalog)).toThrow(/itemFailed applies to createItem, not to getItem/);
  });

  it('brings its own environment variable, checked like every setting', () => {
    const catalog = catalogOf(systems);
    expect(variablesOf(catalog).map((v) => v.name)).toContain('SIM_THIRD_STYLE');
    expect(parseSettings({ SIM_THIRD_STYLE: 'fancy' }, catalog).profile).toEqual({ third: { itemStyle: 'fancy' } });
    expect(() => parseSettings({ SIM_THIRD_STYLE: 'gaudy' }, catalog)).toThrow(new SettingsInvalid(['SIM_THIRD_STYLE=gaudy is not a valid value (one of: plain, fancy)']));
  });

  it('publishes its part of the scenario schema', async () => {
    const s = await withThird();
    const schema = (await s.http.get('/__sim/scenarios/schema')).body;
    // A stage of a progression: whole milliseconds, or the N-th read of the item by a client.
    expect(schema.properties.timings.oneOf[1].properties.third.properties.itemReadyMs.oneOf.map((x: { type: string }) => x.type)).toEqual(['integer', 'object']);
    expect(schema.$defs['outcome-third'].properties).toHaveProperty('itemFailed');
    expect(schema.$defs.match.properties.system.enum).toEqual(['mcoi', 'id-issuer', 'true-api', 'setmark', 'third']);
  });

  it('refuses to start when a control route clashes with another (no silent overwrite)', async () => {
    const clashing: typeof third = { ...third, id: 'fourth', base: '/fourth', controlContract: 'test/third-system/control.yaml' };
    await expect(createApp({ systems: [...systems, clashing] })).rejects.toThrow(/control route \/third\/items of fourth clashes with a route of third/);
  });
});

describe('journeys carry bytes', () => {
  it('send a body from base64 and from a file, and pin the SHA-256 of a ZIP they get back', async () => {
    const sim = await createApp({ systems, store: { kind: 'memory' }, clock: new ManualClock(T0), onExchange: contractHook(() => sim.contracts).hook });
    const server = sim.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const dir = mkdtempSync(join(tmpdir(), 'journey-bytes-'));
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10]);
    writeFileSync(join(dir, 'act.bin'), bytes);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const catalog = catalogOf(systems);
    try {
      // The ZIP of an item is the same bytes for the same item and time: its hash can be written in the scenario.
      const login = await fetch(`${base}/third/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '"alice"' }).then((r) => r.json());
      const created = await fetch(`${base}/third/items`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${login.token}`, 'x-request-id': 'req-0' }, body: '{"name":"zipped"}' }).then((r) => r.json());
      const zip = Buffer.from(await (await fetch(`${base}/third/items/${created.id}/export`, { headers: { authorization: `Bearer ${login.token}` } })).arrayBuffer());
      expect(unzipFiles(zip)['item.json'].toString()).toBe(JSON.stringify({ id: created.id, name: 'zipped' }));
      const scenario = parseScenario(
        [
          'name: bytes',
          'description: bytes in both directions',
          'steps:',
          "  - request: { system: third, method: POST, path: /login, headers: { Content-Type: application/json }, body: '\"alice\"' }",
          '    capture: { token: token }',
          `  - request: { system: third, method: POST, path: /files, headers: { Authorization: 'Bearer \${token}' }, bodyBase64: ${bytes.toString('base64')} }`,
          `    expect: { status: 200, body: { bytes: 7, sha256: ${sha(bytes)} } }`,
          "  - request: { system: third, method: POST, path: /files, headers: { Authorization: 'Bearer ${token}', Content-Type: application/octet-stream }, bodyFile: act.bin }",
          `    expect: { status: 200, body: { sha256: ${sha(bytes)} } }`,
          `  - request: { system: third, method: GET, path: /items/${created.id}/export, headers: { Authorization: 'Bearer ${login.token}' } }`,
          `    expect: { status: 200, headers: { content-type: application/zip }, sha256: ${sha(zip)} }`,
          '    capture: { zipHash: sha256:body }',
        ].join('\n'),
        'bytes.yaml',
        catalog,
      );
      const results = await runJourney(scenario, base, { activate: false, dir });
      expect(results.map((r) => [r.name, r.ok, r.failures])).toEqual(results.map((r) => [r.name, true, []]));
      const wrong = await runJourney({ ...scenario, steps: [{ ...scenario.steps![3], expect: { sha256: '0'.repeat(64) } }] }, base, { activate: false, dir });
      expect(wrong[0].failures[0]).toMatch(/^body: expected SHA-256 0{64}, got [0-9a-f]{64} \(\d+ bytes\)$/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the files core is made of', () => {
  it('name no system (a system declares itself; the rest is derived)', () => {
    const dirs = ['simulator/core', 'simulator/core/backends', 'simulator/control'];
    const offenders: string[] = [];
    for (const d of dirs) {
      for (const f of readdirSync(join(PROJECT_ROOT, d)).filter((x) => x.endsWith('.ts'))) {
        const code = readFileSync(join(PROJECT_ROOT, d, f), 'utf8')
          .split('\n')
          .filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l));
        for (const [i, l] of code.entries()) if (/\bmcoi\b|id-issuer|true-api|\bsetmark\b|idIssuer|trueApi|MCOI|True API|SetMark/.test(l)) offenders.push(`${d}/${f}:${i + 1}: ${l.trim()}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
