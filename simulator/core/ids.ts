/**
 * Identifiers that never repeat, not even after a restart or a crash.
 *
 * Committed ids (orders, packs, documents, tokens...) come from a per-system counter per kind, kept in the same
 * committed state as the change that uses them (the store's `_meta.counters`), fed through a keyed permutation so
 * they look random. A counter value is never reused once its change is durable, and a change that never became
 * durable was never seen by anyone, so its id is free again.
 *
 * Response ids (an error's errorId, a trace id) are not worth a write each: they come from the process's boot
 * number (persisted when the store opens) and a per-process counter, so they are unique across restarts too.
 *
 * @example
 * const ids = new IdSource(idKey(1, 'mcoi'), {});
 * ids.uuid('order'); // a version-4 shaped UUID, the same for every simulator started with seed 1
 */
import { hash32, permute64 } from './random.js';

/**
 * The permutation key of one system's ids: derived from the seed, so the same seed gives the same ids — and from a
 * world's salt when it has one, so another world of the same seed gives others.
 */
export function idKey(seed: number, system: string, salt?: string): number {
  return hash32(seed, salt ? `ids/${salt}/${system}` : `ids/${system}`);
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/**
 * 128 bits from a unique 64-bit value: the permuted 64 bits first (unique for distinct inputs), then 64 bits of a
 * keyed hash of them (padding that only makes the value look random).
 */
function bits128(key: number, hi: number, lo: number): string {
  const [a, b] = permute64(key, hi, lo);
  const tail = `${a}:${b}`;
  return hex8(a) + hex8(b) + hex8(hash32(key ^ 0x68e31da4, tail)) + hex8(hash32(key ^ 0x1b56c4e9, tail));
}

/**
 * A version-4 shaped UUID whose first 64 bits, read around the version nibble, are the permuted (hi, lo): distinct
 * inputs give distinct UUIDs. The version nibble replaces hex digit 12; the variant bits take the top of digit 16,
 * which belong to the padding, so no unique bit is overwritten.
 */
export function uuidFrom(key: number, hi: number, lo: number): string {
  const h = bits128(key, hi, lo);
  // Unique digits: 0-15 of h. Layout: 8 + 4 + ('4' + 3) + (variant + 3) + 12.
  const u = h.slice(0, 12) + '4' + h.slice(12, 15) + ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16) + h[15] + h.slice(17, 19) + h.slice(19, 31);
  return flat(`${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20, 32)}`);
}

/**
 * An id as one flat string of its own. Ids are built from slices and concatenations, which the engine keeps as trees
 * pointing into their parts: an id stored for good (an order's) would hold hundreds of bytes instead of its 36.
 */
export const flat = (s: string): string => Buffer.from(s, 'latin1').toString('latin1');

/** The tag that separates kinds of ids inside one system's permutation (the high 32 bits of its input). */
function kindTag(kind: string): number {
  return hash32(0x6b696e64, kind) | 0x1; // odd: never 0, the tag of nothing
}

/**
 * The ids of one mutation of one system. `counters` is a copy of the system's committed counters; the store keeps
 * it with the new state when the mutation is committed, and drops it when the mutation fails.
 */
export class IdSource {
  private readonly seen = new Map<number, string>();

  constructor(
    private readonly key: number,
    readonly counters: Record<string, number>,
  ) {}

  /** The next number of a kind: 1, 2, 3 ... per system. */
  next(kind: string): number {
    const n = (this.counters[kind] ?? 0) + 1;
    if (n > 0xffffffff) throw new Error(`id counter ${kind} is exhausted`);
    this.counters[kind] = n;
    return n;
  }

  /** A fresh UUID of a kind (orderId, packId, documentId, access token...). */
  uuid(kind: string): string {
    return uuidFrom(this.key, this.tag(kind), this.next(kind));
  }

  /** A fresh lower-case hex string of a kind, at least 16 characters (the first 16 carry the unique bits). */
  hex(kind: string, chars: number): string {
    if (chars < 16) throw new Error('hex ids need at least 16 characters to stay unique');
    const n = this.next(kind);
    let out = '';
    for (let round = 0; out.length < chars; round++) out += bits128(this.key ^ Math.imul(round, 0x9e3779b9), this.tag(kind), n);
    return flat(out.slice(0, chars));
  }

  private tag(kind: string): number {
    const t = kindTag(kind);
    const other = this.seen.get(t);
    if (other !== undefined && other !== kind) throw new Error(`id kinds ${other} and ${kind} share a tag: rename one`);
    this.seen.set(t, kind);
    return t;
  }
}

/**
 * Ids for responses (errorId, traceId): unique across restarts without a write each, because the boot number is
 * part of the permuted value. Deterministic for a seed, a boot and a position.
 */
export class ResponseIds {
  private n = 0;

  constructor(
    private readonly key: number,
    private readonly boot: number,
  ) {}

  uuid(): string {
    return uuidFrom(this.key, this.boot | 0x80000000, ++this.n);
  }
}
