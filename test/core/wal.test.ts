import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pmap } from '../../simulator/core/pmap.js';
import { applyOps, deepFreeze, diff, jsonPieces, readLog } from '../../simulator/core/wal.js';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const json = (x: unknown) => JSON.parse(JSON.stringify(x ?? null));

/** b, made from a the way the store's states are: changed copies along a few paths, the rest shared. */
function derive(a: unknown, choices: number[]): unknown {
  let i = 0;
  const pick = (n: number) => (n <= 0 ? 0 : choices[i++ % choices.length] % n);
  const change = (x: unknown, depth: number): unknown => {
    if (Array.isArray(x)) {
      const what = pick(4);
      if (what === 0 || !x.length) return [...x, { added: pick(100) }]; // append
      if (what === 1) return x.slice(0, -1); // shorter
      const at = pick(x.length);
      return x.map((v, j) => (j === at ? change(v, depth + 1) : v));
    }
    if (x && typeof x === 'object') {
      const keys = Object.keys(x);
      const what = pick(4);
      if (what === 0 || !keys.length) return { ...x, [`k${pick(50)}`]: depth > 3 ? pick(9) : { n: pick(9) } };
      const k = keys[pick(keys.length)];
      if (what === 1) {
        const { [k]: _, ...rest } = x as Record<string, unknown>;
        return rest;
      }
      if (what === 2) return { ...x, [k]: undefined }; // JSON drops it: a delete
      return { ...x, [k]: change((x as Record<string, unknown>)[k], depth + 1) };
    }
    return pick(2) ? `v${pick(1000)}` : null;
  };
  let b = a;
  for (let n = 1 + pick(4); n > 0; n--) b = change(b, 0);
  return b;
}

describe('write-ahead log', () => {
  it('diff then apply turns a into b, for unrelated values and for changed copies that share structure', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4 }), fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (a, other, choices) => {
        for (const b of [other, derive(a, choices)]) {
          const ops = diff(a, b);
          expect(applyOps(clone(a), clone(ops))).toEqual(json(b));
          if (a === b) expect(ops).toEqual([]);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('touches only what changed: one record in a large shared structure is one small operation', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ i }));
    const a = { sys: { rows, other: { x: 1 } } };
    const b = { sys: { ...a.sys, rows: rows.map((r, i) => (i === 7 ? { i: -7 } : r)) } };
    expect(diff(a, b)).toEqual([['s', ['sys', 'rows', 7, 'i'], -7]]);
    const sorted = { sys: { ...a.sys, rows: [...rows].reverse() } };
    expect(diff(a, sorted)).toEqual([['s', ['sys', 'rows'], sorted.sys.rows]]); // rewritten throughout: set whole
  });

  it('writes what a large batch over a persistent map added, not the map', () => {
    const records = (from: number, n: number) => Array.from({ length: n }, (_, i) => [`k${from + i}`, { code: `k${from + i}`, n: from + i }] as const);
    const a = { m: pmap.batch(pmap.empty<{ code: string; n: number }>(), (b) => records(0, 50_000).forEach(([k, v]) => b.set(k, v))) };
    deepFreeze(a);
    const added = records(50_000, 5_000);
    const b = { m: pmap.batch(a.m, (x) => added.forEach(([k, v]) => x.set(k, v))) };
    deepFreeze(b);
    const ops = diff(a, b);
    // The new records, their keys and the paths to their leaves; the 50,000 already there are never rewritten.
    expect(JSON.stringify(ops).length).toBeLessThan(2 * JSON.stringify(added).length);
    expect(JSON.stringify(applyOps(clone(a), clone(ops)))).toBe(JSON.stringify(b));
  });

  it('keeps every key an own property on replay, __proto__ included, and never touches a prototype', () => {
    const a = JSON.parse('{"m": {}}');
    const b = JSON.parse('{"m": {"__proto__": {"polluted": true}, "constructor": 1}}');
    const doc = applyOps(clone(a), clone(diff(a, b)));
    expect(Object.keys(doc.m).sort()).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(doc)).toBe(JSON.stringify(b));
  });

  it('refuses operations that do not fit the document, naming the path', () => {
    expect(() => applyOps({ a: 1 }, [['s', ['b', 'c'], 1]])).toThrow(/log path \["b","c"\] does not exist/);
    expect(() => applyOps({ a: 1 }, [['a', ['a'], [1]]])).toThrow(/does not name an array/);
    expect(() => applyOps({ a: [1] }, [['d', ['a', 0]]])).toThrow(/names an array element/);
    expect(() => applyOps({}, [['x', ['a']] as never])).toThrow(/unknown log operation/);
    expect(() => applyOps({}, ['nope' as never])).toThrow(/not a log operation/);
  });

  it('reads whole records, drops a torn last one and says where to cut, and refuses damage before the end', () => {
    const r1 = '{"s":1,"o":[]}\n';
    const r2 = '{"s":2,"o":[["s",["a"],1]]}\n';
    expect(readLog('')).toEqual({ records: [], validBytes: 0 });
    expect(readLog(r1 + r2)).toEqual({ records: [{ s: 1, o: [] }, { s: 2, o: [['s', ['a'], 1]] }], validBytes: (r1 + r2).length });
    for (const torn of ['{"s":3,"o":[["s"', '{"s":3,"o":[]}', '\u0000\u0000\u0000\n', '{"s":3,"o":[]}garbage\n'])
      expect(readLog(r1 + r2 + torn)).toEqual({ records: [{ s: 1, o: [] }, { s: 2, o: [['s', ['a'], 1]] }], validBytes: (r1 + r2).length });
    expect(readLog(`${r1}{"é":1\n`).validBytes).toBe(r1.length);
    expect(() => readLog(`${r1}{"s":2,"o":[\n${r2}`)).toThrow(/record 2 \(byte 15\) is damaged/);
    expect(() => readLog(`${r1}{"s":"two","o":[]}\n${r2}`)).toThrow(/record 2/);
  });

  it('freezes what is new and stops at what is frozen already', () => {
    const old = { deep: { x: [1, 2] } };
    deepFreeze(old);
    const next = { old, fresh: { y: [3] }, bytes: Buffer.from([1]) };
    deepFreeze(next);
    expect([Object.isFrozen(next.fresh.y), Object.isFrozen(next.bytes)]).toEqual([true, false]);
    expect(() => {
      'use strict';
      (next.fresh.y as number[]).push(4);
    }).toThrow(TypeError);
  });
});

describe('snapshot pieces', () => {
  it('join to exactly what JSON.stringify writes, at every depth', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 8 }), (v, depth) => {
        expect([...jsonPieces(v, depth)].join('')).toBe(JSON.stringify(v));
      }),
      { numRuns: 1_000 },
    );
    const odd = { u: undefined, f: () => 1, a: [undefined, () => 1, 1], d: new Date(0), n: null, nested: { deeper: { x: [{ y: 'é"\n' }] } } };
    for (const depth of [0, 1, 2, 6]) expect([...jsonPieces(odd, depth)].join('')).toBe(JSON.stringify(odd));
  });
});
