/**
 * SetMark benchmarks against the built server, file store:
 * - one package of 5,000 marks (the document's recommended maximum): accepted (200, fsync'd) and processed (status 3);
 * - 100 such packages in a row (BENCH_SETMARK_ROW): throughput, peak RSS, size on disk;
 * - every package's time, and the last ten against the first ten (a package must not cost more as the stock grows);
 * - cash/validate latency against a stock of 1,000,000 marks (BENCH_SETMARK_PACKAGES=200), p50 / p99 over sequential calls, with
 *   GET /__sim/health measured the same way in the same run as the baseline (its ratio).
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peakRssMb, round, startServer, stopServer, type Server } from './lib.js';

const PACKAGE = 5_000;
/** Packages loaded in all (the stock cash/validate runs against: 200 × 5,000 = 1,000,000) and in the timed row (100). */
const TOTAL = Number(process.env.BENCH_SETMARK_PACKAGES ?? 200);
const ROW = Math.min(TOTAL - 1, Number(process.env.BENCH_SETMARK_ROW ?? 100));

export async function post(s: Server, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${s.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const marks = (p: number) => Array.from({ length: PACKAGE }, (_, i) => ({ mark: `0104630074092609215${String(p).padStart(4, '0')}${String(i).padStart(6, '0')}`, barcode: '4630074092609', item: '2201', gtd: '1234567', rccw: '654', country: 'Россия' }));
const pkg = (p: number) => ({ id: p, version: 1, inn: '7701234560', shop: 1, operationType: 1, productType: 3, data: marks(p) });

/** Sends a package and waits (virtual time) until erp/status says it is processed; the wall time of both. */
export async function load(s: Server, p: number, body = pkg(p)): Promise<{ acceptMs: number; processedMs: number }> {
  const t0 = performance.now();
  const r = await post(s, '/setmark/erp/add_mark', body);
  if (r.status !== 200) throw new Error(`add_mark ${r.status}`);
  const acceptMs = performance.now() - t0;
  await post(s, '/__sim/clock', { advanceMs: 2_000 });
  const st = await post(s, '/setmark/erp/status', { id: [p], version: 1, shop: 1 });
  if (st.json.packets[0].status !== 3) throw new Error(`package ${p}: status ${st.json.packets[0].status}`);
  return { acceptMs, processedMs: performance.now() - t0 };
}

function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

export async function latencies(n: number, call: (i: number) => Promise<void>): Promise<{ p50Ms: number; p99Ms: number }> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call(i);
    xs.push(performance.now() - t0);
  }
  return { p50Ms: round(percentile(xs, 0.5), 3), p99Ms: round(percentile(xs, 0.99), 3) };
}

export async function setmark() {
  const dir = mkdtempSync(join(tmpdir(), 'sim-bench-setmark-'));
  const s = await startServer({ SIM_DATA_DIR: dir });
  try {
    await post(s, '/__sim/clock', { freeze: true });
    const first = await load(s, 1);
    const times = [first.processedMs];
    const t0 = performance.now();
    for (let p = 2; p <= ROW + 1; p++) times.push((await load(s, p)).processedMs);
    const hundredMs = performance.now() - t0;
    const afterHundred = { peakRssMb: round(peakRssMb(s.child.pid!)), diskMb: round(Number(execSync(`du -sk ${dir}`).toString().split('\t')[0]) / 1024) };
    for (let p = ROW + 2; p <= TOTAL; p++) times.push((await load(s, p)).processedMs);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const firstTen = mean(times.slice(0, 10));
    const lastTen = mean(times.slice(-10));
    const code = (i: number) => `0104630074092609215${String(1 + (i % TOTAL)).padStart(4, '0')}${String((i * 7919) % PACKAGE).padStart(6, '0')}`;
    const validate = await latencies(2_000, async (i) => {
      const r = await post(s, '/setmark/cash/validate', { id: i, version: 1, inn: '7701234560', shop: 1, cash: 1, operationType: 0, productType: 3, mark: code(i) });
      if (r.json.result !== true) throw new Error(`validate ${code(i)}: ${JSON.stringify(r.json)}`);
    });
    const health = await latencies(2_000, async () => {
      await (await fetch(`${s.base}/__sim/health`)).text();
    });
    const state = await (await fetch(`${s.base}/__sim/state/setmark`)).json();
    return {
      onePackage: { marks: PACKAGE, acceptMs: round(first.acceptMs), processedMs: round(first.processedMs) },
      row: { packages: ROW, marks: ROW * PACKAGE, wallMs: Math.round(hundredMs), marksPerSecond: Math.round((ROW * PACKAGE) / (hundredMs / 1000)), ...afterHundred },
      packages: { total: TOTAL, firstTenMs: round(firstTen), lastTenMs: round(lastTen), lastOverFirst: round(lastTen / firstTen, 2), slowestMs: round(Math.max(...times)) },
      stock: state.marks.onStock,
      validate,
      health,
      validateOverHealthP99: round(validate.p99Ms / health.p99Ms, 2),
      peakRssMb: round(peakRssMb(s.child.pid!)),
      diskMb: round(Number(execSync(`du -sk ${dir}`).toString().split('\t')[0]) / 1024),
    };
  } finally {
    await stopServer(s);
    rmSync(dir, { recursive: true, force: true });
  }
}
