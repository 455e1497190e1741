import { describe, expect, it } from 'vitest';
import { GS } from '../../simulator/core/gs1.js';
import { checkScenario } from '../../simulator/core/scenario.js';
import { defaultCatalog } from '../../simulator/app.js';
import { aggregation, applied, docStatus, errorsOf, postDoc, SSCC, statusOfCode, unit, utilisation, utilise, HANDBOOK, mcoiError, readyCodes, registerOrder, setup, withoutErrorId, type Setup } from './helpers.js';

const CATALOG = defaultCatalog();
const bare = (c: string) => c.split(GS)[0];
const sortedB64 = (v: Record<string, unknown>) => Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))))).toString('base64');

async function disaggregate(s: Setup, auth: string, codes: string[], extra: Record<string, unknown> = {}) {
  // As a real client sends it: keys sorted A–Z, {documentBody} only, no signature.
  return s.http.post('/mcoi/public/api/v1/doc/transport-code-disaggregation').set('Authorization', auth).send({ documentBody: sortedB64({ codes, businessDatetime: '2026-03-02T09:00:00Z', ...extra }) });
}
async function info(s: Setup, auth: string, codes: string[], addCodeHistory?: boolean) {
  return s.http.post('/mcoi/public/api/cod/private/codes').set('Authorization', auth).send({ codes, ...(addCodeHistory === undefined ? {} : { addCodeHistory }) });
}
/** Two codes packed in SSCC(1), that box and a third code's box SSCC(2) on pallet SSCC(3). */
async function packed(s: Setup, auth: string) {
  const codes = await applied(s, auth, 3);
  const res = await postDoc(s, auth, 'aggregation', aggregation([unit(SSCC(1), [codes[0], codes[1]]), unit(SSCC(2), [codes[2]]), unit(SSCC(3), [SSCC(1), SSCC(2)])]));
  s.advance(2_000);
  expect(await docStatus(s, auth, res.body.documentId)).toBe('SUCCESS');
  return codes;
}

describe('POST doc/transport-code-disaggregation (observed #27)', () => {
  it('dissolves a package once processed: its contents lose their parent and can be packed again', async () => {
    const s = await setup();
    const auth = await s.login();
    const codes = await packed(s, auth);
    const res = await disaggregate(s, auth, [`00${SSCC(3)}`]);
    expect(res.status).toBe(200);
    expect(await docStatus(s, auth, res.body.documentId)).toBe('IN_PROCESS');
    expect((await statusOfCode(s, codes[0])).parent).toBe(SSCC(1));
    s.advance(2_000);
    expect(await docStatus(s, auth, res.body.documentId)).toBe('SUCCESS');
    const search = await s.http.get('/mcoi/public/api/v1/doc/storage/docs/search').query({ types: 'TRANSPORT_CODE_DISAGGREGATION' }).set('Authorization', auth);
    expect(search.body.documentInfos.map((d: { documentId: string }) => d.documentId)).toEqual([res.body.documentId]);
    const boxes = await disaggregate(s, auth, [SSCC(1)]);
    s.advance(2_000);
    expect(await docStatus(s, auth, boxes.body.documentId)).toBe('SUCCESS');
    expect((await statusOfCode(s, codes[0])).parent).toBeUndefined();
    expect((await statusOfCode(s, codes[0])).history.at(-1)).toMatchObject({ event: 'its package was disaggregated', by: boxes.body.documentId });
    expect((await statusOfCode(s, codes[2])).parent).toBe(SSCC(2));
    const repack = await postDoc(s, auth, 'aggregation', aggregation([unit(SSCC(4), [codes[0], codes[1], SSCC(2)])]));
    s.advance(2_000);
    expect(await docStatus(s, auth, repack.body.documentId)).toBe('SUCCESS');
    expect((await statusOfCode(s, codes[1])).parent).toBe(SSCC(4));
  });

  it('records what cannot be dissolved: unknown, repeated, nested, already dissolved, another owner\'s', async () => {
    const s = await setup();
    const auth = await s.login();
    const codes = await packed(s, auth);
    for (const box of [SSCC(3), SSCC(2)]) expect((await disaggregate(s, auth, [box])).status).toBe(200);
    await postDoc(s, auth, 'aggregation', aggregation([unit(SSCC(6), [SSCC(1)])]));
    s.advance(2_000);
    const water = await s.login('water');
    const theirs = (await readyCodes(s, water, 1, '04780003000011', { productGroup: 'water', businessPlaceId: 51 })).codes;
    await utilise(s, water, utilisation(theirs, { businessPlaceId: 51 }), 'water');
    s.advance(2_000);
    await postDoc(s, water, 'aggregation', aggregation([unit(SSCC(7), theirs)], { businessPlaceId: 51 }));
    s.advance(2_000);
    const res = await disaggregate(s, auth, [SSCC(5), SSCC(1), SSCC(1), SSCC(2), SSCC(7)]);
    s.advance(2_000);
    expect(await docStatus(s, auth, res.body.documentId)).toBe('ERROR');
    expect((await errorsOf(s, auth, res.body.documentId)).map((e: { errorCode: string; propertyValue: string }) => [e.errorCode, e.propertyValue])).toEqual([
      ['unit-not-found', SSCC(5)],
      ['code-already-aggregated', SSCC(1)],
      ['duplicate-code', SSCC(1)],
      ['unit-disaggregated', SSCC(2)],
      ['invalid-code-owner', SSCC(7)],
    ]);
    // Nothing of an ERROR document takes effect; a dissolved SSCC is never formed again.
    expect((await s.http.post('/mcoi/public/api/cod/nested-codes/owner-check').set('Authorization', auth).send({ codes: [SSCC(6)] })).body.results[0].children).toEqual([SSCC(1)]);
    const reuse = await postDoc(s, auth, 'aggregation', aggregation([unit(SSCC(2), [codes[2]])]));
    s.advance(2_000);
    expect((await errorsOf(s, auth, reuse.body.documentId))[0]).toMatchObject({ errorCode: 'unit-already-exists' });
  });

  it('needs the aggregation role, and a body with codes and businessDatetime', async () => {
    const s = await setup();
    const ordersOnly = await s.login('ordersOnly');
    expect((await disaggregate(s, ordersOnly, [SSCC(1)])).status).toBe(403);
    const auth = await s.login();
    const res = await s.http.post('/mcoi/public/api/v1/doc/transport-code-disaggregation').set('Authorization', auth).send({ documentBody: sortedB64({ codes: [SSCC(1)] }) });
    expect(res.status).toBe(400);
    expect(res.body.globalErrors[0]).toMatchObject({ code: 'invalid-input-parameter', requestBodyJsonPath: '$.documentBody.businessDatetime' });
  });
});

describe('GET storage/docs/{id}/codes (observed #26)', () => {
  it('pages a report\'s codes by limit and lastIndex, each SUCCESS, none while in process', async () => {
    const s = await setup();
    const auth = await s.login();
    const { codes } = await readyCodes(s, auth, 3);
    const id = (await utilise(s, auth, utilisation(codes))).body.reportId;
    const page = (q: Record<string, unknown>) => s.http.get(`/mcoi/public/api/v1/doc/storage/docs/${id}/codes`).query(q).set('Authorization', auth);
    expect((await page({})).body).toEqual({ codes: [] });
    s.advance(2_000);
    expect((await page({ limit: 2 })).body).toEqual({ codes: [0, 1].map((i) => ({ index: i, code: codes[i], status: 'SUCCESS', state: 'SUCCESS', result: 'OK' })) });
    expect((await page({ limit: 2, lastIndex: 1 })).body).toEqual({ codes: [{ index: 2, code: codes[2], status: 'SUCCESS', state: 'SUCCESS', result: 'OK' }] });
  });

  it('marks every code of an ERROR report ERROR, with the code\'s own errors', async () => {
    const s = await setup();
    const auth = await s.login();
    const { codes } = await readyCodes(s, auth, 2);
    const id = (await utilise(s, auth, utilisation([codes[0], codes[0], codes[1]]))).body.reportId;
    s.advance(2_000);
    const res = await s.http.get(`/mcoi/public/api/v1/doc/storage/docs/${id}/codes`).set('Authorization', auth);
    expect(res.body.codes.map((c: { status: string; errorCodes?: string[] }) => [c.status, c.errorCodes])).toEqual([
      ['ERROR', ['duplicate-code']],
      ['ERROR', ['duplicate-code']],
      ['ERROR', undefined],
    ]);
    // As clients read a line (observed #34): state, result, errorCode.
    expect(res.body.codes.map((c: { state: string; result: string; errorCode?: string }) => [c.state, c.result, c.errorCode])).toEqual([
      ['ERROR', 'duplicate-code', 'duplicate-code'],
      ['ERROR', 'duplicate-code', 'duplicate-code'],
      ['ERROR', 'report-error', undefined],
    ]);
  });

  it('lists the codes generated for an ORDER document across its sub-orders', async () => {
    const s = await setup();
    const auth = await s.login();
    const orderId = await registerOrder(s, auth, {}, [
      { gtin: '04899215122371', quantity: 2, serialNumberType: 'OPERATOR', cisType: 'UNIT' },
      { gtin: '04815617815628', quantity: 2, serialNumberType: 'OPERATOR', cisType: 'GROUP' },
    ]);
    s.advance(3_000);
    const res = await s.http.get(`/mcoi/public/api/v1/doc/storage/docs/${orderId}/codes`).query({ lastIndex: 0, limit: 2 }).set('Authorization', auth);
    const second = (await s.http.get('/mcoi/api/codes').query({ orderId, gtin: '04815617815628', quantity: 2 }).set('Authorization', auth)).body.codes;
    const first = (await s.http.get('/mcoi/api/codes').query({ orderId, gtin: '04899215122371', quantity: 2 }).set('Authorization', auth)).body.codes;
    expect(res.body.codes).toEqual([
      { index: 1, code: first[1], status: 'SUCCESS', state: 'SUCCESS', result: 'OK' },
      { index: 2, code: second[0], status: 'SUCCESS', state: 'SUCCESS', result: 'OK' },
    ]);
  });

  it('is 404 for another organization\'s document', async () => {
    const s = await setup();
    const { codes } = await readyCodes(s, await s.login(), 1);
    const id = (await utilise(s, await s.login(), utilisation(codes))).body.reportId;
    const res = await s.http.get(`/mcoi/public/api/v1/doc/storage/docs/${id}/codes`).set('Authorization', await s.login('water'));
    expect(res.status).toBe(404);
    expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.DOCUMENT_NOT_FOUND, [id], { path: 'documentId' }));
  });
});

describe('POST /public/api/cod/private/codes (observed #28, #29, #31)', () => {
  it('describes own codes and packages; another owner\'s are forbidden, unknown ones missing', async () => {
    const s = await setup();
    const auth = await s.login();
    const codes = await packed(s, auth);
    const other = (await readyCodes(s, await s.login('water'), 1, '04780003000011', { productGroup: 'water', businessPlaceId: 51 })).codes[0];
    const unknown = `${codes[0].slice(0, 20)}zzzzz`;
    const res = await info(s, auth, [codes[0], other, unknown, SSCC(1)], true);
    expect(res.status).toBe(200);
    expect(res.body.forbiddenCodes).toEqual([other]);
    expect(res.body.missingCodes).toEqual([unknown]);
    const [code, box] = res.body.results;
    const name = { en: 'Oltin Yog\' MChJ (vegetable oil producer)', ru: 'Oltin Yog\' MChJ (vegetable oil producer)', uz: 'Oltin Yog\' MChJ (vegetable oil producer)' };
    expect(code).toMatchObject({
      codeData: { code: codes[0], status: 'APPLIED', gtin: '04899215122371', serialNumber: bare(codes[0]).slice(18) },
      productData: { gtin: '04899215122371', productGroup: 'vegetableoil', manufacturerCountry: 'UZ', name: { en: 'Sunflower oil, refined, 1 l' } },
      packageData: { packageType: 'UNIT', parentCode: SSCC(1) },
      markingData: { issuerInfo: { issuerTin: '301234567', issuerName: name } },
      turnoverData: { ownerInfo: { ownerTin: '301234567', ownerName: name } },
    });
    expect(code.codeHistory.map((e: { eventChangedCodeStatus?: string }) => e.eventChangedCodeStatus).filter(Boolean)).toEqual(['EMITTED', 'RECEIVED', 'APPLIED']);
    expect(box).toEqual({
      codeData: { code: SSCC(1), status: 'APPLIED' },
      packageData: { packageType: 'BOX_LV_1', parentCode: SSCC(3), children: [bare(codes[0]), bare(codes[1])] },
      markingData: { issuerInfo: { issuerTin: '301234567', issuerName: name }, emissionDate: expect.any(String) },
      turnoverData: { ownerInfo: { ownerTin: '301234567', ownerName: name } },
    });
    expect((await info(s, auth, [codes[1]])).body.results[0].codeHistory).toBeUndefined();
  });

  it('answers results: [] when every code is someone else\'s or unknown', async () => {
    const s = await setup();
    const other = (await readyCodes(s, await s.login('water'), 1, '04780003000011', { productGroup: 'water', businessPlaceId: 51 })).codes[0];
    const res = await info(s, await s.login(), [other, SSCC(1)]);
    expect(res.body).toEqual({ results: [], forbiddenCodes: [other], missingCodes: [SSCC(1)] });
  });

  it('refuses more than 1000 codes, and a body without codes, in the §1.6 envelope', async () => {
    const s = await setup();
    const auth = await s.login();
    const many = await info(s, auth, Array.from({ length: 1001 }, () => 'x'));
    expect(many.status).toBe(400);
    expect(many.body.globalErrors[0]).toMatchObject({ code: 'invalid-input-parameter', requestBodyJsonPath: '$.codes' });
    expect((await s.http.post('/mcoi/public/api/cod/private/codes').set('Authorization', auth).send({})).status).toBe(400);
  });
});

describe('the real document types and statuses in a search (observed #35)', () => {
  it('are asked for without refusal and match what there is', async () => {
    const s = await setup();
    const auth = await s.login();
    const search = (q: Record<string, string>) => s.http.get('/mcoi/public/api/v1/doc/storage/docs/search').query(q).set('Authorization', auth);
    for (const q of [{ types: 'ORIGINAL_INVOICE,SALES_RECEIPT,REFUND_RECEIPT,TRANSFER_REQUEST,WRITE_OFF_NOTICE,CUSTOMS_CODE_WITHDRAWAL' }, { status: 'IN_PROCESSING,EXPIRED' }] as Record<string, string>[]) {
      const res = await search(q);
      expect(res.status, JSON.stringify(q)).toBe(200);
      expect(res.body.documentInfos).toEqual([]);
    }
    expect((await search({ types: 'NOT_A_TYPE' })).status).toBe(400);
    // A user without any MCOI role sees no type at all.
    const none = await s.http.get('/mcoi/public/api/v1/doc/storage/docs/search').query({ types: 'SALES_RECEIPT' }).set('Authorization', await s.login('noRole'));
    expect(withoutErrorId(none.body)).toEqual(mcoiError(HANDBOOK.NO_PERMISSION));
  });
});

describe('POST /public/api/cod/public/codes (observed #34)', () => {
  const publicCodes = (s: Setup, auth: string, codes: string[], addCodeHistory?: boolean) => s.http.post('/mcoi/public/api/cod/public/codes').set('Authorization', auth).send({ codes, ...(addCodeHistory === undefined ? {} : { addCodeHistory }) });

  it('answers a bare array of flat items, whoever owns the code; one sent with its verification code or unknown is left out', async () => {
    const s = await setup();
    const auth = await s.login();
    const codes = await packed(s, auth);
    const other = (await readyCodes(s, await s.login('water'), 1, '04780003000011', { productGroup: 'water', businessPlaceId: 51 })).codes[0];
    const unknown = `${bare(codes[0]).slice(0, 20)}zzzzzzzzzzz`;
    const res = await publicCodes(s, auth, [bare(codes[0]), codes[1], bare(other), unknown, SSCC(1), `${bare(codes[2])}93abcd`]);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body.map((x: { code: string }) => x.code)).toEqual([bare(codes[0]), bare(other), SSCC(1)]);
    const [mine, theirs, box] = res.body;
    expect(mine).toMatchObject({ code: bare(codes[0]), packageType: 'UNIT', status: 'APPLIED', gtin: '04899215122371', productId: expect.stringMatching(/^[0-9a-f-]{36}$/), productGroup: 'vegetableoil', issuerShortInfo: { issuerTin: '301234567', issuerName: { ru: 'Oltin Yog\' MChJ (vegetable oil producer)' } } });
    expect(theirs).toMatchObject({ status: 'RECEIVED', gtin: '04780003000011', issuerShortInfo: { issuerTin: '304567890' } });
    expect(box).toMatchObject({ code: SSCC(1), packageType: 'BOX_LV_1', status: 'APPLIED', aggregateProductGroups: [{ unitsNumber: 2 }] });
    expect(mine.codeHistory).toBeUndefined();
    // The same product, the same card id, in both views.
    expect((await info(s, auth, [codes[0]])).body.results[0].productData.productId).toBe(mine.productId);
  });

  it('gives the history clients read: eventType, documentType, senderTin, receiverTin', async () => {
    const s = await setup();
    const auth = await s.login();
    const codes = await packed(s, auth);
    const [item] = (await publicCodes(s, auth, [bare(codes[0])], true)).body;
    expect(item.codeHistory.map((e: { eventType: string; documentType: string }) => [e.eventType, e.documentType])).toEqual([
      ['EMISSION', 'ORDER'],
      ['RECEIVING', 'ORDER'],
      ['UTILISATION', 'UTILISATION'],
      ['AGGREGATION', 'AGGREGATION'],
    ]);
    for (const e of item.codeHistory) expect(e).toMatchObject({ senderTin: '301234567', receiverTin: '301234567', eventDate: expect.any(String) });
  });

  it('answers [] for nothing known, and refuses a body without codes in the §1.6 envelope', async () => {
    const s = await setup();
    const auth = await s.login();
    expect((await publicCodes(s, auth, ['nothing-of-the-kind'])).body).toEqual([]);
    const bad = await s.http.post('/mcoi/public/api/cod/public/codes').set('Authorization', auth).send({ codes: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.globalErrors[0]).toMatchObject({ code: 'invalid-input-parameter', requestBodyJsonPath: '$.codes' });
  });
});

describe('POST nested-codes/owner-check (observed #30)', () => {
  it('answers at both paths with package type, status, issuer, parent and what a package holds now', async () => {
    const s = await setup();
    const auth = await s.login();
    const codes = await packed(s, auth);
    for (const path of ['/mcoi/public/api/v1/cod/nested-codes/owner-check', '/mcoi/public/api/cod/nested-codes/owner-check']) {
      const res = await s.http.post(path).set('Authorization', auth).send({ codes: [SSCC(3), codes[2]], ownerTin: '301234567' });
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([
        { code: SSCC(3), packageType: 'BOX_LV_2', status: 'APPLIED', issuerShortInfo: { issuerTin: '301234567', issuerName: expect.any(Object) }, children: [SSCC(1), SSCC(2)] },
        { code: codes[2], packageType: 'UNIT', status: 'APPLIED', productGroup: 'vegetableoil', issuerShortInfo: { issuerTin: '301234567', issuerName: expect.any(Object) }, parentCode: SSCC(2), children: [] },
      ]);
    }
  });

  it('refuses another organization\'s ownerTin with 201, and more than 100 codes', async () => {
    const s = await setup();
    const auth = await s.login();
    const res = await s.http.post('/mcoi/public/api/v1/cod/nested-codes/owner-check').set('Authorization', auth).send({ codes: [SSCC(1)], ownerTin: '304567890' });
    expect(res.status).toBe(403);
    expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.NO_PERMISSION, [], { body: '$.ownerTin' }));
    const many = await s.http.post('/mcoi/public/api/v1/cod/nested-codes/owner-check').set('Authorization', auth).send({ codes: Array.from({ length: 101 }, () => 'x') });
    expect(many.status).toBe(400);
  });
});

describe('SIM_MCOI_EXTENSIONS=off', () => {
  it('answers every observed operation with the 404 of a strictly documented server, before authentication', async () => {
    const s = await setup({ profile: { mcoi: { extensions: 'off' } } });
    for (const [method, path] of [
      ['get', '/public/api/v1/doc/storage/docs/x/codes'],
      ['post', '/public/api/v1/doc/transport-code-disaggregation'],
      ['post', '/public/api/cod/public/codes'],
      ['post', '/public/api/cod/private/codes'],
      ['post', '/public/api/v1/cod/nested-codes/owner-check'],
      ['post', '/public/api/cod/nested-codes/owner-check'],
      ['get', '/public/api/v1/party/parties/301234567/api-keys/check'],
      ['post', '/public/api/v1/party/parties/301234567/api-keys/refresh'],
      ['get', '/public/api/v1/party/parties/301234567/status'],
      ['post', '/public/api/cod/exports'],
      ['get', '/public/api/cod/exports/x/status'],
      ['get', '/public/api/cod/exports/x/result'],
      ['get', '/api/rcp/receipts'],
      ['get', '/api/rcp/receipts/x'],
      ['get', '/public/api/v1/product-registry/product'],
      ['get', '/public/api/v1/product-registry/product/search-by-gtin'],
      ['get', '/public/api/v1/product-registry/product/x'],
      ['post', '/public/api/v1/code-verification/verify'],
    ] as const) {
      const res = await s.http[method](`/mcoi${path}`).send({});
      expect(res.status, path).toBe(404);
      expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.PATH_NOT_FOUND, [method.toUpperCase(), path]));
    }
    // The documented operations are served as before.
    expect((await s.http.get('/mcoi/public/api/v1/doc/storage/docs/search').set('Authorization', await s.login())).status).toBe(200);
  });
});

describe('forced outcomes', () => {
  it('notInStorageForMs: storage answers 404 for a new document for a while, then finds it (observed #8)', async () => {
    const s = await setup();
    await s.sim.activate(checkScenario({ name: 'h', description: 'd', faults: [{ match: { system: 'mcoi', operation: 'registerAggregation' }, action: { outcome: { notInStorageForMs: 5_000 } } }] }, 't', CATALOG));
    const auth = await s.login();
    const codes = await applied(s, auth, 1);
    const id = (await postDoc(s, auth, 'aggregation', aggregation([unit(SSCC(1), codes)]))).body.documentId;
    const card = () => s.http.get(`/mcoi/public/api/v1/doc/storage/docs/${id}`).set('Authorization', auth);
    expect((await card()).status).toBe(404);
    s.advance(4_999);
    expect((await card()).status).toBe(404);
    s.advance(1);
    expect((await card()).body).toMatchObject({ documentId: id, status: 'SUCCESS' });
  });

  it('partiallyProcessed: the named codes fail, the others take effect, the document is PARTIALLY_PROCESSED (observed #12)', async () => {
    const s = await setup();
    await s.sim.activate(checkScenario({ name: 'p', description: 'd', faults: [{ match: { system: 'mcoi', operation: 'registerAggregation' }, action: { outcome: { partiallyProcessed: [{ at: 1, errorCode: 'code-blocked', errorTags: { reason: 'test' } }, { at: 9, errorCode: 'ignored' }] } } }] }, 't', CATALOG));
    const auth = await s.login();
    const codes = await applied(s, auth, 3);
    const id = (await postDoc(s, auth, 'aggregation', aggregation([unit(SSCC(1), codes)]))).body.documentId;
    s.advance(2_000);
    expect(await docStatus(s, auth, id)).toBe('PARTIALLY_PROCESSED');
    expect(await errorsOf(s, auth, id)).toEqual([{ propertyName: 'CODE', propertyValue: codes[1], errorCode: 'code-blocked', index: 0, errorTags: { reason: 'test' } }]);
    expect((await statusOfCode(s, codes[0])).parent).toBe(SSCC(1));
    expect((await statusOfCode(s, codes[1])).parent).toBeUndefined();
    const lines = (await s.http.get(`/mcoi/public/api/v1/doc/storage/docs/${id}/codes`).set('Authorization', auth)).body.codes;
    expect(lines.map((l: { status: string }) => l.status)).toEqual(['SUCCESS', 'ERROR', 'SUCCESS']);
  });

  it('partiallyProcessed is refused by the scenario checker on a utilisation report (§6.9 has no such status)', () => {
    expect(() => checkScenario({ name: 'p', description: 'd', faults: [{ match: { system: 'mcoi', operation: 'registerUtilisation' }, action: { outcome: { partiallyProcessed: [{ at: 0, errorCode: 'x' }] } } }] }, 't', CATALOG)).toThrow(/partiallyProcessed applies to registerValidation, registerAggregation, registerDisaggregation/);
  });
});
