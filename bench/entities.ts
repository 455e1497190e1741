/**
 * What a stored entity costs in memory: N of each kind made through the HTTP API of a simulator (the default file
 * store: the state in memory, blobs on disk), the heap measured after a full garbage collection before and after, and
 * the bytes of its payload (what the client sent: an order, a report body, a package's marks) given beside it. Each kind
 * runs once before it is measured (compiled code is left out of the heap too: a path's first runs compile it). The
 * client runs in a worker thread (its own heap), the simulator in a child process started with --expose-gc
 * (`npm run bench` starts it). BENCH_ENTITIES sets N (2,000).
 *
 * Kinds: an MCOI order with two sub-orders (registered, then closed); an MCOI utilisation report of one code; an
 * ID-issuer request; a SetMark mark (four packages of 5,000); a True API document (a receipt of one code of the
 * seller's, which changes the code: its ledger entry counts); and a read, for what a request leaves behind.
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
/** Packages of marks made per run: enough that a collection's noise is small against them. */
const PACKAGES = 4;
const RECEIPT = { bin: '150140000012', type: 'RECEIPT', codes: ['0104606203084630215OhHQhD5l4Ey0'] };
const report = (code: string) => ({ sntins: [code], businessPlaceId: 27, releaseType: 'PRODUCTION' });


/**
 * The client, in a worker thread (plain JavaScript, its own heap): makes one kind at a time when asked.
 */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const { base, N, ORDER, REQUEST, MARKS, RECEIPT, PACKAGES } = workerData;
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
  const used = new Set();
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
      for (let i = 0; i < PACKAGES; i++) {
        packages++;
        const data = MARKS.map((m) => ({ ...m, mark: m.mark + String(packages).padStart(3, '0') }));
        await call('POST', '/setmark/erp/add_mark', { id: packages, version: 1, inn: '7701234560', shop: 1, operationType: 1, productType: 3, data });
      }
    },
    document: async () => {
      // Codes of the seller's still in circulation (the default world's), each sold once: a receipt that changes a code.
      const sold = [];
      for (let offset = 0; sold.length < N; offset += 500) {
        const page = await call('GET', '/__sim/state/true-api/views/codes?q=150140000012&status=INTRODUCED&limit=500&offset=' + offset);
        // (a sale takes effect when its processing ends: the clock stands still here, so the codes sold still list)
        for (const row of page.rows) if (row.cells.packageType === 'UNIT' && !used.has(row.cells.cis) && sold.length < N) sold.push(row.cells.cis);
      }
      for (const code of sold) {
        used.add(code);
        await call('POST', '/__sim/true-api/receipts', { ...RECEIPT, codes: [code] });
      }
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
  const { getHeapSpaceStatistics } = await import('node:v8');
  /** The heap in use after full collections, less compiled code (the first runs of a path compile it: not an entity's cost). */
  const heap = () => {
    for (let i = 0; i < 3; i++) gc();
    const code = getHeapSpaceStatistics().filter((x) => x.space_name.startsWith('code')).reduce((n, x) => n + x.space_used_size, 0);
    return process.memoryUsage().heapUsed - code + process.memoryUsage().arrayBuffers;
  };
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'sim-bench-entities-'));
  const sim = await createApp({ clock: new ManualClock(T0), store: { kind: 'file', dir }, rateLimits: false, tickMs: 0, journalSize: 1 });
  const server = sim.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const worker = new Worker(CLIENT, { eval: true, workerData: { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, N, ORDER, REQUEST, MARKS, RECEIPT, PACKAGES } });
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
  await kind('setmark mark (packages of 5,000)', 'mark', PACKAGES * MARKS.length, Math.round(JSON.stringify(MARKS).length / MARKS.length));
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
