/**
 * A persistent map for large collections of records (orders, documents, requests, tokens): plain JSON, immutable,
 * and cheap to change. Records sit in 256 buckets chosen by a hash of the key, so `set` copies one bucket and the
 * bucket table instead of every record (a `{ ...orders, [id]: o }` copy of 100,000 orders per request), and the
 * store's structural diff, walking only what changed, finds one bucket and one record.
 *
 * @example
 * let orders = pmap.empty<Order>();
 * orders = pmap.set(orders, order.orderId, order); // a new map; the old one is unchanged
 * pmap.get(orders, id); [...pmap.values(orders)];
 */
import { hash32 } from './random.js';

export interface PMap<V> {
  /** How many records. */
  readonly n: number;
  /** Buckets by two hex digits, then records by key. */
  readonly b: Readonly<Record<string, Readonly<Record<string, V>>>>;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const bucketOf = (key: string) => HEX[hash32(0x706d6170, key) & 0xff];

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

export const pmap = {
  empty<V>(): PMap<V> {
    return { n: 0, b: {} };
  },

  /** A map of the records of a plain object, or the same map (state written before collections were maps). */
  of<V>(x: PMap<V> | Record<string, V> | undefined): PMap<V> {
    if (!x) return pmap.empty();
    if (pmap.is(x)) return x;
    let m = pmap.empty<V>();
    for (const [k, v] of Object.entries(x)) m = pmap.set(m, k, v);
    return m;
  },

  is<V>(x: unknown): x is PMap<V> {
    return !!x && typeof x === 'object' && typeof (x as PMap<V>).n === 'number' && typeof (x as PMap<V>).b === 'object' && Object.keys(x).length === 2;
  },

  get<V>(m: PMap<V>, key: string): V | undefined {
    const bucket = m.b[bucketOf(key)];
    return bucket && has(bucket, key) ? bucket[key] : undefined;
  },

  has<V>(m: PMap<V>, key: string): boolean {
    const bucket = m.b[bucketOf(key)];
    return !!bucket && has(bucket, key);
  },

  set<V>(m: PMap<V>, key: string, value: V): PMap<V> {
    const name = bucketOf(key);
    const bucket = m.b[name] ?? {};
    const added = has(bucket, key) ? 0 : 1;
    return { n: m.n + added, b: { ...m.b, [name]: { ...bucket, [key]: value } } };
  },

  delete<V>(m: PMap<V>, key: string): PMap<V> {
    const name = bucketOf(key);
    const bucket = m.b[name];
    if (!bucket || !has(bucket, key)) return m;
    const { [key]: _gone, ...rest } = bucket;
    return { n: m.n - 1, b: { ...m.b, [name]: rest } };
  },

  size<V>(m: PMap<V>): number {
    return m.n;
  },

  *values<V>(m: PMap<V>): IterableIterator<V> {
    for (const bucket of Object.values(m.b)) for (const v of Object.values(bucket)) yield v;
  },

  *entries<V>(m: PMap<V>): IterableIterator<[string, V]> {
    for (const bucket of Object.values(m.b)) for (const e of Object.entries(bucket)) yield e;
  },
};
