/**
 * Per-key request-rate limiter: a sliding window on the virtual clock. Answers how long to wait when over.
 *
 * @example
 * const limiter = new RateLimiter({ windowMs: 60_000 });
 * limiter.hit('user-1', nowMs, 100); // { allowed: true } ... the 101st within a minute: { allowed: false, retryAfterMs }
 */
export interface RateLimit {
  windowMs: number;
}

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly rule: RateLimit) {}

  /** Counts a hit against `limit` hits per window. */
  hit(key: string, nowMs: number, limit: number): RateDecision {
    const since = nowMs - this.rule.windowMs;
    const times = (this.hits.get(key) ?? []).filter((t) => t > since);
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
  }
}
