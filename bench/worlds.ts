/**
 * Worlds (issue 25): what a world costs to create and to keep, and whether the others slow one down. The built
 * server, the file store; 100 worlds created from the default fixtures one after another (p50 / p99 of POST
 * /__sim/worlds, durable when answered); RSS before and after them, idle; then an authenticated MCOI read in one
 * world (autocannon, 20 connections) with and without the 100 others, measured in alternation ROUNDS times.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { median, round, startServer, stopServer } from './lib.js';

const WORLDS = Number(process.env.BENCH_WORLDS ?? 100);
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const gc = (base: string) => fetch(`${base}/__sim/health`); // a request; the server's own GC decides the rest

async function create(base: string, id: string): Promise<number> {
  const t0 = performance.now();
  const r = await fetch(`${base}/__sim/worlds`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id }) });
  if (r.status !== 201) throw new Error(`create ${id}: ${r.status} ${await r.text()}`);
  return performance.now() - t0;
}

async function loginIn(base: string, world: string): Promise<string> {
  const r = await fetch(`${base}/w/${world}/mcoi/api/users/authenticate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"login":"6e8login23","password":"12345678"}' });
  return ((await r.json()) as { accessToken: string }).accessToken;
}

async function read(base: string, world: string, token: string) {
  const r = await autocannon({ url: `${base}/w/${world}/mcoi/api/orders`, connections: 20, duration: DURATION, headers: { authorization: `Bearer ${token}` } });
  if (r.non2xx || r.errors) throw new Error(`${r.non2xx} non-2xx, ${r.errors} errors`);
  return r.requests.average;
}

export async function worlds() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-worlds-'));
  const server = await startServer({ SIM_DATA_DIR: dir, SIM_LOG_LEVEL: 'warn', SIM_MAX_WORLDS: String(WORLDS + 10) });
  try {
    const pid = server.child.pid!;
    await create(server.base, 'measured');
    const token = await loginIn(server.base, 'measured');
    await gc(server.base);
    const rssBefore = rssMb(pid);
    // Alone first, then with the others.
    const alone: number[] = [];
    for (let i = 0; i < ROUNDS; i++) alone.push(await read(server.base, 'measured', token));
    const createMs: number[] = [];
    for (let i = 0; i < WORLDS; i++) createMs.push(await create(server.base, `idle-${i}`));
    await new Promise((r) => setTimeout(r, 2_000)); // let the last ones settle (their first tick)
    const rssAfter = rssMb(pid);
    const crowded: number[] = [];
    for (let i = 0; i < ROUNDS; i++) crowded.push(await read(server.base, 'measured', token));
    const sorted = [...createMs].sort((a, b) => a - b);
    return {
      worlds: WORLDS,
      createP50Ms: round(sorted[Math.floor(sorted.length / 2)], 1),
      createP99Ms: round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))], 1),
      rssBeforeMb: round(rssBefore, 1),
      rssAfterMb: round(rssAfter, 1),
      rssPerWorldMb: round((rssAfter - rssBefore) / WORLDS, 2),
      readAloneRps: round(median(alone), 0),
      readWithOthersRps: round(median(crowded), 0),
      ratio: round(median(crowded) / median(alone), 2),
    };
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}
