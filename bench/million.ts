/**
 * A persisted world with 1,000,000 codes issued, unloaded and applied (seven orders, 34 utilisation reports).
 * Measures a small mutation (register a 10-code order, close it: median over 50) and restart to healthy.
 * Targets: mutation median < 20 ms; restart < 3 s; a small mutation writes a small log record, not the state.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, median, peakRssMb, round, startServer, stopServer } from './lib.js';

const GTINS = ['04899215122371', '04815617815628'];

export async function million() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-million-'));
  let server = await startServer({ SIM_DATA_DIR: dir });
  try {
    const c = new Client(server.base);
    await c.login();
    const tBuild = performance.now();
    let issued = 0;
    let pending: string[] = [];
    while (issued < 1_000_000) {
      const q = Math.min(150_000, 1_000_000 - issued);
      const parts = q > 100_000 ? [100_000, q - 100_000] : [q];
      const orderId = await c.readyOrder(parts.map((quantity, i) => ({ gtin: GTINS[i], quantity })));
      for (const [i, n] of parts.entries()) {
        pending.push(...(await c.unloadAll(orderId, GTINS[i], n, 10_000)));
        while (pending.length >= 30_000) {
          await c.utilise(pending.slice(0, 30_000));
          pending = pending.slice(30_000);
        }
      }
      issued += q;
    }
    if (pending.length) await c.utilise(pending);
    await c.advance(2_000);
    const buildMs = performance.now() - tBuild;
    const state = await c.call('GET', '/__sim/state/mcoi');

    const logBefore = statSync(join(dir, 'log.jsonl')).size;
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      const { orderId } = await c.call('POST', '/mcoi/api/orders', {
        productGroup: 'vegetableoil',
        releaseMethodType: 'PRIMARY',
        products: [{ gtin: GTINS[0], quantity: 10, serialNumberType: 'OPERATOR', cisType: 'UNIT' }],
        businessPlaceId: 27,
      });
      await c.call('POST', `/mcoi/api/order/close?orderId=${orderId}`);
      times.push(performance.now() - t);
    }
    const dbBytes = statSync(join(dir, 'db.json')).size;
    const logBytes = statSync(join(dir, 'log.jsonl')).size - logBefore;
    const rssBefore = peakRssMb(server.child.pid!);
    await stopServer(server);

    server = await startServer({ SIM_DATA_DIR: dir });
    const after = await new Client(server.base).call('GET', '/__sim/state/mcoi');
    if (after.codes.markedCodes !== state.codes.markedCodes) throw new Error(`restart lost code states: ${after.codes.markedCodes} vs ${state.codes.markedCodes}`);
    return {
      codesIssued: issued,
      codesApplied: state.codes.markedCodes,
      buildSeconds: round(buildMs / 1000),
      mutationMedianMs: round(median(times), 2),
      mutationP95Ms: round([...times].sort((a, b) => a - b)[Math.floor(times.length * 0.95)], 2),
      dbJsonKb: round(dbBytes / 1024),
      /** Bytes appended to the log per mutation (100: 50 orders registered and closed); -1 if a snapshot emptied it. */
      logBytesPerMutation: logBytes < 0 ? -1 : round(logBytes / 100, 0),
      restartToHealthyMs: round(server.startMs, 0),
      peakRssMb: round(rssBefore),
      peakRssAfterRestartMb: round(peakRssMb(server.child.pid!)),
    };
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}
