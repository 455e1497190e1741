/**
 * True API code-list orders (§5.1–§5.3): POST /cises/my, the status on the virtual clock, the ZIP result (one CSV),
 * kept an hour; failures decided by the filter or forced by a scenario.
 */
import { describe, expect, it } from 'vitest';
import { unzipFiles } from '../../simulator/core/zip.js';
import { CodeBook } from '../../simulator/systems/true-api/codes.js';
import { batchOf } from '../../simulator/systems/true-api/world.js';
import fixture from '../../fixtures/true-api/world.json' with { type: 'json' };
import { setup, T0, type Setup } from '../helpers.js';
import { BASE, signIn, WHOLESALER } from './helpers.js';

const book = new CodeBook(1, fixture.batches.map((b) => batchOf(b as Parameters<typeof batchOf>[0], T0)));

const order = async (s: Setup, auth: string, body: Record<string, unknown>) => {
  const r = await s.http.post(`${BASE}/cises/my`).set('Authorization', auth).send(body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.uuid as string;
};
const status = async (s: Setup, auth: string, uuid: string) => (await s.http.get(`${BASE}/cises/orders/${uuid}/status`).set('Authorization', auth)).body;
const result = (s: Setup, auth: string, uuid: string) =>
  s.http
    .get(`${BASE}/cises/orders/${uuid}/result`)
    .set('Authorization', auth)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });

/** The rows of a result CSV (RFC 4180, quoted fields). */
function rows(csv: string): string[][] {
  const out: string[][] = [];
  for (const line of csv.trimEnd().split('\n')) {
    const fields: string[] = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let v = '';
        i++;
        while (i < line.length && !(line[i] === '"' && line[i + 1] !== '"')) v += line[i] === '"' ? (i++, '"') : line[i], i++;
        fields.push(v);
        i += 2;
      } else {
        const end = line.indexOf(',', i);
        fields.push(line.slice(i, end < 0 ? line.length : end));
        i = end < 0 ? line.length + 1 : end + 1;
      }
    }
    out.push(fields);
  }
  return out;
}

describe('POST /cises/my → status → result (§5.1–§5.3)', () => {
  it('moves NEW → IN_PROGRESS → SUCCESS on the clock and gives a ZIP of the caller\'s blocks of a GTIN, the same bytes each time, for an hour', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const uuid = await order(s, auth, { gtin: '04606203084630', packageType: 'LEVEL1' });
    expect(await status(s, auth, uuid)).toBe('NEW');
    s.advance(1_000);
    expect(await status(s, auth, uuid)).toBe('IN_PROGRESS');
    s.advance(4_000);
    expect(await status(s, auth, uuid)).toBe('SUCCESS');
    const zip = await result(s, auth, uuid);
    expect([zip.status, zip.headers['content-type']]).toEqual([200, 'application/zip']);
    const files = unzipFiles(zip.body);
    expect(Object.keys(files)).toEqual([`${uuid}.csv`]);
    const table = rows(files[`${uuid}.csv`].toString('utf8'));
    expect(table[0]).toEqual(['requestedCis', 'cis', 'code', 'status', 'gtin', 'producedDate', 'packageType', 'child', 'parent']);
    // Batch 1's 5,000 blocks (batch 3's blocks share the GTIN but belong to the wholesaler now).
    expect(table).toHaveLength(1 + 5_000);
    const first = { batch: book.batches[0], level: 'block' as const, index: 0 };
    expect(table[1]).toEqual(['', book.cis(first), book.cis(first), 'INTRODUCED', '04606203084630', new Date(T0 - 35 * 86_400_000).toISOString(), 'LEVEL1', book.children(first).map((c) => book.emitted(c)).join(','), book.emitted(book.parent(first)!)]);
    s.advance(3_599_000);
    expect((await result(s, auth, uuid)).body).toEqual(zip.body);
    s.advance(1_000);
    expect(await status(s, auth, uuid)).toBe('RESULT_EXPIRED');
    const gone = await s.http.get(`${BASE}/cises/orders/${uuid}/result`).set('Authorization', auth);
    expect([gone.status, gone.body]).toEqual([400, { error_message: `Результат заказа с идентификатором ${uuid} недоступен: статус заказа RESULT_EXPIRED` }]);
  });

  it('caps a result at 10,000 codes, and keeps another participant\'s orders unknown to the caller', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const uuid = await order(s, auth, { gtin: '04870003870025' });
    s.advance(5_000);
    const csv = unzipFiles((await result(s, auth, uuid)).body)[`${uuid}.csv`].toString('utf8');
    expect(csv.trimEnd().split('\n')).toHaveLength(1 + 10_000);
    const other = await signIn(s, WHOLESALER);
    const hidden = await s.http.get(`${BASE}/cises/orders/${uuid}/status`).set('Authorization', other);
    expect([hidden.status, hidden.body]).toEqual([404, { error_message: `Заказ с идентификатором ${uuid} не найден` }]);
  });

  it('ends VALIDATION_FAILED for a GTIN nobody knows; answers the documented 400 without a GTIN, 403 without a contract', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const uuid = await order(s, auth, { gtin: '04699999999990' });
    s.advance(5_000);
    expect(await status(s, auth, uuid)).toBe('VALIDATION_FAILED');
    const noGtin = await s.http.post(`${BASE}/cises/my`).set('Authorization', auth).send({ packageType: 'UNIT' });
    expect([noGtin.status, noGtin.body]).toEqual([400, { error_message: 'GTIN должен быть указан в параметрах запроса' }]);
    const wholesaler = await signIn(s, WHOLESALER);
    const shoes = await s.http.post(`${BASE}/cises/my`).set('Authorization', await signIn(s, '201040000033')).send({ gtin: '04606203084623' });
    expect([shoes.status, shoes.body]).toEqual([403, { error_message: 'Отсутствует действующий договор по ТГ' }]);
    expect((await s.http.get(`${BASE}/cises/orders/not-a-uuid/status`).set('Authorization', wholesaler)).status).toBe(400);
    const unknown = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
    expect((await s.http.get(`${BASE}/cises/orders/${unknown}/result`).set('Authorization', wholesaler)).body).toEqual({ error_message: `Заказ с идентификатором ${unknown} не найден` });
  });

  it('ends as a scenario forces it, and a result asked for before SUCCESS is refused with the status', async () => {
    const s = await setup();
    const act = await s.http.post('/__sim/scenarios').send({ scenario: { name: 'order-error', description: 'x', faults: [{ match: { system: 'true-api', operation: 'cisesMy' }, action: { outcome: { codesOrderFailed: 'ERROR' } } }] } });
    expect(act.status).toBe(200);
    const auth = await signIn(s);
    const uuid = await order(s, auth, { gtin: '04606203084623' });
    const early = await s.http.get(`${BASE}/cises/orders/${uuid}/result`).set('Authorization', auth);
    expect(early.body).toEqual({ error_message: `Результат заказа с идентификатором ${uuid} недоступен: статус заказа NEW` });
    s.advance(5_000);
    expect(await status(s, auth, uuid)).toBe('ERROR');
  });

  it('answers 406 with an empty body to a client that accepts JSON only (§1.3: send Accept */*)', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const uuid = await order(s, auth, { gtin: '04606203084623', packageType: 'UNIT' });
    s.advance(5_000);
    const r = await s.http.get(`${BASE}/cises/orders/${uuid}/result`).set('Authorization', auth).set('Accept', 'application/json');
    expect([r.status, r.text]).toEqual([406, '']);
  });
});
