/**
 * Throughput of an authenticated MCOI read — GET /mcoi/api/orders (the organization's orders) and
 * GET /mcoi/api/orders?orderId=... (one) — against a bare express 5 hello-world, measured in the same run with the
 * same load generator (autocannon, 20 connections), at the default log level (one line per request). The servers
 * are measured in alternation (ROUNDS rounds of BENCH_SECONDS each), all up throughout, and compared by their
 * medians: on a noisy 2-core machine a single pair of runs swings by ±15 %. Target: ratio ≥ 0.7.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';
import { Client, median, round, startServer, stopServer } from './lib.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

async function cannon(url: string, headers: Record<string, string> = {}) {
  const r = await autocannon({ url, connections: 20, duration: DURATION, headers });
  if (r.non2xx || r.errors) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: round(r.requests.average, 0), p50Ms: r.latency.p50, p99Ms: r.latency.p99 };
}

async function helloWorld() {
  const code = `import express from 'express'; const app = express(); app.get('/', (_q, r) => { r.json({ hello: 'world' }); });
    const s = app.listen(0, '127.0.0.1', () => console.log('listening on :' + s.address().port));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise<string>((resolve) => child.stdout!.on('data', (d) => { const m = /listening on :(\d+)/.exec(String(d)); if (m) resolve(`http://127.0.0.1:${m[1]}`); }));
  return { child, base };
}

export async function throughput() {
  const hello = await helloWorld();
  const server = await startServer({ SIM_STORE: 'memory', ...(process.env.BENCH_SIM_LOG_LEVEL ? { SIM_LOG_LEVEL: process.env.BENCH_SIM_LOG_LEVEL } : {}) });
  try {
    const c = new Client(server.base);
    await c.login();
    const auth = { authorization: `Bearer ${c.token}` };
    const bare: Awaited<ReturnType<typeof cannon>>[] = [];
    const list: Awaited<ReturnType<typeof cannon>>[] = [];
    const one: Awaited<ReturnType<typeof cannon>>[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      bare.push(await cannon(`${hello.base}/`));
      list.push(await cannon(`${server.base}/mcoi/api/orders`, auth));
      one.push(await cannon(`${server.base}/mcoi/api/orders?orderId=0e4c3dbb-d8d7-4de8-629a-fb36f69a905f`, auth));
    }
    const summary = (xs: typeof bare) => ({ rps: median(xs.map((x) => x.rps)), p50Ms: median(xs.map((x) => x.p50Ms)), p99Ms: median(xs.map((x) => x.p99Ms)), rounds: xs.map((x) => x.rps) });
    const b = summary(bare);
    const l = summary(list);
    const o = summary(one);
    return { helloWorld: b, mcoiListOrders: l, mcoiOneOrder: o, ratio: round(l.rps / b.rps, 2), ratioOneOrder: round(o.rps / b.rps, 2), ratiosPerRound: list.map((x, i) => round(x.rps / bare[i].rps, 2)) };
  } finally {
    await stopServer(server);
    hello.child.kill();
    await once(hello.child, 'exit');
  }
}
