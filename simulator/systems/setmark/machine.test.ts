import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../core/paths.js';
import { pmap } from '../../core/pmap.js';
import { timingDefaults } from '../../core/system.js';
import { validate, type ValidateInput } from './checks.js';
import { findMark, onStock, PENDING, type Env, type Profile } from './machine.js';
import { acceptPackage, endsByPolls, packageStatus, settlePackage } from './packages.js';
import { registerReceipt } from './receipts.js';
import { MARK_TRANSITIONS, TIMINGS, type SetmarkTimings } from './reference.js';
import { cancelReserve, reserve } from './reserves.js';
import { packageKey, type SetmarkState } from './state.js';
import { buildWorld, type WorldFixture } from './world.js';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const FIXTURE = JSON.parse(readFileSync(join(PROJECT_ROOT, 'fixtures/setmark/world.json'), 'utf8')) as WorldFixture;
const PROFILE: Profile = { checkInn: true, checkBarcode: false, checkItem: false, checkAlcocode: false, strictCheck: true, productTypes: [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 16, 17, 18], version: '2.5', packageMessage: 'table', precheckCode: 2, tillDateMs: false, successString: false, duplicate: 'overwrite' };
const T = timingDefaults({ timings: TIMINGS }) as SetmarkTimings;
const env = (now = T0, t: SetmarkTimings = T): Env => ({ now, timings: t, profile: PROFILE });
const world = () => buildWorld(structuredClone(FIXTURE), T0);
const shoes = (id: number, marks: string[]) => ({ id, version: 1, inn: '7701234560', shop: 1, operationType: 1, productType: 3, data: marks.map((mark) => ({ mark, barcode: '4630074092609' })) });
const check = (mark: string, over: Partial<ValidateInput> = {}): ValidateInput => ({ id: 1, shop: 1, cash: 5, productType: 3, sale: true, alcohol: false, code: mark, inn: '7701234560', alcocodes: [], promoComponents: [], ...over });

function load(s: SetmarkState, body: Record<string, unknown>, e = env()): SetmarkState {
  const r = acceptPackage(s, 'addMark', body, e);
  if ('refused' in r) throw new Error(JSON.stringify(r.refused));
  return r.state;
}

describe('packages (§2.2, §2.11)', () => {
  it('are status 2 while processed, then 3; their marks are on stock from the end of processing', () => {
    const s = load(world(), shoes(1, ['MARK00000001']));
    const r = pmap.get(s.packages, packageKey(1, 1))!;
    expect([packageStatus(r, T0, T), packageStatus(r, T0 + (T.packageProcessingMs as number), T)]).toEqual([2, 3]);
    expect(onStock(findMark(s.marks, 'MARK00000001'), T0)).toBe(false);
    expect(onStock(findMark(s.marks, 'MARK00000001'), T0 + 2_000)).toBe(true);
  });

  it('refuse a header the service cannot take (status 1, nothing loaded)', () => {
    const r = acceptPackage(world(), 'addMark', { ...shoes(2, ['X1']), version: 2 }, env());
    expect('refused' in r && r.refused.map((e) => e.field)).toEqual(['version']);
  });

  it('report what they did as an event of the package (2 → 3)', () => {
    const r = acceptPackage(world(), 'addMark', shoes(3, ['MARK00000003']), env());
    expect('events' in r && r.events).toEqual([expect.objectContaining({ type: 'PackageLoaded', entity: 'package', from: '2', to: '3', id: 3, count: 1, errors: 0 })]);
  });

  it('wait for polls when the timing says so, and settle on the last one: the package and its marks take that moment', () => {
    const polled = { ...T, packageProcessingMs: { afterPolls: 2 } };
    let s = load(world(), shoes(4, ['MARK00000004']), env(T0, polled));
    const key = packageKey(1, 4);
    const r = pmap.get(s.packages, key)!;
    expect(r.doneAt).toBe(PENDING);
    expect([packageStatus(r, T0 + 10 ** 9, polled, 1), endsByPolls(r, T0, polled, 1), endsByPolls(r, T0, polled, 2)]).toEqual([2, false, true]);
    expect(onStock(findMark(s.marks, 'MARK00000004'), T0 + 10 ** 9)).toBe(false);
    s = settlePackage(s, key, T0 + 60_000).state;
    expect(pmap.get(s.packages, key)!.doneAt).toBe(T0 + 60_000);
    expect(findMark(s.marks, 'MARK00000004')).toMatchObject({ from: T0 + 60_000 });
    expect(findMark(s.marks, 'MARK00000004')!.pendingBy).toBeUndefined();
    expect(settlePackage(s, key, T0 + 70_000).state).toBe(s); // once
  });
});

describe('cash/validate (§2.7)', () => {
  const stocked = () => load(world(), shoes(5, ['MARK00000005']));
  it('says OK for a mark on stock, 3 for one that is not, 2 for one sold', () => {
    const s = stocked();
    expect(validate(s, check('MARK00000005'), env(T0 + 2_000)).body).toEqual({ id: 1, result: true, message: 'OK', barcode: '4630074092609' });
    expect(validate(s, check('MARK00000005'), env(T0)).body.result).toBe(false);
    const sold = registerReceipt(s, { shop: 1, cash: 5, checkNumber: '1', operation: 'sale', inn: '7701234560', lines: [{ code: 'MARK00000005', productType: 3 }], offline: false, precheck: true, open: false }, env(T0 + 2_000)).state;
    expect(validate(sold, check('MARK00000005'), env(T0 + 3_000)).rows.map((r) => r.errorCode)).toEqual([2]);
  });
});

describe('receipts (§5)', () => {
  it('sell and return marks along MARK_TRANSITIONS, reporting the moves', () => {
    const s = load(world(), shoes(6, ['MARK00000006']));
    const sale = registerReceipt(s, { shop: 1, cash: 5, checkNumber: '7', operation: 'sale', inn: '7701234560', lines: [{ code: 'MARK00000006', productType: 3 }], offline: false, precheck: true, open: false }, env(T0 + 2_000));
    expect(sale.outcome.registered).toBe(true);
    const back = registerReceipt(sale.state, { shop: 1, cash: 5, checkNumber: '8', operation: 'return', inn: '7701234560', lines: [{ code: 'MARK00000006', productType: 3 }], offline: false, precheck: true, open: false }, env(T0 + 3_000));
    const moves = [...sale.events, ...back.events].filter((e) => e.type === 'MarksChanged').map((e) => `${e.from}>${e.to}`);
    expect(moves).toEqual(['ACTIVE>SOLD', 'SOLD>RETURNED']);
    for (const m of moves) expect(MARK_TRANSITIONS[m.split('>')[0] as keyof typeof MARK_TRANSITIONS] as readonly string[]).toContain(m.split('>')[1]);
  });
});

describe('reserves (§2.8)', () => {
  it('hold marks for an order, refuse them to another order (210), and release them when cancelled', () => {
    const s = load(world(), shoes(7, ['MARK00000007']));
    const e = env(T0 + 2_000);
    const held = reserve(s, { orderNumber: 'A', codes: ['MARK00000007'], tillDate: null }, false, e);
    expect(held.answer).toEqual({ success: true, message: 'OK' });
    expect(reserve(held.state, { orderNumber: 'B', codes: ['MARK00000007'], tillDate: null }, false, e).answer.data?.[0].errorCode).toBe(210);
    const freed = cancelReserve(held.state, 'A', e.now);
    expect(reserve(freed.state, { orderNumber: 'B', codes: ['MARK00000007'], tillDate: null }, false, e).answer.success).toBe(true);
  });
});
