/**
 * The k6 scripts of clients/k6, kept honest without k6 (it cannot be installed here): each runs under the stand-in
 * (clients/k6/standin/run.mjs — the k6 modules it imports, its thresholds evaluated as k6 does) in a child process,
 * against a simulator in this process whose every response is checked against the contracts. A wrong path or a
 * failing check breaks the build; the stand-in itself is shown to fail when it should.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { setup, type Setup } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'k6-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function standIn(script: string, env: Record<string, string>): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'clients', 'k6', 'standin', 'run.mjs'), script], { cwd: PROJECT_ROOT, env: { ...process.env, K6_STANDIN_SLEEP_SCALE: '0', ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (status) => resolve({ status, out }));
  });
}

/** A simulator in this process (its responses checked against the contracts), processing at once, no rate limit. */
async function serving(): Promise<{ s: Setup; base: string; close(): Promise<void> }> {
  const s = await setup({ timings: { '*': { all: 0 } }, rateLimits: false });
  const server: Server = createServer(s.sim.app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    s,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('the k6 scripts, under the stand-in, against the simulator', () => {
  for (const script of ['mcoi', 'id-issuer', 'true-api', 'setmark'])
    it(`clients/k6/${script}.js: every check and threshold holds (2 users, 3 iterations)`, async () => {
      const { s, base, close } = await serving();
      try {
        // The script's polls find each status final at the first read (processing at once).
        const r = await standIn(`clients/k6/${script}.js`, { BASE_URL: base, VUS: '2', ITERATIONS: '3', P95_MS: '10000' });
        expect(r.out).toMatch(/3 iterations, \d+ requests, checks (\d+)\/\1\n/);
        expect(r.out).toContain('✓ checks: rate=1 == 1.0');
        expect([r.status, r.out]).toEqual([0, expect.any(String)]);
        // What the script did is what the simulator journaled (none of it refused).
        const journal = (await s.http.get(`/__sim/journal?system=${script}&limit=1000`)).body.entries as { status: number }[];
        expect(journal.length).toBeGreaterThan(3);
        expect(journal.filter((e) => e.status >= 400)).toEqual([]);
      } finally {
        await close();
      }
    }, 60_000);

  it('the stand-in fails as k6 does: a wrong path breaks a check and the checks threshold (exit 99); an unknown k6 module (exit 1)', async () => {
    const { base, close } = await serving();
    try {
      const wrong = join(tmp, 'wrong.js');
      writeFileSync(wrong, `import http from 'k6/http';\nimport { check } from 'k6';\nexport const options = { vus: 1, iterations: 1, thresholds: { checks: ['rate==1.0'], http_req_failed: ['rate<0.01'] } };\nexport default function () {\n  check(http.get('${base}/mcoi/api/no-such-path'), { 'found': (r) => r.status === 200 });\n}\n`);
      const r = await standIn(wrong, {});
      expect(r.status).toBe(99);
      expect(r.out).toContain('✗ found: failed 1×');
      expect(r.out).toContain('✗ checks: rate=0 == 1.0');
      expect(r.out).toContain('✗ http_req_failed: rate=1 < 0.01');
    } finally {
      await close();
    }
    const unknown = join(tmp, 'unknown.js');
    writeFileSync(unknown, `import ws from 'k6/ws';\nexport default function () { ws.connect(); }\n`);
    const u = await standIn(unknown, {});
    expect(u.status).not.toBe(0);
    expect(u.out).toContain('the k6 stand-in has no module k6/ws');
  }, 30_000);
});
