/**
 * True API export and import with recognition (§7.7–§7.11): an export runs CHECKING → SENT → WAITING_ACCEPTANCE →
 * ACCEPTED on the virtual clock (codes EXPORTED) or ends in ERROR; an incoming EAEU shipment made by the control plane
 * is accepted code by code by the importer (accepted codes INTRODUCED, FOREIGN). Every response contract-checked.
 */
import { describe, expect, it } from 'vitest';
import { CodeBook, type CodeRef } from '../../simulator/systems/true-api/codes.js';
import { batchOf } from '../../simulator/systems/true-api/world.js';
import fixture from '../../fixtures/true-api/world.json' with { type: 'json' };
import { setup, T0, type Setup } from '../helpers.js';
import { BASE, IMPORTER, PRODUCER, signIn } from './helpers.js';

const batches = fixture.batches.map((b) => batchOf(b as Parameters<typeof batchOf>[0], T0));
const book = new CodeBook(1, batches);
const cis = (id: number, level: CodeRef['level'], index: number) => book.cis({ batch: batches.find((b) => b.id === id)!, level, index });
const STEP = 5_000;
const PROCESSING = 3_000;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');

const exportDoc = (codes: string[], o: Record<string, unknown> = {}) => ({
  productGroup: 'shoes',
  exporterCode: IMPORTER,
  receiverCountryCode: 'RU',
  receiverCode: '7731376812',
  receiverName: 'ООО «Получатель»',
  documentNumber: 'EXP-1',
  documentDate: '2026-03-02',
  transferDate: '2026-03-02',
  productList: codes.map((c) => ({ cis: c, price: 12000, vat: 2000, documentList: [{ docKind: 'CONFORMITY_DECLARATION', docNumber: 'EAEU-1', docDate: '2026-01-01' }] })),
  ...o,
});

async function codeState(s: Setup, code: string) {
  return (await s.http.get(`/__sim/state/true-api/codes/${encodeURIComponent(code)}`)).body as { status: string; ownerBin: string; emissionType: string };
}

describe('export with recognition (§7.7, §5.8)', () => {
  it('CHECKING → SENT → WAITING_ACCEPTANCE → ACCEPTED on the clock; the codes are EXPORTED', async () => {
    const s = await setup();
    const auth = await signIn(s, IMPORTER);
    const codes = [cis(5, 'unit', 0), cis(5, 'unit', 1)];
    const r = await s.http.post(`${BASE}/edo-api/shipments`).set('Authorization', auth).send({ document: b64(exportDoc(codes)), signature: 'c2ln' });
    expect(r.status, r.text).toBe(200);
    expect(r.body.errors).toEqual([{ code: '0', message: 'Документ провалидирован' }]);
    const id = r.body.shipmentId;
    const status = async () => (await s.http.get(`${BASE}/edo-api/shipments/${id}/status`).set('Authorization', auth)).body;
    const seen = [];
    for (let i = 0; i < 4; i++) {
      seen.push((await status()).status);
      s.advance(STEP);
    }
    expect(seen).toEqual(['CHECKING', 'SENT', 'WAITING_ACCEPTANCE', 'ACCEPTED']);
    expect(await status()).toEqual({ documentId: id, documentDate: '2026-03-02', status: 'ACCEPTED' });
    for (const c of codes) expect(await codeState(s, c)).toMatchObject({ status: 'EXPORTED', ownerBin: IMPORTER });
    expect((await codeState(s, cis(5, 'unit', 2))).status).toBe('INTRODUCED');
    const view = await s.http.get(`${BASE}/edo-api/shipments/${id}/view`).set('Authorization', auth);
    expect(view.body).toMatchObject({ status: 'ACCEPTED', documentNum: 'EXP-1', receiverCountryCode: 'RU', acceptanceDate: expect.any(String) });
    expect(view.body.products[0]).toEqual({ cis: codes[0], accepted: true, productCost: 12000, productTax: 2000, certificateDocumentData: [{ certificateType: 'CONFORMITY_DECLARATION', certificateNum: 'EAEU-1', certificateDate: '2026-01-01' }] });
    expect(s.violations).toEqual([]);
  });

  it('ends in ERROR for codes that do not fit (200 with the errors); refuses a bad schema, an empty signature, an unknown id', async () => {
    const s = await setup();
    const auth = await signIn(s, IMPORTER);
    const milk = cis(4, 'unit', 0);
    const r = await s.http.post(`${BASE}/edo-api/shipments`).set('Authorization', auth).send({ document: b64(exportDoc([cis(5, 'unit', 3), milk, 'nope'])), signature: 'c2ln' });
    expect(r.status).toBe(200);
    s.advance(STEP);
    const st = (await s.http.get(`${BASE}/edo-api/shipments/${r.body.shipmentId}/status`).set('Authorization', auth)).body;
    expect(st.status).toBe('ERROR');
    expect(st.errors.map((e: { errorCode: string }) => e.errorCode)).toEqual(['301', '301']);
    s.advance(3 * STEP);
    expect((await s.http.get(`${BASE}/edo-api/shipments/${r.body.shipmentId}/status`).set('Authorization', auth)).body.status).toBe('ERROR');
    expect((await codeState(s, cis(5, 'unit', 3))).status).toBe('INTRODUCED');

    const producer = await signIn(s, PRODUCER);
    const wrongGroup = await s.http.post(`${BASE}/edo-api/shipments`).set('Authorization', producer).send({ document: b64(exportDoc([milk], { exporterCode: PRODUCER })), signature: 'c2ln' });
    s.advance(STEP);
    const e = (await s.http.get(`${BASE}/edo-api/shipments/${wrongGroup.body.shipmentId}/status`).set('Authorization', producer)).body;
    expect(e.errors).toEqual([{ errorCode: '307', errorMessage: `307: КИ ${milk} товарной группы milk: экспорт с признанием доступен только для shoes` }]);

    const schema = await s.http.post(`${BASE}/edo-api/shipments`).set('Authorization', auth).send({ document: b64(exportDoc([milk], { productGroup: 'milk', transferDate: '02.03.2026' })), signature: 'c2ln' });
    expect(schema.status).toBe(400);
    expect(schema.body.errors[0].message).toBe('Документ не прошел валидацию по схеме: [productGroup: "milk" не входит в [shoes]; transferDate: обязательное поле в формате yyyy-MM-dd]');
    const empty = await s.http.post(`${BASE}/edo-api/shipments`).set('Authorization', auth).send({ document: b64(exportDoc([milk])), signature: '' });
    expect(empty.status).toBe(422);
    // Another participant's export is as unknown as a made-up id.
    expect((await s.http.get(`${BASE}/edo-api/shipments/${r.body.shipmentId}/view`).set('Authorization', producer)).status).toBe(400);
    const notJson = await s.http.post(`${BASE}/edo-api/shipments`).set('Authorization', auth).send({ document: Buffer.from('<xml/>').toString('base64'), signature: 'c2ln' });
    expect(notJson.body).toEqual({ errors: [{ code: '400', message: 'Документ не прошел валидацию по схеме: [document не является JSON в base64]' }] });
    const unknown = await s.http.get(`${BASE}/edo-api/shipments/00000000-0000-4000-8000-000000000000/status`).set('Authorization', auth);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ errors: [{ code: '400', message: 'Отгрузка с идентификатором 00000000-0000-4000-8000-000000000000 не найдена' }] });
    expect(s.violations).toEqual([]);
  });
});

describe('import with recognition (§7.8–§7.11, §5.9)', () => {
  it('a shipment from the control plane, found, read and accepted in part: accepted codes INTRODUCED and FOREIGN', async () => {
    const s = await setup();
    const auth = await signIn(s, IMPORTER);
    const codes = [0, 1, 2].map((i) => cis(19, 'unit', 10 + i));
    const made = await s.http.post('/__sim/true-api/shipments').send({ receiverBin: IMPORTER, exporterInn: '6317136467', exporterName: 'ООО «Отправитель»', senderCountryCode: '643', documentNumber: '123456', documentDate: '2026-03-01', products: codes.map((c) => ({ cis: c, cost: 10000000, tax: 1666667, certificateType: 'CONFORMITY_CERTIFICATE', certificateNum: '123', certificateDate: '2025-07-01' })) });
    expect(made.status, made.text).toBe(201);
    const id = made.body.shipmentId;
    const found = await s.http.post(`${BASE}/documents/searchV2`).set('Authorization', auth).send({ documentType: 'EAS_CROSSBORDER', documentStatus: 'WAIT_ACCEPTANCE', senderBin: 6317136467, pagination: { offset: 0, order: 'ASC', limit: 10 } });
    expect(found.body.documentsList).toEqual([{ registrationNum: id, registrationDate: expect.any(String), status: 'WAIT_ACCEPTANCE', documentType: 'EAS_CROSSBORDER', exporter: '6317136467', senderCountry: '643', receiver: IMPORTER }]);
    const before = await s.http.get(`${BASE}/documents/import/shipment/${id}`).set('Authorization', auth);
    expect(before.body).toMatchObject({ status: 'WAIT_ACCEPTANCE', documentNum: '123456', exporterInn: '6317136467', receiverInn: IMPORTER, linkedDocs: [] });
    expect(before.body.products.map((p: { accepted: unknown }) => p.accepted)).toEqual([null, null, null]);

    const acceptance = {
      shipment_id: id,
      document_num: 'ACC-1',
      document_date: '2026-03-02',
      receiver_inn: IMPORTER,
      exporter_taxpayer_id: '6317136467',
      exporter_name: 'ООО «Отправитель»',
      sender_country_code: '643',
      request_type: 'АСCEPTANCE ', // the document's Cyrillic spelling, trailing space and all
      acceptance_date: '2026-03-02',
      reject_all: false,
      products: [
        { cis: codes[0], accepted: true },
        { cis: codes[1], accepted: true },
        { cis: codes[2], accepted: false },
      ],
    };
    const bad = await s.http.post(`${BASE}/documents/import/acceptancies`).set('Authorization', auth).send({ document: b64({ ...acceptance, exporter_taxpayer_id: '1' }), signature: 'c2ln' });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: '422', description: 'Документ не прошел первичную валидацию: exporter_taxpayer_id: 8, 9, 10 или 12 цифр' });
    const r = await s.http.post(`${BASE}/documents/import/acceptancies`).set('Authorization', auth).send({ document: b64(acceptance), signature: 'c2ln' });
    expect(r.status, r.text).toBe(200);
    const acc = r.body.acceptationId;
    expect((await s.http.get(`${BASE}/documents/import/status/${acc}`).set('Authorization', auth)).body).toEqual({ documentId: acc, status: 'IN_PROGRESS', documentType: 'LP_ACCEPT_GOODS', documentErrors: [] });
    expect((await s.http.post(`${BASE}/documents/import/acceptancies`).set('Authorization', auth).send({ document: b64(acceptance), signature: 'c2ln' })).status).toBe(422);
    s.advance(PROCESSING);
    expect((await s.http.get(`${BASE}/documents/import/status/${id}`).set('Authorization', auth)).body.status).toBe('ACCEPTED');
    const after = await s.http.get(`${BASE}/documents/import/shipment/${id}`).set('Authorization', auth);
    expect(after.body).toMatchObject({ status: 'ACCEPTED', acceptanceDate: '2026-03-02', linkedDocs: [{ docType: 'LP_ACCEPT_GOODS', docId: acc, docDate: '2026-03-02' }] });
    expect(after.body.products.map((p: { accepted: unknown }) => p.accepted)).toEqual([true, true, false]);
    expect(await codeState(s, codes[0])).toMatchObject({ status: 'INTRODUCED', ownerBin: IMPORTER, emissionType: 'FOREIGN' });
    expect((await codeState(s, codes[2])).status).toBe('APPLIED');
    const accepted = await s.http.post(`${BASE}/documents/searchV2`).set('Authorization', auth).send({ documentType: 'LP_ACCEPT_GOODS' });
    expect(accepted.body.documentsList.map((d: { status: string }) => d.status)).toEqual(['ACCEPTED']);

    // The control plane's defaults: a document number of its own, dated today (virtual).
    const plain = await s.http.post('/__sim/true-api/shipments').send({ receiverBin: IMPORTER, exporterInn: '100000001', exporterName: 'ОАО', senderCountryCode: '112', products: [{ cis: cis(19, 'unit', 50) }] });
    expect(plain.status, plain.text).toBe(201);
    expect((await s.http.get(`${BASE}/documents/import/shipment/${plain.body.shipmentId}`).set('Authorization', auth)).body).toMatchObject({ documentNum: expect.stringMatching(/^[0-9A-F]{16}$/), senderCountryCode: '112' });
    const unknownCode = await s.http.post('/__sim/true-api/shipments').send({ receiverBin: IMPORTER, exporterInn: '100000001', exporterName: 'ОАО', senderCountryCode: '112', products: [{ cis: 'nope' }] });
    expect(unknownCode.status).toBe(404);

    const badDate = await s.http.post(`${BASE}/documents/searchV2`).set('Authorization', auth).send({ documentType: 'EAS_CROSSBORDER', dateFrom: 'вчера' });
    expect(badDate.status).toBe(422);
    expect(badDate.body.code).toBe('422');

    const other = await signIn(s, PRODUCER);
    expect((await s.http.post(`${BASE}/documents/searchV2`).set('Authorization', other).send({ documentType: 'EAS_CROSSBORDER' })).body.documentsList).toEqual([]);
    expect((await s.http.get(`${BASE}/documents/import/shipment/${id}`).set('Authorization', other)).status).toBe(400);
    const foreign = await s.http.get(`${BASE}/documents/import/status/${id}`).set('Authorization', other);
    expect(foreign.status).toBe(400);
    expect(foreign.body).toEqual({ code: '400', description: `Документ не найден. id=${id}`, errors: `Документ не найден. id=${id}` });
    expect(s.violations).toEqual([]);
  });
});
