/**
 * The dashboard's view routes against a large world (built server, file store): SetMark stock of
 * BENCH_DASHBOARD_PACKAGES × 5,000 marks (default 20: 100,000), read as the dashboard reads it — the first page of a
 * table, a filter that matches nothing (every row looked at), a status filter, a detail-less page far down — with
 * GET /__sim/health measured the same way in the same run as the baseline (the ratios).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peakRssMb, round, startServer, stopServer } from './lib.js';
import { latencies, load, post } from './setmark.js';

const PACKAGES = Number(process.env.BENCH_DASHBOARD_PACKAGES ?? 20);

export async function dashboard() {
  const dir = mkdtempSync(join(tmpdir(), 'sim-bench-dashboard-'));
  const s = await startServer({ SIM_DATA_DIR: dir });
  try {
    await post(s, '/__sim/clock', { freeze: true });
    for (let p = 1; p <= PACKAGES; p++) await load(s, p);
    const get = async (path: string) => {
      const res = await fetch(`${s.base}${path}`);
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return res.json() as Promise<{ total: number }>;
    };
    const total = (await get('/__sim/state/setmark/views/stock?limit=1')).total;
    const firstPage = await latencies(200, async () => void (await get('/__sim/state/setmark/views/stock?limit=50')));
    const farPage = await latencies(50, async () => void (await get(`/__sim/state/setmark/views/stock?limit=50&offset=${total - 50}`)));
    const noMatch = await latencies(50, async () => void (await get('/__sim/state/setmark/views/stock?limit=50&q=no-such-mark')));
    const byStatus = await latencies(50, async () => void (await get('/__sim/state/setmark/views/stock?limit=50&status=SOLD')));
    const orders = await latencies(200, async () => void (await get('/__sim/state/mcoi/views/orders?limit=50')));
    const health = await latencies(200, async () => void (await (await fetch(`${s.base}/__sim/health`)).text()));
    return {
      marks: total,
      firstPage,
      farPage,
      noMatch,
      byStatus,
      mcoiOrders: orders,
      health,
      firstPageOverHealthP50: round(firstPage.p50Ms / health.p50Ms, 1),
      noMatchOverHealthP50: round(noMatch.p50Ms / health.p50Ms, 1),
      peakRssMb: round(peakRssMb(s.child.pid!)),
    };
  } finally {
    await stopServer(s);
    rmSync(dir, { recursive: true, force: true });
  }
}
