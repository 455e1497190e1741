import { describe, expect, it } from 'vitest';
import { pmap, type PMap } from '../../simulator/core/pmap.js';

/** A node is 64 slots, its first never a string; a leaf is its records flat, key then value. */
const isNode = (s: unknown): s is unknown[] => Array.isArray(s) && typeof s[0] !== 'string';
const isLeaf = (s: unknown): s is unknown[] => Array.isArray(s) && typeof s[0] === 'string';
/** The same map as an earlier version wrote it: leaves as objects keyed by id. */
const asWritten = <V>(m: PMap<V>): PMap<V> => {
  const old = (node: readonly unknown[]): unknown[] => node.map((s) => (isNode(s) ? old(s) : isLeaf(s) ? Object.fromEntries(Array.from({ length: s.length / 2 }, (_, j) => [s[2 * j], s[2 * j + 1]])) : s));
  return { n: m.n, t: old(m.t) as PMap<V>['t'] };
};

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
    expect(isNode(row)).toBe(true);
    const leaves = row.flatMap((leaf, j) => (leaf !== was[j] ? [leaf!] : []));
    expect(leaves).toHaveLength(1);
    expect(isLeaf(leaves[0])).toBe(true);
    expect((leaves[0] as unknown[]).length / 2).toBeLessThan(60); // ~101,000 / 4,096
    expect([pmap.size(next), pmap.get(next, 'k5'), pmap.get(m, 'k5')]).toEqual([101_000, -5, 5]);
  });

  it('keeps a small map small: leaves in the first level until one outgrows 32 records', () => {
    let m = pmap.empty<number>();
    for (let i = 0; i < 40; i++) m = pmap.set(m, `k${i}`, i);
    expect(m.t.some(isNode)).toBe(false); // 40 records over 64 slots: no leaf near 32
    expect(JSON.stringify(m).length).toBeLessThan(800);
    // Grown one by one or built at once, the same records are found the same way.
    const big = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i]));
    let grown = pmap.empty<number>();
    for (const [k, v] of Object.entries(big)) grown = pmap.set(grown, k, v);
    const built = pmap.of(big);
    expect(grown.t.every(isNode)).toBe(true);
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

  it('reads and changes a map whose leaves an earlier version wrote as objects keyed by id', () => {
    const now = pmap.of(Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`k${i}`, i])));
    const old = asWritten(now);
    expect(JSON.stringify(old)).not.toBe(JSON.stringify(now));
    expect([pmap.get(old, 'k2999'), pmap.has(old, 'k5'), pmap.has(old, 'constructor'), pmap.get(old, 'toString')]).toEqual([2_999, true, false, undefined]);
    expect([...pmap.entries(old)].sort()).toEqual([...pmap.entries(now)].sort());
    const changed = pmap.delete(pmap.set(pmap.set(old, 'k5', -5), 'new', 1), 'k6');
    expect([pmap.get(changed, 'k5'), pmap.get(changed, 'new'), pmap.has(changed, 'k6'), pmap.size(changed), pmap.get(old, 'k5')]).toEqual([-5, 1, false, 3_000, 5]);
    expect([...pmap.values(changed)]).toHaveLength(3_000);
  });

  it('empties a slot when its last record goes', () => {
    const one = pmap.set(pmap.empty<number>(), 'x', 1);
    const none = pmap.delete(one, 'x');
    expect(none.t.every((s) => s === null)).toBe(true);
    expect([pmap.size(none), pmap.get(none, 'x')]).toEqual([0, undefined]);
  });
});

describe('pmap at a million records', () => {
  it('keeps splitting past two levels: leaves stay small and one change copies one path', () => {
    const keys = Array.from({ length: 1_000_000 }, (_, i) => `m${i}`);
    const m = pmap.batch(pmap.empty<number>(), (b) => keys.forEach((k, i) => b.set(k, i)));
    expect(pmap.size(m)).toBe(1_000_000);
    // Every leaf at most 32 records, wherever it is.
    let leaves = 0;
    let most = 0;
    const walk = (node: readonly unknown[]) => {
      for (const s of node) {
        if (isNode(s)) walk(s);
        else if (s) {
          leaves++;
          most = Math.max(most, (s as unknown[]).length / 2);
        }
      }
    };
    walk(m.t);
    expect(most).toBeLessThanOrEqual(32);
    expect(leaves).toBeGreaterThan(1_000_000 / 32);
    // One change: one new node per level on its path, one new leaf; every other slot shared.
    const next = pmap.set(m, 'm123', -1);
    let changed = 0;
    const diff = (a: readonly unknown[], b: readonly unknown[]) => {
      for (let i = 0; i < a.length; i++) {
        if (a[i] === b[i]) continue;
        changed++;
        if (Array.isArray(a[i]) && Array.isArray(b[i])) diff(a[i] as unknown[], b[i] as unknown[]);
      }
    };
    diff(next.t, m.t);
    expect(changed).toBeLessThanOrEqual(5);
    expect([pmap.get(next, 'm123'), pmap.get(m, 'm123'), pmap.get(next, 'm999999')]).toEqual([-1, 123, 999_999]);
  });

  it('batches many changes without touching the map it started from', () => {
    const m = pmap.of(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])));
    const frozen = JSON.stringify(m);
    const next = pmap.batch(m, (b) => {
      for (let i = 0; i < 5_000; i++) b.set(`k${i}`, -i);
      for (let i = 10_000; i < 12_000; i++) b.set(`k${i}`, i);
      b.delete('k9999');
      expect(b.get('k10')).toBe(-10);
    });
    expect(JSON.stringify(m)).toBe(frozen);
    expect([pmap.size(next), pmap.get(next, 'k1'), pmap.get(next, 'k11999'), pmap.has(next, 'k9999'), pmap.get(m, 'k1')]).toEqual([11_999, -1, 11_999, false, 1]);
    expect([...pmap.values(next)].length).toBe(11_999);
  });
});
