/**
 * A persistent map for large collections of records (orders, documents, requests, tokens, marks): plain JSON,
 * immutable, and cheap to change however large it grows. Records sit in small leaves chosen by a hash of the key: a
 * node is 64 slots, each empty, a leaf (records by key), or another node; a leaf that passes 32 records becomes a
 * node of leaves by the next 6 bits of the hash, at any depth (a 32-bit hash gives five levels: 10^9 records). So
 * `set` copies one 64-slot array per level and one leaf of at most 32 records, the store's structural diff walks only
 * that path, and a small map stays small on disk. (Arrays, because copying a JavaScript object of hundreds of keys
 * again and again is slow.)
 *
 * Many changes at once (a package of 5,000 marks) go through a `batch`: each node on their paths is copied once for
 * the whole batch, not once per change.
 *
 * @example
 * let orders = pmap.empty<Order>();
 * orders = pmap.set(orders, order.orderId, order); // a new map; the old one is unchanged
 * pmap.get(orders, id); [...pmap.values(orders)];
 * marks = pmap.batch(marks, (b) => { for (const m of loaded) b.set(m.code, m); });
 */
import { hash32 } from './random.js';
import { deepFreeze } from './wal.js';

/**
 * A leaf: its records as one flat array, key then value (`[k1, v1, k2, v2, …]`, never empty: an empty slot is null).
 * An array rather than an object keyed by id, because every key is new: an object would take a hidden class per key
 * added, and a frozen dictionary one of its own (some hundred bytes each); a frozen array shares its engine's. Maps
 * written by earlier versions hold objects keyed by id as leaves: they read the same and become arrays when changed.
 */
type Leaf<V> = readonly (string | V)[];
type OldLeaf<V> = Readonly<Record<string, V>>;
/** 64 slots: null, a leaf, or a node one level down. */
type Node<V> = readonly Slot<V>[];
type Slot<V> = Leaf<V> | OldLeaf<V> | Node<V> | null;

export interface PMap<V> {
  /** How many records. */
  readonly n: number;
  /** The root node: 64 slots (maps written by earlier versions have at most two levels; they read the same). */
  readonly t: Node<V>;
}

const BITS = 6;
const FAN = 1 << BITS;
/** A leaf becomes a node of leaves when it would hold more records than this (while hash bits remain). */
const LEAF_MAX = 32;
/** Levels a 32-bit hash can choose slots for (6 bits each); the last level's leaves grow without splitting. */
const MAX_DEPTH = Math.floor(32 / BITS);
const hashOf = (key: string) => hash32(0x706d6170, key);
const slotAt = (h: number, depth: number) => (h >>> (depth * BITS)) & (FAN - 1);
const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
/** A node's first slot is never a string; a leaf's first element is its first key. */
const isNode = <V>(s: Slot<V>): s is Node<V> => Array.isArray(s) && typeof s[0] !== 'string';
const EMPTY: null[] = Array.from({ length: FAN }, () => null);

/** A leaf's records as a flat array (an old leaf's converted). */
function flatLeaf<V>(leaf: Leaf<V> | OldLeaf<V> | null): (string | V)[] {
  if (!leaf) return [];
  if (Array.isArray(leaf)) return leaf.slice();
  return Object.keys(leaf).flatMap((k) => [k, (leaf as OldLeaf<V>)[k]]);
}

/** The index of a key's value in a leaf, or -1 (an old leaf: -2 when it has the key). */
function find<V>(leaf: Leaf<V> | OldLeaf<V> | null, key: string): number {
  if (!leaf) return -1;
  if (!Array.isArray(leaf)) return has(leaf, key) ? -2 : -1;
  for (let i = 0; i < leaf.length; i += 2) if (leaf[i] === key) return i + 1;
  return -1;
}

function lookup<V>(leaf: Leaf<V> | OldLeaf<V> | null, key: string): V | undefined {
  const i = find(leaf, key);
  return i === -1 ? undefined : i === -2 ? (leaf as OldLeaf<V>)[key] : ((leaf as Leaf<V>)[i] as V);
}

/** The leaf a key lives in (or would), wherever it is. */
function leafOf<V>(m: PMap<V>, key: string): Leaf<V> | OldLeaf<V> | null {
  const h = hashOf(key);
  let s: Slot<V> = m.t[slotAt(h, 0)];
  for (let d = 1; isNode(s); d++) s = s[slotAt(h, d)];
  return s;
}

/** A leaf at `depth` grown past LEAF_MAX, spread over a node by the next bits of its keys' hashes. */
function split<V>(leaf: (string | V)[], depth: number): Node<V> {
  const node: Slot<V>[] = EMPTY.slice();
  for (let j = 0; j < leaf.length; j += 2) {
    const i = slotAt(hashOf(leaf[j] as string), depth);
    ((node[i] as (string | V)[] | null) ??= []).push(leaf[j], leaf[j + 1]);
  }
  for (let i = 0; i < FAN; i++) {
    const s = node[i] as (string | V)[] | null;
    if (s && depth + 1 < MAX_DEPTH && s.length > 2 * LEAF_MAX) node[i] = split(s, depth + 1);
  }
  return node;
}

/**
 * Changes to a map made in place on copies it owns: each node and leaf on the paths of its changes is copied once
 * (the first time), then changed where it is. Nothing shared with the original map is ever written.
 */
class Batch<V> {
  private readonly owned = new Set<object>();
  /** The values set through the batch (frozen with its nodes and leaves when it is done). */
  private readonly values: V[] = [];
  private root: Slot<V>[];
  private n: number;

  constructor(m: PMap<V>) {
    this.root = m.t.slice();
    this.owned.add(this.root);
    this.n = m.n;
  }

  private ownNode(node: Node<V>): Slot<V>[] {
    if (this.owned.has(node)) return node as Slot<V>[];
    const copy = node.slice();
    this.owned.add(copy);
    return copy;
  }

  private ownLeaf(leaf: Leaf<V> | OldLeaf<V> | null): (string | V)[] {
    if (leaf && this.owned.has(leaf)) return leaf as (string | V)[];
    const copy = flatLeaf(leaf);
    this.owned.add(copy);
    return copy;
  }

  /** The owned node and slot index a key's leaf sits at, walking down (and taking ownership of) the path. */
  private locate(key: string): { node: Slot<V>[]; i: number; depth: number } {
    const h = hashOf(key);
    let node = this.root;
    for (let d = 0; ; d++) {
      const i = slotAt(h, d);
      const s = node[i];
      if (!isNode(s)) return { node, i, depth: d };
      const child = this.ownNode(s);
      node[i] = child;
      node = child;
    }
  }

  get(key: string): V | undefined {
    return lookup(leafOf({ n: this.n, t: this.root }, key), key);
  }

  set(key: string, value: V): void {
    const { node, i, depth } = this.locate(key);
    let leaf = this.ownLeaf(node[i] as Leaf<V> | OldLeaf<V> | null);
    const at = find(leaf, key);
    this.values.push(value);
    if (at >= 0) leaf[at] = value;
    else {
      // A new array of exactly the size needed (an array grown by push keeps room for more: kept for good, that room
      // would cost more than the copy).
      leaf = leaf.concat([key, value]);
      this.owned.add(leaf);
      this.n++;
    }
    if (depth + 1 < MAX_DEPTH && leaf.length > 2 * LEAF_MAX) {
      const grown = split(leaf, depth + 1);
      this.owned.add(grown);
      node[i] = grown;
    } else node[i] = leaf;
  }

  delete(key: string): void {
    const { node, i } = this.locate(key);
    const s = node[i] as Leaf<V> | OldLeaf<V> | null;
    if (find(s, key) === -1) return;
    const leaf = this.ownLeaf(s);
    leaf.splice(find(leaf, key) - 1, 2);
    node[i] = leaf.length ? leaf : null;
    this.n--;
  }

  /**
   * The new map. What the batch made is frozen here, where it is known (the store freezes the state it commits, and
   * stops at what is frozen already: it need not look at each slot of each new node to find the new ones).
   */
  done(): PMap<V> {
    for (const v of this.values) deepFreeze(v);
    for (const o of this.owned) Object.freeze(o);
    this.owned.clear();
    return { n: this.n, t: this.root };
  }
}

function* walk<V>(node: Node<V>): IterableIterator<[string, V]> {
  for (const s of node) {
    if (isNode(s)) yield* walk(s);
    else if (Array.isArray(s)) for (let j = 0; j < s.length; j += 2) yield [s[j] as string, s[j + 1] as V];
    else if (s) for (const k of Object.keys(s)) yield [k, (s as OldLeaf<V>)[k]];
  }
}

export type PMapBatch<V> = Pick<Batch<V>, 'get' | 'set' | 'delete'>;

export const pmap = {
  empty<V>(): PMap<V> {
    return { n: 0, t: EMPTY };
  },

  /** A map of the records of a plain object, or the same map (state written before collections were maps). */
  of<V>(x: PMap<V> | Record<string, V> | undefined): PMap<V> {
    if (!x) return pmap.empty();
    if (pmap.is(x)) return x;
    return pmap.batch(pmap.empty<V>(), (b) => {
      for (const k of Object.keys(x)) b.set(k, x[k]);
    });
  },

  is<V>(x: unknown): x is PMap<V> {
    return !!x && typeof x === 'object' && typeof (x as PMap<V>).n === 'number' && Array.isArray((x as PMap<V>).t) && Object.keys(x).length === 2;
  },

  get<V>(m: PMap<V>, key: string): V | undefined {
    return lookup(leafOf(m, key), key);
  },

  has<V>(m: PMap<V>, key: string): boolean {
    return find(leafOf(m, key), key) !== -1;
  },

  set<V>(m: PMap<V>, key: string, value: V): PMap<V> {
    return pmap.batch(m, (b) => b.set(key, value));
  },

  delete<V>(m: PMap<V>, key: string): PMap<V> {
    if (!pmap.has(m, key)) return m;
    return pmap.batch(m, (b) => b.delete(key));
  },

  /** Many changes, each path copied once: `fn` sets and deletes through the batch; the new map is returned. */
  batch<V>(m: PMap<V>, fn: (b: PMapBatch<V>) => void): PMap<V> {
    const b = new Batch(m);
    fn(b);
    return b.done();
  },

  size<V>(m: PMap<V>): number {
    return m.n;
  },

  *values<V>(m: PMap<V>): IterableIterator<V> {
    for (const [, v] of pmap.entries(m)) yield v;
  },

  /** Every record, slot by slot, depth first (the same order for the same map). */
  *entries<V>(m: PMap<V>): IterableIterator<[string, V]> {
    yield* walk(m.t);
  },
};
