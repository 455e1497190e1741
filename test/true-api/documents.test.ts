/**
 * True API documents (§7.2, §7.5, §7.6, §7.1.5, §7.1.6, §7.12): notices checked against the registry, IN_PROGRESS on
 * the virtual clock, then in effect (codes change status, owner, aggregate) or CHECKED_NOT_OK with the documented
 * errors and nothing changed; the "Документы" views and listings; receipts from the control plane.
 */
import { describe, expect, it } from 'vitest';
import { signCms } from '../../simulator/core/cms.js';
import { CodeBook, type CodeRef } from '../../simulator/systems/true-api/codes.js';
import { batchOf } from '../../simulator/systems/true-api/world.js';
import fixture from '../../fixtures/true-api/world.json' with { type: 'json' };
import { setup, T0, type Setup } from '../helpers.js';
import { BASE, IMPORTER, PRODUCER, signIn, strictSession, WHOLESALER } from './helpers.js';

const batches = fixture.batches.map((b) => batchOf(b as Parameters<typeof batchOf>[0], T0));
const book = new CodeBook(1, batches);
const ref = (id: number, level: CodeRef['level'], index: number): CodeRef => ({ batch: batches.find((b) => b.id === id)!, level, index });
const cis = (id: number, level: CodeRef['level'], index: number) => book.cis(ref(id, level, index));
const PROCESSING = 3_000;
const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

let seq = 0;
const fileId = () => `0000000${++seq}`.slice(-8) + '-aaaa-4bbb-8ccc-000000000000';

/** §7.6 / §7.2 XML (attributes, as the act example of §7.3 writes fields). */
function participantNotice(o: { id?: string; bin?: string; reason?: string; codes: { code: string; count?: number }[] }) {
  const id = o.id ?? fileId();
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<file fileId="${id}" version="1.0" sendingDateTime="2026-03-02T09:00:00Z">
  <document>
    <mainInfo reason="${o.reason ?? '1'}">
      <participantInfo participantName="ТОО" participantIdentificationCode="${o.bin ?? PRODUCER}"/>
      <originalDocInfo docName="Акт" docNumber="77" docDate="01.03.2026"/>
    </mainInfo>
    <productList>${o.codes.map((c) => `<iCode${c.count !== undefined ? ` count="${c.count}"` : ''}>${esc(c.code)}</iCode>`).join('')}</productList>
  </document>
</file>`;
  return { id, xml, document: Buffer.from(xml).toString('base64') };
}

/** §7.5 XML with elements (the table's nesting). */
function importNotice(codes: string[], o: { id?: string; importer?: string } = {}) {
  const id = o.id ?? `IMPORT_${fileId()}`;
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<file fileId="${id}" version="1.0" sendingDateTime="2026-03-02T09:00:00Z"><document><mainInfo>
<importerInfo><importerName>ТОО «Шымкент Импорт»</importerName><importerCode>${o.importer ?? IMPORTER}</importerCode></importerInfo>
<exportCountry>CN</exportCountry>
<customDocument><docType>DECLARATION</docType><regNumber>55301/020326/0001234</regNumber><regDate>2026-03-01</regDate></customDocument>
<customDecisionInfo><decisionCode>10</decisionCode><decisionDateTime>2026-03-01T10:00:00Z</decisionDateTime><customCode>55301</customCode></customDecisionInfo>
<certificationInfo><docType>CONFORMITY_DECLARATION</docType><docNumber>EAEU-1</docNumber><docDate>2026-01-01</docDate></certificationInfo>
</mainInfo><productItems><item><iCodeFromDeclaration>${esc(codes[0])}</iCodeFromDeclaration><product><trved>6403990000</trved><gtin>00191028060272</gtin><originCountry>CN</originCountry><itemNumber>1</itemNumber>${codes
    .slice(1)
    .map((c) => `<iCode>${esc(c)}</iCode>`)
    .join('')}</product></item></productItems></document></file>`;
  return { id, xml, document: Buffer.from(xml).toString('base64') };
}

async function post(s: Setup, auth: string, path: string, document: string, signature = 'c2lnbmF0dXJl') {
  return s.http.post(`${BASE}${path}`).set('Authorization', auth).send({ document, signature });
}

async function codeState(s: Setup, code: string) {
  const r = await s.http.get(`/__sim/state/true-api/codes/${encodeURIComponent(code)}`);
  expect(r.status).toBe(200);
  return r.body as { status: string; ownerBin: string; parent: string | null; children: string[]; lastDocId?: string; history: { status: string; docId?: string; docType?: string }[] };
}

describe('POST /documents/writeOff (§7.6)', () => {
  it('is IN_PROGRESS, then CHECKED_OK: the box and everything in it written off, in every view', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const box = cis(1, 'box', 0);
    const n = participantNotice({ codes: [{ code: box, count: 500 }], reason: '1' });
    const r = await post(s, auth, '/documents/writeOff', n.document);
    expect(r.status, r.text).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    const number = r.text;
    expect(number).toMatch(/^[0-9a-f-]{36}$/);

    const info = async () => (await s.http.get(`${BASE}/documents/${n.id}/info`).set('Authorization', auth)).body;
    expect((await info()).status).toBe('IN_PROGRESS');
    expect((await codeState(s, box)).status).toBe('INTRODUCED');
    // The "Документы" tab holds completed documents only.
    expect((await s.http.post(`${BASE}/documents/search`).set('Authorization', auth).send({ dateFrom: '2026-03-01', pagination: { offset: 0, limit: 10 } })).status).toBe(404);

    s.advance(PROCESSING);
    const done = await info();
    expect(done).toMatchObject({ number: n.id, type: 'MTTPS_90', status: 'CHECKED_OK', senderBin: PRODUCER, input: false, content: n.xml });
    expect(done.body.document.mainInfo).toEqual({ participantInfo: { participantName: 'ТОО', participantIdentificationCode: PRODUCER }, originalDocInfo: { docName: 'Акт', docNumber: '77', docDate: '01.03.2026' }, reason: '1' });
    expect(done.body.document.cisList).toEqual([{ value: box, name: expect.any(String), status: 'WRITTEN_OFF' }]);
    // By the processing number too, and at both paths of §7.1.5.
    expect((await s.http.get(`${BASE}/documents/${number}/info`).set('Authorization', auth)).body.number).toBe(n.id);
    for (const path of [`/edo-api/documents/info/${n.id}`, `/documents/info/${n.id}`]) {
      const e = await s.http.get(`${BASE}${path}`).set('Authorization', auth);
      expect(e.status).toBe(200);
      expect(e.body).toMatchObject({ status: 'CHECKED_OK', type: 'MTTPS_90', body: { fileId: n.id, version: '1.0', sendingDateTime: '2026-03-02T09:00:00Z' } });
    }

    const pack = cis(1, 'unit', 0);
    for (const code of [box, cis(1, 'block', 0), pack]) {
      const c = await codeState(s, code);
      expect(c.status, code).toBe('WRITTEN_OFF');
      expect(c.lastDocId).toBe(n.id);
      expect(c.history.at(-1)).toMatchObject({ status: 'WRITTEN_OFF', docId: n.id, docType: 'MTTPS_90' });
    }
    expect((await codeState(s, pack)).parent).not.toBeNull(); // the box went whole: nothing left its aggregate
    const info2 = await s.http.post(`${BASE}/cises/info`).set('Authorization', auth).send([pack]);
    expect(info2.body[0].cisInfo.status).toBe('WRITTEN_OFF');
    const hist = await s.http.get(`${BASE}/cises/history`).query({ code: pack }).set('Authorization', auth);
    expect(hist.body).toMatchObject({ status: 'WRITTEN_OFF', docId: n.id, operationDate: new Date(T0 + PROCESSING).toISOString() });

    // Listings count by the codes' state now: 501 + 50 + 1 codes of batch 1 left INTRODUCED.
    const listed = async (status: string) => (await s.http.get(`${BASE}/cises/listV2`).query({ gtin: '04606203084623', cisStatus: status, cisPackageType: 'LEVEL2', limit: 1 }).set('Authorization', auth)).body.total;
    expect(await listed('WRITTEN_OFF')).toBe(1);
    expect(await listed('INTRODUCED')).toBe(99);

    const list = await s.http.get(`${BASE}/doc/listV2`).set('Authorization', auth);
    expect(list.body).toMatchObject({ total: 1, results: [{ number: n.id, type: 'MTTPS_90', status: 'CHECKED_OK', downloadStatus: 'CHECKED_OK' }] });
    const found = await s.http.post(`${BASE}/documents/search`).set('Authorization', auth).send({ documentType: 'MTTPS_90', dateFrom: '03/01/2026', pagination: { offset: '0', order: 'DESC', limit: '1' } });
    expect(found.body).toEqual({ documentsList: [{ fileId: n.id, sendingDateTime: '2026-03-02T09:00:00.000Z', status: 'CHECKED_OK', type: 'MTTPS_90' }] });

    // Another participant sees none of it.
    const other = await signIn(s, WHOLESALER);
    expect((await s.http.get(`${BASE}/documents/${n.id}/info`).set('Authorization', other)).status).toBe(403);
    expect((await s.http.get(`${BASE}/edo-api/documents/info/${n.id}`).set('Authorization', other)).status).toBe(404);
    expect((await s.http.get(`${BASE}/doc/listV2`).set('Authorization', other)).body).toEqual({ results: [], total: 0 });
    expect(s.violations).toEqual([]);
  });

  it('fails with every error found and changes nothing: status by its number, owner, count, twice, unknown, participant', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const applied = cis(2, 'unit', 3); // APPLIED (1)
    const wholesalers = cis(3, 'block', 0); // produced by the caller, owned by the wholesaler
    const milk = cis(4, 'unit', 1);
    const n = participantNotice({ bin: WHOLESALER, codes: [{ code: applied }, { code: wholesalers }, { code: milk, count: 2 }, { code: milk }, { code: '0104870003870025' + '21' + 'Z'.repeat(13) }] });
    expect((await post(s, auth, '/documents/writeOff', n.document)).status).toBe(200);
    s.advance(PROCESSING);
    const row = (await s.http.get(`${BASE}/doc/listV2`).query({ number: n.id }).set('Authorization', auth)).body.results[0];
    expect(row.status).toBe('CHECKED_NOT_OK');
    expect(row.errors).toEqual([
      `ИИН/БИН ${WHOLESALER} в документе не совпадает с ИИН/БИН отправителя ${PRODUCER}`,
      `Статус 1 Кода Маркировки с номером ${applied} не соответствует выполняемой операции`,
      `Участник ${PRODUCER} не является собственником Кода Маркировки с номером ${wholesalers}`,
      `Количество потребительских упаковок 2 Кода Маркировки с номером ${milk} не соответствует фактическому (1)`,
      `Код Маркировки с номером ${milk} указан в документе более одного раза`,
      `Код Маркировки с номером 0104870003870025${'21'}${'Z'.repeat(13)} не найден`,
    ]);
    expect(row.downloadDesc).toBe(row.errors.join(','));
    for (const [code, status] of [[applied, 'APPLIED'], [wholesalers, 'INTRODUCED'], [milk, 'INTRODUCED']]) expect((await codeState(s, code)).status).toBe(status);
    expect((await s.http.get(`${BASE}/doc/listV2`).query({ documentStatus: 'CHECKED_OK' }).set('Authorization', auth)).body.total).toBe(0);
    expect(s.violations).toEqual([]);
  });

  it('takes a pack out of its block when it goes alone; a later notice sees what an earlier one will do', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const block = cis(1, 'block', 7);
    const pack = cis(1, 'unit', 70);
    const first = participantNotice({ reason: '13', codes: [{ code: pack }] });
    expect((await post(s, auth, '/documents/writeOff', first.document)).status).toBe(200);
    // Still in processing: the same pack cannot go twice.
    const second = participantNotice({ reason: '13', codes: [{ code: pack }] });
    expect((await post(s, auth, '/documents/writeOff', second.document)).status).toBe(200);
    s.advance(PROCESSING);
    const c = await codeState(s, pack);
    expect(c).toMatchObject({ status: 'WITHDRAWN', parent: null, lastDocId: first.id });
    const b = await codeState(s, block);
    expect(b.children).toHaveLength(9);
    expect(b.children).not.toContain(pack);
    const count = await s.http.post(`${BASE}/cis/cises-units-count`).set('Authorization', auth).send([block]);
    expect(count.body.cisesCounts[block]).toBe(9);
    const rows = (await s.http.get(`${BASE}/doc/listV2`).query({ order: 'ASC' }).set('Authorization', auth)).body.results;
    expect(rows.map((r: { number: string; status: string }) => [r.number, r.status])).toEqual([
      [first.id, 'CHECKED_OK'],
      [second.id, 'CHECKED_NOT_OK'],
    ]);
    expect(rows[1].errors).toEqual([`Статус 4 Кода Маркировки с номером ${pack} не соответствует выполняемой операции`]);
    expect(s.violations).toEqual([]);
  });

  it('refuses what is not a notice (400), an empty signature (422) and a fileId used before, storing nothing', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const ok = participantNotice({ codes: [{ code: cis(4, 'unit', 9) }] });
    const cases: [string, number, string][] = [
      ['%%%', 400, 'Операция не выполнена. Невалидный формат XML документа: document не является строкой base64'],
      [Buffer.from('<file><unclosed></file>').toString('base64'), 400, 'Операция не выполнена. Невалидный формат XML документа: XML is not well-formed'],
      [Buffer.from('<root/>').toString('base64'), 400, 'Невалидный формат XML документа: корневой элемент должен быть file'],
      [Buffer.from(ok.xml.replace(' reason="1"', '')).toString('base64'), 400, 'mainInfo: нет обязательного поля reason'],
      [Buffer.from(ok.xml.replace(' reason="1"', ' reason="19"')).toString('base64'), 400, 'reason 19 не входит в справочник'],
      [Buffer.from(ok.xml.replace('01.03.2026', '2026-03-01')).toString('base64'), 400, 'docDate должна быть в формате dd.mm.yyyy'],
      [Buffer.from(ok.xml.replace(/<productList>.*<\/productList>/, '<productList/>')).toString('base64'), 400, 'нет обязательного элемента productList'],
    ];
    for (const [document, status, text] of cases) {
      const r = await post(s, auth, '/documents/writeOff', document);
      expect(r.status, text).toBe(status);
      expect(r.body.error_message).toContain(text);
    }
    const unsigned = await post(s, auth, '/documents/writeOff', ok.document, '');
    expect(unsigned.status).toBe(422);
    expect(unsigned.body).toEqual({ error_message: 'Ошибка проверки подписи' });
    expect((await s.http.post(`${BASE}/documents/writeOff`).set('Authorization', auth).send({ document: ok.document })).status).toBe(400);
    expect((await s.http.get(`${BASE}/doc/listV2`).set('Authorization', auth)).body.total).toBe(0);
    expect((await post(s, auth, '/documents/writeOff', ok.document)).status).toBe(200);
    const again = await post(s, auth, '/documents/writeOff', ok.document);
    expect(again.status).toBe(400);
    expect(again.body.error_message).toBe(`Документ с идентификатором ${ok.id} уже зарегистрирован в системе`);
    expect((await s.http.get(`${BASE}/doc/listV2`).set('Authorization', auth)).body.total).toBe(1);
    const search = (body: object) => s.http.post(`${BASE}/documents/search`).set('Authorization', auth).send(body);
    expect((await search({ dateFrom: 'yesterday', pagination: {} })).body.error_message).toBe('Параметры для поиска не получены или некорректны: dateFrom yesterday не является датой');
    expect((await search({ dateFrom: '2026-03-01', pagination: { offset: '-1' } })).body.error_message).toBe('Параметры для поиска не получены или некорректны: pagination.offset должен быть целым числом не меньше 0');
    expect((await search({ dateFrom: '2026-03-01' })).status).toBe(400);
    const unpaired = await s.http.get(`${BASE}/doc/listV2`).query({ did: ok.id }).set('Authorization', auth);
    expect(unpaired.body.error_message).toBe('Операция не выполнена. Ошибки в параметрах фильтра: did и orderedColumnValue указываются вместе');
    const outside = await s.http.get(`${BASE}/doc/listV2`).query({ did: 'nope', orderedColumnValue: '2026-03-02T09:00:00.000Z' }).set('Authorization', auth);
    expect(outside.body.error_message).toBe('Операция не выполнена. Ошибки в параметрах фильтра: документ nope не входит в выборку');
    expect(s.violations).toEqual([]);
  });
});

describe('strict signatures on documents', () => {
  it('verifies a detached CMS of the sender over the XML; a foreign certificate or an attached CMS is a 422', async () => {
    const s = await setup();
    const [mine, theirs] = await strictSession(s, PRODUCER, WHOLESALER);
    const auth = mine.auth;
    const sig = async (xml: string, who: typeof mine, detached = true) => (detached ? who.detached(xml) : (await signCms(Buffer.from(xml), { certificate: who.cert.cert, privateKey: who.cert.key })).toString('base64'));

    const a = participantNotice({ codes: [{ code: cis(4, 'unit', 20) }] });
    const foreign = await post(s, auth, '/documents/writeOff', a.document, await sig(a.xml, theirs));
    expect(foreign.status).toBe(422);
    expect(foreign.body.error_message).toBe(`Ошибка проверки подписи документа ${a.id}: Ошибка проверки ЭЦП: документ подписан сертификатом участника ${WHOLESALER}, а отправлен участником ${PRODUCER}`);
    const attached = await post(s, auth, '/documents/writeOff', a.document, await sig(a.xml, mine, false));
    expect(attached.status).toBe(422);
    expect(attached.body.error_message).toContain('нужна подпись без включения данных (detached CMS)');
    const otherXml = await post(s, auth, '/documents/writeOff', a.document, await sig(a.xml + ' ', mine));
    expect(otherXml.status).toBe(422);
    expect(otherXml.body.error_message).toContain('подпись не соответствует подписанным данным');
    expect((await post(s, auth, '/documents/writeOff', a.document, 'bm90IGEgY21z')).status).toBe(422);
    expect((await post(s, auth, '/documents/writeOff', a.document, await sig(a.xml, mine))).status).toBe(200);
    expect(s.violations).toEqual([]);
  });
});

describe('POST /documents/transit/introduce-goods/create (§7.2) and /documents/transit/import/third_countries (§7.5)', () => {
  it('returns withdrawn codes to circulation (reason 1) and introduces applied ones (reason 2); answers " "', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const withdrawn = cis(11, 'unit', 0);
    const applied = cis(7, 'unit', 0);
    const one = participantNotice({ reason: '1', codes: [{ code: withdrawn, count: 1 }] });
    const r = await post(s, auth, '/documents/transit/introduce-goods/create', one.document);
    expect(r.status).toBe(200);
    expect(r.text).toBe(' ');
    const two = participantNotice({ reason: '2', codes: [{ code: applied }, { code: withdrawn }] });
    expect((await post(s, auth, '/documents/transit/introduce-goods/create', two.document)).status).toBe(200);
    s.advance(PROCESSING);
    expect((await codeState(s, withdrawn)).status).toBe('INTRODUCED_RETURNED');
    expect((await codeState(s, applied)).status).toBe('APPLIED'); // the second failed whole: the withdrawn code is not APPLIED
    const e = await s.http.get(`${BASE}/edo-api/documents/info/${two.id}`).set('Authorization', auth);
    expect(e.body.status).toBe('CHECKED_NOT_OK');
    const three = participantNotice({ reason: '2', codes: [{ code: applied }] });
    expect((await post(s, auth, '/documents/transit/introduce-goods/create', three.document)).status).toBe(200);
    s.advance(PROCESSING);
    expect((await codeState(s, applied)).status).toBe('INTRODUCED');
    expect(s.violations).toEqual([]);
  });

  it('introduces the importer\'s applied codes as FOREIGN; a fileId not IMPORT_<UUID> is a 400', async () => {
    const s = await setup();
    const auth = await signIn(s, IMPORTER);
    const codes = [cis(19, 'unit', 0), book.withTail(ref(19, 'unit', 1)).split('\x1d')[0], cis(19, 'unit', 2)];
    const bad = importNotice(codes, { id: 'IMPORT_123' });
    const refused = await post(s, auth, '/documents/transit/import/third_countries', bad.document);
    expect(refused.status).toBe(400);
    expect(refused.body.error_message).toContain('fileId IMPORT_123 должен быть в формате IMPORT_<UUID>');
    const n = importNotice(codes);
    const r = await post(s, auth, '/documents/transit/import/third_countries', n.document);
    expect(r.status).toBe(200);
    s.advance(PROCESSING);
    const listed = await s.http.get(`${BASE}/cises/listV2`).query({ gtin: '00191028060272', emissionType: 'FOREIGN', cisStatus: 'INTRODUCED', limit: 1000 }).set('Authorization', auth);
    expect(listed.body.total).toBe(500 + 3);
    const info = await s.http.get(`${BASE}/edo-api/documents/info/${n.id}`).set('Authorization', auth);
    expect(info.body).toMatchObject({ status: 'CHECKED_OK', type: 'IMPORT', body: { document: { mainInfo: { importerInfo: { importerCode: IMPORTER }, exportCountry: 'CN', customDecisionInfo: { decisionCode: '10', customCode: '55301' } }, productItems: [{ iCodeFromDeclaration: codes[0], product: { tnved: '6403990000', iCode: codes.slice(1) } }] } } });
    expect(s.violations).toEqual([]);
  });
});

describe('receipts (§7.12.3, §7.12.4) from the control plane', () => {
  it('a sale withdraws the codes, a return puts them back; the seller reads them, others get the 403', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const codes = [cis(4, 'unit', 100), cis(4, 'unit', 101)];
    const sale = await s.http.post('/__sim/true-api/receipts').send({ bin: PRODUCER, type: 'RECEIPT', codes, prices: [45_000, 45_000], kktRegId: '000123456789' });
    expect(sale.status, JSON.stringify(sale.body)).toBe(201);
    expect(sale.body).toMatchObject({ type: 'RECEIPT', status: 'IN_PROGRESS', outcome: 'CHECKED_OK', errors: [] });
    s.advance(PROCESSING);
    for (const c of codes) expect((await codeState(s, c)).status).toBe('WITHDRAWN');
    const info = await s.http.get(`${BASE}/receipt/${sale.body.receiptId}/info`).set('Authorization', auth);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ documentId: sale.body.receiptId, type: 'RECEIPT', status: 'CHECKED_OK', operationType: 1, kktRegId: '000123456789', fiscalDocumentNumber: 1, products: [{ price: 45_000, count: 1, sum: 45_000, cis: codes[0], valid: true }, { cis: codes[1] }] });
    const other = await signIn(s, WHOLESALER);
    const foreign = await s.http.get(`${BASE}/receipt/${sale.body.receiptId}/info`).set('Authorization', other);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error_message).toBe(`Чек с идентификатором ${sale.body.receiptId} принадлежит другому владельцу`);
    expect((await s.http.get(`${BASE}/receipt/nope/info`).set('Authorization', auth)).status).toBe(400);

    const ret = await s.http.post('/__sim/true-api/receipts').send({ bin: PRODUCER, type: 'RECEIPT_RETURN', codes: [codes[0]] });
    expect(ret.body.outcome).toBe('CHECKED_OK');
    const twice = await s.http.post('/__sim/true-api/receipts').send({ bin: PRODUCER, type: 'RECEIPT', codes: [codes[1]] });
    expect(twice.body).toMatchObject({ outcome: 'CHECKED_NOT_OK', errors: [`Статус 4 Кода Маркировки с номером ${codes[1]} не соответствует выполняемой операции`] });
    s.advance(PROCESSING);
    expect((await codeState(s, codes[0])).status).toBe('INTRODUCED_RETURNED');

    const needsPg = await s.http.get(`${BASE}/receipt/listV2`).query({ limit: 10 }).set('Authorization', auth);
    expect(needsPg.status).toBe(400);
    expect(needsPg.body.error_message).toBe('Операция не выполнена. Ошибки в параметрах фильтра: при указании limit необходимо указать товарную группу pg');
    const listed = await s.http.get(`${BASE}/receipt/listV2`).query({ limit: 2, pg: 'milk', order: 'ASC' }).set('Authorization', auth);
    expect(listed.body.total).toBe(3);
    expect(listed.body.results.map((r: { type: string }) => r.type)).toEqual(['RECEIPT', 'RECEIPT_RETURN']);
    const next = await s.http.get(`${BASE}/receipt/listV2`).query({ limit: 2, pg: 'milk', order: 'ASC', did: listed.body.results[1].number, orderedColumnValue: listed.body.results[1].receivedAt }).set('Authorization', auth);
    expect(next.body.results.map((r: { status: string }) => r.status)).toEqual(['CHECKED_NOT_OK']);
    expect((await s.http.get(`${BASE}/doc/listV2`).set('Authorization', auth)).body.total).toBe(0); // receipts are not documents of doc/listV2
    expect((await s.http.post('/__sim/true-api/receipts').send({ bin: PRODUCER, type: 'RECEIPT', codes, prices: [1] })).status).toBe(400);
    expect((await s.http.post('/__sim/true-api/receipts').send({ bin: '150140000013', type: 'RECEIPT', codes })).status).toBe(400);
    expect(s.violations).toEqual([]);
  });
});
