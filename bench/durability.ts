/**
 * Durability: SIGKILL crash trials against the built server (bench/crash.ts, more trials than the test suite runs),
 * and write coalescing: 50 concurrent logins (each a durable mutation) against the file store — how many writes
 * they cost, and their wall time beside the same logins sent one after another and against the memory store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { runCrashTrials } from '../test/harness/crash.js';
import { round, startServer } from './lib.js';

export async function crashTrials(trials: number) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-crash-'));
  try {
    const t0 = performance.now();
    const r = await runCrashTrials({ trials, seed: 2026, writers: 3, start: () => startServer({ SIM_DATA_DIR: dir }) });
    return { ...r, lost: r.lost.length, lostDetail: r.lost.slice(0, 10), duplicates: r.duplicates.length, seconds: round((performance.now() - t0) / 1000) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 50 logins at once vs one after another, on the file store and the memory store (in process, the built app). */
export async function coalescing() {
  const { createApp } = (await import(pathToFileURL(join(PROJECT_ROOT, 'dist', 'simulator', 'app.js')).href)) as typeof import('../simulator/app.js');
  const login = (base: string) => fetch(`${base}/mcoi/api/users/authenticate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"login":"6e8login23","password":"12345678"}' }).then((r) => r.text());
  const measure = async (kind: 'file' | 'memory') => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-coalesce-'));
    const sim = await createApp({ store: kind === 'file' ? { kind, dir } : { kind }, rateLimits: false });
    const server = sim.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (let i = 0; i < 20; i++) await login(base); // warm up
      const w0 = sim.store.writes;
      let t = performance.now();
      await Promise.all(Array.from({ length: 50 }, () => login(base)));
      const concurrentMs = performance.now() - t;
      const concurrentWrites = sim.store.writes - w0;
      const w1 = sim.store.writes;
      t = performance.now();
      for (let i = 0; i < 50; i++) await login(base);
      const sequentialMs = performance.now() - t;
      return { concurrentMs: round(concurrentMs), concurrentWrites, sequentialMs: round(sequentialMs), sequentialWrites: sim.store.writes - w1 };
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const file = await measure('file');
  const memory = await measure('memory');
  return { file, memory, concurrentFileOverMemory: round(file.concurrentMs / memory.concurrentMs, 2), sequentialFileOverMemory: round(file.sequentialMs / memory.sequentialMs, 2) };
}
