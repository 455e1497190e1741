/**
 * A full-size order, persistence on: 150,000 codes (sub-orders of 100,000 + 50,000) → READY → all unloaded in packs
 * of 10,000 → five utilisation reports of 30,000 → all SUCCESS. Target: < 10 s wall, < 400 MB peak RSS (server).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, peakRssMb, round, startServer, stopServer } from './lib.js';

export async function fullOrder() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-full-'));
  const server = await startServer({ SIM_DATA_DIR: dir });
  try {
    const c = new Client(server.base);
    const t0 = performance.now();
    await c.login();
    const A = '04899215122371';
    const B = '04815617815628';
    const orderId = await c.readyOrder([{ gtin: A, quantity: 100_000 }, { gtin: B, quantity: 50_000 }]);
    const tReady = performance.now();
    const codes = [...(await c.unloadAll(orderId, A, 100_000, 10_000)), ...(await c.unloadAll(orderId, B, 50_000, 10_000))];
    const tUnloaded = performance.now();
    const reports: string[] = [];
    for (let i = 0; i < 5; i++) reports.push(await c.utilise(codes.slice(i * 30_000, (i + 1) * 30_000)));
    const tReported = performance.now();
    await c.advance(2_000);
    for (const id of reports) {
      const st = await c.call('GET', `/mcoi/api/utilisation/${id}`);
      if (st.reportStatus !== 'SUCCESS') throw new Error(`report ${id} is ${st.reportStatus}: ${JSON.stringify(st).slice(0, 300)}`);
    }
    const tDone = performance.now();
    if (new Set(codes).size !== 150_000) throw new Error('codes are not unique');
    return {
      codes: codes.length,
      wallMs: round(tDone - t0, 0),
      registerMs: round(tReady - t0, 0),
      unloadMs: round(tUnloaded - tReady, 0),
      utiliseMs: round(tReported - tUnloaded, 0),
      peakRssMb: round(peakRssMb(server.child.pid!)),
    };
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}
