/**
 * The contract fuzzer (bench/fuzz.ts) in the suite: a few thousand seeded cases over every operation of every
 * system and of the control plane. `npm run fuzz` runs more.
 */
import { describe, expect, it } from 'vitest';
import { fuzz } from './harness/fuzz.js';

describe('fuzzing every operation of the served contracts', () => {
  it('gets no 5xx, only answers in each system\'s own envelope, and leaves the server healthy', { timeout: 180_000 }, async () => {
    const report = await fuzz({ runs: Number(process.env.FUZZ_RUNS ?? 3_000), seed: 2026 });
    expect(report.serverErrors).toEqual([]);
    expect(report.violations).toEqual([]);
    expect(report.healthyAfter).toBe(true);
    expect(report.cases).toBe(Number(process.env.FUZZ_RUNS ?? 3_000));
    // The cases reach past the front door: refusals of every kind, and successes too.
    for (const status of ['200', '400', '401', '404']) expect(report.byStatus[status] ?? 0, `answers ${status}`).toBeGreaterThan(0);
  });
});
