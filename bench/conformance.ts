/**
 * The client report card's cost (issue 27): the built server with grading on (the default) against the same server
 * with SIM_CONFORMANCE=off, both up throughout, measured in alternation ROUNDS times and compared by medians (a
 * noisy 2-core machine), beside a second ungraded server whose ratio to the first is the floor of what the machine
 * can tell apart. Reads: an authenticated MCOI status poll (GET /mcoi/api/orders?orderId=, graded by
 * poll-interval on every request), autocannon, 20 connections. Writes: order registrations each followed by its close
 * (10 clients; graded by duplicate-write, which digests each body). Which server goes first alternates. Memory: RSS of each after 20,000 more requests
 * from 2,000 programs (X-Sim-Client) polling 2,000 orders — what grading keeps stays bounded.
 */
import autocannon from 'autocannon';
import { Client, median, orderWrites, round, startServer, stopServer, type Server } from './lib.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function reads(s: Server, token: string): Promise<number> {
  const r = await autocannon({ url: `${s.base}/mcoi/api/orders?orderId=0e4c3dbb-d8d7-4de8-629a-fb36f69a905f`, connections: 20, duration: DURATION, headers: { authorization: `Bearer ${token}` } });
  if (r.non2xx || r.errors) throw new Error(`${r.non2xx} non-2xx, ${r.errors} errors`);
  return r.requests.average;
}

const writes = (s: Server, token: string) => orderWrites([s.base], token, DURATION);

const rssMb = async (s: Server) => Number(/VmRSS:\s+(\d+) kB/.exec((await import('node:fs')).readFileSync(`/proc/${s.child.pid}/status`, 'utf8'))![1]) / 1024;

/** 20,000 requests from 2,000 programs, each reading orders nobody else reads. */
async function crowd(s: Server, token: string): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (i < 20_000) {
        const n = i++;
        const r = await fetch(`${s.base}/mcoi/api/orders?orderId=00000000-0000-4000-8000-${String(n % 2000).padStart(12, '0')}`, { headers: { authorization: `Bearer ${token}`, 'x-sim-client': `program-${n % 2000}` } });
        await r.arrayBuffer();
      }
    }),
  );
}

export async function conformance() {
  const env = { SIM_STORE: 'memory', SIM_LOG_LEVEL: 'warn' };
  const on = await startServer(env);
  const off = await startServer({ ...env, SIM_CONFORMANCE: 'off' });
  // A second ungraded server: what two identical servers measure against each other here (the floor of the ratio).
  const twin = await startServer({ ...env, SIM_CONFORMANCE: 'off' });
  try {
    const tokens = new Map<Server, string>();
    for (const s of [on, off, twin]) {
      const c = new Client(s.base);
      await c.login();
      tokens.set(s, c.token);
    }
    const r = { on: { reads: [] as number[], writes: [] as number[] }, off: { reads: [] as number[], writes: [] as number[] }, twin: { reads: [] as number[], writes: [] as number[] } };
    const servers = [['off', off], ['on', on], ['twin', twin]] as [keyof typeof r, Server][];
    for (let i = 0; i < ROUNDS; i++) {
      // Which goes first rotates (a later one runs on a warmer, busier machine).
      const order = [...servers.slice(i % 3), ...servers.slice(0, i % 3)];
      for (const [k, s] of order) r[k].reads.push(await reads(s, tokens.get(s)!));
      for (const [k, s] of order) r[k].writes.push(await writes(s, tokens.get(s)!));
    }
    const before = { on: await rssMb(on), off: await rssMb(off) };
    await crowd(on, tokens.get(on)!);
    await crowd(off, tokens.get(off)!);
    const after = { on: await rssMb(on), off: await rssMb(off) };
    const clients = ((await (await fetch(`${on.base}/__sim/conformance`)).json()) as { clients: unknown[] }).clients.length;
    const m = (xs: number[]) => round(median(xs), 0);
    return {
      readsPerSecond: { off: m(r.off.reads), on: m(r.on.reads) },
      writesPerSecond: { off: m(r.off.writes), on: m(r.on.writes) },
      readRatio: round(median(r.on.reads) / median(r.off.reads), 2),
      readFloor: round(median(r.twin.reads) / median(r.off.reads), 2),
      writeFloor: round(median(r.twin.writes) / median(r.off.writes), 2),
      readRounds: { off: r.off.reads.map((x) => round(x, 0)), on: r.on.reads.map((x) => round(x, 0)) },
      writeRatio: round(median(r.on.writes) / median(r.off.writes), 2),
      rssMb: { before: { off: round(before.off, 1), on: round(before.on, 1) }, afterCrowd: { off: round(after.off, 1), on: round(after.on, 1) } },
      clientsGraded: clients,
    };
  } finally {
    await Promise.all([stopServer(on), stopServer(off), stopServer(twin)]);
  }
}
