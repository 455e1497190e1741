/**
 * True API's code registry (codes derived from the world's batches, nothing stored per code) and the code queries of
 * §5.4–§5.8: forms (brackets, crypto tail), aggregation trees, visibility (§1.8), masking, the documented errors.
 */
import { describe, expect, it } from 'vitest';
import { GS } from '../../simulator/core/gs1.js';
import { CodeBook, type CodeRef } from '../../simulator/systems/true-api/codes.js';
import { batchOf } from '../../simulator/systems/true-api/world.js';
import fixture from '../../fixtures/true-api/world.json' with { type: 'json' };
import { setup, T0 } from '../helpers.js';
import { BASE, IMPORTER, signIn, WHOLESALER } from './helpers.js';

const batches = fixture.batches.map((b) => batchOf(b as Parameters<typeof batchOf>[0], T0));
const book = new CodeBook(1, batches);
const batch = (id: number) => batches.find((b) => b.id === id)!;
const ref = (id: number, level: CodeRef['level'], index: number): CodeRef => ({ batch: batch(id), level, index });
const q = (name: string, values: string[]) => values.map((v) => `${name}=${encodeURIComponent(v)}`).join('&');

describe('the registry', () => {
  it('decodes every form of a code back to where it was made, and nothing it did not make', () => {
    for (const r of [ref(1, 'unit', 0), ref(1, 'unit', 49_999), ref(1, 'block', 4_999), ref(1, 'box', 99), ref(4, 'unit', 29_999), ref(3, 'block', 7)]) {
      const emitted = book.emitted(r);
      for (const form of [emitted, book.cis(r), book.withTail(r)]) expect(book.find(form), form).toEqual(r);
    }
    const unit = book.cis(ref(4, 'unit', 5));
    expect(unit).toMatch(/^0104870003870025\x32\x31.{13}$/);
    expect(book.withTail(ref(4, 'unit', 5))).toMatch(new RegExp(`^${unit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${GS}91.{4}${GS}92.{44}$`));
    expect(book.find(unit + '91ABCD92' + 'x'.repeat(44))).toEqual(ref(4, 'unit', 5)); // a tail without GS
    expect(book.emitted(ref(1, 'block', 0))).toMatch(/^\(01\)04606203084630\(21\).{7}$/);
    expect(book.cis(ref(1, 'unit', 0))).toMatch(/^04606203084623.{7}$/);
    expect(book.cis(ref(1, 'box', 0))).toMatch(/^04606203084623.{24}$/);
    for (const bad of ['04606203084623AAAAAAA', '', '(01)04606203084630(21)', '0104870003870025' + '21' + 'A'.repeat(13), 'x'.repeat(300)]) expect(book.find(bad), bad).toBeUndefined();
    expect(book.find(book.cis(ref(1, 'unit', 50_000)).slice(0, 14) + 'zzzzzzz')).toBeUndefined();
  });

  it('has over 100,000 codes of the default participant, unique, many with characters that need escaping (§1.6)', () => {
    const mine = batches.filter((b) => b.producerBin === '150140000012' || b.ownerBin === '150140000012');
    expect(mine.reduce((n, b) => n + book.total(b), 0)).toBeGreaterThan(100_000);
    const sample = [...book.walk(batch(1), 'unit')].slice(0, 20_000).map((r) => book.cis(r));
    expect(new Set(sample).size).toBe(sample.length);
    for (const ch of ['"', '&', '<', '%', '+', "'", '\\']) expect(sample.some((c) => c.slice(14).includes(ch)), ch).toBe(true);
    const statuses = new Set(batches.map((b) => b.status));
    expect([...statuses].sort()).toEqual(['APPLIED', 'APPLIED_NOT_PAID', 'DISAGGREGATED', 'EMITTED', 'EXPORTED', 'INTRODUCED', 'INTRODUCED_RETURNED', 'LOAN_RETIRED', 'REMARK_RETIRED', 'RESERVED_NOT_USED', 'WITHDRAWN', 'WRITTEN_OFF']);
  });

  it('nests packs in blocks of 10 and blocks in boxes of 50', () => {
    const box = ref(1, 'box', 3);
    const blocks = book.children(box);
    expect(blocks).toHaveLength(50);
    expect(blocks.every((b) => book.parent(b)!.index === 3)).toBe(true);
    expect(book.children(blocks[0]).map((p) => p.index)).toEqual(Array.from({ length: 10 }, (_, i) => 1500 + i));
    expect(book.children(ref(4, 'unit', 0))).toEqual([]);
  });
});

describe('POST /cises/info (§5.5)', () => {
  it('answers one element per code, in any form asked, with the aggregation and the owner masked for a non-owner', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const pack = book.cis(ref(1, 'unit', 12));
    const block = book.emitted(ref(1, 'block', 1));
    const milk = book.withTail(ref(4, 'unit', 3));
    const sold = book.cis(ref(3, 'unit', 0)); // produced by the caller, owned by the wholesaler
    const r = await s.http.post(`${BASE}/cises/info`).set('Authorization', auth).send([pack, block, milk, sold, '04606203084623UNKNOWN']);
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(5);
    expect(r.body[0].cisInfo).toEqual({
      requestedCis: pack,
      cis: pack,
      gtin: '04606203084623',
      productName: 'Сигареты Kent Nanotek',
      productGroupId: 3,
      productGroup: 'tobacco',
      brand: 'Kent',
      producedDate: new Date(T0 - 35 * 86_400_000).toISOString(),
      packageType: 'UNIT',
      ownerBin: '150140000012',
      ownerName: 'ТОО «Табак Продакшн»',
      status: 'INTRODUCED',
      child: [],
      parent: block,
      producerBin: '150140000012',
      producerName: 'ТОО «Табак Продакшн»',
    });
    expect(r.body[1].cisInfo).toMatchObject({ requestedCis: block, cis: book.cis(ref(1, 'block', 1)), packageType: 'LEVEL1', gtin: '04606203084630', parent: book.emitted(ref(1, 'box', 0)) });
    expect(r.body[1].cisInfo.child).toHaveLength(10);
    expect(r.body[2].cisInfo).toMatchObject({ requestedCis: milk, cis: book.cis(ref(4, 'unit', 3)), productGroup: 'milk', productGroupId: 8 });
    expect(r.body[3].cisInfo).toMatchObject({ ownerBin: '*****', ownerName: '*****', producerBin: '150140000012' });
    expect(r.body[4]).toEqual({ cisInfo: { requestedCis: '04606203084623UNKNOWN' }, errorCode: '404', errorMessage: 'КМ не найден' });
  });

  it('leaves out codes of others (§1.8), answers 404 with the list when nothing is known, and the documented 400s', async () => {
    const s = await setup();
    const wholesaler = await signIn(s, WHOLESALER);
    const foreign = await s.http.post(`${BASE}/cises/info`).set('Authorization', wholesaler).send([book.cis(ref(1, 'unit', 0))]);
    expect([foreign.status, foreign.body]).toEqual([200, []]);
    const own = await s.http.post(`${BASE}/cises/info`).set('Authorization', wholesaler).send([book.cis(ref(3, 'unit', 0))]);
    expect(own.body[0].cisInfo).toMatchObject({ ownerBin: WHOLESALER, producerBin: '*****', producerName: '*****' });
    const unknown = await s.http.post(`${BASE}/cises/info`).set('Authorization', wholesaler).send(['nothing']);
    expect([unknown.status, unknown.body]).toEqual([404, [{ cisInfo: { requestedCis: 'nothing' }, errorCode: '404', errorMessage: 'КМ не найден' }]]);
    const empty = await s.http.post(`${BASE}/cises/info`).set('Authorization', wholesaler).send([]);
    expect([empty.status, empty.body]).toEqual([400, { error_message: 'В запросе не указан ни один КМ' }]);
    const object = await s.http.post(`${BASE}/cises/info`).set('Authorization', wholesaler).send({ codes: ['x'] });
    expect([object.status, object.body.error_message]).toEqual([400, expect.stringMatching(/^JSON parse error: Cannot deserialize instance of `java.util.ArrayList` out of START_OBJECT token/)]);
    const pharma = await s.http.post(`${BASE}/cises/info`).query({ pg: 'pharma' }).set('Authorization', await signIn(s)).send(['x']);
    expect([pharma.status, pharma.body]).toEqual([403, { error_message: 'отсутствует действующий договор по ТГ' }]);
    const many = await s.http.post(`${BASE}/cises/info`).set('Authorization', wholesaler).send(Array.from({ length: 1001 }, () => 'x'));
    expect(many.status).toBe(400);
  });
});

describe('/cises/aggregated/list (§5.6, §5.7)', () => {
  it('POST answers the first layer and what each child holds, keyed by the code as asked', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const box = book.cis(ref(1, 'box', 2));
    const block = book.cis(ref(1, 'block', 7)); // asked without brackets
    const pack = book.cis(ref(1, 'unit', 3));
    const r = await s.http.post(`${BASE}/cises/aggregated/list`).query({ pg: 'tobacco' }).set('Authorization', auth).send([box, block, pack]);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual([box, block, pack]);
    const boxLayer = r.body[box] as Record<string, string[]>;
    expect(Object.keys(boxLayer)).toEqual(book.children(ref(1, 'box', 2)).map((c) => book.emitted(c)));
    expect(Object.values(boxLayer).every((packs) => packs.length === 10)).toBe(true);
    expect(r.body[block]).toEqual(Object.fromEntries(book.children(ref(1, 'block', 7)).map((p) => [book.emitted(p), []])));
    expect(r.body[pack]).toEqual({});
    const none = await s.http.post(`${BASE}/cises/aggregated/list`).query({ pg: 'tobacco' }).set('Authorization', auth).send(['nothing']);
    expect([none.status, none.body]).toEqual([404, { error_message: 'KM не найдены' }]);
    const otherGroup = await s.http.post(`${BASE}/cises/aggregated/list`).query({ pg: 'milk' }).set('Authorization', auth).send([box]);
    expect(otherGroup.status).toBe(404);
  });

  it('GET takes repeated codes (a comma is part of a code) and keys the answer by the code as emitted', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const block = ref(1, 'block', 9);
    const pack = ref(1, 'unit', 0);
    const r = await s.http.get(`${BASE}/cises/aggregated/list?pg=tobacco&${q('codes', [book.cis(block), book.cis(pack)])}`).set('Authorization', auth);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual([book.emitted(block), book.emitted(pack)]);
    const joined = await s.http.get(`${BASE}/cises/aggregated/list?pg=tobacco&${q('codes', [`${book.cis(block)},${book.cis(pack)}`])}`).set('Authorization', auth);
    expect([joined.status, joined.body]).toEqual([404, { error_message: 'КМ не найдены' }]);
    const missing = await s.http.get(`${BASE}/cises/aggregated/list?pg=tobacco`).set('Authorization', auth);
    expect([missing.status, missing.body]).toEqual([400, { error_message: 'Отсутствует обязательный параметр: codes' }]);
  });
});

describe('POST /cises/list (§5.8) and /cis/cises-units-count (§5.4)', () => {
  it('lists codes given as repeated values', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const codes = [book.cis(ref(2, 'box', 0)), book.cis(ref(4, 'unit', 1))];
    const r = await s.http.post(`${BASE}/cises/list?${q('values', codes)}`).set('Authorization', auth);
    expect(r.status).toBe(200);
    expect(r.body.map((x: { cis: string; status: string; packageType: string }) => [x.cis, x.status, x.packageType])).toEqual([
      [codes[0], 'APPLIED', 'LEVEL2'],
      [codes[1], 'INTRODUCED', 'UNIT'],
    ]);
    expect(r.body[0].child).toHaveLength(50);
    const none = await s.http.post(`${BASE}/cises/list?values=nothing`).set('Authorization', auth);
    expect([none.status, none.body]).toEqual([404, { error_message: 'КМ не найдены' }]);
    const missing = await s.http.post(`${BASE}/cises/list`).set('Authorization', auth);
    expect([missing.status, missing.body]).toEqual([400, { error_message: 'Отсутствует обязательный параметр: values' }]);
  });

  it('counts the consumer units inside each code and per GTIN, leaving out codes of others', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const box = book.cis(ref(1, 'box', 0));
    const block = book.emitted(ref(1, 'block', 60));
    const r = await s.http.post(`${BASE}/cis/cises-units-count`).set('Authorization', auth).send([box, block, book.cis(ref(5, 'unit', 0))]);
    expect([r.status, r.body]).toEqual([200, { cisesCounts: { [box]: 500, [block]: 10 }, gtinsCounts: { '04606203084623': 510 } }]);
  });
});

describe('GET /__sim/state/true-api/codes/{code}', () => {
  it('shows a code in every form with its place in the tree; 404 for a code the registry does not have', async () => {
    const s = await setup();
    const r = ref(5, 'unit', 7);
    const res = await s.http.get(`/__sim/state/true-api/codes/${encodeURIComponent(book.cis(r))}`);
    expect(res.body).toMatchObject({ cis: book.cis(r), printed: book.withTail(r), productGroup: 'shoes', status: 'INTRODUCED', producerBin: IMPORTER, ownerBin: IMPORTER, emissionType: 'FOREIGN', parent: null, children: [], batch: 5 });
    expect(res.body.history).toEqual([
      { status: 'EMITTED', at: new Date(T0 - 30 * 86_400_000).toISOString(), participant: IMPORTER },
      { status: 'APPLIED', at: new Date(T0 - 30 * 86_400_000).toISOString(), participant: IMPORTER },
      { status: 'INTRODUCED', at: new Date(T0 - 30 * 86_400_000).toISOString(), participant: IMPORTER },
    ]);
    expect((await s.http.get('/__sim/state/true-api/codes/nothing')).status).toBe(404);
    expect((await s.http.get('/__sim/state/true-api')).body.codes.total).toBeGreaterThan(100_000);
  });
});

describe('a scenario\'s batches', () => {
  it('add codes to the registry (a million costs nothing), and a batch naming nobody is refused with why', async () => {
    const s = await setup();
    const batch = { id: 40, productGroup: 'milk', kind: 'units', gtin: '04870003870025', count: 1_000_000, status: 'INTRODUCED', producerBin: '150140000012', ownerBin: '150140000012', emittedAt: '2026-01-10T08:00:00Z', producedAt: '2026-01-11T08:00:00Z', emissionType: 'LOCAL' };
    const ok = await s.http.post('/__sim/scenarios').send({ scenario: { name: 'million', description: 'd', world: { 'true-api': { batches: [batch] } } } });
    expect(ok.status).toBe(200);
    expect((await s.http.get('/__sim/state/true-api')).body.codes.total).toBe(120_920 + 1_000_000);
    const big = new CodeBook(1, [...batches, { ...(batch as unknown as CodeRef['batch']), emittedAt: Date.parse(batch.emittedAt), producedAt: Date.parse(batch.producedAt) }]);
    const last = big.cis({ batch: big.batches.at(-1)!, level: 'unit', index: 999_999 });
    const info = await s.http.post(`${BASE}/cises/info`).set('Authorization', await signIn(s)).send([last]);
    expect(info.body[0].cisInfo).toMatchObject({ cis: last, status: 'INTRODUCED', producedDate: '2026-01-11T08:00:00.000Z' });
    const bad = await s.http.post('/__sim/scenarios').send({ scenario: { name: 'nobody', description: 'd', world: { 'true-api': { batches: [{ ...batch, producerBin: '999999999999' }] } } } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('batch 40: 999999999999 is not a participant');
    expect((await s.http.get('/__sim/state/true-api')).body.codes.total).toBe(120_920 + 1_000_000); // nothing changed
  });
});
