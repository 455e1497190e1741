/**
 * A system is a folder: a test-only third system (test/third-system/) mounts with createApp({ systems }) and gets
 * everything core derives from declarations — routes from its contract, its scenario schema entries and checks,
 * its settings, its control route merged into the control contract — with no line of core naming it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYSTEMS } from '../simulator/app.js';
import { catalogOf } from '../simulator/core/catalog.js';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { parseScenario, ScenarioInvalid } from '../simulator/core/scenario.js';
import { parseSettings, SettingsInvalid, variablesOf } from '../simulator/core/settings.js';
import { createApp } from '../simulator/app.js';
import { setup } from './helpers.js';
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
    expect((await s.http.get('/__sim/health')).body.systems.map((x: { id: string }) => x.id)).toEqual(['mcoi', 'id-issuer', 'third']);
    expect((await s.http.get('/__sim/openapi/third.json')).body.info.title).toBe('A third system (test only)');
    expect((await s.http.get('/__sim/third/items')).body.items).toEqual([{ id: 'seed-item', name: 'from the fixture', owner: 'alice' }]);
    expect((await s.http.get('/__sim/state/third')).body).toMatchObject({ system: 'third', timings: { itemReadyMs: 1000 }, rateLimits: { requestsPerMinute: 5 }, items: 1 });
    expect((await s.http.get('/__sim/journal?system=third')).status).toBe(200);
    const bad = await s.http.get('/__sim/journal?system=fourth');
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('mcoi, id-issuer, third, control');
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
    expect(schema.properties.timings.oneOf[1].properties.third.properties.itemReadyMs.type).toBe('integer');
    expect(schema.$defs['outcome-third'].properties).toHaveProperty('itemFailed');
    expect(schema.$defs.match.properties.system.enum).toEqual(['mcoi', 'id-issuer', 'third']);
  });

  it('refuses to start when a control route clashes with another (no silent overwrite)', async () => {
    const clashing: typeof third = { ...third, id: 'fourth', base: '/fourth', controlContract: 'test/third-system/control.yaml' };
    await expect(createApp({ systems: [...systems, clashing] })).rejects.toThrow(/control route \/third\/items of fourth clashes with a route of third/);
  });
});

describe('the files core is made of', () => {
  it('name no system (a system declares itself; the rest is derived)', () => {
    const dirs = ['simulator/core', 'simulator/control'];
    const offenders: string[] = [];
    for (const d of dirs) {
      for (const f of readdirSync(join(PROJECT_ROOT, d))) {
        const code = readFileSync(join(PROJECT_ROOT, d, f), 'utf8')
          .split('\n')
          .filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l));
        for (const [i, l] of code.entries()) if (/\bmcoi\b|id-issuer|true-api|\bsetmark\b|idIssuer|trueApi|MCOI|True API|SetMark/.test(l)) offenders.push(`${d}/${f}:${i + 1}: ${l.trim()}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
