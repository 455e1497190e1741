/**
 * What the server holds after long stretches of what used to grow without bound (issue 23, defect 5), file store:
 * - an ERP that never answers (a local socket that accepts and stays silent): the violations journal and the MRC
 *   export (every minute) are pushed at it — the journal every 5 s, a failed push retried at once (pushRetryMs 0) —
 *   while cash/validate keeps finding violations, for ten minutes of wall time
 *   (BENCH_GROWTH_MINUTES; the virtual clock runs with it, each push waits out its 10-second timeout); the RSS before
 *   and after, and the outbox (queued deliveries) the ERP side shows;
 * - a client that varies its login on every call: 20,000 failed MCOI logins (BENCH_GROWTH_LOGINS), each a new login,
 *   with the rate limit on; the RSS before and after.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { round, startServer, stopServer } from './lib.js';

const rssMb = (pid: number) => round(Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024);

export async function growth() {
  const minutes = Number(process.env.BENCH_GROWTH_MINUTES ?? 10);
  const logins = Number(process.env.BENCH_GROWTH_LOGINS ?? 20_000);
  const sockets: Socket[] = [];
  const silent = createServer((s) => {
    sockets.push(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const erp = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-growth-'));
  // The push timings of the unbounded case: the journal every 5 s, a failed push retried at once.
  const server = await startServer({ SIM_DATA_DIR: dir, SIM_LOG_LEVEL: 'warn', SIM_TIMINGS: JSON.stringify({ setmark: { journalReportMs: 5_000, pushRetryMs: 0 } }) });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(server.base + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text };
  };
  try {
    // The ERP that never answers.
    const put = await call('PUT', '/__sim/setmark/erp', { journalUrl: `${erp}/journal`, mrcUrl: `${erp}/mrc`, mrcCron: '0 * * * * *' });
    if (put.status !== 200) throw new Error(`PUT erp ${put.status} ${JSON.stringify(put.body)}`);
    for (let i = 0; i < 20; i++) await call('POST', '/setmark/cash/validate', { id: i, version: 1, inn: '7701234560', shop: 1, cash: 1, operationType: 0, productType: 3, mark: `NOT-ON-STOCK-${i}` });
    const erpBefore = { rssMb: rssMb(server.child.pid!) };
    const end = performance.now() + minutes * 60_000;
    for (let i = 0; performance.now() < end; i++) {
      await call('POST', '/setmark/cash/validate', { id: i, version: 1, inn: '7701234560', shop: 1, cash: 1, operationType: 0, productType: 3, mark: `NOT-ON-STOCK-${i}` });
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const side = (await call('GET', '/__sim/setmark/erp')).body as { queue: unknown[]; deliveries: unknown[] };
    const erpAfter = { rssMb: rssMb(server.child.pid!), queued: side.queue.length, deliveriesShown: side.deliveries.length, connectionsHeld: sockets.length };

    // The client that varies its login.
    const loginBefore = rssMb(server.child.pid!);
    let refused = 0;
    for (let i = 0; i < logins; i++) {
      const r = await call('POST', '/mcoi/api/users/authenticate', { login: `random-login-${i}`, password: 'x' });
      if (r.status === 401 || r.status === 429) refused++;
    }
    const loginAfter = rssMb(server.child.pid!);
    return {
      erpNeverAnswers: { minutes, before: erpBefore, after: erpAfter, rssGrowthMb: round(erpAfter.rssMb - erpBefore.rssMb) },
      varyingLogin: { logins, refused, rssBeforeMb: loginBefore, rssAfterMb: loginAfter, rssGrowthMb: round(loginAfter - loginBefore) },
    };
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}
