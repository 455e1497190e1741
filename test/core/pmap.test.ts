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

  it('copies one bucket per change, however large the map (what keeps a write and a diff small)', () => {
    let m = pmap.empty<number>();
    for (let i = 0; i < 100_000; i++) m = pmap.set(m, `k${i}`, i);
    const next = pmap.set(m, 'k5', -5);
    const changed = Object.keys(next.b).filter((k) => next.b[k] !== m.b[k]);
    expect(changed).toHaveLength(1);
    expect(Object.keys(next.b[changed[0]]).length).toBeLessThan(600); // ~100,000 / 256
    expect(pmap.size(next)).toBe(100_000);
  });

  it('is plain JSON, and takes a plain object as an earlier version stored it', () => {
    const m = pmap.of({ a: 1, b: 2 });
    expect(pmap.is(JSON.parse(JSON.stringify(m)))).toBe(true);
    expect(pmap.get(JSON.parse(JSON.stringify(m)), 'b')).toBe(2);
    expect(pmap.of(m)).toBe(m);
    expect(pmap.is({ a: 1 })).toBe(false);
  });
});
