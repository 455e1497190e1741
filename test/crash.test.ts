/**
 * SIGKILL at random moments under concurrent writers (bench/crash.ts): after each restart the store loads, every
 * write acknowledged before the kill is there, and no id was handed out twice. 20 trials here; `npm run bench`
 * runs more.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCrashTrials } from './harness/crash.js';
import { checkContract } from './helpers.js';
import { contractViolations, startServer } from './process.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const violations = contractViolations();

describe('crash trials', () => {
  it('loses no acknowledged write and repeats no id over 20 SIGKILLs under three writers', { timeout: 180_000 }, async () => {
    const report = await runCrashTrials({
      trials: 20,
      seed: 8,
      start: () => startServer({ SIM_DATA_DIR: dir, SIM_RATE_LIMITS: 'off' }),
      check: (method, path, status, contentType, body, headers) => checkContract(violations, method, path, status, contentType, body, headers),
    });
    expect(report.trials).toBe(20);
    expect(report.lost).toEqual([]);
    expect(report.duplicates).toEqual([]);
    // The trials did write: every kind of write was acknowledged many times, and kills did cut writes in flight.
    expect(report.acknowledged.orders).toBeGreaterThan(40);
    expect(report.acknowledged.requests).toBeGreaterThan(20);
    expect(report.cut).toBeGreaterThan(0);
  });
});
