/**
 * True API EDO (§7.1, §7.3, §7.4): acts registered through formal, delivered on the virtual clock, approved or rejected
 * in two steps (title, signature) by the receiver, withdrawn in two steps by the sender; divergence and corrective
 * acts; EAEU import notices; the registers and base64 views. Every response is checked against the contract.
 */
import { describe, expect, it } from 'vitest';
import { CodeBook, type CodeRef } from '../../simulator/systems/true-api/codes.js';
import { batchOf } from '../../simulator/systems/true-api/world.js';
import fixture from '../../fixtures/true-api/world.json' with { type: 'json' };
import { setup, T0, type Setup } from '../helpers.js';
import { BASE, IMPORTER, PRE_REGISTERED, PRODUCER, signIn, strictSession, WHOLESALER } from './helpers.js';

const batches = fixture.batches.map((b) => batchOf(b as Parameters<typeof batchOf>[0], T0));
const book = new CodeBook(1, batches);
const cis = (id: number, level: CodeRef['level'], index: number) => book.cis({ batch: batches.find((b) => b.id === id)!, level, index });
const PROCESSING = 3_000;
const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
let seq = 0;
const uuid = () => `${`0000000${++seq}`.slice(-8)}-dddd-4eee-8fff-000000000000`;

/** §7.3.2's act (attributes, as its example), with totals as /cis/cises-units-count counts them unless given. */
async function actXml(s: Setup, auth: string, o: { codes: string[]; to?: string; from?: string; totals?: Record<string, number>; correct?: string; fileId?: string }) {
  const counted = (await s.http.post(`${BASE}/cis/cises-units-count`).set('Authorization', auth).send(o.codes)).body as { cisesCounts: Record<string, number>; gtinsCounts: Record<string, number> };
  const totals = o.totals ?? counted.gtinsCounts;
  const fileId = o.fileId ?? `${o.correct ? 'COR_ACT' : 'EEU_ACT'}_${uuid()}`;
  const from = o.from ?? PRODUCER;
  const to = o.to ?? WHOLESALER;
  const correction = o.correct ? ` correctionFlag="true" correctionDocId="${o.correct}" regNumber="1" regDate="02.03.2026"` : ' correctionFlag="false"';
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<file sendingDateTime="2026-03-02T09:45:15Z" version="1.0" fileId="${fileId}">
  <participants consigneeId="${to}" supplierId="${from}"/>
  <document operationType="1"${correction}>
    <mainInfo><supplierInfo supplierIdentificationCode="${from}" supplierName="ТОО"/><consigneeInfo consigneeIdentificationCode="${to}" consigneeName="ТОО"/></mainInfo>
    <productList>${o.codes.map((c) => `<iCode count="${counted.cisesCounts[c] ?? 1}">${esc(c)}</iCode>`).join('')}</productList>
    <productTotals>${Object.entries(totals).map(([g, n]) => `<gtin count="${n}">${g}</gtin>`).join('')}</productTotals>
  </document>
</file>`;
  return { fileId, xml };
}

function divergenceXml(act: string, codes: Record<string, string>, o: { supplier?: string; consignee?: string } = {}) {
  const fileId = uuid();
  const xml = `<file fileId="${fileId}" version="1.0" sendingDateTime="2026-03-02T10:30:47"><document correctionDocId="${act}"><mainInfo><supplierInfo supplierName="ТОО" supplierIdentificationCode="${o.supplier ?? PRODUCER}"/><consigneeInfo consigneeName="ТОО" consigneeIdentificationCode="${o.consignee ?? WHOLESALER}"/></mainInfo><productList>${Object.entries(codes)
    .map(([c, st]) => `<iCode reviseStatusCode="${st}">${esc(c)}</iCode>`)
    .join('')}</productList></document></file>`;
  return { fileId, xml };
}

function importTransitXml(codes: string[], gtin: string, o: { primary?: string } = {}) {
  const fileId = `${o.primary ? 'IM_TRANSIT_COR' : 'IMPORT_TRANSIT'}_${uuid()}`;
  const primary = o.primary ? ` primaryDocId="${o.primary}" primaryDocNumber="1" primaryDocDate="02.03.2026"` : '';
  const xml = `<file fileId="${fileId}" version="5.01" sendingDateTime="2026-03-02T09:10:47Z">
  <participants supplierId="6317136467" consigneeId="${IMPORTER}"/>
  <document correctionFlag="${o.primary ? 'true' : 'false'}"${primary}>
    <mainInfo>
      <supplierInfo supplierName="SENDER" supplierIdentificationCode="6317136467" supplierCountryCode="RU"/>
      <consigneeInfo consigneeName="ТОО" consigneeIdentificationCode="${IMPORTER}"/>
      <originalDocInfo docNumber="EACMT-2261-API" docDate="30.11.2025"/>
    </mainInfo>
    <productList>${codes.map((c) => `<iCode><![CDATA[${c}]]></iCode>`).join('')}</productList>
    <productTotals><gtin count="${codes.length}">${gtin}</gtin></productTotals>
  </document>
</file>`;
  return { fileId, xml };
}

const formal = (s: Setup, auth: string, xml: string, signature: string | null = 'c2lnbmF0dXJl') => {
  const r = s.http.post(`${BASE}/edo-api/outgoing-documents/formal`).set('Authorization', auth).field('content', Buffer.from(xml).toString('base64'));
  return signature === null ? r : r.field('signature', signature);
};
const unb64 = (t: string) => Buffer.from(t, 'base64').toString('utf8');

async function owner(s: Setup, code: string) {
  const r = await s.http.get(`/__sim/state/true-api/codes/${encodeURIComponent(code)}`);
  expect(r.status).toBe(200);
  return r.body as { status: string; ownerBin: string; emissionType: string; lastDocId?: string };
}

async function register(s: Setup, auth: string, side: 'outgoing' | 'incoming', query: Record<string, unknown> = {}) {
  const r = await s.http.get(`${BASE}/edo-api/${side}-documents`).query(query).set('Authorization', auth);
  expect(r.status, r.text).toBe(200);
  return r.body as { count: number; items: { id: string; status: number; type: number; number: string; date: number; created_at: number }[] };
}

describe('Act ПП (§7.3.2, §5.3)', () => {
  it('is registered (1), delivered (3), approved in two steps (4): the box and its contents pass to the consignee', async () => {
    const s = await setup();
    const supplier = await signIn(s, PRODUCER);
    const buyer = await signIn(s, WHOLESALER);
    const box = cis(1, 'box', 0);
    const pack = cis(1, 'unit', 0);
    const milk = cis(4, 'unit', 5);
    const act = await actXml(s, supplier, { codes: [box, milk] });
    const r = await formal(s, supplier, act.xml);
    expect(r.status, r.text).toBe(200);
    const id = r.text;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    let out = await register(s, supplier, 'outgoing');
    expect(out.items).toEqual([expect.objectContaining({ id, status: 1, type: 1000, date: Date.parse('2026-03-02T09:45:15Z') / 1000 })]);
    expect((await register(s, buyer, 'incoming')).count).toBe(0); // not delivered yet
    s.advance(PROCESSING);
    out = await register(s, supplier, 'outgoing', { statuses: 3, partner_inn: WHOLESALER });
    expect(out.items.map((i) => i.status)).toEqual([3]);
    const inc = await register(s, buyer, 'incoming');
    expect(inc.items).toEqual([expect.objectContaining({ id, status: 3, type: 1000 })]);
    const xml = await s.http.get(`${BASE}/edo-api/incoming-documents/${id}/base64`).set('Authorization', buyer);
    expect(unb64(xml.text)).toBe(act.xml);
    expect((await s.http.get(`${BASE}/edo-api/outgoing-documents/${id}/base64`).set('Authorization', buyer)).body.error_message).toBe('Исходящий документ по идентификатору не найден');

    // Signing a title that was never made; the title of step 1, the same again until signed.
    const early = await s.http.post(`${BASE}/edo-api/incoming-documents/${id}/events/approve/signature`).set('Authorization', buyer).set('Content-Type', 'text/plain').send('c2ln');
    expect(early.status).toBe(400);
    expect((await s.http.get(`${BASE}/edo-api/incoming-documents/${id}/events/approve/base64`).set('Authorization', buyer)).body.error_message).toBe('Эвент входящего документа не найден');
    const title = await s.http.post(`${BASE}/edo-api/incoming-documents/${id}/events/approve`).set('Authorization', buyer).set('Content-Type', 'text/plain');
    expect(title.status, title.text).toBe(200);
    const titleXml = unb64(title.text);
    expect(titleXml).toContain('decision="APPROVE"');
    expect(titleXml).toMatch(new RegExp(`fileId="EEU_ACTPOK_${WHOLESALER}_${PRODUCER}_\\d{4}-\\d{2}-\\d{2}_[0-9a-f-]{36}"`));
    expect(titleXml).toContain(`sellerFileId="${act.fileId}"`);
    expect(titleXml).toContain('<sign>c2lnbmF0dXJl</sign>');
    expect((await s.http.post(`${BASE}/edo-api/incoming-documents/${id}/events/approve`).set('Authorization', buyer)).text).toBe(title.text);
    expect((await owner(s, box)).ownerBin).toBe(PRODUCER);

    s.advance(60_000);
    const signed = await s.http.post(`${BASE}/edo-api/incoming-documents/${id}/events/approve/signature`).set('Authorization', buyer).set('Content-Type', 'text/plain').send('c2lnbmVkIHRpdGxl');
    expect(signed.status, signed.text).toBe(201);
    expect(signed.text).toBe('');
    for (const code of [box, pack, milk]) expect(await owner(s, code)).toMatchObject({ ownerBin: WHOLESALER, status: 'INTRODUCED', lastDocId: id });
    expect((await register(s, supplier, 'outgoing', { statuses: 61 })).items.map((i) => i.id)).toEqual([id]);
    expect((await s.http.get(`${BASE}/edo-api/incoming-documents/${id}/events/approve/base64`).set('Authorization', buyer)).text).toBe(title.text);
    // The buyer sees the codes now; the act is a completed KZ_UPD in "Документы".
    const info = await s.http.post(`${BASE}/cises/info`).set('Authorization', buyer).send([pack]);
    expect(info.body[0].cisInfo.ownerInn ?? info.body[0].cisInfo.ownerBin).toBe(WHOLESALER);
    const found = await s.http.post(`${BASE}/documents/search`).set('Authorization', buyer).send({ documentType: 'KZ_UPD', dateFrom: '2026-03-01', pagination: { offset: 0, limit: 10 } });
    expect(found.body.documentsList).toEqual([{ fileId: act.fileId, sendingDateTime: '2026-03-02T09:45:15.000Z', status: 'CHECKED_OK', type: 'KZ_UPD' }]);
    // Decided once: a second decision is refused.
    const again = await s.http.post(`${BASE}/edo-api/incoming-documents/${id}/events/reject`).set('Authorization', buyer);
    expect(again.status).toBe(400);
    expect(again.body.error_message).toBe(`Операция не выполнена. Документ ${id} находится в статусе 4: отклонение невозможно`);
    expect(s.violations).toEqual([]);
  });

  it('refuses what it must: a pre-registered receiver, bad XML, wrong totals (10), a wrong limit', async () => {
    const s = await setup();
    const supplier = await signIn(s, PRODUCER);
    const milk = cis(4, 'unit', 7);
    const pre = await formal(s, supplier, (await actXml(s, supplier, { codes: [milk], to: PRE_REGISTERED })).xml);
    expect(pre.status).toBe(400);
    expect(pre.body.error_message).toBe('EdoApiServiceProxy#createOutgoingDocumentJsonKzUpd(DocumentWrapperDto): Organisation status PRE_REGISTERED_* incorrect.');
    const bad = await formal(s, supplier, '<file fileId="ACT_1" version="1" sendingDateTime="2026-03-02T00:00:00Z"/>');
    expect(bad.status).toBe(400);
    expect(bad.body.error_message).toMatch(/^Операция не выполнена\. Невалидный формат XML документа: file: fileId ACT_1 должен быть вида EEU_ACT_<UUID>/);
    const unsigned = await formal(s, supplier, (await actXml(s, supplier, { codes: [milk] })).xml, null);
    expect(unsigned.status).toBe(422);

    const wrong = await actXml(s, supplier, { codes: [milk], totals: { [batches[3].gtin]: 2 } });
    const r = await formal(s, supplier, wrong.xml);
    expect(r.status).toBe(200);
    s.advance(PROCESSING);
    expect((await register(s, supplier, 'outgoing')).items[0].status).toBe(10);
    const doc = await s.http.get(`${BASE}/documents/${r.text}/info`).set('Authorization', supplier);
    expect(doc.body.errors).toEqual([`Итоги productTotals по GTIN ${batches[3].gtin} (2) не соответствуют количеству потребительских упаковок в документе (1)`]);
    expect((await formal(s, supplier, wrong.xml)).body.error_message).toBe(`Документ с идентификатором ${wrong.fileId} уже зарегистрирован в системе`);

    const negative = await s.http.get(`${BASE}/edo-api/outgoing-documents`).query({ limit: -1 }).set('Authorization', supplier);
    expect(negative.status).toBe(500);
    const over = await s.http.get(`${BASE}/edo-api/incoming-documents`).query({ limit: 10001 }).set('Authorization', supplier);
    expect(over.status).toBe(400);
    expect(over.body.error_message).toBe('Лимит превышен, запросите не более 10000 документов. Получено значение 10001');
    expect((await s.http.get(`${BASE}/edo-api/outgoing-documents/nope/events/withdraw/base64`).set('Authorization', supplier)).body.error_message).toBe('Событие по идентификатору не найдено');
    const sort = await s.http.get(`${BASE}/edo-api/outgoing-documents`).query({ sortBy: 'price' }).set('Authorization', supplier);
    expect(sort.status).toBe(400);
    expect(sort.body.error_message).toBe('Параметры для поиска не получены или некорректны: sortBy price: сортировка возможна по created_at, date, number, status, type');
    expect((await s.http.get(`${BASE}/edo-api/outgoing-documents`).query({ statuses: 'x' }).set('Authorization', supplier)).status).toBe(400);
    // Another participant sees neither side of the act.
    const third = await signIn(s, IMPORTER);
    expect((await s.http.get(`${BASE}/edo-api/outgoing-documents/${r.text}/base64`).set('Authorization', third)).status).toBe(404);
    expect((await s.http.get(`${BASE}/edo-api/incoming-documents/${r.text}/base64`).set('Authorization', third)).body.error_message).toBe('Входящий документ по идентификатору не найден');
    expect((await register(s, third, 'outgoing')).count).toBe(0);
    expect(s.violations).toEqual([]);
  });

  it('rejected (5) changes nothing; withdrawn by the sender (16) through either signature path', async () => {
    const s = await setup();
    const supplier = await signIn(s, PRODUCER);
    const buyer = await signIn(s, WHOLESALER);
    const ids: string[] = [];
    for (const i of [10, 11, 12]) ids.push((await formal(s, supplier, (await actXml(s, supplier, { codes: [cis(4, 'unit', i)] })).xml)).text);
    const early = await s.http.post(`${BASE}/edo-api/outgoing-documents/${ids[1]}/events/withdraw`).set('Authorization', supplier);
    expect(early.body.error_message).toBe(`Операция не выполнена. Документ ${ids[1]} находится в статусе 1: отзыв невозможно`);
    s.advance(PROCESSING);
    await s.http.post(`${BASE}/edo-api/incoming-documents/${ids[0]}/events/reject`).set('Authorization', buyer).expect(200);
    await s.http.post(`${BASE}/edo-api/incoming-documents/${ids[0]}/events/reject/signature`).set('Authorization', buyer).set('Content-Type', 'text/plain').send('c2ln').expect(201);
    expect((await owner(s, cis(4, 'unit', 10))).ownerBin).toBe(PRODUCER);
    for (const [id, path] of [
      [ids[1], 'events/signature'],
      [ids[2], 'events/withdraw/signature'],
    ]) {
      const t = await s.http.post(`${BASE}/edo-api/outgoing-documents/${id}/events/withdraw`).set('Authorization', supplier);
      expect(unb64(t.text)).toMatch(new RegExp(`fileId="EEU_ACT_WITHDRAW_${PRODUCER}_${WHOLESALER}_`));
      expect(unb64(t.text)).toContain('decision="WITHDRAW"');
      await s.http.post(`${BASE}/edo-api/outgoing-documents/${id}/${path}`).set('Authorization', supplier).set('Content-Type', 'text/plain').send('c2ln').expect(201);
      expect((await s.http.get(`${BASE}/edo-api/outgoing-documents/${id}/events/withdraw/base64`).set('Authorization', supplier)).text).toBe(t.text);
    }
    const statuses = Object.fromEntries((await register(s, supplier, 'outgoing')).items.map((i) => [i.id, i.status]));
    expect(statuses).toEqual({ [ids[0]]: 5, [ids[1]]: 16, [ids[2]]: 16 });
    expect((await register(s, buyer, 'incoming', { statuses: [5, 16], asc: true })).count).toBe(3);
    // The buyer cannot decide a withdrawn act, not even with a title it made before the withdrawal.
    expect((await s.http.post(`${BASE}/edo-api/incoming-documents/${ids[1]}/events/approve`).set('Authorization', buyer)).status).toBe(400);
    const late = await formal(s, supplier, (await actXml(s, supplier, { codes: [cis(4, 'unit', 13)] })).xml);
    s.advance(PROCESSING);
    await s.http.post(`${BASE}/edo-api/incoming-documents/${late.text}/events/approve`).set('Authorization', buyer).expect(200);
    await s.http.post(`${BASE}/edo-api/outgoing-documents/${late.text}/events/withdraw`).set('Authorization', supplier).expect(200);
    await s.http.post(`${BASE}/edo-api/outgoing-documents/${late.text}/events/signature`).set('Authorization', supplier).set('Content-Type', 'text/plain').send('c2ln').expect(201);
    const stale = await s.http.post(`${BASE}/edo-api/incoming-documents/${late.text}/events/approve`).set('Authorization', buyer);
    expect(stale.body.error_message).toBe(`Операция не выполнена. Документ ${late.text} находится в статусе 16: подписание невозможно`);
    expect((await s.http.post(`${BASE}/edo-api/incoming-documents/${late.text}/events/approve/signature`).set('Authorization', buyer).set('Content-Type', 'text/plain').send('c2ln')).status).toBe(400);
    expect(s.violations).toEqual([]);
  });

  it('a divergence notice (unsigned) puts the act in 8; a corrective act annuls it (17) and is approved (4)', async () => {
    const s = await setup();
    const supplier = await signIn(s, PRODUCER);
    const buyer = await signIn(s, WHOLESALER);
    const [a, b] = [cis(4, 'unit', 20), cis(4, 'unit', 21)];
    const act = await actXml(s, supplier, { codes: [a, b] });
    const id = (await formal(s, supplier, act.xml)).text;
    s.advance(PROCESSING);
    const notice = divergenceXml(act.fileId, { [a]: 'FOUND', [b]: 'NOT_FOUND' });
    const n = await formal(s, buyer, notice.xml, null);
    expect(n.status, n.text).toBe(200);
    s.advance(PROCESSING);
    expect((await register(s, buyer, 'outgoing')).items).toEqual([expect.objectContaining({ id: n.text, status: 2, type: 1005 })]);
    expect((await register(s, supplier, 'outgoing')).items).toEqual([expect.objectContaining({ id, status: 8 })]);

    const cor = await actXml(s, supplier, { codes: [a], correct: id });
    const c = await formal(s, supplier, cor.xml);
    expect(c.status, c.text).toBe(200);
    s.advance(PROCESSING);
    const out = Object.fromEntries((await register(s, supplier, 'outgoing')).items.map((i) => [i.id, [i.status, i.type]]));
    expect(out).toEqual({ [id]: [17, 1000], [c.text]: [3, 1100] });
    expect((await register(s, buyer, 'incoming', { type: 1100 })).items.map((i) => i.id)).toEqual([c.text]);
    await s.http.post(`${BASE}/edo-api/incoming-documents/${c.text}/events/approve`).set('Authorization', buyer).expect(200);
    await s.http.post(`${BASE}/edo-api/incoming-documents/${c.text}/events/approve/signature`).set('Authorization', buyer).set('Content-Type', 'text/plain').send('c2ln').expect(201);
    expect((await owner(s, a)).ownerBin).toBe(WHOLESALER);
    expect((await owner(s, b)).ownerBin).toBe(PRODUCER);
    // The annulled act cannot be corrected again.
    const twice = await formal(s, supplier, (await actXml(s, supplier, { codes: [b], correct: id })).xml);
    expect(twice.body.error_message).toBe(`Операция не выполнена. Документ ${id} находится в статусе 17: корректировка невозможно`);
    expect(s.violations).toEqual([]);
  });
});

describe('forced outcome documentRejected', () => {
  it('ends a formal document in 10 with the text, and an acceptance CHECKED_NOT_OK; nothing changes', async () => {
    const s = await setup();
    const faults = [{ match: { system: 'true-api', operation: 'formalDocument' }, action: { outcome: { documentRejected: 'code: 71 error: Документ не прошел проверку' } } }];
    expect((await s.http.post('/__sim/scenarios').send({ scenario: { name: 'rejected-acts', description: 'Forced', faults } })).status).toBe(200);
    const supplier = await signIn(s, PRODUCER);
    const code = cis(4, 'unit', 40);
    const r = await formal(s, supplier, (await actXml(s, supplier, { codes: [code] })).xml);
    expect(r.status).toBe(200);
    s.advance(PROCESSING);
    expect((await register(s, supplier, 'outgoing')).items[0].status).toBe(10);
    expect((await s.http.get(`${BASE}/documents/${r.text}/info`).set('Authorization', supplier)).body.errors).toEqual(['code: 71 error: Документ не прошел проверку']);
    expect((await owner(s, code)).ownerBin).toBe(PRODUCER);
    expect(s.violations).toEqual([]);
  });
});

describe('EAEU import notice (§7.4.1, §5.4)', () => {
  it('introduces the codes at the end of processing (FOREIGN); a correction replaces them; a withdrawal puts them back', async () => {
    const s = await setup();
    const importer = await signIn(s, IMPORTER);
    const codes = [cis(19, 'unit', 0), cis(19, 'unit', 1)];
    const gtin = batches.find((x) => x.id === 19)!.gtin;
    const n = importTransitXml(codes, gtin);
    const r = await formal(s, importer, n.xml);
    expect(r.status, r.text).toBe(200);
    expect((await owner(s, codes[0])).status).toBe('APPLIED');
    s.advance(PROCESSING);
    expect(await owner(s, codes[0])).toMatchObject({ status: 'INTRODUCED', ownerBin: IMPORTER, emissionType: 'FOREIGN' });
    const info = await s.http.get(`${BASE}/edo-api/documents/info/${r.text}`).set('Authorization', importer);
    expect(info.body).toMatchObject({ status: 'CHECKED_OK', type: 'IMPORT_TRANSIT', body: { fileId: n.fileId, productTotals: { [gtin]: 2 } } });
    expect(info.body.body.productList.map((p: { value: string }) => p.value)).toEqual(codes);

    const cor = importTransitXml([codes[0]], gtin, { primary: r.text });
    const c = await formal(s, importer, cor.xml);
    expect(c.status, c.text).toBe(200);
    s.advance(PROCESSING);
    expect((await owner(s, codes[1])).status).toBe('APPLIED');
    expect((await owner(s, codes[0])).status).toBe('INTRODUCED');
    expect(Object.fromEntries((await register(s, importer, 'outgoing')).items.map((i) => [i.type, i.status]))).toEqual({ 1200: 17, 1300: 3 });

    const t = await s.http.post(`${BASE}/edo-api/outgoing-documents/${c.text}/events/withdraw`).set('Authorization', importer);
    expect(unb64(t.text)).toMatch(/fileId="EEU_IMPORTTRANSIT_WITHDRAW_6317136467_/);
    await s.http.post(`${BASE}/edo-api/outgoing-documents/${c.text}/events/signature`).set('Authorization', importer).set('Content-Type', 'text/plain').send('c2ln').expect(201);
    expect((await owner(s, codes[0])).status).toBe('APPLIED');
    expect(s.violations).toEqual([]);
  });
});

describe('strict signatures on acts and titles', () => {
  it('requires the supplier on the act and the consignee on its title', async () => {
    const s = await setup();
    const [mine, theirs] = await strictSession(s, PRODUCER, WHOLESALER);
    const supplier = mine.auth;
    const buyer = theirs.auth;
    const act = await actXml(s, supplier, { codes: [cis(4, 'unit', 30)] });
    const foreign = await formal(s, supplier, act.xml, await theirs.detached(act.xml));
    expect(foreign.status).toBe(422);
    expect(foreign.body.error_message).toBe(`Ошибка проверки подписи документа ${act.fileId}: Ошибка проверки ЭЦП: документ подписан сертификатом участника ${WHOLESALER}, а отправлен участником ${PRODUCER}`);
    const r = await formal(s, supplier, act.xml, await mine.detached(act.xml));
    expect(r.status, r.text).toBe(200);
    s.advance(PROCESSING);
    const title = unb64((await s.http.post(`${BASE}/edo-api/incoming-documents/${r.text}/events/approve`).set('Authorization', buyer)).text);
    const wrong = await s.http.post(`${BASE}/edo-api/incoming-documents/${r.text}/events/approve/signature`).set('Authorization', buyer).set('Content-Type', 'text/plain').send(await mine.detached(title));
    expect(wrong.status).toBe(422);
    await s.http.post(`${BASE}/edo-api/incoming-documents/${r.text}/events/approve/signature`).set('Authorization', buyer).set('Content-Type', 'text/plain').send(await theirs.detached(title)).expect(201);
    expect((await owner(s, cis(4, 'unit', 30))).ownerBin).toBe(WHOLESALER);
    expect(s.violations).toEqual([]);
  });
});
