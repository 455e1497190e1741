/**
 * Statuses as data (core/progression.ts): progressions checked against their transition tables when declared, stages
 * that end on the clock or on the N-th client read, every status change an event reports checked when committed, and
 * the afterPolls timings as scenarios, SIM_TIMINGS and the store take them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, defaultCatalog } from '../../simulator/app.js';
import { ManualClock } from '../../simulator/core/clock.js';
import { checkTransition, progression } from '../../simulator/core/progression.js';
import { checkScenario } from '../../simulator/core/scenario.js';
import { parseSettings } from '../../simulator/core/settings.js';
import { silentLogger } from '../../simulator/core/log.js';
import type { Handler, SystemModule } from '../../simulator/core/system.js';
import { third, type ThirdState } from '../third-system/index.js';
import { SYSTEMS } from '../../simulator/app.js';
import { setup, T0 } from '../helpers.js';

const TABLE = { NEW: ['WORKING'], WORKING: ['DONE', 'FAILED'], DONE: [], FAILED: [] } as const;

describe('progression', () => {
  it('holds each stage until its timing, then gives the final status to the caller', () => {
    const p = progression('job', TABLE, [{ status: 'NEW', until: 'startMs' }, { status: 'WORKING', until: 'doneMs' }], ['DONE', 'FAILED']);
    const t = { startMs: 1_000, doneMs: 3_000 };
    expect([0, 999, 1_000, 2_999, 3_000].map((age) => p.at({ since: 10, now: 10 + age }, t))).toEqual(['NEW', 'NEW', 'WORKING', 'WORKING', undefined]);
    expect(p.doneAt({ since: 10 }, t)).toBe(3_010);
  });

  it('ends a stage on the N-th read when its timing waits for polls, whatever the clock', () => {
    const p = progression('job', TABLE, [{ status: 'NEW', until: 'startMs' }, { status: 'WORKING', until: 'doneMs' }], ['DONE']);
    const t = { startMs: { afterPolls: 1 }, doneMs: { afterPolls: 3 } };
    expect([0, 1, 2, 3, 4].map((polls) => p.at({ since: 0, now: 10 ** 12, polls }, t))).toEqual(['NEW', 'WORKING', 'WORKING', undefined, undefined]);
    expect(p.doneAt({ since: 0, polls: 2 }, t)).toBe(Infinity);
    // A stage on the clock after a polled one counts from its own origin (the polled one is 0 ms of clock).
    const mixed = { startMs: { afterPolls: 1 }, doneMs: 500 };
    expect(p.at({ since: 0, now: 100, polls: 1 }, mixed)).toBe('WORKING');
    expect(p.at({ since: 0, now: 500, polls: 1 }, mixed)).toBeUndefined();
    expect(p.at({ since: 0, now: 500, polls: 0 }, mixed)).toBe('NEW');
  });

  it('chains stages that count from the end of the one before (from: previous)', () => {
    const p = progression('job', TABLE, [{ status: 'NEW', until: 'startMs' }, { status: 'WORKING', until: 100, from: 'previous' }], ['DONE']);
    expect(p.at({ since: 0, now: 1_050 }, { startMs: 1_000 })).toBe('WORKING');
    expect(p.at({ since: 0, now: 1_100 }, { startMs: 1_000 })).toBeUndefined();
  });

  it('refuses, when declared, stages its table does not allow', () => {
    expect(() => progression('job', TABLE, [{ status: 'NEW', until: 'a' }], ['DONE'])).toThrow('job: NEW → DONE is not a legal move (from NEW: WORKING)');
    expect(() => progression('job', TABLE, [{ status: 'WORKING', until: 'a' }, { status: 'NEW', until: 'b' }], ['DONE'])).toThrow(/WORKING → NEW is not a legal move/);
    expect(() => checkTransition('job', TABLE, 'DONE' as never, 'NEW' as never)).toThrow(/DONE → NEW is not a legal move \(from DONE: none\)/);
    expect(() => checkTransition('job', TABLE, 'LOST' as never, 'NEW' as never)).toThrow(/"LOST" is not a status of its transition table/);
  });

  it('is declared by every system over its own tables (each module loads, so each check passed)', () => {
    for (const m of SYSTEMS) expect(Object.keys(m.transitions ?? {}).length, m.id).toBeGreaterThan(0);
  });
});

describe('status changes reported by events', () => {
  it('fail the mutation loudly on an illegal move (500 in the system\'s envelope), and write nothing', async () => {
    // The third system of the tests, with a handler that reports a move its table forbids (READY → PENDING).
    const rogue: SystemModule<ThirdState, string> = {
      ...third,
      create(ctx) {
        const inst = third.create(ctx);
        const broken: Handler<string> = async () => {
          await ctx.commit((st) => ({ state: { ...st, users: [...st.users, 'ghost'] }, events: [{ type: 'ItemRewound', entity: 'item', from: 'READY', to: 'PENDING' }] }));
          return { status: 201, body: { id: 'never' } };
        };
        return { ...inst, handlers: { ...inst.handlers, createItem: broken } };
      },
    };
    const errors: string[] = [];
    const log = silentLogger();
    log.error = ((o: { err?: Error }) => void errors.push(String(o.err?.message))) as typeof log.error;
    const s = await setup({ systems: [...SYSTEMS, rogue], log });
    const token = (await s.http.post('/third/login').set('Content-Type', 'application/json').send('"alice"')).body.token as string;
    const res = await s.http.post('/third/items').set('Authorization', `Bearer ${token}`).set('X-Request-Id', 'req-1').send({ name: 'x' });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ problem: 'broken' });
    expect(errors.join('\n')).toMatch(/third item: READY → PENDING is not a legal move/);
    expect((s.sim.store.get('third') as ThirdState).users).not.toContain('ghost');
  });
});

describe('timings that wait for polls', () => {
  const catalog = defaultCatalog();

  it('are accepted by a scenario for the stages of a progression, and refused for anything else, saying why', () => {
    const ok = checkScenario({ name: 'x', description: 'polls', timings: { mcoi: { orderReadyMs: { afterPolls: 3 } } } }, 'x.yaml', catalog);
    expect(ok.timings).toEqual({ mcoi: { orderReadyMs: { afterPolls: 3 } } });
    // A lifetime (how long a token lives) or a processing with its effects stamped in advance cannot wait for reads.
    for (const t of [{ 'true-api': { tokenLifetimeMs: { afterPolls: 2 } } }, { 'true-api': { documentProcessingMs: { afterPolls: 2 } } }, { mcoi: { orderReadyMs: { afterPolls: 0 } } }]) {
      expect(() => checkScenario({ name: 'x', description: 'polls', timings: t }, 'x.yaml', catalog)).toThrow(/must be integer/);
    }
  });

  it('are accepted by SIM_TIMINGS the same way', () => {
    expect(parseSettings({ SIM_TIMINGS: '{"setmark":{"packageProcessingMs":{"afterPolls":2}}}' }, catalog).timings).toEqual({ setmark: { packageProcessingMs: { afterPolls: 2 } } });
    expect(() => parseSettings({ SIM_TIMINGS: '{"setmark":{"journalReportMs":{"afterPolls":2}}}' }, catalog)).toThrow(/SIM_TIMINGS.setmark.journalReportMs must be whole milliseconds from 0 to a year, got/);
  });

  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('count reads durably: a restart resumes the count (file store)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-polls-'));
    dirs.push(dir);
    const timings = { mcoi: { orderPendingMs: { afterPolls: 1 }, orderReadyMs: { afterPolls: 3 } } };
    const open = () => createApp({ clock: new ManualClock(T0), store: { kind: 'file', dir }, timings });
    let sim = await open();
    const { default: request } = await import('supertest');
    const login = async () => `Bearer ${(await request(sim.app).post('/mcoi/api/users/authenticate').send({ login: '6e8login23', password: '12345678' })).body.accessToken}`;
    let auth = await login();
    const orderId = (
      await request(sim.app)
        .post('/mcoi/api/orders')
        .set('Authorization', auth)
        .send({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', businessPlaceId: 27, products: [{ gtin: '04899215122371', quantity: 1, serialNumberType: 'OPERATOR', cisType: 'UNIT' }] })
    ).body.orderId as string;
    const read = async () => (await request(sim.app).get('/mcoi/api/orders').query({ orderId }).set('Authorization', auth)).body.orderInfos[0].orderStatus;
    expect(await read()).toBe('PENDING');
    expect(await read()).toBe('PENDING');
    await sim.close();
    sim = await open();
    auth = await login();
    expect(await read()).toBe('READY');
    await sim.close();
  });
});
