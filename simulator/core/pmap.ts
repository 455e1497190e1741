/**
 * A persistent map for large collections of records (orders, documents, requests, tokens): plain JSON, immutable,
 * and cheap to change. Records sit in small leaves chosen by a hash of the key: 64 slots, each empty, a leaf, or —
 * once its leaf passes 32 records — a row of 64 leaves. So `set` copies at most two 64-slot arrays and one leaf
 * (about 25 records at 100,000) instead of every record (a `{ ...orders, [id]: o }` copy per request), the store's
 * structural diff, walking only what changed, finds one leaf and one record, and a small map stays small on disk.
 * (Arrays, because copying a JavaScript object of hundreds of keys again and again is slow.)
 *
 * @example
 * let orders = pmap.empty<Order>();
 * orders = pmap.set(orders, order.orderId, order); // a new map; the old one is unchanged
 * pmap.get(orders, id); [...pmap.values(orders)];
 */
import { hash32 } from './random.js';

type Leaf<V> = Readonly<Record<string, V>>;
type Row<V> = readonly (Leaf<V> | null)[];

/** Records in leaves, chosen by a hash of the key: 64 slots of (null, a leaf, or a row of 64 leaves). */
export interface PMap<V> {
  /** How many records. */
  readonly n: number;
  /** 64 slots: null, a leaf (records by key), or a row of 64 slots of (null, or a leaf). */
  readonly t: readonly (Leaf<V> | Row<V> | null)[];
}

const FAN = 64;
/** A leaf in the first level becomes a row of leaves when it would hold more records than this. */
const LEAF_MAX = 32;
const slots = (key: string): [number, number] => {
  const h = hash32(0x706d6170, key);
  return [h & (FAN - 1), (h >>> 6) & (FAN - 1)];
};
const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const isRow = <V>(s: Leaf<V> | Row<V> | null): s is Row<V> => Array.isArray(s);
const EMPTY: null[] = Array.from({ length: FAN }, () => null);

/** The leaf a key lives in (or would), wherever it is. */
function leafOf<V>(m: PMap<V>, key: string): Leaf<V> | null | undefined {
  const [i, j] = slots(key);
  const s = m.t[i];
  return isRow(s) ? s[j] : s;
}

/** A first-level leaf grown past LEAF_MAX, spread over a row by the key's second hash. */
function split<V>(leaf: Record<string, V>): Row<V> {
  const row: (Record<string, V> | null)[] = EMPTY.slice();
  for (const [k, v] of Object.entries(leaf)) (row[slots(k)[1]] ??= {})[k] = v;
  return row;
}

export const pmap = {
  empty<V>(): PMap<V> {
    return { n: 0, t: EMPTY };
  },

  /** A map of the records of a plain object, or the same map (state written before collections were maps). */
  of<V>(x: PMap<V> | Record<string, V> | undefined): PMap<V> {
    if (!x) return pmap.empty();
    if (pmap.is(x)) return x;
    // Built in place (one pass), not by n copies: the map is new and nobody holds it yet.
    const t: (Record<string, V> | Row<V> | null)[] = EMPTY.slice();
    let n = 0;
    for (const [k, v] of Object.entries(x)) {
      ((t[slots(k)[0]] as Record<string, V> | null) ??= {})[k] = v;
      n++;
    }
    for (let i = 0; i < FAN; i++) {
      const s = t[i] as Record<string, V> | null;
      if (s && Object.keys(s).length > LEAF_MAX) t[i] = split(s);
    }
    return { n, t };
  },

  is<V>(x: unknown): x is PMap<V> {
    return !!x && typeof x === 'object' && typeof (x as PMap<V>).n === 'number' && Array.isArray((x as PMap<V>).t) && Object.keys(x).length === 2;
  },

  get<V>(m: PMap<V>, key: string): V | undefined {
    const leaf = leafOf(m, key);
    return leaf && has(leaf, key) ? leaf[key] : undefined;
  },

  has<V>(m: PMap<V>, key: string): boolean {
    const leaf = leafOf(m, key);
    return !!leaf && has(leaf, key);
  },

  set<V>(m: PMap<V>, key: string, value: V): PMap<V> {
    const [i, j] = slots(key);
    const s = m.t[i];
    const t = m.t.slice();
    let added: number;
    if (isRow(s)) {
      const leaf = s[j] ?? {};
      added = has(leaf, key) ? 0 : 1;
      const row = s.slice();
      row[j] = { ...leaf, [key]: value };
      t[i] = row;
    } else {
      const leaf = s ?? {};
      added = has(leaf, key) ? 0 : 1;
      const grown = { ...leaf, [key]: value };
      t[i] = added && Object.keys(leaf).length >= LEAF_MAX ? split(grown) : grown;
    }
    return { n: m.n + added, t };
  },

  delete<V>(m: PMap<V>, key: string): PMap<V> {
    const leaf = leafOf(m, key);
    if (!leaf || !has(leaf, key)) return m;
    const { [key]: _gone, ...rest } = leaf;
    const [i, j] = slots(key);
    const s = m.t[i];
    const t = m.t.slice();
    if (isRow(s)) {
      const row = s.slice();
      row[j] = rest;
      t[i] = row;
    } else t[i] = rest;
    return { n: m.n - 1, t };
  },

  size<V>(m: PMap<V>): number {
    return m.n;
  },

  *values<V>(m: PMap<V>): IterableIterator<V> {
    for (const [, v] of pmap.entries(m)) yield v;
  },

  *entries<V>(m: PMap<V>): IterableIterator<[string, V]> {
    for (const s of m.t) {
      if (isRow(s)) {
        for (const leaf of s) if (leaf) yield* Object.entries(leaf);
      } else if (s) yield* Object.entries(s);
    }
  },
};
