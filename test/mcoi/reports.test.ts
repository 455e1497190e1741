import { describe, expect, it } from 'vitest';
import { GS } from '../../simulator/core/gs1.js';
import { b64 } from '../helpers.js';
import { aggregation as report, applied, docStatus, errorsOf, postDoc, SSCC, statusOfCode, unit, utilisation, utilise, HANDBOOK, mcoiError, readyCodes, registerOrder, setup, withoutErrorId, type Setup } from './helpers.js';

const GTIN = '04899215122371';

async function reportStatus(s: Setup, auth: string, id: string) {
  return (await s.http.get(`/mcoi/api/utilisation/${id}`).set('Authorization', auth)).body;
}

describe('POST /api/utilisation (§4.1)', () => {
  it('is IN_PROCESS, then SUCCESS, and the codes become APPLIED', async () => {
    const s = await setup();
    const auth = await s.login();
    const { codes } = await readyCodes(s, auth, 5);
    const res = await utilise(s, auth, utilisation(codes, { productionDate: '2026-03-01T08:00:00Z', expirationDate: '2027-03-01T00:00:00Z', seriesNumber: 'B-1' }));
    expect(res.status).toBe(200);
    const id = res.body.reportId;
    expect(await reportStatus(s, auth, id)).toEqual({ reportId: id, reportStatus: 'IN_PROCESS', createdTimestamp: new Date(s.clock.nowMs()).toISOString() });
    s.advance(2_000);
    expect((await reportStatus(s, auth, id)).reportStatus).toBe('SUCCESS');
    for (const c of codes) expect((await statusOfCode(s, c)).status).toBe('APPLIED');
    expect(await errorsOf(s, auth, id)).toEqual([]);
    const json = await s.http.get(`/mcoi/public/api/v1/doc/storage/json/${id}`).set('Authorization', auth);
    expect(json.body.sntins).toEqual(codes);
  });

  it('rejects the whole report when one code is not Received, with invalid-code-status and errorTags.status', async () => {
    const s = await setup();
    const auth = await s.login();
    const { codes } = await readyCodes(s, auth, 3);
    const first = await utilise(s, auth, utilisation([codes[0]]));
    s.advance(2_000);
    expect((await reportStatus(s, auth, first.body.reportId)).reportStatus).toBe('SUCCESS');
    const res = await utilise(s, auth, utilisation([codes[1], codes[0]]));
    s.advance(2_000);
    const st = await reportStatus(s, auth, res.body.reportId);
    expect(st.reportStatus).toBe('ERROR');
    expect(st.rejectReason).toEqual([`invalid-code-status (${codes[0]}): status APPLIED, expected RECEIVED`]);
    expect(await errorsOf(s, auth, res.body.reportId)).toEqual([{ propertyName: 'CODE', propertyValue: codes[0], errorCode: 'invalid-code-status', index: 0, errorTags: { status: 'APPLIED' } }]);
    expect((await statusOfCode(s, codes[1])).status).toBe('RECEIVED');
  });

  it('finds what is wrong with each code: never issued, malformed, wrong verification code, repeated, another owner, another product group', async () => {
    const s = await setup();
    const auth = await s.login();
    const { codes } = await readyCodes(s, auth, 3);
    const water = await s.login('water');
    const theirs = (await readyCodes(s, water, 1, '04780003000011', { productGroup: 'water', businessPlaceId: 51 })).codes[0];
    const waterOwn = (await readyCodes(s, await s.login(), 1, '04780001000013', { productGroup: 'water' })).codes[0];
    const forged = `01${GTIN}21AAAAAAAAAAAAA${GS}93AAAA`;
    const wrongTail = codes[1].slice(0, -4) + (codes[1].endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const res = await utilise(s, await s.login(), utilisation([forged, 'garbage', wrongTail, codes[2], codes[2], theirs, waterOwn]));
    expect(res.status).toBe(200);
    s.advance(2_000);
    const errs = await errorsOf(s, await s.login(), res.body.reportId);
    expect(errs.map((e: { errorCode: string; propertyValue: string; errorTags: object }) => [e.errorCode, e.propertyValue, e.errorTags])).toEqual([
      ['code-not-found', forged, {}],
      ['invalid-code-format', 'garbage', {}],
      ['invalid-verification-code', wrongTail, {}],
      ['duplicate-code', codes[2], {}],
      ['invalid-code-owner', theirs, {}],
      ['invalid-product-group', waterOwn, { productGroup: 'water' }],
    ]);
  });

  it('checks dates against the clock and the country of production against the product card', async () => {
    const s = await setup();
    const auth = await s.login();
    const { codes } = await readyCodes(s, auth, 1);
    const res = await utilise(s, auth, utilisation(codes, { productionDate: '2026-03-03T00:00:00Z', expirationDate: '2026-03-01T00:00:00Z', manufacturerCountry: 'KZ', releaseType: 'IMPORT' }));
    s.advance(2_000);
    const errs = await errorsOf(s, await s.login(), res.body.reportId);
    expect(errs.map((e: { propertyName: string; errorCode: string }) => [e.propertyName, e.errorCode])).toEqual([
      ['PRODUCTION_DATE', 'invalid-production-date'],
      ['EXPIRATION_DATE', 'invalid-expiration-date'],
      ['MANUFACTURER_COUNTRY', 'invalid-manufacturer-country'],
      ['RELEASE_TYPE', 'invalid-release-type'],
    ]);
    const onlyDates = await errorsOf(s, await s.login(), res.body.reportId, { propertyName: 'PRODUCTION_DATE' });
    expect(onlyDates).toHaveLength(1);
  });

  it('pages errors with limit and lastIndex', async () => {
    const s = await setup();
    const auth = await s.login();
    const bad = Array.from({ length: 5 }, (_, i) => `01${GTIN}21NOTISSUED000${i}`.slice(0, 31));
    const res = await utilise(s, auth, utilisation(bad));
    s.advance(2_000);
    const p1 = await errorsOf(s, auth, res.body.reportId, { limit: 2 });
    const p2 = await errorsOf(s, auth, res.body.reportId, { limit: 2, lastIndex: p1[1].index });
    expect([...p1, ...p2].map((e: { index: number }) => e.index)).toEqual([0, 1, 2, 3]);
  });

  it('answers no errors while the report is in process', async () => {
    const s = await setup();
    const auth = await s.login();
    const res = await utilise(s, auth, utilisation([`01${GTIN}21NOTISSUED0001`]));
    expect(await errorsOf(s, auth, res.body.reportId)).toEqual([]);
    expect(await docStatus(s, auth, res.body.reportId)).toBe('IN_PROCESS');
  });

  describe('refuses at once', () => {
    it('more than 30,000 codes (§1.4)', async () => {
      const s = await setup();
      const auth = await s.login();
      const res = await utilise(s, auth, utilisation(Array.from({ length: 30_001 }, (_, i) => `c${i}`)));
      expect(res.status).toBe(400);
      expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.REPORT_CODES_LIMIT, [30_000, 30_001], { body: '$.sntins' }));
    });
    it('an empty report', async () => {
      const s = await setup();
      const res = await utilise(s, await s.login(), utilisation([]));
      expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.EMPTY_REPORT, [], { body: '$.sntins' }));
    });
    it('a missing productGroup in the query (observed #3)', async () => {
      const s = await setup();
      const res = await s.http.post('/mcoi/api/utilisation').set('Authorization', await s.login()).send(utilisation(['x']));
      expect(res.body.globalErrors[0]).toMatchObject({ code: 'invalid-input-parameter', requestQueryJsonPath: 'productGroup' });
    });
    it('an unknown releaseType, a seriesNumber over 20 characters, a date without offset', async () => {
      const s = await setup();
      const auth = await s.login();
      for (const [over, path] of [
        [{ releaseType: 'SMUGGLING' }, '$.releaseType'],
        [{ seriesNumber: 'X'.repeat(21) }, '$.seriesNumber'],
        [{ productionDate: '2025-01-01' }, '$.productionDate'],
        [{ sntins: 'one' }, '$.sntins'],
      ] as const) {
        const res = await utilise(s, auth, utilisation(['x'], over));
        expect(res.status).toBe(400);
        expect(res.body.globalErrors[0].requestBodyJsonPath).toBe(path);
      }
    });
    it('a place of business of another organization', async () => {
      const s = await setup();
      const res = await utilise(s, await s.login(), utilisation(['x'], { businessPlaceId: 41 }));
      expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.BUSINESS_PLACE_NOT_FOUND, [41], { body: '$.businessPlaceId' }));
    });
  });

  it('does not show a report to another organization', async () => {
    const s = await setup();
    const other = await s.login('water');
    const res = await s.http.get('/mcoi/api/utilisation/0e29dd26-5477-486f-43d4-1208597ca8e4').set('Authorization', other);
    expect(res.status).toBe(404);
    expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.REPORT_NOT_FOUND, ['0e29dd26-5477-486f-43d4-1208597ca8e4'], { path: 'reportId' }));
  });
});

describe('POST /public/api/v1/doc/validation (§4.3)', () => {
  const report = (codes: { code: string; printQualityClass: string }[], over: Record<string, unknown> = {}) => ({ productGroup: 'vegetableoil', businessPlaceId: 27, packageType: 'UNIT', documentDate: '2026-03-02T08:00:00Z', codes, ...over });

  it('records the print quality of Received codes', async () => {
    const s = await setup();
    const auth = await s.login();
    const { codes } = await readyCodes(s, auth, 2);
    for (const signature of [undefined, '', null]) {
      const res = await postDoc(s, auth, 'validation', report([{ code: codes[0], printQualityClass: 'B' }]), signature === undefined ? {} : { signature });
      expect(res.status).toBe(200);
      s.advance(2_000);
      expect(await docStatus(s, auth, res.body.documentId)).toBe('SUCCESS');
    }
    expect((await statusOfCode(s, codes[0])).printQualityClass).toBe('B');
  });

  it('makes the document ERROR for class D or F, and for a code of another package type', async () => {
    const s = await setup();
    const auth = await s.login();
    const { codes } = await readyCodes(s, auth, 2);
    const res = await postDoc(s, auth, 'validation', report([{ code: codes[0], printQualityClass: 'D' }, { code: codes[1], printQualityClass: 'A' }], { packageType: 'UNIT' }));
    const res2 = await postDoc(s, auth, 'validation', report([{ code: codes[1], printQualityClass: 'A' }], { packageType: 'GROUP' }));
    s.advance(2_000);
    expect(await docStatus(s, auth, res.body.documentId)).toBe('ERROR');
    expect((await errorsOf(s, auth, res.body.documentId)).map((e: { errorCode: string; errorTags: object }) => [e.errorCode, e.errorTags])).toEqual([['unacceptable-print-quality', { printQualityClass: 'D' }]]);
    expect((await errorsOf(s, auth, res2.body.documentId))[0]).toMatchObject({ errorCode: 'invalid-package-type', errorTags: { cisType: 'UNIT' } });
    expect((await statusOfCode(s, codes[1])).printQualityClass).toBeUndefined();
  });

  it('refuses a documentBody that is not base64, not JSON, or not a report', async () => {
    const s = await setup();
    const auth = await s.login();
    const post = (documentBody: string) => s.http.post('/mcoi/public/api/v1/doc/validation').set('Authorization', auth).send({ documentBody });
    expect(withoutErrorId((await post('%%%not base64%%%')).body)).toEqual(mcoiError(HANDBOOK.DOCUMENT_BODY_NOT_BASE64, [], { body: '$.documentBody' }));
    const notJson = await post(Buffer.from('hello').toString('base64'));
    expect(notJson.status).toBe(400);
    expect(notJson.body.globalErrors[0]).toMatchObject({ errorCode: HANDBOOK.DOCUMENT_BODY_NOT_JSON.errorCode, requestBodyJsonPath: '$.documentBody' });
    const noCodes = await post(b64({ productGroup: 'vegetableoil', businessPlaceId: 27, packageType: 'UNIT', documentDate: '2026-03-02T08:00:00Z' }));
    expect(noCodes.body.globalErrors[0]).toMatchObject({ code: 'invalid-input-parameter', requestBodyJsonPath: '$.documentBody.codes' });
    const badClass = await post(b64(report([{ code: 'x', printQualityClass: 'E' }])));
    expect(badClass.body.globalErrors[0].requestBodyJsonPath).toBe('$.documentBody.codes[0].printQualityClass');
    const missing = await s.http.post('/mcoi/public/api/v1/doc/validation').set('Authorization', auth).send({ signature: '' });
    expect(missing.body.globalErrors[0].requestBodyJsonPath).toBe('$.documentBody');
  });

  it('accepts a service provider report for an owner that transferred orders to it (ownerTin), and refuses it from others', async () => {
    const s = await setup();
    const owner = await s.login();
    const orderId = await registerOrder(s, owner, { businessPlaceId: undefined, contractorInfo: { contractorTin: '303456789', contractorCountryCode: 'UZ' } });
    s.advance(3_000);
    const sp = await s.login('provider');
    const codes = (await s.http.get('/mcoi/api/codes').query({ orderId, gtin: GTIN, quantity: 2 }).set('Authorization', sp)).body.codes;
    const res = await postDoc(s, sp, 'validation', report([{ code: codes[0], printQualityClass: 'A' }], { ownerTin: '301234567' }));
    expect(res.status).toBe(200);
    s.advance(2_000);
    const sp2 = await s.login('provider');
    const found = (await s.http.get('/mcoi/public/api/v1/doc/storage/docs/search').query({ documentId: res.body.documentId }).set('Authorization', sp2)).body.documentInfos;
    expect(found).toEqual([expect.objectContaining({ documentId: res.body.documentId, status: 'SUCCESS', ownerId: 101, agentId: 103 })]);
    const water = await s.login('water');
    const refused = await postDoc(s, water, 'validation', report([{ code: codes[0], printQualityClass: 'A' }], { ownerTin: '301234567', businessPlaceId: 27 }));
    expect(refused.status).toBe(403);
    expect(withoutErrorId(refused.body)).toEqual(mcoiError(HANDBOOK.OWNER_NOT_SERVED, [], { body: '$.documentBody.ownerTin' }));
  });
});

describe('POST /public/api/v1/doc/aggregation (§4.4)', () => {
  it('packs applied codes (without their crypto tail) and nests packages formed in the same report', async () => {
    const s = await setup();
    const auth = await s.login();
    const codes = await applied(s, auth, 4);
    const bare = codes.map((c) => c.split(GS)[0]);
    const res = await postDoc(s, await s.login(), 'aggregation', report([unit(SSCC(1), bare.slice(0, 2)), unit(SSCC(2), bare.slice(2)), unit(SSCC(3), [SSCC(1), SSCC(2)], { aggregationUnitCapacity: 2 })]));
    expect(res.status).toBe(200);
    s.advance(2_000);
    expect(await docStatus(s, await s.login(), res.body.documentId)).toBe('SUCCESS');
    expect((await statusOfCode(s, codes[0])).parent).toBe(SSCC(1));
    expect((await statusOfCode(s, codes[3])).parent).toBe(SSCC(2));
    expect((await statusOfCode(s, codes[3])).status).toBe('APPLIED');
  });

  it('makes the document ERROR over capacity, for a count that differs from the codes, and for codes not applied', async () => {
    const s = await setup();
    const auth = await s.login();
    const codes = await applied(s, auth, 3);
    const received = (await readyCodes(s, await s.login(), 1)).codes[0];
    const res = await postDoc(s, await s.login(), 'aggregation', report([
      unit(SSCC(1), codes.slice(0, 3), { aggregationUnitCapacity: 2 }),
      unit(SSCC(2), [received], { aggregationItemsCount: 2 }),
      unit('123', []),
    ]));
    s.advance(2_000);
    const auth2 = await s.login();
    expect(await docStatus(s, auth2, res.body.documentId)).toBe('ERROR');
    expect((await errorsOf(s, auth2, res.body.documentId)).map((e: { propertyName: string; errorCode: string; errorTags: object }) => [e.propertyName, e.errorCode, e.errorTags])).toEqual([
      ['AGGREGATION_UNIT', 'capacity-exceeded', { aggregationUnitCapacity: 2, aggregationItemsCount: 3 }],
      ['AGGREGATION_UNIT', 'items-count-mismatch', { aggregationItemsCount: 2, codes: 1 }],
      ['CODE', 'invalid-code-status', { status: 'RECEIVED' }],
      ['AGGREGATION_UNIT', 'invalid-unit-serial-number', {}],
    ]);
    expect((await statusOfCode(s, codes[0])).parent).toBeUndefined();
  });

  it('refuses codes already packed unless shouldBeUnbundled', async () => {
    const s = await setup();
    const auth = await s.login();
    const codes = await applied(s, auth, 2);
    await postDoc(s, auth, 'aggregation', report([unit(SSCC(1), codes)]));
    const again = await postDoc(s, auth, 'aggregation', report([unit(SSCC(2), codes)]));
    s.advance(2_000);
    const auth2 = await s.login();
    expect(await docStatus(s, auth2, again.body.documentId)).toBe('ERROR');
    expect((await errorsOf(s, auth2, again.body.documentId))[0]).toMatchObject({ errorCode: 'code-already-aggregated', errorTags: { parent: SSCC(1) } });
    const moved = await postDoc(s, auth2, 'aggregation', report([unit(SSCC(3), codes, { shouldBeUnbundled: true })]));
    s.advance(2_000);
    expect(await docStatus(s, await s.login(), moved.body.documentId)).toBe('SUCCESS');
    expect((await statusOfCode(s, codes[1])).parent).toBe(SSCC(3));
  });

  it('refuses a package that was already formed', async () => {
    const s = await setup();
    const auth = await s.login();
    const codes = await applied(s, auth, 2);
    await postDoc(s, auth, 'aggregation', report([unit(SSCC(1), [codes[0]])]));
    const dup = await postDoc(s, auth, 'aggregation', report([unit(SSCC(1), [codes[1]])]));
    s.advance(2_000);
    expect((await errorsOf(s, await s.login(), dup.body.documentId))[0]).toMatchObject({ errorCode: 'unit-already-exists', propertyValue: SSCC(1) });
  });

  it('takes the SSCC in its AI (00) form too: check digit verified, the form sent stored and echoed, both forms one package (observed #25)', async () => {
    const s = await setup();
    const auth = await s.login();
    const codes = await applied(s, auth, 3);
    const ai = `00${SSCC(1)}`;
    const broken = `00${SSCC(2).slice(0, 17)}${(Number(SSCC(2)[17]) + 1) % 10}`;
    const res = await postDoc(s, auth, 'aggregation', report([unit(ai, [codes[0]]), unit(broken, [codes[1]])]));
    s.advance(2_000);
    expect((await errorsOf(s, auth, res.body.documentId)).map((e: { errorCode: string; propertyValue: string }) => [e.errorCode, e.propertyValue])).toEqual([['invalid-unit-serial-number', broken]]);
    const ok = await postDoc(s, auth, 'aggregation', report([unit(ai, [codes[0], codes[1]])]));
    s.advance(2_000);
    expect(await docStatus(s, auth, ok.body.documentId)).toBe('SUCCESS');
    expect((await statusOfCode(s, codes[0])).parent).toBe(ai);
    // The 18-digit form names the same package: it cannot be formed again, and it nests by either form.
    const again = await postDoc(s, auth, 'aggregation', report([unit(SSCC(1), [codes[2]]), unit(SSCC(3), [SSCC(1)], { aggregationUnitCapacity: 1 })]));
    s.advance(2_000);
    expect((await errorsOf(s, auth, again.body.documentId)).map((e: { errorCode: string }) => e.errorCode)).toEqual(['unit-already-exists']);
    const pallet = await postDoc(s, auth, 'aggregation', report([unit(`00${SSCC(3)}`, [SSCC(1)], { aggregationUnitCapacity: 1 })]));
    s.advance(2_000);
    expect(await docStatus(s, auth, pallet.body.documentId)).toBe('SUCCESS');
    expect((await s.http.post('/mcoi/public/api/cod/private/codes').set('Authorization', auth).send({ codes: [ai] })).body.results[0].packageData).toEqual({ packageType: 'BOX_LV_1', parentCode: `00${SSCC(3)}`, children: [codes[0], codes[1]].map((c) => c.split(GS)[0]) });
  });

  it('caps a package by its type: BOX_LV_1 1500, BOX_LV_2 500, GROUP 200 (observed #11)', async () => {
    const s = await setup();
    const auth = await s.login();
    const codes = await applied(s, auth, 2);
    const res = await postDoc(s, auth, 'aggregation', report([
      unit(SSCC(1), [codes[0]], { aggregationUnitCapacity: 1501 }),
      unit(SSCC(2), [codes[1]], { aggregationUnitCapacity: 1500 }),
      unit(SSCC(3), [SSCC(2)], { aggregationUnitCapacity: 501 }),
    ]));
    s.advance(2_000);
    expect((await errorsOf(s, auth, res.body.documentId)).map((e: { errorCode: string; propertyValue: string; errorTags: object }) => [e.errorCode, e.propertyValue, e.errorTags])).toEqual([
      ['capacity-over-limit', SSCC(1), { packageType: 'BOX_LV_1', maxCapacity: 1500 }],
      ['capacity-over-limit', SSCC(3), { packageType: 'BOX_LV_2', maxCapacity: 500 }],
    ]);
  });

  it('forms a GROUP from an applied group code holding UNIT codes, and refuses a UNIT code, a code not applied or an SSCC inside', async () => {
    const s = await setup();
    const auth = await s.login();
    const orderId = await registerOrder(s, auth, {}, [
      { gtin: GTIN, quantity: 4, serialNumberType: 'OPERATOR', cisType: 'UNIT' },
      { gtin: '04815617815628', quantity: 3, serialNumberType: 'OPERATOR', cisType: 'GROUP' },
    ]);
    s.advance(3_000);
    const units = (await s.http.get('/mcoi/api/codes').query({ orderId, gtin: GTIN, quantity: 4 }).set('Authorization', auth)).body.codes as string[];
    const groups = (await s.http.get('/mcoi/api/codes').query({ orderId, gtin: '04815617815628', quantity: 3 }).set('Authorization', auth)).body.codes as string[];
    await utilise(s, auth, utilisation([...units, groups[0], groups[1]]));
    s.advance(2_000);
    const res = await postDoc(s, auth, 'aggregation', report([
      unit(groups[0].split(GS)[0], [units[0], units[1]], { aggregationUnitCapacity: 201 }),
      unit(groups[1], [units[2], SSCC(9)]),
      unit(units[3], []),
      unit(groups[2], []),
    ]));
    s.advance(2_000);
    expect((await errorsOf(s, auth, res.body.documentId)).map((e: { errorCode: string; propertyValue: string }) => [e.errorCode, e.propertyValue])).toEqual([
      ['capacity-over-limit', groups[0].split(GS)[0]],
      ['invalid-package-type', SSCC(9)],
      ['invalid-package-type', units[3]],
      ['invalid-code-status', groups[2]],
    ]);
    const ok = await postDoc(s, auth, 'aggregation', report([unit(groups[0], [units[0], units[1]], { aggregationUnitCapacity: 200 }), unit(SSCC(1), [groups[0].split(GS)[0]])]));
    s.advance(2_000);
    expect(await docStatus(s, auth, ok.body.documentId)).toBe('SUCCESS');
    expect((await statusOfCode(s, units[0])).parent).toBe(groups[0]);
    const check = await s.http.post('/mcoi/public/api/cod/nested-codes/owner-check').set('Authorization', auth).send({ codes: [groups[0]] });
    expect(check.body.results[0]).toMatchObject({ packageType: 'GROUP', parentCode: SSCC(1), children: [units[0], units[1]].map((c) => c.split(GS)[0]) });
  });

  it('refuses more than 200 packages in one report with 400 (observed #11)', async () => {
    const s = await setup();
    const auth = await s.login();
    const res = await postDoc(s, auth, 'aggregation', report(Array.from({ length: 201 }, (_, i) => unit(SSCC(i + 1), ['x']))));
    expect(res.status).toBe(400);
    expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.AGGREGATION_UNITS_LIMIT, [200, 201], { body: '$.documentBody.aggregationUnits' }));
  });
});
