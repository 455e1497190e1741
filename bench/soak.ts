/**
 * Soak: 50 clients for 60 s against the built server with the file store, each looping over mixed writes — an MCOI
 * order of 10 codes, their unload, a utilisation report of them, an ID-issuer request — as fast as answers come.
 * Reports operations per 10-second window and the server's RSS at each window, so a cost that grows with the world
 * shows as a falling line. Targets (issue 9): the last window at least 0.8 × the first; RSS within 20% over the
 * last half.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { round, startServer, stopServer } from './lib.js';

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

export async function soak(o: { clients?: number; seconds?: number; windowSeconds?: number; store?: 'file' | 'memory' } = {}) {
  const clients = o.clients ?? 50;
  const seconds = o.seconds ?? 60;
  const windowMs = (o.windowSeconds ?? 10) * 1000;
  const dir = mkdtempSync(join(tmpdir(), 'bench-soak-'));
  const server = await startServer({ SIM_DATA_DIR: dir, SIM_STORE: o.store ?? 'file', SIM_TIMINGS: 'instant', SIM_LOG_LEVEL: 'warn' });
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(server.base + path, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : undefined;
  };
  try {
    const token = (await call('POST', '/mcoi/api/users/authenticate', { login: '6e8login23', password: '12345678' })).accessToken as string;
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    const windows: { ops: number; rssMb: number }[] = [];
    let ops = 0;
    let errors = 0;
    const windowTimer = setInterval(() => {
      windows.push({ ops, rssMb: round(rssMb(server.child.pid!)) });
      ops = 0;
    }, windowMs);
    const client = async () => {
      while (performance.now() < end) {
        try {
          const { orderId } = await call('POST', '/mcoi/api/orders', { productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', businessPlaceId: 27, products: [{ gtin: '04899215122371', quantity: 10, serialNumberType: 'OPERATOR', cisType: 'UNIT' }] }, token);
          ops++;
          const { codes } = await call('GET', `/mcoi/api/codes?orderId=${orderId}&gtin=04899215122371&quantity=10`, undefined, token);
          ops++;
          await call('POST', '/mcoi/api/utilisation?productGroup=vegetableoil', { sntins: codes, businessPlaceId: 27, releaseType: 'PRODUCTION' }, token);
          ops++;
          await call('POST', '/id-issuer/api/v3/identifiers/unit/requests', {
            economicOperatorId: 'PWPK0000001', facilityId: 'PWPK0000002', processType: false, machineId: '',
            routeData: { intendedMarket: 'PL', intendedRoute: '', fromOutOfUE: false },
            productData: { cnCode: '24021000', productBrand: 'B', productType: '1', productTypeDescription: '', productWeight: 15, euCegIdentifier: 'X', euCegProductNumber: 'Y', subTypeName: '', units: 20, optionalId: '' },
            reqQuantity: 10, processImmediately: true,
          }, 'sim-token-user-test-pl');
          ops++;
        } catch (e) {
          errors++;
          if (errors < 5) console.error((e as Error).message);
        }
      }
    };
    await Promise.all(Array.from({ length: clients }, client));
    clearInterval(windowTimer);
    const state = await call('GET', '/__sim/state/mcoi');
    const perSecond = windows.map((w) => round(w.ops / (windowMs / 1000)));
    const half = windows.slice(Math.floor(windows.length / 2)).map((w) => w.rssMb);
    const kb = (f: string) => (o.store === 'memory' ? 0 : round(statSync(join(dir, f)).size / 1024));
    return {
      clients,
      seconds,
      opsPerSecondByWindow: perSecond,
      lastOverFirst: round(perSecond[perSecond.length - 1] / perSecond[0], 2),
      rssMbByWindow: windows.map((w) => w.rssMb),
      rssSpreadLastHalf: round((Math.max(...half) - Math.min(...half)) / Math.min(...half), 2),
      ordersAtEnd: state.orders.total,
      documentsAtEnd: state.documents.total,
      dbJsonKb: kb('db.json'),
      logKb: kb('log.jsonl'),
      errors,
    };
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}
