/**
 * True API code queries: POST /cises/info with 1,000 codes (a box, blocks, packs and milk units the default
 * participant produced), against MCOI's order lookup by id measured in the same run, medians of ROUNDS requests each,
 * alternated. The ratio says what answering 1,000 codes costs over a one-record lookup; per code it should be small,
 * since the registry decodes codes instead of storing them.
 */
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
    const infoMs = round(median(a), 2);
    const lookupMs = round(median(b), 2);
    return { codes: codes.length, cisesInfoMedianMs: infoMs, cisesInfoKb: round(bytes / 1024, 1), mcoiOrderLookupMedianMs: lookupMs, ratio: round(infoMs / lookupMs, 1), perCodeUs: round((infoMs * 1000) / codes.length, 1), serverPeakRssMb: round(peakRssMb(server.child.pid!), 1) };
  } finally {
    await stopServer(server);
  }
}
