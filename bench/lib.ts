/** Shared bench helpers: start the built simulator as a child process, talk to it over HTTP, read its peak RSS. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import pg from 'pg';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../simulator/core/paths.js';

export interface Server {
  child: ChildProcess;
  base: string;
  /** Milliseconds from spawn to the first 200 of /__sim/health. */
  startMs: number;
}

export async function startServer(env: Record<string, string>): Promise<Server> {
  const t0 = performance.now();
  // BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops (where a benchmark spends its time).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, join(PROJECT_ROOT, 'dist', 'simulator', 'main.js')], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', SIM_RATE_LIMITS: 'off', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on :(\d+)/.exec(out);
      if (!m) return;
      // From here on the server's log lines (one per request) are drained, not kept: the load generator shares
      // this process, and the start-up line carries the port at every level but silent.
      child.stdout!.off('data', onData);
      child.stdout!.on('data', () => undefined);
      resolve(`http://127.0.0.1:${m[1]}`);
    };
    child.stdout!.on('data', onData);
    child.on('exit', (c) => reject(new Error(`server exited ${c}: ${out}`)));
  });
  const res = await fetch(`${base}/__sim/health`);
  if (res.status !== 200) throw new Error(`health ${res.status}`);
  return { child, base, startMs: performance.now() - t0 };
}

export async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return; // already gone (a crash trial killed it)
  s.child.kill('SIGTERM');
  await once(s.child, 'exit');
}

/** Peak resident set size of a process, from Linux's VmHWM (MB). */
export function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU seconds a process has used (user + system), from Linux's /proc/<pid>/stat; 0 for a process gone. */
export function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds every PostgreSQL process of this machine has used (its server and each connection's backend). */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') total += cpuSeconds(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

export class Client {
  token = '';
  constructor(readonly base: string) {}

  async login(login = '6e8login23', password = '12345678'): Promise<void> {
    const r = await this.call('POST', '/mcoi/api/users/authenticate', { login, password });
    this.token = r.accessToken;
  }

  async call(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(this.base + path, {
      method,
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (res.status !== 200) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
    return json;
  }

  advance(ms: number) {
    return this.call('POST', '/__sim/clock', { advanceMs: ms });
  }

  /** Registers an OPERATOR order and waits (virtual time) until READY. */
  async readyOrder(products: { gtin: string; quantity: number }[]): Promise<string> {
    const { orderId } = await this.call('POST', '/mcoi/api/orders', {
      productGroup: 'vegetableoil',
      releaseMethodType: 'PRIMARY',
      products: products.map((p) => ({ ...p, serialNumberType: 'OPERATOR', cisType: 'UNIT' })),
      businessPlaceId: 27,
    });
    await this.advance(3_000);
    return orderId;
  }

  /** Unloads a whole sub-order in packs; returns every code. */
  async unloadAll(orderId: string, gtin: string, total: number, packSize: number): Promise<string[]> {
    const codes: string[] = [];
    let last: string | undefined;
    while (codes.length < total) {
      const q = new URLSearchParams({ orderId, gtin, quantity: String(packSize), ...(last ? { lastPackId: last } : {}) });
      const r = await this.call('GET', `/mcoi/api/codes?${q}`);
      codes.push(...r.codes);
      last = r.packId;
    }
    return codes;
  }

  async utilise(codes: string[]): Promise<string> {
    const r = await this.call('POST', '/mcoi/api/utilisation?productGroup=vegetableoil', { sntins: codes, businessPlaceId: 27, releaseType: 'PRODUCTION' });
    return r.reportId;
  }
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * A database of its own for a benchmark on the PostgreSQL server of BENCH_PG_URL (or SIM_TEST_PG_URL): its URL and
 * how to drop it; undefined when no server is named.
 */
export async function scratchDatabase(name: string): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const admin = process.env.BENCH_PG_URL ?? process.env.SIM_TEST_PG_URL;
  if (!admin) return undefined;
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  const db = `${name}_${process.pid}`;
  await run(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await run(`CREATE DATABASE ${db}`);
  const url = new URL(admin);
  url.pathname = `/${db}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`) };
}

/** A small MCOI order (2 codes), as the write benchmarks register it. */
export const SMALL_ORDER = { productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 2, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 };

/**
 * Small mutations a second for `seconds`: 10 clients, each registering an MCOI order and closing it, again and again,
 * spread over the servers given (client i on server i mod n).
 */
export async function orderWrites(bases: string[], token: string, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: 10 }, async (_, i) => {
      const c = new Client(bases[i % bases.length]);
      c.token = token;
      while (performance.now() < end) {
        const { orderId } = await c.call('POST', '/mcoi/api/orders', SMALL_ORDER);
        await c.call('POST', `/mcoi/api/order/close?orderId=${orderId}`);
        done += 2;
      }
    }),
  );
  return done / seconds;
}

