import { describe, expect, it } from 'vitest';
import { IdSource } from '../../core/ids.js';
import { pmap } from '../../core/pmap.js';
import { TIMINGS, type McoiTimings } from './reference.js';
import { timingDefaults } from '../../core/system.js';
import * as M from './machine.js';
import * as O from './orders.js';
import type { McoiState, Order, SubOrder, User } from './state.js';

const T = timingDefaults({ timings: TIMINGS }) as McoiTimings;
const sub = (over: Partial<SubOrder> = {}): SubOrder => ({ seq: 1, gtin: '04899215122371', quantity: 10, cisType: 'UNIT', serialNumberType: 'OPERATOR', packs: [], ...over });
const order = (over: Partial<Order> = {}): Order => ({ orderId: 'o1', orgId: 101, login: 'u', productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', createdAt: 0, businessPlaceId: 27, subOrders: [sub()], ...over });
const pack = (from: number, quantity: number, id = `p${from}`) => ({ packId: id, from, quantity, at: 3_000 });

describe('orderStatus (§6.6), computed from the clock', () => {
  const table: [string, Order, number, string][] = [
    ['just registered', order(), 0, 'CREATED'],
    ['after 1 s', order(), 1_000, 'PENDING'],
    ['after 3 s', order(), 3_000, 'READY'],
    ['with a contractor', order({ contractor: { tin: '303456789', countryCode: 'UZ' } }), 3_000, 'OUTSOURCED'],
    ['every sub-order rejected', order({ subOrders: [sub({ rejectionReason: 'dup' })] }), 3_000, 'REJECTED'],
    ['rejected, seen before processing', order({ subOrders: [sub({ rejectionReason: 'dup' })] }), 2_999, 'PENDING'],
    ['one of two sub-orders rejected', order({ subOrders: [sub({ rejectionReason: 'dup' }), sub({ seq: 2, gtin: '04815617815628' })] }), 3_000, 'READY'],
    ['closed while pending', order({ closedAt: 1_500 }), 2_000, 'CLOSED'],
    ['closed when ready', order({ closedAt: 5_000 }), 5_000, 'CLOSED'],
  ];
  for (const [name, o, now, expected] of table) it(`${name} → ${expected}`, () => expect(M.orderStatus(o, now, T)).toBe(expected));

  it('only moves along ORDER_TRANSITIONS', async () => {
    const { ORDER_TRANSITIONS } = await import('./reference.js');
    for (const [, o] of table) {
      let prev = M.orderStatus(o, 0, T);
      for (let t = 0; t <= 6_000; t += 500) {
        const st = M.orderStatus(o, t, T);
        if (st !== prev) expect(ORDER_TRANSITIONS[prev] as readonly string[]).toContain(st);
        prev = st;
      }
    }
  });
});

describe('subOrderStatus (§6.7)', () => {
  const table: [string, Order, number, string][] = [
    ['order pending', order(), 1_000, 'PENDING'],
    ['order ready', order(), 3_000, 'ACTIVE'],
    ['all unloaded', order({ subOrders: [sub({ packs: [pack(0, 10)] })] }), 4_000, 'EXHAUSTED'],
    ['rejected', order({ subOrders: [sub({ rejectionReason: 'dup' })] }), 3_000, 'REJECTED'],
    ['closed', order({ subOrders: [sub({ closedAt: 4_000 })] }), 4_000, 'CLOSED'],
    ['order closed', order({ closedAt: 4_000 }), 4_000, 'CLOSED'],
  ];
  for (const [name, o, now, expected] of table) it(`${name} → ${expected}`, () => expect(M.subOrderStatus(o, o.subOrders[0], now, T)).toBe(expected));
});

describe('codeStatus (CODE_TRANSITIONS)', () => {
  const o = order({ subOrders: [sub({ packs: [pack(0, 4)] })] });
  it.each([
    [0, undefined, 'RECEIVED'],
    [4, undefined, 'EMITTED'],
    [1, { appliedBy: 'd' }, 'APPLIED'],
  ] as const)('index %i with mark %j → %s', (i, mark, expected) => expect(M.codeStatus(o, o.subOrders[0], i, mark, 4_000, T)).toBe(expected));
  it('codes not unloaded are CANCELLED once the sub-order is closed', () => {
    const c = order({ subOrders: [sub({ packs: [pack(0, 4)], closedAt: 5_000 })] });
    expect(M.codeStatus(c, c.subOrders[0], 4, undefined, 5_000, T)).toBe('CANCELLED');
    expect(M.codeStatus(c, c.subOrders[0], 3, undefined, 5_000, T)).toBe('RECEIVED');
  });
  it('no code exists before the order is processed', () => expect(M.codeStatus(order(), sub(), 0, undefined, 1_000, T)).toBeNull());
});

describe('unloadCodes (§3.4)', () => {
  const user: User = { login: 'u', password: '', orgId: 101, name: '', roles: ['API_INTEGRATOR'] };
  const state = (o: Order): McoiState => ({
    world: { organizations: [{ id: 101, tin: '1', name: '', kinds: ['PRODUCER'], productGroups: [] }], users: [user], businessPlaces: [], products: [] },
    codeKey: 1,
    orders: pmap.of({ [o.orderId]: o }),
    nextSubSeq: 2,
    documents: pmap.empty(),
    nextDocSeq: 1,
    sessions: {},
    apiKeys: pmap.empty(),
    exports: pmap.empty(),
  });
  const env = (now = 4_000): M.Env => ({ now, ids: new IdSource(1, {}), timings: T, codes: { resolve: () => ({ missing: 'CODE_NOT_FOUND' }), unit: () => undefined, parentOf: () => undefined, lookup: () => undefined, serialTaken: () => false }, orders: { activeCount: () => 0, outsourcedTo: () => [] } });
  const run = (o: Order, q: Partial<O.UnloadInput>, now?: number) => O.unloadCodes(state(o), user, { orderId: 'o1', gtin: '04899215122371', quantity: 3, ...q }, env(now));
  const range = (r: ReturnType<typeof run>): unknown[] => (r.ok ? [r.value.from, r.value.to, r.value.packId] : [r.error.message]);

  it.each([
    ['first unload: a new pack', order(), {}, [0, 3]],
    ['no pack given after packs: everything received', order({ subOrders: [sub({ packs: [pack(0, 2, 'a'), pack(2, 3, 'b')] })] }), {}, [0, 5, 'b']],
    ['a pack that is not the last: all after it', order({ subOrders: [sub({ packs: [pack(0, 2, 'a'), pack(2, 3, 'b')] })] }), { lastPackId: 'a' }, [2, 5, 'b']],
    ['the last pack: the next pack', order({ subOrders: [sub({ packs: [pack(0, 2, 'a')] })] }), { lastPackId: 'a' }, [2, 5]],
    ['less left than asked: what is left', order({ subOrders: [sub({ packs: [pack(0, 9, 'a')] })] }), { lastPackId: 'a' }, [9, 10]],
  ] as const)('%s', (_n, o, q, expected) => expect(range(run(o, q)).slice(0, expected.length)).toEqual(expected));

  it('refuses a new pack from a closed order but re-unloads', () => {
    const o = order({ closedAt: 3_500, subOrders: [sub({ packs: [pack(0, 2, 'a')], closedAt: 3_500 })] });
    expect(run(o, { lastPackId: 'a' }).ok).toBe(false);
    expect(range(run(o, {}))).toEqual([0, 2, 'a']);
  });
  it('does not change the state when it refuses', () => {
    const o = order();
    const s = state(o);
    const r = O.unloadCodes(s, user, { orderId: 'o1', gtin: '04899215122371', quantity: 3 }, env(1_000));
    expect(r.ok).toBe(false);
    expect(pmap.get(s.orders, 'o1')!.subOrders[0].packs).toEqual([]);
  });
});
