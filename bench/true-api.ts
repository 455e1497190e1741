/**
 * True API. A code-list order's 10,000-code ZIP (§5.3), downloaded over HTTP, against the floor: zipping the same
 * CSV in this process (same run, medians). Target: at most 3 × the floor. And code queries: POST /cises/info with 1,000 codes (a box, blocks, packs and milk units the default
 * participant produced), against MCOI's order lookup by id measured in the same run, medians of ROUNDS requests each,
 * alternated. The ratio says what answering 1,000 codes costs over a one-record lookup; per code it should be small,
 * since the registry decodes codes instead of storing them.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipFiles, zipFiles } from '../simulator/core/zip.js';
import { CodeBook } from '../simulator/systems/true-api/codes.js';
import { batchOf } from '../simulator/systems/true-api/world.js';
import fixture from '../fixtures/true-api/world.json' with { type: 'json' };
import { Client, median, peakRssMb, round, startServer, stopServer } from './lib.js';

const ROUNDS = Number(process.env.BENCH_TRUE_API_ROUNDS ?? 30);

export async function trueApi() {
  const server = await startServer({ SIM_STORE: 'memory' });
  try {
    const book = new CodeBook(1, fixture.batches.map((b) => batchOf(b as Parameters<typeof batchOf>[0], Date.now())));
    const tobacco = book.batches.find((b) => b.id === 1)!;
    const milk = book.batches.find((b) => b.id === 4)!;
    const codes = [
      ...[...book.walk(tobacco, 'unit')].slice(0, 600).map((r) => book.cis(r)),
      ...[...book.walk(tobacco, 'block')].slice(0, 99).map((r) => book.emitted(r)),
      book.cis({ batch: tobacco, level: 'box', index: 0 }),
      ...[...book.walk(milk, 'unit')].slice(0, 300).map((r) => book.withTail(r)),
    ];
    const mcoi = new Client(server.base);
    await mcoi.login();
    const key = await (await fetch(`${server.base}/true-api/auth/key`)).json();
    const { token } = await (await fetch(`${server.base}/true-api/auth/simpleSignIn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uuid: key.uuid, data: 'x' }) })).json();
    const time = async (f: () => Promise<Response>) => {
      const t0 = performance.now();
      const res = await f();
      const body = await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${res.status} ${Buffer.from(body).toString().slice(0, 200)}`);
      return { ms: performance.now() - t0, bytes: body.byteLength };
    };
    const info = () => fetch(`${server.base}/true-api/cises/info`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(codes) });
    const lookup = () => fetch(`${server.base}/mcoi/api/orders?orderId=0e4c3dbb-d8d7-4de8-629a-fb36f69a905f`, { headers: { authorization: `Bearer ${mcoi.token}` } });
    for (let i = 0; i < 5; i++) await Promise.all([time(info), time(lookup)]); // warm-up
    const a: number[] = [];
    const b: number[] = [];
    let bytes = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const r = await time(info);
      bytes = r.bytes;
      a.push(r.ms);
      b.push((await time(lookup)).ms);
    }
    // The ZIP of a 10,000-code order (milk units of the default participant).
    const { uuid } = await (await fetch(`${server.base}/true-api/cises/my`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ gtin: '04870003870025' }) })).json();
    await fetch(`${server.base}/__sim/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: 5_000 }) });
    const download = () => fetch(`${server.base}/true-api/cises/orders/${uuid}/result`, { headers: { authorization: `Bearer ${token}` } });
    const zip = Buffer.from(await (await download()).arrayBuffer());
    const csv = Object.values(unzipFiles(zip))[0];
    const zipMs: number[] = [];
    const floorMs: number[] = [];
    for (let i = 0; i < 10; i++) {
      zipMs.push((await time(download)).ms);
      const t0 = performance.now();
      zipFiles([{ name: 'codes.csv', data: csv }], { mtimeMs: Date.now() });
      floorMs.push(performance.now() - t0);
    }
    const resultMs = round(median(zipMs), 1);
    const floor = round(median(floorMs), 1);
    const infoMs = round(median(a), 2);
    const lookupMs = round(median(b), 2);
    return { zipCodes: csv.toString('utf8').trimEnd().split('\n').length - 1, zipKb: round(zip.length / 1024, 1), csvKb: round(csv.length / 1024, 1), zipDownloadMedianMs: resultMs, zipFloorMedianMs: floor, zipOverFloor: round(resultMs / floor, 2), codes: codes.length, cisesInfoMedianMs: infoMs, cisesInfoKb: round(bytes / 1024, 1), mcoiOrderLookupMedianMs: lookupMs, ratio: round(infoMs / lookupMs, 1), perCodeUs: round((infoMs * 1000) / codes.length, 1), serverPeakRssMb: round(peakRssMb(server.child.pid!), 1) };
  } finally {
    await stopServer(server);
  }
}

/**
 * A registry of a million codes more (a scenario adds one batch of 1,000,000 milk units to the default world): start-up
 * time and peak RSS against the default world started the same way in the same run, and the time of a small mutation
 * (a code-list order) in it. The registry is derived from batches, so neither should grow with it. Targets: start
 * ≤ 3 s, peak RSS ≤ 300 MB.
 */
export async function trueApiMillion() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-true-api-'));
  try {
    const scenario = join(dir, 'million.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        name: 'true-api-million',
        description: 'A million milk units more for the default participant.',
        world: { 'true-api': { batches: [{ id: 40, productGroup: 'milk', kind: 'units', gtin: '04870003870025', count: 1_000_000, status: 'INTRODUCED', producerBin: '150140000012', ownerBin: '150140000012', emittedAt: '2026-01-10T08:00:00Z', producedAt: '2026-01-11T08:00:00Z', emissionType: 'LOCAL' }] } },
      }),
    );
    const measure = async (env: Record<string, string>) => {
      const server = await startServer({ SIM_DATA_DIR: join(dir, `data-${Object.keys(env).length}`), ...env });
      try {
        const key = await (await fetch(`${server.base}/true-api/auth/key`)).json();
        const { token } = await (await fetch(`${server.base}/true-api/auth/simpleSignIn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uuid: key.uuid, data: 'x' }) })).json();
        const ms: number[] = [];
        for (let i = 0; i < 20; i++) {
          const t0 = performance.now();
          const r = await fetch(`${server.base}/true-api/cises/my`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ gtin: '04870003870025' }) });
          await r.arrayBuffer();
          if (r.status !== 200) throw new Error(`cises/my ${r.status}`);
          ms.push(performance.now() - t0);
        }
        const codes = (await (await fetch(`${server.base}/__sim/state/true-api`)).json()).codes.total as number;
        return { codes, startMs: round(server.startMs, 0), peakRssMb: round(peakRssMb(server.child.pid!), 1), mutationMedianMs: round(median(ms), 2) };
      } finally {
        await stopServer(server);
      }
    };
    const base = await measure({});
    const million = await measure({ SIM_SCENARIO: scenario });
    return { defaultWorld: base, withMillion: million, startOverDefault: round(million.startMs / base.startMs, 2), rssOverDefault: round(million.peakRssMb / base.peakRssMb, 2) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A document of 10,000 named codes (20 boxes of cigarettes — each with its 50 blocks and 500 packs — and 9,980 milk
 * units: 21,040 codes changed) with the file store: a withdrawal notice (submission, processing on the clock, the codes
 * WRITTEN_OFF in /cises/info) or an act (registration, delivery, the buyer's two-step approval, the codes the buyer's in
 * /cises/info). Targets: under 5 s and 300 MB. Then a small mutation (a receipt of one code): its time against the
 * same mutation before the document, and the bytes it appends to the log (a ledger of 20,000 codes must not be
 * rewritten by a change of one).
 */
async function bigDocument(kind: 'notice' | 'act') {
  const dir = mkdtempSync(join(tmpdir(), `bench-true-api-${kind}-`));
  const server = await startServer({ SIM_DATA_DIR: dir });
  try {
    const book = new CodeBook(1, fixture.batches.map((b) => batchOf(b as Parameters<typeof batchOf>[0], Date.now())));
    const tobacco = book.batches.find((b) => b.id === 1)!;
    const milk = book.batches.find((b) => b.id === 4)!;
    const boxes = [...book.walk(tobacco, 'box')].slice(0, 20).map((r) => book.cis(r));
    const units = [...book.walk(milk, 'unit')].slice(0, 9_980).map((r) => book.cis(r));
    const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const list = [...boxes.map((c) => `<iCode count="500">${esc(c)}</iCode>`), ...units.map((c) => `<iCode count="1">${esc(c)}</iCode>`)].join('');
    const xml =
      kind === 'notice'
        ? `<?xml version="1.0" encoding="utf-8"?><file fileId="b0000000-0000-4000-8000-000000010000" version="1.0" sendingDateTime="2026-03-02T09:00:00Z"><document><mainInfo reason="4"><participantInfo participantIdentificationCode="150140000012"/><originalDocInfo docName="Акт" docNumber="1" docDate="01.03.2026"/></mainInfo><productList>${list}</productList></document></file>`
        : `<?xml version="1.0" encoding="UTF-8"?><file sendingDateTime="2026-03-02T09:45:15Z" version="1.0" fileId="EEU_ACT_b0000000-0000-4000-8000-000000010000"><participants consigneeId="180340000025" supplierId="150140000012"/><document operationType="1" correctionFlag="false"><mainInfo><supplierInfo supplierIdentificationCode="150140000012"/><consigneeInfo consigneeIdentificationCode="180340000025"/></mainInfo><productList>${list}</productList><productTotals><gtin count="10000">${tobacco.gtin}</gtin><gtin count="9980">${milk.gtin}</gtin></productTotals></document></file>`;
    const signIn = async (inn: string) => {
      const key = await (await fetch(`${server.base}/true-api/auth/key`)).json();
      return `Bearer ${(await (await fetch(`${server.base}/true-api/auth/simpleSignIn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uuid: key.uuid, data: 'x', inn }) })).json()).token}`;
    };
    const supplier = await signIn('150140000012');
    const buyer = await signIn('180340000025');
    const call = async (method: string, path: string, auth: string, body?: string | FormData, type?: string) => {
      const r = await fetch(`${server.base}/true-api${path}`, { method, headers: { authorization: auth, ...(type ? { 'content-type': type } : {}) }, body });
      const text = await r.text();
      if (r.status >= 300) throw new Error(`${method} ${path} ${r.status} ${text.slice(0, 300)}`);
      return text;
    };
    const advance = (ms: number) => fetch(`${server.base}/__sim/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: ms }) });
    const receipt = async (code: string) => {
      const t0 = performance.now();
      const r = await fetch(`${server.base}/__sim/true-api/receipts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ bin: '150140000012', type: 'RECEIPT', codes: [code] }) });
      await r.arrayBuffer();
      if (r.status !== 201) throw new Error(`receipt ${r.status}`);
      return performance.now() - t0;
    };
    const spare = [...book.walk(milk, 'unit')].slice(20_000, 20_040).map((r) => book.cis(r));
    const before: number[] = [];
    for (let i = 0; i < 20; i++) before.push(await receipt(spare[i]));
    const t0 = performance.now();
    let id: string;
    if (kind === 'notice') id = await call('POST', '/documents/writeOff', supplier, JSON.stringify({ document: Buffer.from(xml).toString('base64'), signature: 'c2ln' }), 'application/json');
    else {
      const form = new FormData();
      form.append('content', Buffer.from(xml).toString('base64'));
      form.append('signature', 'c2ln');
      id = await call('POST', '/edo-api/outgoing-documents/formal', supplier, form);
    }
    const submitMs = performance.now() - t0;
    await advance(3_000);
    if (kind === 'act') {
      await call('POST', `/edo-api/incoming-documents/${id}/events/approve`, buyer);
      await call('POST', `/edo-api/incoming-documents/${id}/events/approve/signature`, buyer, 'c2lnbmVk', 'text/plain');
    }
    const probe = [boxes[19], book.cis({ batch: tobacco, level: 'unit', index: 9_999 }), units.at(-1)!];
    const info = JSON.parse(await call('POST', '/cises/info', kind === 'act' ? buyer : supplier, JSON.stringify(probe), 'application/json'));
    const totalMs = performance.now() - t0;
    const done = (e: { cisInfo: { status: string; ownerBin?: string; ownerInn?: string } }) => (kind === 'act' ? (e.cisInfo.ownerBin ?? e.cisInfo.ownerInn) === '180340000025' : e.cisInfo.status === 'WRITTEN_OFF');
    if (!info.every(done)) throw new Error(`not in effect: ${JSON.stringify(info).slice(0, 300)}`);
    const doc = JSON.parse(await call('GET', `/documents/${id}/info`, supplier));
    if (doc.status !== 'CHECKED_OK') throw new Error(`${kind} ${doc.status}: ${JSON.stringify(doc.errors)?.slice(0, 300)}`);
    // The bytes one receipt appends: a receipt during which the log was compacted (it shrank) does not say, the next does.
    const after: number[] = [];
    let appended = -1;
    for (let i = 20; i < 40; i++) {
      const logBefore = statSync(join(dir, 'log.jsonl')).size;
      after.push(await receipt(spare[i]));
      const grew = statSync(join(dir, 'log.jsonl')).size - logBefore;
      if (appended < 0 && grew > 0) appended = grew;
    }
    const state = await (await fetch(`${server.base}/__sim/state/true-api`)).json();
    return {
      namedCodes: boxes.length + units.length,
      codesChanged: state.codesChangedByDocuments as number,
      xmlKb: round(Buffer.byteLength(xml) / 1024, 0),
      submitMs: round(submitMs, 0),
      [kind === 'act' ? 'submissionToOwnershipMs' : 'submissionToEffectMs']: round(totalMs, 0),
      serverPeakRssMb: round(peakRssMb(server.child.pid!), 1),
      receiptMedianMsBefore: round(median(before), 2),
      receiptMedianMsAfter: round(median(after), 2),
      receiptAfterOverBefore: round(median(after) / median(before), 2),
      receiptAppendsBytes: appended,
    };
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

export const trueApiNotice = () => bigDocument('notice');
export const trueApiAct = () => bigDocument('act');
