/**
 * What a stored entity costs in memory: N of each kind made through the HTTP API of a simulator (the default file
 * store: the state in memory, blobs on disk), the heap measured after a full garbage collection before and after, and
 * the bytes of its payload (what the client sent: an order, a report body, a package's marks) given beside it. The
 * client runs in a worker thread (its own heap), the simulator in a child process started with --expose-gc
 * (`npm run bench` starts it).
 *
 * Kinds: an MCOI order with two sub-orders (registered, then closed); an MCOI utilisation report of one code; an
 * ID-issuer request; a SetMark mark (a package of 5,000); a True API document (a receipt of one code); and a read,
 * for what a request leaves behind.
 */
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const N = Number(process.env.BENCH_ENTITIES ?? 2_000);
type Figures = Record<string, { bytesEach: number; payloadBytesEach: number; n: number }>;

const ORDER = { productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', businessPlaceId: 27, products: [{ gtin: '04899215122371', quantity: 5, serialNumberType: 'OPERATOR', cisType: 'UNIT' }, { gtin: '04815617815628', quantity: 5, serialNumberType: 'OPERATOR', cisType: 'UNIT' }] };
const REQUEST = {
  economicOperatorId: 'PWPK0000001',
  facilityId: 'PWPK0000002',
  processType: false,
  machineId: '',
  routeData: { intendedMarket: 'PL', intendedRoute: '', fromOutOfUE: false },
  productData: { cnCode: 'Code', productBrand: 'Brand', productType: 'Cigarette', productTypeDescription: '', productWeight: 15, euCegIdentifier: '12345-12-12345', euCegProductNumber: '12345678901', subTypeName: '', units: 10, optionalId: '' },
  reqQuantity: 10,
  processImmediately: false,
};
const MARKS = Array.from({ length: 5_000 }, (_, i) => ({ mark: `01046300740926092150${String(i).padStart(7, '0')}`, barcode: '4630074092609', item: '2201', gtd: '1234567', rccw: '654', country: 'Россия' }));
const RECEIPT = { bin: '150140000012', type: 'RECEIPT', codes: ['0104606203084630215OhHQhD5l4Ey0'] };
const report = (code: string) => ({ sntins: [code], businessPlaceId: 27, releaseType: 'PRODUCTION' });


/**
 * The client, in a worker thread (plain JavaScript, its own heap): makes one kind at a time when asked.
 */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const { base, N, ORDER, REQUEST, MARKS, RECEIPT } = workerData;
const report = (code) => ({ sntins: [code], businessPlaceId: 27, releaseType: 'PRODUCTION' });
const call = async (method, path, body, headers = {}) => {
  const res = await fetch(base + path, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
};
(async () => {
  const auth = { Authorization: 'Bearer ' + (await call('POST', '/mcoi/api/users/authenticate', { login: '6e8login23', password: '12345678' })).accessToken };
  let codes = [];
  let packages = 0;
  const kinds = {
    order: async () => { for (let i = 0; i < N; i++) await call('POST', '/mcoi/api/order/close?orderId=' + (await call('POST', '/mcoi/api/orders', ORDER, auth)).orderId, undefined, auth); },
    prepareCodes: async () => {
      const big = await call('POST', '/mcoi/api/orders', { ...ORDER, products: [{ gtin: '04899215122371', quantity: N, serialNumberType: 'OPERATOR', cisType: 'UNIT' }] }, auth);
      await call('POST', '/__sim/clock', { advanceMs: 3000 });
      codes = (await call('GET', '/mcoi/api/codes?orderId=' + big.orderId + '&gtin=04899215122371&quantity=' + N, undefined, auth)).codes;
    },
    report: async () => { for (const code of codes) await call('POST', '/mcoi/api/utilisation?productGroup=vegetableoil', report(code), auth); },
    request: async () => { for (let i = 0; i < N; i++) await call('POST', '/id-issuer/api/v3/identifiers/unit/requests', REQUEST, { Authorization: 'Bearer sim-token-user-test-pl' }); },
    mark: async () => {
      packages++;
      const data = MARKS.map((m) => ({ ...m, mark: m.mark + String(packages).padStart(3, '0') }));
      await call('POST', '/setmark/erp/add_mark', { id: packages, version: 1, inn: '7701234560', shop: 1, operationType: 1, productType: 3, data });
    },
    document: async () => {
      // A code of the seller's (the default world's first listed), sold over and over: a receipt of a known code.
      const code = (await call('GET', '/__sim/state/true-api/views/codes?q=150140000012&limit=1')).rows[0].cells.cis;
      for (let i = 0; i < N; i++) await call('POST', '/__sim/true-api/receipts', { ...RECEIPT, codes: [code] });
    },
    read: async () => { for (let i = 0; i < N; i++) await call('GET', '/mcoi/api/orders', undefined, auth); },
  };
  parentPort.on('message', (kind) => kinds[kind]().then(() => parentPort.postMessage('done')));
  parentPort.postMessage('ready');
})();
`;

/** The simulator, in this process: the heap before and after each kind. */
async function measure(): Promise<Figures> {
  const { createApp } = await import('../simulator/app.js');
  const { ManualClock } = await import('../simulator/core/clock.js');
  const gc = (globalThis as unknown as { gc: () => void }).gc;
  const heap = () => {
    for (let i = 0; i < 3; i++) gc();
    return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  };
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'sim-bench-entities-'));
  const sim = await createApp({ clock: new ManualClock(T0), store: { kind: 'file', dir }, rateLimits: false, tickMs: 0, journalSize: 1 });
  const server = sim.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const worker = new Worker(CLIENT, { eval: true, workerData: { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, N, ORDER, REQUEST, MARKS, RECEIPT } });
  const next = () => new Promise<void>((r) => worker.once('message', () => r()));
  await next();
  const run = (kind: string) => {
    const done = next();
    worker.postMessage(kind);
    return done;
  };
  const out: Figures = {};
  const kind = async (name: string, k: string, n: number, payload: number) => {
    await run(k); // once to warm up the code paths (their compiled code is not an entity's cost)
    const before = heap();
    await run(k);
    out[name] = { bytesEach: Math.round((heap() - before) / n), payloadBytesEach: payload, n };
  };
  await kind('mcoi order (2 sub-orders)', 'order', N, JSON.stringify(ORDER).length);
  await run('prepareCodes');
  await run('report'); // warm-up with the codes of one order ...
  await run('prepareCodes'); // ... and fresh ones to measure
  const before = heap();
  await run('report');
  out['mcoi utilisation report (1 code)'] = { bytesEach: Math.round((heap() - before) / N), payloadBytesEach: JSON.stringify(report('0'.repeat(38))).length, n: N };
  await kind('id-issuer request', 'request', N, JSON.stringify(REQUEST).length);
  await run('mark');
  const m0 = heap();
  await run('mark');
  out['setmark mark (a package of 5,000)'] = { bytesEach: Math.round((heap() - m0) / MARKS.length), payloadBytesEach: Math.round(JSON.stringify(MARKS).length / MARKS.length), n: MARKS.length };
  await kind('true-api document (a receipt of 1 code)', 'document', N, JSON.stringify(RECEIPT).length);
  await kind('(a read: what a request leaves behind)', 'read', N, 0);
  await worker.terminate();
  server.closeAllConnections();
  server.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  return out;
}

/** `npm run bench`: the figures, from a child process that may collect garbage on demand. */
export function entities(): Figures {
  const text = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', new URL(import.meta.url).pathname], { encoding: 'utf8', env: { ...process.env, BENCH_ENTITIES_CHILD: '1' }, maxBuffer: 1 << 24 });
  return JSON.parse(text.trim().split('\n').pop()!);
}

if (process.env.BENCH_ENTITIES_CHILD && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(JSON.stringify(await measure()));
