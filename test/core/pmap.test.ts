import { describe, expect, it } from 'vitest';
import { pmap } from '../../simulator/core/pmap.js';

describe('persistent map', () => {
  it('sets, gets, deletes and counts without changing earlier versions', () => {
    const a = pmap.empty<number>();
    const b = pmap.set(a, 'x', 1);
    const c = pmap.set(b, 'y', 2);
    const d = pmap.set(c, 'x', 3);
    expect([pmap.size(a), pmap.size(b), pmap.size(c), pmap.size(d)]).toEqual([0, 1, 2, 2]);
    expect([pmap.get(b, 'x'), pmap.get(d, 'x'), pmap.get(a, 'x'), pmap.get(d, 'constructor')]).toEqual([1, 3, undefined, undefined]);
    const e = pmap.delete(d, 'x');
    expect([pmap.has(e, 'x'), pmap.size(e), pmap.has(d, 'x')]).toEqual([false, 1, true]);
    expect(pmap.delete(e, 'nope')).toBe(e);
    expect([...pmap.values(d)].sort()).toEqual([2, 3]);
  });

  it('changes one small leaf per change, however large the map (what keeps a write and a diff small)', () => {
    let m = pmap.of(Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i])));
    for (let i = 100_000; i < 101_000; i++) m = pmap.set(m, `k${i}`, i); // one by one: each a copy of two rows and a leaf
    const next = pmap.set(m, 'k5', -5);
    const rows = next.t.flatMap((row, i) => (row !== m.t[i] ? [i] : []));
    expect(rows).toHaveLength(1);
    const row = next.t[rows[0]] as readonly (object | null)[];
    const was = m.t[rows[0]] as readonly (object | null)[];
    expect(Array.isArray(row)).toBe(true);
    const leaves = row.flatMap((leaf, j) => (leaf !== was[j] ? [leaf!] : []));
    expect(leaves).toHaveLength(1);
    expect(Object.keys(leaves[0]).length).toBeLessThan(60); // ~101,000 / 4,096
    expect([pmap.size(next), pmap.get(next, 'k5'), pmap.get(m, 'k5')]).toEqual([101_000, -5, 5]);
  });

  it('keeps a small map small: leaves in the first level until one outgrows 32 records', () => {
    let m = pmap.empty<number>();
    for (let i = 0; i < 40; i++) m = pmap.set(m, `k${i}`, i);
    expect(m.t.some(Array.isArray)).toBe(false); // 40 records over 64 slots: no leaf near 32
    expect(JSON.stringify(m).length).toBeLessThan(800);
    // Grown one by one or built at once, the same records are found the same way.
    const big = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i]));
    let grown = pmap.empty<number>();
    for (const [k, v] of Object.entries(big)) grown = pmap.set(grown, k, v);
    const built = pmap.of(big);
    expect(grown.t.every(Array.isArray)).toBe(true);
    expect(built).toEqual(JSON.parse(JSON.stringify(grown)));
    for (const k of ['k0', 'k4999', 'k2500']) expect([pmap.get(grown, k), pmap.get(built, k)]).toEqual([big[k], big[k]]);
    const less = pmap.delete(grown, 'k7');
    expect([pmap.size(less), pmap.has(less, 'k7'), [...pmap.values(less)].length]).toEqual([4_999, false, 4_999]);
  });

  it('is plain JSON, and takes a plain object as an earlier version stored it', () => {
    const m = pmap.of({ a: 1, b: 2 });
    expect(pmap.is(JSON.parse(JSON.stringify(m)))).toBe(true);
    expect(pmap.get(JSON.parse(JSON.stringify(m)), 'b')).toBe(2);
    expect(pmap.of(m)).toBe(m);
    expect(pmap.is({ a: 1 })).toBe(false);
  });
});
