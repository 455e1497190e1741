/**
 * What real clients call beyond v1.1.17 (observed #31, #33): code exports, receipts of cash registers, the product
 * registry, code verification — with the shapes those clients read, their tenancy, and their bad inputs.
 */
import { describe, expect, it } from 'vitest';
import { GS } from '../../simulator/core/gs1.js';
import { unzipFiles } from '../../simulator/core/zip.js';
import { applied, HANDBOOK, mcoiError, readyCodes, registerOrder, setup, withoutErrorId, type Setup } from './helpers.js';

const bare = (c: string) => c.split(GS)[0];
const exportResult = (s: Setup, auth: string, id: string) =>
  s.http
    .get(`/mcoi/public/api/cod/exports/${id}/result`)
    .set('Authorization', auth)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      // A ZIP as bytes; an error in the §1.6 envelope as the JSON it is.
      res.on('end', () => cb(null, /json/.test(String(res.headers['content-type'])) ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : Buffer.concat(chunks)));
    });
const receipt = (s: Setup, body: Record<string, unknown>) => s.http.post('/__sim/mcoi/receipts').send({ tin: '301234567', ...body });
const privateCodes = async (s: Setup, auth: string, codes: string[]) => (await s.http.post('/mcoi/public/api/cod/private/codes').set('Authorization', auth).send({ codes })).body;

describe('code exports (observed #31, #33)', () => {
  it('registers a filter, is IN_PROGRESS then SUCCESS, and gives a ZIP of one JSON {"results": [...]} of the caller\'s codes', async () => {
    const s = await setup();
    const auth = await s.login();
    const codes = await applied(s, auth, 3);
    const received = (await readyCodes(s, auth, 2)).codes; // RECEIVED codes of the same GTIN: not APPLIED
    // As the stock tool registers it.
    const reg = await s.http.post('/mcoi/public/api/cod/exports').set('Authorization', auth).set('Content-Type', 'application/json;charset=UTF-8').send(JSON.stringify({ gtin: '04899215122371', status: ['APPLIED'], packageType: ['UNIT'] }));
    expect(reg.status, JSON.stringify(reg.body)).toBe(200);
    const id = reg.body.id as string;
    const status = async () => (await s.http.get(`/mcoi/public/api/cod/exports/${id}/status`).set('Authorization', auth)).body;
    expect(await status()).toEqual({ id, status: 'IN_PROGRESS' });
    expect(withoutErrorId((await exportResult(s, auth, id)).body)).toEqual(mcoiError(HANDBOOK.EXPORT_NOT_READY, [id]));
    s.advance(3_000);
    expect(await status()).toEqual({ id, status: 'SUCCESS' });
    const zip = await exportResult(s, auth, id);
    expect(zip.status).toBe(200);
    expect(zip.headers['content-type']).toMatch(/application\/zip/);
    const files = unzipFiles(zip.body);
    expect(Object.keys(files)).toEqual(['export.json']);
    const { results } = JSON.parse(files['export.json'].toString('utf8'));
    // Every APPLIED code of the organization of that GTIN: these three, and those the default world applied.
    const listed = results.map((r: { codeData: { code: string; status: string } }) => r.codeData.code);
    for (const c of codes) expect(listed).toContain(bare(c));
    for (const c of received) expect(listed).not.toContain(bare(c));
    expect(new Set(results.map((r: { codeData: { status: string }; productData: { gtin: string } }) => `${r.codeData.status} ${r.productData.gtin}`))).toEqual(new Set(['APPLIED 04899215122371']));
    expect(results.find((r: { codeData: { code: string } }) => r.codeData.code === bare(codes[0]))).toMatchObject({
      codeData: { status: 'APPLIED' },
      productData: { gtin: '04899215122371', productId: expect.any(String) },
      packageData: { packageType: 'UNIT' },
      markingData: { emissionType: 'LOCAL', utilisationDate: expect.any(String), issuerInfo: { issuerTin: '301234567' } },
      turnoverData: { originalReleaseMethod: 'PRIMARY', ownerInfo: { ownerTin: '301234567', ownerBusinessPlaceId: 27 } },
    });
    // Another organization's user does not see it.
    expect((await s.http.get(`/mcoi/public/api/cod/exports/${id}/status`).set('Authorization', await s.login('water'))).status).toBe(404);
  });

  it('ends ERROR when it holds more codes than an export may, and refuses bad filters', async () => {
    const s = await setup();
    const auth = await s.login();
    await registerOrder(s, auth, {}, [{ gtin: '04815617815628', quantity: 10_001, serialNumberType: 'OPERATOR', cisType: 'UNIT' }]);
    s.advance(3_000);
    const id = (await s.http.post('/mcoi/public/api/cod/exports').set('Authorization', auth).send({ gtin: '04815617815628' })).body.id;
    s.advance(3_000);
    expect((await s.http.get(`/mcoi/public/api/cod/exports/${id}/status`).set('Authorization', auth)).body.status).toBe('ERROR');
    expect(withoutErrorId((await exportResult(s, auth, id)).body)).toEqual(mcoiError(HANDBOOK.EXPORT_TOO_LARGE, [id, 10_000]));
    for (const filter of [{ status: ['NOPE'] }, { gtin: 'abc' }, { packageType: 'UNIT' }, { extra: 1 }]) {
      const bad = await s.http.post('/mcoi/public/api/cod/exports').set('Authorization', auth).send(filter);
      expect(bad.status, JSON.stringify(filter)).toBe(400);
      expect(bad.body.globalErrors[0].code).toBe('invalid-input-parameter');
    }
    expect(withoutErrorId((await s.http.get('/mcoi/public/api/cod/exports/nope/status').set('Authorization', auth)).body)).toEqual(mcoiError(HANDBOOK.EXPORT_NOT_FOUND, ['nope'], { path: 'exportId' }));
  });
});

describe('receipts of a cash register (observed #33)', () => {
  it('a sale withdraws its codes, a refund brings them back; clients page the receipts and read their codes', async () => {
    const s = await setup();
    const auth = await s.login();
    const codes = await applied(s, auth, 3);
    const sale = await receipt(s, { type: 'SALE', codes: codes.slice(0, 2), externalId: 'FN-0001/17' });
    expect(sale.status).toBe(201);
    expect(sale.body).toMatchObject({ type: 'SALE', status: 'IN_PROCESS', outcome: 'SUCCESS', errors: [] });
    // Sold when registered (like a report's effects); the receipt reads IN_PROCESS until processed.
    expect((await privateCodes(s, auth, codes)).results.map((r: { codeData: { status: string } }) => r.codeData.status)).toEqual(['WITHDRAWN', 'WITHDRAWN', 'APPLIED']);
    s.advance(2_000);
    const list = await s.http.get('/mcoi/api/rcp/receipts').query({ limit: 100 }).set('Authorization', auth);
    expect(list.body).toEqual({
      receipts: [{ receiptId: sale.body.receiptId, id: sale.body.receiptId, externalId: 'FN-0001/17', type: 'SALE', status: 'SUCCESS', createdOn: expect.any(String), receiptDate: expect.any(String), seller: { tin: '301234567', name: expect.any(Object) }, codesCount: 2 }],
    });
    const detail = await s.http.get(`/mcoi/api/rcp/receipts/${sale.body.receiptId}`).set('Authorization', auth);
    expect(detail.body.codes).toEqual(codes.slice(0, 2).map((code) => ({ code, gtin: '04899215122371', state: 'SUCCESS' })));
    // A refund of one; the history says SALE then RETURN.
    expect((await receipt(s, { type: 'RETURN', codes: [codes[0]] })).body.outcome).toBe('SUCCESS');
    s.advance(2_000);
    expect((await privateCodes(s, auth, [codes[0]])).results[0].codeData.status).toBe('APPLIED');
    const history = (await s.http.post('/mcoi/public/api/cod/public/codes').set('Authorization', auth).send({ codes: [bare(codes[0])], addCodeHistory: true })).body[0].codeHistory;
    expect(history.slice(-2).map((e: { eventType: string; documentType: string; eventChangedCodeStatus: string }) => [e.eventType, e.documentType, e.eventChangedCodeStatus])).toEqual([
      ['SALE', 'SALES_RECEIPT', 'WITHDRAWN'],
      ['RETURN', 'REFUND_RECEIPT', 'APPLIED'],
    ]);
    // Paging as the Flask proxy does: limit, then cursor or nextCursor, until a short page.
    const first = await s.http.get('/mcoi/api/rcp/receipts').query({ limit: 1 }).set('Authorization', auth);
    expect(first.body.receipts[0].type).toBe('RETURN');
    const second = await s.http.get('/mcoi/api/rcp/receipts').query({ limit: 1, cursor: first.body.nextCursor }).set('Authorization', auth);
    expect(second.body).toEqual({ receipts: [expect.objectContaining({ receiptId: sale.body.receiptId })] });
    expect((await s.http.get('/mcoi/api/rcp/receipts').query({ type: 'SALE' }).set('Authorization', auth)).body.receipts).toHaveLength(1);
    // In storage as the real document types; not another organization's.
    const search = await s.http.get('/mcoi/public/api/v1/doc/storage/docs/search').query({ types: 'SALES_RECEIPT,REFUND_RECEIPT' }).set('Authorization', auth);
    expect(search.body.documentInfos.map((d: { type: string }) => d.type)).toEqual(['REFUND_RECEIPT', 'SALES_RECEIPT']);
    const water = await s.login('water');
    expect((await s.http.get('/mcoi/api/rcp/receipts').set('Authorization', water)).body).toEqual({ receipts: [] });
    expect(withoutErrorId((await s.http.get(`/mcoi/api/rcp/receipts/${sale.body.receiptId}`).set('Authorization', water)).body)).toEqual(mcoiError(HANDBOOK.RECEIPT_NOT_FOUND, [sale.body.receiptId], { path: 'receiptId' }));
  });

  it('a receipt of codes that cannot be sold is ERROR and changes nothing; bad receipts are refused', async () => {
    const s = await setup();
    const auth = await s.login();
    const { codes } = await readyCodes(s, auth, 1); // RECEIVED, not APPLIED
    const bad = await receipt(s, { type: 'SALE', codes });
    expect(bad.body).toMatchObject({ outcome: 'ERROR', errors: [`invalid-code-status (${codes[0]})`] });
    expect((await privateCodes(s, auth, codes)).results[0].codeData.status).toBe('RECEIVED');
    s.advance(2_000);
    const detail = await s.http.get(`/mcoi/api/rcp/receipts/${bad.body.receiptId}`).set('Authorization', auth);
    expect(detail.body).toMatchObject({ status: 'ERROR', codes: [{ code: codes[0], state: 'ERROR', errorCode: 'invalid-code-status' }] });
    expect((await receipt(s, { tin: '999999999', type: 'SALE', codes })).status).toBe(404);
    for (const body of [{ type: 'GIFT', codes }, { type: 'SALE', codes: [] }, { type: 'SALE' }, { type: 'SALE', codes, receiptDate: 'yesterday' }]) expect((await receipt(s, body)).status, JSON.stringify(body)).toBe(400);
    expect((await s.http.get('/mcoi/api/rcp/receipts').query({ cursor: 'nope' }).set('Authorization', auth)).status).toBe(400);
    expect((await s.http.get('/mcoi/api/rcp/receipts').query({ limit: 0 }).set('Authorization', auth)).status).toBe(400);
  });
});

describe('the product registry (observed #33)', () => {
  it('finds cards by GTIN, product group and TN VED, and one by id — the id code information names', async () => {
    const s = await setup();
    const auth = await s.login();
    const byGtin = await s.http.get('/mcoi/public/api/v1/product-registry/product/search-by-gtin').query({ gtin: '04899215122371', limit: 5, offset: 0 }).set('Authorization', auth);
    expect(byGtin.body).toMatchObject({ hasNextPage: false, products: [{ gtin: '04899215122371', name: { uz: 'Sunflower oil, refined, 1 l' }, status: 'PUBLISHED', tnved: '1512191000', producer: { tin: '301234567' } }] });
    // An EAN-13, and a GTIN nobody described.
    expect((await s.http.get('/mcoi/public/api/v1/product-registry/product/search-by-gtin').query({ gtin: '4899215122371' }).set('Authorization', auth)).body.products).toHaveLength(1);
    expect((await s.http.get('/mcoi/public/api/v1/product-registry/product/search-by-gtin').query({ gtin: '04600000000008' }).set('Authorization', auth)).body).toEqual({ hasNextPage: false, products: [] });
    // By product group and TN VED, as a card tool resolves a category; any participant reads every card.
    const water = await s.http.get('/mcoi/public/api/v1/product-registry/product').query({ productGroup: 'water' }).set('Authorization', await s.login('wholesale'));
    expect(water.body.products.map((p: { gtin: string }) => p.gtin)).toEqual(['04780001000013', '04780002000029', '04780003000011', '04601234567893']);
    const oil = await s.http.get('/mcoi/public/api/v1/product-registry/product').query({ productGroup: 'vegetableoil', tnved: '1512' }).set('Authorization', auth);
    expect(oil.body.products.map((p: { productCategory: { code: string } }) => p.productCategory.code)).toEqual(['1512', '1512']);
    const paged = await s.http.get('/mcoi/public/api/v1/product-registry/product').query({ limit: 2 }).set('Authorization', auth);
    expect(paged.body.hasNextPage).toBe(true);
    const id = byGtin.body.products[0].id;
    const card = await s.http.get(`/mcoi/public/api/v1/product-registry/product/${id}`).set('Authorization', auth);
    expect(card.body.attributes.find((a: { meta: { code: string } }) => a.meta.code === 'front_side')).toEqual({ meta: { code: 'front_side', type: 'FILE_LIST' }, value: { files: [] } });
    const codes = await applied(s, auth, 1);
    expect((await privateCodes(s, auth, codes)).results[0].productData.productId).toBe(id);
    expect(withoutErrorId((await s.http.get('/mcoi/public/api/v1/product-registry/product/nope').set('Authorization', auth)).body)).toEqual(mcoiError(HANDBOOK.PRODUCT_NOT_FOUND, ['nope'], { path: 'productId' }));
    expect((await s.http.get('/mcoi/public/api/v1/product-registry/product/search-by-gtin').query({ gtin: 'abc' }).set('Authorization', auth)).status).toBe(400);
    expect((await s.http.get('/mcoi/public/api/v1/product-registry/product/search-by-gtin').set('Authorization', auth)).status).toBe(400);
  });
});

describe('code verification (observed #33)', () => {
  it('tells codes issued with their verification code from the rest, any owner\'s', async () => {
    const s = await setup();
    const auth = await s.login();
    const [mine] = await applied(s, auth, 1);
    const theirs = (await readyCodes(s, await s.login('water'), 1, '04780003000011', { productGroup: 'water', businessPlaceId: 51 })).codes[0];
    const forged = `${bare(mine)}${GS}93ZZZZ`;
    const res = await s.http.post('/mcoi/public/api/v1/code-verification/verify').set('Authorization', auth).send({ codes: [mine, theirs, forged, '010489921512237121UNKNOWNSERIAL', 'garbage'] });
    expect(res.body).toEqual([
      { code: mine, isValid: true, status: 'APPLIED', gtin: '04899215122371', productGroup: 'vegetableoil' },
      { code: theirs, isValid: true, status: 'RECEIVED', gtin: '04780003000011', productGroup: 'water' },
      { code: forged, isValid: false, errorCode: 'invalid-verification-code', status: 'APPLIED', gtin: '04899215122371' },
      { code: '010489921512237121UNKNOWNSERIAL', isValid: false, errorCode: 'code-not-found' },
      { code: 'garbage', isValid: false, errorCode: 'invalid-code-format' },
    ]);
    expect((await s.http.post('/mcoi/public/api/v1/code-verification/verify').set('Authorization', auth).send({ codes: Array.from({ length: 1001 }, () => 'x') })).status).toBe(400);
  });
});
