/**
 * Crash trials for replicas: three simulators on one PostgreSQL under three writers that spread their requests over
 * all of them; in each trial one replica is killed with SIGKILL at a random moment (drawn from the seed), the writers
 * go on with the others, and then every order acknowledged by any replica must be there through every survivor, and
 * no order id may have been handed out twice. The killed replica is started again for the next trial.
 *
 * Used by test/postgres.test.ts (a few trials, in `npm test` with PostgreSQL) and bench/replica-crash.ts (20 and more).
 */
import { Rng } from '../../simulator/core/random.js';
import type { CrashServer } from './crash.js';

export interface ReplicaCrashOptions {
  trials: number;
  seed: number;
  /** Starts one replica on the shared database. */
  start(): Promise<CrashServer>;
  stop(s: CrashServer): Promise<unknown>;
}

export interface ReplicaCrashReport {
  trials: number;
  acknowledged: number;
  lost: string[];
  duplicates: string[];
}

const ORDER = { productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 2, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 };

export async function runReplicaCrashTrials(o: ReplicaCrashOptions): Promise<ReplicaCrashReport> {
  const rng = new Rng(o.seed);
  const report: ReplicaCrashReport = { trials: 0, acknowledged: 0, lost: [], duplicates: [] };
  const seen = new Set<string>();
  const replicas = await Promise.all([0, 1, 2].map(() => o.start()));
  const post = async (base: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(base + path, { method: 'POST', headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
  };
  try {
    const token = (await post(replicas[0].base, '/mcoi/api/users/authenticate', undefined, { login: '6e8login23', password: '12345678' })).body.accessToken as string;
    for (let trial = 0; trial < o.trials; trial++) {
      const victim = Math.floor(rng.next() * 3);
      const killAfter = 100 + Math.floor(rng.next() * 600);
      const acked: string[] = [];
      let dead = false;
      const t0 = performance.now();
      const writer = async (w: number) => {
        for (let i = 0; performance.now() - t0 < killAfter + 400; i++) {
          const r = (w + i) % 3;
          if (dead && r === victim) continue;
          try {
            const made = await post(replicas[r].base, '/mcoi/api/orders', token, ORDER);
            if (made.status !== 200) continue;
            const id = made.body.orderId as string;
            if (seen.has(id)) report.duplicates.push(`trial ${trial}: orderId ${id}`);
            seen.add(id);
            acked.push(id);
            await post(replicas[r].base, `/mcoi/api/order/close?orderId=${id}`, token);
          } catch {
            // the killed replica: no answer, nothing acknowledged
          }
        }
      };
      const kill = (async () => {
        await new Promise((resolve) => setTimeout(resolve, killAfter));
        dead = true;
        replicas[victim].child.kill('SIGKILL');
      })();
      await Promise.all([writer(0), writer(1), writer(2), kill]);
      for (const [i, s] of replicas.entries()) {
        if (i === victim) continue;
        for (const id of acked) {
          const res = await fetch(`${s.base}/mcoi/api/orders?orderId=${id}`, { headers: { authorization: `Bearer ${token}` } });
          const found = res.status === 200 && ((await res.json()) as { orderInfos: unknown[] }).orderInfos.length === 1;
          if (!found) report.lost.push(`trial ${trial}: order ${id} (replica ${i}, ${res.status})`);
        }
      }
      report.acknowledged += acked.length;
      report.trials++;
      await o.stop(replicas[victim]);
      replicas[victim] = await o.start();
    }
  } finally {
    await Promise.all(replicas.map((r) => o.stop(r)));
  }
  return report;
}
