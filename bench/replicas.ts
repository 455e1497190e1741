/**
 * Replicas on one PostgreSQL: authenticated reads (GET /mcoi/api/orders?orderId= of one order of the default world, so
 * that the orders the write phase makes do not change what a read costs; autocannon, 20 connections in all) and
 * order registrations (each closed after, 10 clients in all) per second with one replica and with two, on this
 * machine — where the load generator and PostgreSQL share the same two cores with the replicas. Needs BENCH_PG_URL
 * (or SIM_TEST_PG_URL), a role that may create a database.
 */
import autocannon from 'autocannon';
import { runReplicaCrashTrials } from '../test/harness/replica-crash.js';
import { Client, cpuSeconds, orderWrites, postgresCpuSeconds, round, startServer, stopServer, type Server, scratchDatabase } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

/** Reads a second, and where the two cores went meanwhile (cores busy on average: replicas, PostgreSQL, load generator). */
async function reads(servers: Server[], token: string): Promise<{ perSecond: number; cores: { replicas: number; postgres: number; loadGenerator: number } }> {
  const per = Math.max(1, Math.floor(20 / servers.length));
  const before = { replicas: servers.map((s) => cpuSeconds(s.child.pid!)), postgres: postgresCpuSeconds(), self: process.cpuUsage() };
  const t0 = performance.now();
  const runs = await Promise.all(servers.map((s) => autocannon({ url: `${s.base}/mcoi/api/orders?orderId=0e4c3dbb-d8d7-4de8-629a-fb36f69a905f`, connections: per, duration: SECONDS, headers: { authorization: `Bearer ${token}` } })));
  const secs = (performance.now() - t0) / 1000;
  const self = process.cpuUsage(before.self);
  for (const r of runs) if (r.non2xx || r.errors) throw new Error(`${r.non2xx} non-2xx, ${r.errors} errors`);
  return {
    perSecond: runs.reduce((n, r) => n + r.requests.average, 0),
    cores: {
      replicas: round(servers.reduce((n, s, i) => n + cpuSeconds(s.child.pid!) - before.replicas[i], 0) / secs, 2),
      postgres: round((postgresCpuSeconds() - before.postgres) / secs, 2),
      loadGenerator: round((self.user + self.system) / 1e6 / secs, 2),
    },
  };
}

const writes = (servers: Server[], token: string) => orderWrites(servers.map((s) => s.base), token, SECONDS);

export async function replicas() {
  const db = await scratchDatabase('sim_bench_replicas');
  if (!db) return { skipped: 'set BENCH_PG_URL (bash scripts/start-postgres.sh prints one)' };
  const env = { SIM_STORE: db.url, SIM_LOG_LEVEL: 'warn' };
  const servers: Server[] = [];
  try {
    servers.push(await startServer(env));
    const c = new Client(servers[0].base);
    await c.login();
    const measure = async () => {
      const r = await reads(servers, c.token);
      return { readsPerSecond: round(r.perSecond, 0), readCores: r.cores, writesPerSecond: round(await writes(servers, c.token), 0) };
    };
    const one = await measure();
    servers.push(await startServer(env));
    const two = await measure();
    await Promise.all(servers.splice(0).map(stopServer));
    // SIGKILL of one replica of three under three writers, BENCH_REPLICA_TRIALS times (20 by default).
    const crash = await runReplicaCrashTrials({ trials: Number(process.env.BENCH_REPLICA_TRIALS ?? 20), seed: 26, start: () => startServer({ ...env, SIM_RATE_LIMITS: 'off' }), stop: (s) => stopServer(s as Server) });
    return { one, two, readRatio: round(two.readsPerSecond / one.readsPerSecond, 2), writeRatio: round(two.writesPerSecond / one.writesPerSecond, 2), crash: { trials: crash.trials, acknowledged: crash.acknowledged, lost: crash.lost.length, duplicated: crash.duplicates.length } };
  } finally {
    await Promise.all(servers.map(stopServer));
    await db.drop();
  }
}
