/**
 * Seeded randomness and keyed permutations. Same seed ⇒ same world. Ids do not come from the generator (ids.ts
 * counts them in committed state, so they never repeat across restarts); it draws fault probabilities and latencies.
 *
 * @example
 * const rng = new Rng(42);
 * rng.uuid(); // the same value for every simulator started with seed 42
 */
import { randomUUID } from 'node:crypto';

export class Rng {
  private s: number;

  constructor(seedOrState: number) {
    this.s = seedOrState >>> 0;
  }

  /** The state to persist; `new Rng(state)` resumes the sequence. */
  get state(): number {
    return this.s;
  }

  /** mulberry32: a 32-bit generator, fast and good enough for ids. */
  nextUint32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  hex(chars: number): string {
    let out = '';
    while (out.length < chars) out += this.nextUint32().toString(16).padStart(8, '0');
    return out.slice(0, chars);
  }

  /** An RFC 4122 version-4 shaped UUID drawn from the seeded sequence. */
  uuid(): string {
    const h = this.hex(32);
    const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

/** 32-bit mixing hash (murmur3 finalizer over FNV-1a); keyed, deterministic, not cryptographic. */
export function hash32(key: number, text: string): number {
  let h = (0x811c9dc5 ^ key) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const ROUNDS = 4;

/**
 * A keyed permutation of 64-bit values given as two 32-bit halves (a 4-round Feistel network).
 * Lets codes be derived from (sub-order, index) and decoded back, so only state changes need storing.
 */
export function permute64(key: number, hi: number, lo: number): [number, number] {
  let l = hi >>> 0;
  let r = lo >>> 0;
  for (let i = 0; i < ROUNDS; i++) {
    const f = fmix32((r ^ Math.imul(key + i, 0x9e3779b9)) >>> 0);
    [l, r] = [r, (l ^ f) >>> 0];
  }
  return [l, r];
}

/** Inverse of {@link permute64}. */
export function unpermute64(key: number, hi: number, lo: number): [number, number] {
  let l = hi >>> 0;
  let r = lo >>> 0;
  for (let i = ROUNDS - 1; i >= 0; i--) {
    const f = fmix32((l ^ Math.imul(key + i, 0x9e3779b9)) >>> 0);
    [l, r] = [(r ^ f) >>> 0, l];
  }
  return [l, r];
}

/**
 * An id nobody can guess and no run repeats (a world created without a name): not from the seed, since worlds
 * outlive the seed that made them and their ids must never come back after a restart.
 */
export function unrepeatableId(): string {
  return randomUUID();
}
