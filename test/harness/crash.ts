/**
 * Crash trials: a real simulator process under a loop of writers (MCOI orders registered then closed, ID-issuer
 * requests, clock advances) is killed with SIGKILL at a random moment; then it is started again on the same data
 * directory and every write acknowledged before the kill must be there, and no id may have been handed out twice.
 *
 * Used by test/crash.test.ts (20 trials, in `npm test`) and by `npm run bench` (bench/durability.ts: more trials, against the build).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Rng } from '../../simulator/core/random.js';

export interface CrashServer {
  child: ChildProcess;
  base: string;
}

export interface CrashOptions {
  trials: number;
  /** Starts the simulator on the trial's data directory (the same one every time). */
  start(): Promise<CrashServer>;
  /** Seeds the kill moments: the same seed, the same moments. */
  seed: number;
  writers?: number;
  /** Kill after this many ms of writing, uniformly (drawn from the seed). */
  killAfterMs?: [number, number];
  /** Called with every complete response (contract checks in the test). */
  check?(method: string, path: string, status: number, contentType: string | undefined, body: unknown, headers: Record<string, string>): void;
}

export interface CrashReport {
  trials: number;
  acknowledged: { orders: number; closes: number; requests: number; clock: number };
  /** Acknowledged writes missing after a restart (must be 0). */
  lost: string[];
  /** Ids handed out twice (must be 0). */
  duplicates: string[];
  /** Writes cut by the kill (no answer): allowed to be either there or not. */
  cut: number;
}

interface Acked {
  orders: Map<string, { closed: boolean }>;
  requests: Set<number>;
  clockAtLeastMs: number;
}

const ORDER = { productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 2, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 };
const REQUEST = {
  economicOperatorId: 'PWPK0000001', facilityId: 'PWPK0000002', processType: false, machineId: '',
  routeData: { intendedMarket: 'PL', intendedRoute: '', fromOutOfUE: false },
  productData: { cnCode: '24021000', productBrand: 'B', productType: '1', productTypeDescription: '', productWeight: 15, euCegIdentifier: 'X', euCegProductNumber: 'Y', subTypeName: '', units: 20, optionalId: '' },
  reqQuantity: 3, processImmediately: false,
};
const ID_TOKEN = 'sim-token-user-test-pl';

export async function runCrashTrials(o: CrashOptions): Promise<CrashReport> {
  const rng = new Rng(o.seed);
  const writers = o.writers ?? 3;
  const [minKill, maxKill] = o.killAfterMs ?? [50, 500];
  const acked: Acked = { orders: new Map(), requests: new Set(), clockAtLeastMs: 0 };
  const report: CrashReport = { trials: 0, acknowledged: { orders: 0, closes: 0, requests: 0, clock: 0 }, lost: [], duplicates: [], cut: 0 };
  const seenOrders = new Set<string>();
  const seenRequests = new Set<number>();

  const http = async (base: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> => {
    const res = await fetch(base + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = /json/.test(res.headers.get('content-type') ?? '') && text ? JSON.parse(text) : text;
    o.check?.(method, path, res.status, res.headers.get('content-type') ?? undefined, parsed, Object.fromEntries(res.headers));
    return { status: res.status, body: parsed };
  };

  const login = async (base: string): Promise<string> => (await http(base, 'POST', '/mcoi/api/users/authenticate', { login: '6e8login23', password: '12345678' })).body.accessToken;

  /** Checks that what was acknowledged (since `from`, or all of it) is in the restarted simulator. */
  const verify = async (base: string, trial: number, from: { orders: number; requests: number } = { orders: 0, requests: 0 }) => {
    const token = await login(base);
    for (const [orderId, { closed }] of [...acked.orders].slice(from.orders)) {
      const r = await http(base, 'GET', `/mcoi/api/orders?orderId=${orderId}`, undefined, token);
      const info = r.body.orderInfos?.[0];
      if (!info) report.lost.push(`trial ${trial}: order ${orderId}`);
      else if (closed && info.orderStatus !== 'CLOSED') report.lost.push(`trial ${trial}: the close of order ${orderId} (${info.orderStatus})`);
    }
    for (const id of [...acked.requests].slice(from.requests)) {
      const r = await http(base, 'GET', `/id-issuer/api/v3/identifiers/unit/requests/${id}`, undefined, ID_TOKEN);
      if (r.status !== 200) report.lost.push(`trial ${trial}: ID-issuer request ${id} (${r.status})`);
    }
    const clock = await http(base, 'GET', '/__sim/clock');
    if (clock.body.nowMs < acked.clockAtLeastMs) report.lost.push(`trial ${trial}: clock advance (now ${clock.body.nowMs} < ${acked.clockAtLeastMs})`);
  };

  /** One writer: order → close, then an ID-issuer request, then a clock advance; until the server dies. */
  const writer = async (base: string, token: string, stopAt: () => boolean) => {
    while (!stopAt()) {
      try {
        const order = await http(base, 'POST', '/mcoi/api/orders', ORDER, token);
        if (order.status !== 200) throw new Error(`registering an order answered ${order.status}: ${JSON.stringify(order.body)}`);
        const orderId = order.body.orderId as string;
        if (seenOrders.has(orderId)) report.duplicates.push(`orderId ${orderId}`);
        seenOrders.add(orderId);
        acked.orders.set(orderId, { closed: false });
        report.acknowledged.orders++;
        const close = await http(base, 'POST', `/mcoi/api/order/close?orderId=${orderId}`, undefined, token);
        if (close.status === 200) {
          acked.orders.set(orderId, { closed: true });
          report.acknowledged.closes++;
        }
        const request = await http(base, 'POST', '/id-issuer/api/v3/identifiers/unit/requests', REQUEST, ID_TOKEN);
        if (request.status === 201) {
          const id = request.body.requestId as number;
          if (seenRequests.has(id)) report.duplicates.push(`requestId ${id}`);
          seenRequests.add(id);
          acked.requests.add(id);
          report.acknowledged.requests++;
        }
        const clock = await http(base, 'POST', '/__sim/clock', { advanceMs: 10 });
        if (clock.status === 200) {
          acked.clockAtLeastMs = Math.max(acked.clockAtLeastMs, clock.body.nowMs);
          report.acknowledged.clock++;
        }
      } catch (e) {
        if (!(e instanceof TypeError)) throw e; // fetch failed: the kill cut this request (no answer, no acknowledgement)
        report.cut++;
        return;
      }
    }
  };

  let server = await o.start();
  for (let trial = 1; trial <= o.trials; trial++) {
    // What was acknowledged before this trial was verified after the previous restart (and no longer changes).
    const before = { orders: acked.orders.size, requests: acked.requests.size };
    let dead = false;
    const token = await login(server.base);
    const loops = Array.from({ length: writers }, () => writer(server.base, token, () => dead));
    const killAfter = rng.int(minKill, maxKill);
    await new Promise((r) => setTimeout(r, killAfter));
    const exited = once(server.child, 'exit');
    server.child.kill('SIGKILL');
    await exited;
    dead = true;
    await Promise.all(loops);
    server = await o.start();
    await verify(server.base, trial, before);
    report.trials++;
  }
  await verify(server.base, o.trials); // and everything, once more, after the last restart
  server.child.kill('SIGTERM');
  await once(server.child, 'exit');
  return report;
}
