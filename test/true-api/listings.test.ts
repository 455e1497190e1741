/** True API listings and single-code reads: /cises/listV2 (§5.9), /products/listV2 (§6.4), /cises/history (§5.10), /products/info (§6.2). */
import { describe, expect, it } from 'vitest';
import { CodeBook, type CodeRef } from '../../simulator/systems/true-api/codes.js';
import { batchOf } from '../../simulator/systems/true-api/world.js';
import fixture from '../../fixtures/true-api/world.json' with { type: 'json' };
import { setup, T0 } from '../helpers.js';
import { BASE, IMPORTER, signIn, WHOLESALER } from './helpers.js';

const batches = fixture.batches.map((b) => batchOf(b as Parameters<typeof batchOf>[0], T0));
const book = new CodeBook(1, batches);
const ref = (id: number, level: CodeRef['level'], index: number): CodeRef => ({ batch: batches.find((b) => b.id === id)!, level, index });

describe('GET /cises/listV2 (§5.9)', () => {
  it('lists the caller\'s codes by filters with the total, and pages on with uit + orderedColumnValue, both ways', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const list = (q: Record<string, unknown>) => s.http.get(`${BASE}/cises/listV2`).query(q).set('Authorization', auth);
    const first = await list({ gtin: '04780085115559', cisStatus: 'APPLIED', limit: 50 });
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(20_000);
    expect(first.body.results).toHaveLength(50);
    expect(first.body.results[0]).toMatchObject({ cis: book.cis(ref(7, 'unit', 0)), gtin: '04780085115559', status: 'APPLIED', statusEx: 'APPLIED', ownerInn: '150140000012', producerInn: '150140000012', emissionType: 'LOCAL', countChildren: 0, tnVedCode10: '2208601100', tnvedGroup: '2208' });
    expect(first.body.results[0].sgtin).toBe(book.cis(ref(7, 'unit', 0)).slice(18));
    const last = first.body.results[49];
    const next = await list({ gtin: '04780085115559', cisStatus: 'APPLIED', limit: 50, uit: last.cis, orderedColumnValue: last.emissionDate });
    expect(next.body.results[0].cis).toBe(book.cis(ref(7, 'unit', 50)));
    const back = await list({ gtin: '04780085115559', cisStatus: 'APPLIED', limit: 50, uit: next.body.results[0].cis, orderedColumnValue: last.emissionDate, pageDir: 'PREV' });
    expect(back.body.results.map((r: { cis: string }) => r.cis)).toEqual(first.body.results.map((r: { cis: string }) => r.cis));
    const desc = await list({ gtin: '04780085115559', order: 'DESC', limit: 1 });
    expect(desc.body.results[0].cis).toBe(book.cis(ref(7, 'unit', 19_999)));
    const oneCode = await list({ cis: book.emitted(ref(1, 'block', 3)) });
    expect(oneCode.body).toMatchObject({ total: 1, results: [{ cis: book.cis(ref(1, 'block', 3)), countChildren: 10, ownerBin: '150140000012', packageType: 'LEVEL1' }] });
    const bySerial = await list({ sn: book.cis(ref(1, 'box', 4)).slice(14) });
    expect(bySerial.body.results.map((r: { cis: string }) => r.cis)).toEqual([book.cis(ref(1, 'box', 4))]);
    const boxes = await list({ cisPackageType: 'LEVEL2', limit: 10_000 });
    expect(boxes.body.total).toBe(120);
    expect((await list({})).body.results).toHaveLength(10);
    const unpaired = await list({ uit: last.cis });
    expect([unpaired.status, unpaired.body.error_message]).toEqual([400, 'Некорректное значение параметра uit: uit и orderedColumnValue указываются вместе']);
  });

  it('shows another participant only its own codes', async () => {
    const s = await setup();
    const importer = await s.http.get(`${BASE}/cises/listV2`).query({ limit: 10_000 }).set('Authorization', await signIn(s, IMPORTER));
    expect(importer.body.total).toBe(800);
    expect(importer.body.results.every((r: { gtin: string; emissionType: string }) => r.gtin === '00191028060272' && r.emissionType === 'FOREIGN')).toBe(true);
    const wholesaler = await s.http.get(`${BASE}/cises/listV2`).query({ cis: book.cis(ref(1, 'unit', 0)) }).set('Authorization', await signIn(s, WHOLESALER));
    expect(wholesaler.body).toEqual({ results: [], total: 0 });
  });
});

describe('GET /products/listV2 (§6.4)', () => {
  it('answers 49 a page unless asked, with catalogue attributes', async () => {
    const s = await setup();
    const r = await s.http.get(`${BASE}/products/listV2`).query({ gtin: '04870003870025' }).set('Authorization', await signIn(s));
    expect(r.body.results).toHaveLength(49);
    expect(r.body.total).toBe(30_000 + 2_000 + 1_000);
    expect(r.body.results[0]).toMatchObject({ productName: 'Молоко пастеризованное 2,5%', brand: 'Агротех', tnVedCode10: '0401201100' });
  });
});

describe('GET /cises/history (§5.10)', () => {
  it('answers the code\'s latest state as one object; 400 for a malformed code or an unknown GTIN, 404 for an absent one', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const block = ref(1, 'block', 2);
    const r = await s.http.get(`${BASE}/cises/history?code=${encodeURIComponent(book.cis(block))}`).set('Authorization', auth);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ cis: book.cis(block), gtin: '04606203084630', packageType: 'LEVEL1', status: 'INTRODUCED', parent: book.emitted(ref(1, 'box', 0)), emissionDate: new Date(T0 - 40 * 86_400_000).toISOString(), operationDate: new Date(T0 - 35 * 86_400_000).toISOString() });
    expect(r.body.child).toHaveLength(10);
    const get = (code: string) => s.http.get(`${BASE}/cises/history`).query({ code }).set('Authorization', auth);
    expect((await get('abc')).body).toEqual({ error_message: 'Неверный формат КМ' });
    expect((await get('04699999999990abcdefg')).body).toEqual({ error_message: 'Неизвестный GTIN' });
    const absent = await get('04606203084623abcdefg');
    expect([absent.status, absent.body]).toEqual([404, { error_message: 'КМ не найдены' }]);
    const foreign = await s.http.get(`${BASE}/cises/history`).query({ code: book.cis(ref(5, 'unit', 0)) }).set('Authorization', auth);
    expect(foreign.status).toBe(404);
  });
});

describe('GET /products/info (§6.2)', () => {
  it('answers the product card of a code', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const r = await s.http.get(`${BASE}/products/info`).query({ cis: book.emitted(ref(1, 'block', 0)) }).set('Authorization', auth);
    expect(r.body).toMatchObject({ name: 'Сигареты Kent Nanotek, блок', gtin: '04606203084630', packageType: 'inner-pack', innerUnitCount: 10, specificAttributes: {} });
    expect(Number.isInteger(r.body.id)).toBe(true);
    const milk = await s.http.get(`${BASE}/products/info`).query({ cis: book.withTail(ref(4, 'unit', 0)) }).set('Authorization', auth);
    expect(milk.body).toMatchObject({ gtin: '04870003870025', packageType: 'trade-unit', innerUnitCount: 1 });
    const foreign = await s.http.get(`${BASE}/products/info`).query({ cis: book.cis(ref(1, 'unit', 0)) }).set('Authorization', await signIn(s, WHOLESALER));
    expect([foreign.status, foreign.body]).toEqual([404, { error_message: 'Продукт не найден' }]);
    const importerTobacco = await s.http.get(`${BASE}/products/info`).query({ cis: book.cis(ref(1, 'unit', 0)) }).set('Authorization', await signIn(s, IMPORTER));
    expect([importerTobacco.status, importerTobacco.body]).toEqual([403, { error_message: 'Отсутствует действующий договор по ТГ' }]);
  });
});
