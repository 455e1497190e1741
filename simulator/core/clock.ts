/**
 * The only place in the simulator that reads real time. Everything else asks an injected {@link Clock}.
 *
 * A {@link SimClock} is virtual time: real time plus an offset while it runs, a fixed instant while frozen.
 * `/__sim/clock` advances, sets or freezes it; every time-driven status is computed from it when read.
 *
 * @example
 * const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
 * clock.advance(30 * 60_000); // tokens issued before now are expired
 */
export interface Clock {
  /** Milliseconds since the epoch, in virtual time. */
  nowMs(): number;
  now(): Date;
}

export interface ClockState {
  now: string;
  nowMs: number;
  frozen: boolean;
  offsetMs: number;
}

/** What a clock needs to resume after a restart (persisted with the world). */
export interface ClockSnapshot {
  offsetMs: number;
  frozenAt: number | null;
}

/** The instants virtual time may take: from the Unix epoch to the end of year 9999 (every one a valid ISO date). */
export const TIME_RANGE = { minMs: 0, maxMs: Date.UTC(9999, 11, 31, 23, 59, 59, 999) } as const;

export const inTimeRange = (ms: number) => Number.isFinite(ms) && ms >= TIME_RANGE.minMs && ms <= TIME_RANGE.maxMs;

/** Virtual clock: real time shifted by an offset, or frozen at an instant. */
export class SimClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  constructor(private readonly realNow: () => number = () => Date.now()) {}

  nowMs(): number {
    return this.frozenAt ?? this.realNow() + this.offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** Moves virtual time forward (never backward: a negative step is the caller's error). Refuses to leave TIME_RANGE. */
  advance(ms: number): void {
    this.check(this.nowMs() + ms);
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  /** Jumps to an instant; keeps running from there unless frozen. Refuses an instant outside TIME_RANGE. */
  set(ms: number): void {
    this.check(ms);
    if (this.frozenAt !== null) this.frozenAt = ms;
    else this.offsetMs = ms - this.realNow();
  }

  private check(ms: number): void {
    if (!inTimeRange(ms)) throw new RangeError(`virtual time must stay between ${new Date(TIME_RANGE.minMs).toISOString()} and ${new Date(TIME_RANGE.maxMs).toISOString()}`);
  }

  freeze(): void {
    if (this.frozenAt === null) this.frozenAt = this.nowMs();
  }

  unfreeze(): void {
    if (this.frozenAt === null) return;
    this.offsetMs = this.frozenAt - this.realNow();
    this.frozenAt = null;
  }

  snapshot(): ClockSnapshot {
    return { offsetMs: this.offsetMs, frozenAt: this.frozenAt };
  }

  /** Resumes from a snapshot: the same offset from real time (time went on while stopped), or the same frozen instant. */
  restore(s: ClockSnapshot): void {
    const at = s.frozenAt ?? this.realNow() + s.offsetMs;
    if (!inTimeRange(at)) return; // a snapshot no valid clock could have written: keep real time
    this.offsetMs = s.offsetMs;
    this.frozenAt = s.frozenAt;
  }

  state(): ClockState {
    const nowMs = this.nowMs();
    return { now: new Date(nowMs).toISOString(), nowMs, frozen: this.frozenAt !== null, offsetMs: this.offsetMs };
  }
}

/** A frozen clock for tests: time moves only when the test advances it. */
export class ManualClock extends SimClock {
  constructor(startMs: number) {
    super(() => startMs);
    this.freeze();
  }
}

/** Real wall-clock time, to order what several processes recorded (the journal of replicas); never business state. */
export function wallMs(): number {
  return Date.now();
}

/** Real elapsed time for measurements (journal durations, benchmarks); never used for business state. */
export function monotonicMs(): number {
  return performance.now();
}
