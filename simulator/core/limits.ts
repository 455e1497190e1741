/**
 * Per-key request-rate limiter: a sliding window on the virtual clock. Answers how long to wait when over.
 *
 * @example
 * const limiter = new RateLimiter({ windowMs: 60_000 });
 * limiter.hit('user-1', nowMs, 100); // { allowed: true } ... the 101st within a minute: { allowed: false, retryAfterMs }
 */
import type { RateSink } from './backends/backend.js';

export interface RateLimit {
  windowMs: number;
}

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

/** Keys kept at most: past it the least recently hit go (a client varying what it is counted by cannot grow memory). */
const MAX_KEYS = 100_000;
/** Hits between sweeps of keys whose window has emptied. */
const SWEEP_EVERY = 10_000;

export class RateLimiter {
  /** Hits per key, in a Map's insertion order: a key hit again moves to the end, so the first is the least recent. */
  private readonly hits = new Map<string, number[]>();
  private sinceSweep = 0;

  constructor(
    private readonly rule: RateLimit,
    /** Replicas of a shared store: hits are counted there, for every replica. */
    private readonly shared?: RateSink,
  ) {}

  /** How many keys are counted now (bounded by MAX_KEYS). */
  get size(): number {
    return this.hits.size;
  }

  /** Drops the keys whose window has no hit left (they would start from zero anyway). */
  private sweep(nowMs: number): void {
    const since = nowMs - this.rule.windowMs;
    for (const [k, times] of this.hits) if (!times.length || times[times.length - 1] <= since) this.hits.delete(k);
  }

  /** Counts a hit where every replica counts: in the shared store when there is one, else here (`hit`). */
  async check(key: string, nowMs: number, limit: number): Promise<RateDecision> {
    return this.shared ? this.shared.hit(key, nowMs, limit, this.rule.windowMs) : this.hit(key, nowMs, limit);
  }

  /** Counts a hit against `limit` hits per window, in this process. */
  hit(key: string, nowMs: number, limit: number): RateDecision {
    if (++this.sinceSweep >= SWEEP_EVERY) {
      this.sinceSweep = 0;
      this.sweep(nowMs);
    }
    const since = nowMs - this.rule.windowMs;
    const times = (this.hits.get(key) ?? []).filter((t) => t > since);
    this.hits.delete(key); // re-inserted at the end: the most recently hit
    if (this.hits.size >= MAX_KEYS) this.hits.delete(this.hits.keys().next().value!);
    if (times.length >= limit) {
      this.hits.set(key, times);
      return { allowed: false, retryAfterMs: times[0] + this.rule.windowMs - nowMs };
    }
    times.push(nowMs);
    this.hits.set(key, times);
    return { allowed: true, remaining: limit - times.length };
  }

  clear(): void {
    this.hits.clear();
    void this.shared?.clear().catch(() => undefined);
  }
}
