/**
 * What a PostgreSQL commit costs a small mutation, against the file store in the same run: the built server, one
 * client registering MCOI orders and closing each, one request after another (each answered when committed), N orders
 * per store; p50 / p99 of a mutation and mutations a second. Needs BENCH_PG_URL (or SIM_TEST_PG_URL): a role that may create a database (one is made and
 * dropped). `bash scripts/start-postgres.sh` starts a throwaway server and prints such a URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, round, startServer, stopServer, scratchDatabase } from './lib.js';

const N = Number(process.env.BENCH_PG_ORDERS ?? 500);
const ORDER = { productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 2, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 };

async function orders(env: Record<string, string>) {
  const server = await startServer({ SIM_LOG_LEVEL: 'warn', ...env });
  try {
    const c = new Client(server.base);
    await c.login();
    const ms: number[] = [];
    const t0 = performance.now();
    // Each order registered, then closed (the document allows 100 active orders): two small mutations, each timed.
    for (let i = 0; i < N; i++) {
      let t = performance.now();
      const { orderId } = await c.call('POST', '/mcoi/api/orders', ORDER);
      ms.push(performance.now() - t);
      t = performance.now();
      await c.call('POST', `/mcoi/api/order/close?orderId=${orderId}`);
      ms.push(performance.now() - t);
    }
    const total = performance.now() - t0;
    ms.sort((a, b) => a - b);
    return { mutations: ms.length, p50Ms: round(ms[Math.floor(ms.length / 2)], 2), p99Ms: round(ms[Math.floor(ms.length * 0.99)], 2), perSecond: round((ms.length / total) * 1000, 0) };
  } finally {
    await stopServer(server);
  }
}

export async function postgres() {
  const db = await scratchDatabase('sim_bench');
  if (!db) return { skipped: 'set BENCH_PG_URL (bash scripts/start-postgres.sh prints one)' };
  const dir = mkdtempSync(join(tmpdir(), 'bench-pg-file-'));
  try {
    const file = await orders({ SIM_DATA_DIR: dir });
    const postgres = await orders({ SIM_STORE: db.url });
    return { orders: N, file, postgres, p50AddedMs: round(postgres.p50Ms - file.p50Ms, 2), ratio: round(postgres.perSecond / file.perSecond, 2) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
}
