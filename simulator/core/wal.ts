/**
 * The write-ahead log of the file store: what changed between two versions of the state, as a few path operations,
 * so a write costs what changed rather than what exists (store.ts appends one record per write and folds the log into
 * a snapshot now and then).
 *
 * The state is immutable and shares structure between versions, so `diff` walks only what is not the same object:
 * from the root to the changed record of a persistent map (pmap.ts) is a handful of steps, whatever the map's size.
 *
 * A record is one line of JSON: `{"s": seq, "o": [op, ...]}`, where an op is `["s", path, value]` (set),
 * `["d", path]` (delete a key) or `["a", path, [values]]` (append to an array); a path is keys and array indexes.
 *
 * @example
 * const ops = diff(before, after);       // [["s", ["mcoi", "orders", "t", 7, "o1"], {...}]]
 * const again = applyOps(clone(before), ops); // deep-equal to after
 */

type Key = string | number;
export type Op = ['s', Key[], unknown] | ['d', Key[]] | ['a', Key[], unknown[]];

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const isPlain = (x: unknown): x is Record<string, unknown> => {
  if (x === null || typeof x !== 'object') return false;
  const p = Object.getPrototypeOf(x);
  return p === Object.prototype || p === null;
};
/** A value JSON keeps under a key (JSON.stringify drops undefined, functions and symbols). */
const kept = (v: unknown) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';

/** The operations that turn `a` into `b` (as JSON sees them). */
export function diff(a: unknown, b: unknown): Op[] {
  const ops: Op[] = [];
  walk(a, b, [], ops);
  return ops;
}

/** An operation that carries no structure: a deletion, or a value set that is not an object or array. */
const small = (op: Op): boolean => op[0] === 'd' || (op[0] === 's' && (op[2] === null || typeof op[2] !== 'object'));
const allSmall = (ops: Op[], from: number): boolean => {
  for (let i = from; i < ops.length; i++) if (!small(ops[i])) return false;
  return true;
};

function walk(a: unknown, b: unknown, path: Key[], ops: Op[]): void {
  if (a === b) return;
  if (isPlain(a) && isPlain(b)) {
    for (const k of Object.keys(b)) {
      const bv = b[k];
      const av = has(a, k) ? a[k] : undefined;
      if (av === bv) continue;
      if (!kept(bv)) {
        if (kept(av)) ops.push(['d', [...path, k]]);
      } else if (!kept(av)) ops.push(['s', [...path, k], bv]);
      else walk(av, bv, [...path, k], ops);
    }
    for (const k of Object.keys(a)) if (!has(b, k) && kept(a[k])) ops.push(['d', [...path, k]]);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && b.length >= a.length) {
    const start = ops.length;
    let replaced = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue; // shared: nothing below it changed (and no path to build)
      const before = ops.length;
      walk(a[i], b[i], [...path, i], ops);
      if (ops.length > before && allSmall(ops, before)) replaced++;
    }
    // An array most of whose elements changed by small values only (a list sorted or shifted) is cheaper to set whole.
    // One whose elements changed by whole structures (the nodes and leaves of a persistent map, every slot touched by
    // a large batch) is not: setting it whole would write everything below it, however little changed there.
    if (replaced > 1 + b.length / 2) ops.splice(start, ops.length - start, ['s', path, b]);
    else if (b.length > a.length) ops.push(['a', path, b.slice(a.length)]);
    return;
  }
  ops.push(['s', path, b]);
}

/** Sets a key as an own property, whatever its name (`__proto__` included). */
function put(o: Record<string, unknown> | unknown[], k: Key, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else (o as Record<Key, unknown>)[k] = v;
}

/**
 * Applies operations in place to a freshly parsed document (nobody else holds it) and returns it. Throws, naming the
 * path, when an operation does not fit the document: the log does not belong to this snapshot.
 */
export function applyOps<T>(doc: T, ops: readonly Op[]): T {
  let root: unknown = doc;
  for (const op of ops) {
    if (!Array.isArray(op) || !Array.isArray(op[1])) throw new Error(`not a log operation: ${JSON.stringify(op)?.slice(0, 100)}`);
    const path = op[1];
    if (!path.length) {
      if (op[0] === 's') root = op[2];
      else if (op[0] === 'a' && Array.isArray(root)) root.push(...(op[2] as unknown[]));
      else throw new Error(`log operation ${op[0]} at the root does not fit the state`);
      continue;
    }
    let parent: unknown = root;
    for (const k of path.slice(0, -1)) {
      parent = parent !== null && typeof parent === 'object' && has(parent, String(k)) ? (parent as Record<Key, unknown>)[k] : undefined;
      if (parent === null || typeof parent !== 'object') throw new Error(`log path ${JSON.stringify(path)} does not exist in the state`);
    }
    const last = path[path.length - 1];
    const target = parent as Record<string, unknown> | unknown[];
    switch (op[0]) {
      case 's':
        put(target, last, op[2]);
        break;
      case 'd':
        if (Array.isArray(target)) throw new Error(`log operation d at ${JSON.stringify(path)} names an array element`);
        delete target[last as string];
        break;
      case 'a': {
        const arr = has(target, String(last)) ? (target as Record<Key, unknown>)[last] : undefined;
        if (!Array.isArray(arr) || !Array.isArray(op[2])) throw new Error(`log operation a at ${JSON.stringify(path)} does not name an array`);
        arr.push(...op[2]);
        break;
      }
      default:
        throw new Error(`unknown log operation ${JSON.stringify(op[0])}`);
    }
  }
  return root as T;
}

/** A shallow copy of an object or array, its prototype and every own key (`__proto__` included) kept. */
function shallow(o: object): Record<Key, unknown> | unknown[] {
  if (Array.isArray(o)) return o.slice();
  const copy = Object.create(Object.getPrototypeOf(o)) as Record<string, unknown>;
  for (const k of Object.keys(o)) put(copy, k, (o as Record<string, unknown>)[k]);
  return copy;
}

/**
 * Applies operations to a document others hold (frozen, shared): every object on an operation's path is copied once,
 * nothing of `doc` changes, and what no operation touches stays shared. Returns the new document.
 */
export function applyOpsCopying<T>(doc: T, ops: readonly Op[]): T {
  const copies = new Set<object>();
  const own = <V>(v: V): V => {
    if (v === null || typeof v !== 'object' || copies.has(v)) return v;
    const c = shallow(v);
    copies.add(c);
    return c as V;
  };
  let root: unknown = doc;
  for (const op of ops) {
    if (!Array.isArray(op) || !Array.isArray(op[1])) throw new Error(`not a log operation: ${JSON.stringify(op)?.slice(0, 100)}`);
    const path = op[1];
    if (!path.length) {
      root = op[0] === 's' ? op[2] : applyOps(own(root), [op]);
      continue;
    }
    root = own(root);
    let parent = root as Record<Key, unknown>;
    for (const k of path.slice(0, -1)) {
      const child = parent !== null && typeof parent === 'object' && has(parent, String(k)) ? parent[k] : undefined;
      if (child === null || typeof child !== 'object') throw new Error(`log path ${JSON.stringify(path)} does not exist in the state`);
      const copied = own(child);
      if (copied !== child) put(parent, k, copied);
      parent = copied as Record<Key, unknown>;
    }
    const last = path[path.length - 1];
    if (op[0] === 'a') {
      const arr = has(parent, String(last)) ? parent[last] : undefined;
      if (Array.isArray(arr)) put(parent, last, own(arr));
    }
    applyOps(parent, [[op[0], [last], ...(op.length > 2 ? [op[2]] : [])] as Op]);
  }
  return root as T;
}

export interface LogRecord {
  s: number;
  o: Op[];
}

/**
 * Reads a log's text: its records, and how many bytes of it are whole. A last line cut short (a crash in the middle
 * of an append, never acknowledged) is left out, and `validBytes` tells where to cut the file; a bad line before the
 * last one is damage, not a torn append, and throws.
 */
export function readLog(text: string): { records: LogRecord[]; validBytes: number } {
  const records: LogRecord[] = [];
  let at = 0;
  while (at < text.length) {
    const nl = text.indexOf('\n', at);
    const line = text.slice(at, nl === -1 ? text.length : nl);
    let rec: LogRecord | undefined;
    try {
      const r = JSON.parse(line) as LogRecord;
      if (r && typeof r === 'object' && Number.isSafeInteger(r.s) && Array.isArray(r.o)) rec = r;
    } catch {
      /* judged below */
    }
    if (!rec || nl === -1) {
      // Only the last line may be torn (an append is one write, cut by a crash); a complete last line without its
      // newline is torn too: the record was not acknowledged until the newline and the fsync.
      if (nl === -1 || text.slice(nl + 1).trim() === '') return { records, validBytes: Buffer.byteLength(text.slice(0, at)) };
      throw new Error(`record ${records.length + 1} (byte ${Buffer.byteLength(text.slice(0, at))}) is damaged`);
    }
    records.push(rec);
    at = nl + 1;
  }
  return { records, validBytes: Buffer.byteLength(text) };
}

/** Arrays this short or shorter are copied exactly when first frozen (see deepFreeze). */
const SHORT = 16;

/**
 * Freezes a value and everything in it not frozen already (shared, older parts of the state are): see store.ts. A
 * short array not frozen yet is new since the last commit, and is replaced by an exact copy first: an array grown by
 * push or spread keeps room for sixteen more (seventeen slots for one element), and the state keeps its arrays for
 * good. (Longer ones are left as they are: their room is a smaller share, and the nodes of a persistent map, the
 * most numerous, are exact copies already.)
 */
export function deepFreeze(x: unknown): void {
  if (x === null || typeof x !== 'object' || Object.isFrozen(x) || ArrayBuffer.isView(x)) return;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      const v: unknown = x[i];
      if (v === null || typeof v !== 'object' || Object.isFrozen(v)) continue;
      if (Array.isArray(v) && v.length <= SHORT) x[i] = v.slice();
      deepFreeze(x[i]);
    }
  } else {
    const o = x as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (v === null || typeof v !== 'object' || Object.isFrozen(v)) continue;
      if (Array.isArray(v) && v.length <= SHORT) put(o, k, v.slice());
      deepFreeze(o[k]);
    }
  }
  Object.freeze(x);
}

/**
 * JSON.stringify(value) in pieces, so a large snapshot is written a chunk at a time rather than built as one string
 * (a string the size of the state, and its copies, would grow the heap and the RSS after every snapshot). Containers
 * near the root are walked here; anything deeper than `depth`, or not a plain object or array, is stringified whole.
 */
export function* jsonPieces(value: unknown, depth = 6): Generator<string> {
  if (depth <= 0 || !(Array.isArray(value) || isPlain(value))) {
    yield JSON.stringify(value) ?? 'null';
    return;
  }
  if (Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i) yield ',';
      yield* jsonPieces(kept(value[i]) ? value[i] : null, depth - 1);
    }
    yield ']';
    return;
  }
  yield '{';
  let first = true;
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (!kept(v)) continue;
    yield `${first ? '' : ','}${JSON.stringify(k)}:`;
    first = false;
    yield* jsonPieces(v, depth - 1);
  }
  yield '}';
}
