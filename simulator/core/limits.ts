/**
 * Per-key request-rate limiter: a sliding window on the virtual clock. Answers how long to wait when over.
 *
 * @example
 * const limiter = new RateLimiter({ limit: 100, windowMs: 60_000 });
 * limiter.hit('user-1', nowMs); // { allowed: true } ... the 101st within a minute: { allowed: false, retryAfterMs }
 */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly rule: RateLimit) {}

  hit(key: string, nowMs: number): RateDecision {
    const since = nowMs - this.rule.windowMs;
    const times = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (times.length >= this.rule.limit) {
      this.hits.set(key, times);
      return { allowed: false, retryAfterMs: times[0] + this.rule.windowMs - nowMs };
    }
    times.push(nowMs);
    this.hits.set(key, times);
    return { allowed: true, remaining: this.rule.limit - times.length };
  }

  clear(): void {
    this.hits.clear();
  }
}
