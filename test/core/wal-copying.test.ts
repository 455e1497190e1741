/** applyOpsCopying: a shared, frozen state changed by a log record without being touched (replicas take others' changes in so). */
import { describe, expect, it } from 'vitest';
import { applyOps, applyOpsCopying, deepFreeze, diff } from '../../simulator/core/wal.js';

describe('applying a log record to a state others hold', () => {
  it('gives what applying it in place gives, and leaves the original as it was, sharing what it did not touch', () => {
    const a = { _meta: { boots: 1, counters: { mcoi: { order: 2 } } }, mcoi: { orders: [{ id: 'a' }, { id: 'b' }], big: { x: [1, 2, 3] } }, gone: { k: 1 } } as Record<string, unknown>;
    const b = { _meta: { boots: 2, counters: { mcoi: { order: 3 } } }, mcoi: { orders: [{ id: 'a' }, { id: 'b' }, { id: 'c' }], big: (a.mcoi as { big: unknown }).big }, added: { __proto__: 'own' } } as Record<string, unknown>;
    const ops = diff(a, b);
    const frozen = structuredClone(a);
    deepFreeze(frozen);
    const copied = applyOpsCopying(frozen, JSON.parse(JSON.stringify(ops)));
    expect(copied).toEqual(applyOps(structuredClone(a), JSON.parse(JSON.stringify(ops))));
    expect(copied).toEqual(JSON.parse(JSON.stringify(b)));
    expect(frozen).toEqual(a);
    expect((copied as typeof frozen).mcoi).not.toBe(frozen.mcoi);
    expect(((copied as { mcoi: { big: unknown } }).mcoi.big)).toBe((frozen as { mcoi: { big: unknown } }).mcoi.big);
  });
});
