import { describe, expect, it } from 'vitest';
import { HANDBOOK, mcoiError, registerOrder, setup, withoutErrorId, type Setup } from './helpers.js';

const GTIN = '04899215122371';
const product = (over: Record<string, unknown> = {}) => ({ gtin: GTIN, quantity: 10, serialNumberType: 'OPERATOR', cisType: 'UNIT', ...over });
const order = (over: Record<string, unknown> = {}) => ({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [product()], businessPlaceId: 27, ...over });

async function post(s: Setup, auth: string, body: unknown) {
  return s.http.post('/mcoi/api/orders').set('Authorization', auth).send(body as object);
}
async function statusOf(s: Setup, auth: string, orderId: string) {
  const res = await s.http.get('/mcoi/api/orders').query({ orderId }).set('Authorization', auth);
  return res.body.orderInfos[0];
}
async function subOrders(s: Setup, auth: string, orderId: string) {
  return (await s.http.get('/mcoi/api/orders/sub-orders').query({ orderId }).set('Authorization', auth)).body.subOrderInfos;
}

describe('POST /api/orders', () => {
  it('moves CREATED → PENDING → READY with the clock, and the sub-order PENDING → ACTIVE', async () => {
    const s = await setup();
    const auth = await s.login();
    const id = await registerOrder(s, auth, { poNumber: 'PO-1' });
    expect(await statusOf(s, auth, id)).toEqual({ orderId: id, productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', orderStatus: 'CREATED', createDate: new Date(s.clock.nowMs()).toISOString(), poNumber: 'PO-1' });
    expect((await subOrders(s, auth, id))[0]).toMatchObject({ bufferStatus: 'PENDING', availableCodes: 0, leftInBuffer: 0, totalPassed: 0 });
    s.advance(1_000);
    expect((await statusOf(s, auth, id)).orderStatus).toBe('PENDING');
    s.advance(2_000);
    expect((await statusOf(s, auth, id)).orderStatus).toBe('READY');
    expect((await subOrders(s, auth, id))[0]).toMatchObject({ parentOrderId: id, bufferStatus: 'ACTIVE', gtin: GTIN, cisType: 'UNIT', availableCodes: 10, leftInBuffer: 10, totalPassed: 0 });
  });

  it('follows configured timings (an order READY after 2 hours)', async () => {
    const s = await setup({ timings: { mcoi: { orderReadyMs: 2 * 3_600_000 } } });
    const auth = await s.login();
    const id = await registerOrder(s, auth);
    s.advance(3_600_000);
    expect((await statusOf(s, await s.login(), id)).orderStatus).toBe('PENDING');
    s.advance(3_600_000);
    expect((await statusOf(s, await s.login(), id)).orderStatus).toBe('READY');
  });

  it('gives ids that depend only on the seed', async () => {
    const ids = [];
    for (const seed of [7, 7, 8]) {
      const s = await setup({ seed });
      ids.push(await registerOrder(s, await s.login()));
    }
    expect(ids[0]).toBe(ids[1]);
    expect(ids[0]).not.toBe(ids[2]);
  });

  it('transfers an order with contractorInfo to the service provider: OUTSOURCED, visible to it, unloaded by it only', async () => {
    const s = await setup();
    const owner = await s.login();
    const id = await registerOrder(s, owner, { businessPlaceId: undefined, contractorInfo: { contractorTin: '303456789', contractorCountryCode: 'UZ' } });
    s.advance(3_000);
    expect((await statusOf(s, owner, id)).orderStatus).toBe('OUTSOURCED');
    const own = await s.http.get('/mcoi/api/codes').query({ orderId: id, gtin: GTIN, quantity: 2 }).set('Authorization', owner);
    expect(withoutErrorId(own.body)).toEqual(mcoiError(HANDBOOK.ORDER_OUTSOURCED, [id]));
    const sp = await s.login('provider');
    expect((await s.http.get('/mcoi/api/orders').query({ contractorTin: '303456789' }).set('Authorization', sp)).body.orderInfos.map((o: { orderId: string }) => o.orderId)).toEqual([id]);
    const res = await s.http.get('/mcoi/api/codes').query({ orderId: id, gtin: GTIN, quantity: 2 }).set('Authorization', sp);
    expect(res.status).toBe(200);
    expect(res.body.codes).toHaveLength(2);
  });

  it('rejects a SELF_MADE sub-order whose serial was already issued for the GTIN (REJECTED with a reason)', async () => {
    const s = await setup();
    const auth = await s.login();
    const id = await registerOrder(s, auth, {}, [product({ quantity: 2, serialNumberType: 'SELF_MADE', serialNumbers: ['UGM6BL+d+aHQw', 'ABCDEFGHIJK01'] })]);
    s.advance(3_000);
    const info = await statusOf(s, auth, id);
    expect(info.orderStatus).toBe('REJECTED');
    expect(info.rejectionReason).toContain('UGM6BL+d+aHQw');
    expect((await subOrders(s, auth, id))[0]).toMatchObject({ bufferStatus: 'REJECTED', availableCodes: 0 });
    const errors = await s.http.get(`/mcoi/public/api/v1/doc/storage/errors/${id}`).set('Authorization', auth);
    expect(errors.body.documentErrors[0]).toMatchObject({ propertyName: 'GTIN', propertyValue: GTIN, errorCode: 'sub-order-rejected' });
  });

  it('issues SELF_MADE codes with the given serials, in order', async () => {
    const s = await setup();
    const auth = await s.login();
    const id = await registerOrder(s, auth, {}, [product({ quantity: 2, serialNumberType: 'SELF_MADE', serialNumbers: ['ZZZZZZZZZZZZ1', 'ZZZZZZZZZZZZ2'] })]);
    s.advance(3_000);
    const res = await s.http.get('/mcoi/api/codes').query({ orderId: id, gtin: GTIN, quantity: 2 }).set('Authorization', auth);
    expect(res.body.codes.map((c: string) => c.slice(18, 31))).toEqual(['ZZZZZZZZZZZZ1', 'ZZZZZZZZZZZZ2']);
  });

  describe('refuses', () => {
    const cases: [string, Record<string, unknown> | ((s: Setup) => Record<string, unknown>), (body: { globalErrors: Record<string, unknown>[] }) => void][] = [
      ['a businessPlaceId sent as a string (observed #7)', order({ businessPlaceId: '27' }), (b) => expect(b.globalErrors[0]).toMatchObject({ code: 'invalid-input-parameter', requestBodyJsonPath: '$.businessPlaceId' })],
      ['an unknown productGroup', order({ productGroup: 'cheese' }), (b) => expect(b.globalErrors[0]).toMatchObject({ requestBodyJsonPath: '$.productGroup', error: expect.stringContaining('vegetableoil') })],
      ['an unknown cisType', order({ products: [product({ cisType: 'BOX' })] }), (b) => expect(b.globalErrors[0].requestBodyJsonPath).toBe('$.products[0].cisType')],
      ['a zero quantity', order({ products: [product({ quantity: 0 })] }), (b) => expect(b.globalErrors[0].requestBodyJsonPath).toBe('$.products[0].quantity')],
      ['a fractional quantity', order({ products: [product({ quantity: 1.5 })] }), (b) => expect(b.globalErrors[0].requestBodyJsonPath).toBe('$.products[0].quantity')],
      ['no products', order({ products: [] }), (b) => expect(b.globalErrors[0].requestBodyJsonPath).toBe('$.products')],
      ['a GTIN with a wrong check digit', order({ products: [product({ gtin: '04899215122372' })] }), (b) => expect(b).toEqual(mcoiError(HANDBOOK.INVALID_GTIN, ['04899215122372'], { body: '$.products[0].gtin' }))],
      ['a GTIN of another organization', order({ products: [product({ gtin: '04780003000011' })] }), (b) => expect(b).toEqual(mcoiError(HANDBOOK.GTIN_NOT_OWNED, ['04780003000011'], { body: '$.products[0].gtin' }))],
      ['a GTIN of another product group', order({ products: [product({ gtin: '04780001000013' })] }), (b) => expect(b).toEqual(mcoiError(HANDBOOK.GTIN_PRODUCT_GROUP_MISMATCH, ['04780001000013', 'vegetableoil', 'water'], { body: '$.products[0].gtin' }))],
      ['a product group the organization does not issue', order({ productGroup: 'tobacco' }), (b) => expect(b).toEqual(mcoiError(HANDBOOK.PRODUCT_GROUP_NOT_REGISTERED, ['tobacco'], { body: '$.productGroup' }))],
      ['11 sub-orders', order({ products: Array.from({ length: 11 }, () => product()) }), (b) => expect(b).toEqual(mcoiError(HANDBOOK.SUB_ORDERS_LIMIT, [10, 11], { body: '$.products' }))],
      ['100,001 codes in a sub-order', order({ products: [product({ quantity: 100_001 })] }), (b) => expect(b).toEqual(mcoiError(HANDBOOK.SUB_ORDER_CODES_LIMIT, [100_000, GTIN, 100_001], { body: '$.products[0].quantity' }))],
      ['150,001 codes in an order', order({ products: [product({ quantity: 100_000 }), product({ gtin: '04815617815628', quantity: 50_001 })] }), (b) => expect(b).toEqual(mcoiError(HANDBOOK.ORDER_CODES_LIMIT, [150_000, 150_001], { body: '$.products' }))],
      ['the same GTIN twice', order({ products: [product(), product()] }), (b) => expect(b).toEqual(mcoiError(HANDBOOK.DUPLICATE_GTIN, [GTIN], { body: '$.products[1].gtin' }))],
      ['SELF_MADE with fewer serials than the quantity', order({ products: [product({ quantity: 2, serialNumberType: 'SELF_MADE', serialNumbers: ['ABCDEFGHIJK01'] })] }), (b) => expect(b).toEqual(mcoiError(HANDBOOK.SERIAL_NUMBERS_COUNT, [GTIN, 2, 1], { body: '$.products[0].serialNumbers' }))],
      ['a SELF_MADE serial of the wrong length', order({ products: [product({ quantity: 1, serialNumberType: 'SELF_MADE', serialNumbers: ['SHORT'] })] }), (b) => expect(b).toEqual(mcoiError(HANDBOOK.SERIAL_NUMBER_INVALID, ['SHORT', 13], { body: '$.products[0].serialNumbers[0]' }))],
      ['a repeated SELF_MADE serial', order({ products: [product({ quantity: 2, serialNumberType: 'SELF_MADE', serialNumbers: ['ABCDEFGHIJK01', 'ABCDEFGHIJK01'] })] }), (b) => expect(b).toEqual(mcoiError(HANDBOOK.SERIAL_NUMBER_DUPLICATE, ['ABCDEFGHIJK01'], { body: '$.products[0].serialNumbers[1]' }))],
      ['serialNumbers with OPERATOR', order({ products: [product({ quantity: 1, serialNumbers: ['ABCDEFGHIJK01'] })] }), (b) => expect(b).toEqual(mcoiError(HANDBOOK.SERIAL_NUMBERS_NOT_ALLOWED, [GTIN], { body: '$.products[0].serialNumbers' }))],
      ['a place of business of another organization', order({ businessPlaceId: 51 }), (b) => expect(b).toEqual(mcoiError(HANDBOOK.BUSINESS_PLACE_NOT_FOUND, [51], { body: '$.businessPlaceId' }))],
      ['neither a place of business nor a contractor', order({ businessPlaceId: undefined }), (b) => expect(b).toEqual(mcoiError(HANDBOOK.PLACE_OR_CONTRACTOR, [], { body: '$.businessPlaceId' }))],
      ['an unknown service provider', order({ businessPlaceId: undefined, contractorInfo: { contractorTin: '999999999', contractorCountryCode: 'UZ' } }), (b) => expect(b).toEqual(mcoiError(HANDBOOK.CONTRACTOR_NOT_FOUND, ['999999999'], { body: '$.contractorInfo.contractorTin' }))],
      ['an unknown contractor country', order({ businessPlaceId: undefined, contractorInfo: { contractorTin: '303456789', contractorCountryCode: 'XX' } }), (b) => expect(b.globalErrors[0].requestBodyJsonPath).toBe('$.contractorInfo.contractorCountryCode')],
    ];
    for (const [name, body, check] of cases) {
      it(name, async () => {
        const s = await setup();
        const auth = await s.login();
        const res = await post(s, auth, typeof body === 'function' ? body(s) : body);
        expect(res.status).toBe(400);
        check(withoutErrorId(res.body));
        expect((await s.http.get('/mcoi/api/orders').query({ dateFrom: new Date(s.clock.nowMs()).toISOString() }).set('Authorization', auth)).body.orderInfos).toEqual([]);
      });
    }

    it('a PRIMARY order from a wholesaler, which may only mark remains or commission goods (§3.1)', async () => {
      const s = await setup();
      const auth = await s.login('wholesale');
      const res = await post(s, auth, order({ businessPlaceId: 31, products: [product({ gtin: '04780002000012' })] }));
      expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.RELEASE_METHOD_NOT_ALLOWED, ['PRIMARY'], { body: '$.releaseMethodType' }));
      const ok = await post(s, auth, order({ releaseMethodType: 'REMAINS', businessPlaceId: 31, products: [product({ gtin: '04780002000012' })] }));
      expect(ok.status).toBe(200);
    });

    // The water producer starts with no orders (the main organization has five active ones in its history).
    const water = { productGroup: 'water', businessPlaceId: 51 };
    const waterProduct = [product({ gtin: '04780003000011', quantity: 1 })];

    it('the 101st active order', async () => {
      const s = await setup({ rateLimits: false });
      const auth = await s.login('water');
      for (let i = 0; i < 100; i++) await registerOrder(s, auth, water, waterProduct);
      const res = await post(s, auth, order({ ...water, products: waterProduct }));
      expect(res.status).toBe(400);
      expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.ACTIVE_ORDERS_LIMIT, [100]));
    });

    it('no longer counts a closed order as active', async () => {
      const s = await setup({ rateLimits: false });
      const auth = await s.login('water');
      const ids = [];
      for (let i = 0; i < 100; i++) ids.push(await registerOrder(s, auth, water, waterProduct));
      expect((await s.http.post('/mcoi/api/order/close').query({ orderId: ids[0] }).set('Authorization', auth)).status).toBe(200);
      expect((await post(s, auth, order({ ...water, products: waterProduct }))).status).toBe(200);
    });
  });
});

describe('GET /api/orders and /api/orders/sub-orders', () => {
  it('filters by status, product group and poNumber', async () => {
    const s = await setup();
    const auth = await s.login();
    const a = await registerOrder(s, auth, { poNumber: 'A' });
    s.advance(5_000);
    const b = await registerOrder(s, auth, { poNumber: 'B' });
    const since = new Date(s.clock.nowMs() - 5_000).toISOString();
    const ids = async (q: Record<string, string>) => (await s.http.get('/mcoi/api/orders').query({ dateFrom: since, ...q }).set('Authorization', auth)).body.orderInfos.map((o: { orderId: string }) => o.orderId);
    expect(await ids({})).toEqual([a, b]);
    expect(await ids({ status: 'READY' })).toEqual([a]);
    expect(await ids({ status: 'CREATED' })).toEqual([b]);
    expect(await ids({ poNumber: 'B' })).toEqual([b]);
    expect(await ids({ productGroup: 'water' })).toEqual([]);
  });

  it('binds a parameter sent twice to its first value', async () => {
    const s = await setup();
    const auth = await s.login();
    const count = async (q: string) => (await s.http.get(`/mcoi/api/orders?${q}`).set('Authorization', auth)).body.orderInfos?.length;
    const all = await count('limit=1000');
    expect(all).toBeGreaterThan(2);
    expect(await count('limit=2&limit=1')).toBe(2);
    expect(await count('limit=1&limit=2')).toBe(1);
    expect((await s.http.get('/mcoi/api/orders?limit=abc&limit=1').set('Authorization', auth)).status).toBe(400);
  });

  it('pages with limit and cursor (the id of the last order of the previous page)', async () => {
    const s = await setup();
    const auth = await s.login();
    const all = (await s.http.get('/mcoi/api/orders').set('Authorization', auth)).body.orderInfos.map((o: { orderId: string }) => o.orderId);
    expect(all.length).toBe(6);
    const p1 = (await s.http.get('/mcoi/api/orders').query({ limit: 4 }).set('Authorization', auth)).body.orderInfos.map((o: { orderId: string }) => o.orderId);
    const p2 = (await s.http.get('/mcoi/api/orders').query({ limit: 4, cursor: p1[3] }).set('Authorization', auth)).body.orderInfos.map((o: { orderId: string }) => o.orderId);
    expect([...p1, ...p2]).toEqual(all);
    const bad = await s.http.get('/mcoi/api/orders').query({ cursor: 'nope' }).set('Authorization', auth);
    expect(withoutErrorId(bad.body)).toEqual(mcoiError(HANDBOOK.CURSOR_NOT_FOUND, ['nope'], { query: 'cursor' }));
  });

  it('refuses dateTo earlier than dateFrom', async () => {
    const s = await setup();
    const auth = await s.login();
    for (const path of ['/mcoi/api/orders', '/mcoi/api/orders/sub-orders', '/mcoi/public/api/v1/doc/storage/docs/search']) {
      const res = await s.http.get(path).query({ dateFrom: '2025-02-01T00:00:00Z', dateTo: '2025-01-01T00:00:00Z' }).set('Authorization', auth);
      expect(res.status).toBe(400);
      expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.DATE_RANGE, ['2025-02-01T00:00:00Z', '2025-01-01T00:00:00Z'], { query: 'dateTo' }));
    }
  });

  it('refuses a date that is not ISO 8601 and a limit that is not a number', async () => {
    const s = await setup();
    const auth = await s.login();
    const d = await s.http.get('/mcoi/api/orders').query({ dateFrom: 'yesterday' }).set('Authorization', auth);
    expect(d.body.globalErrors[0]).toMatchObject({ code: 'invalid-input-parameter', requestQueryJsonPath: 'dateFrom' });
    const l = await s.http.get('/mcoi/api/orders').query({ limit: 'ten' }).set('Authorization', auth);
    expect(l.body.globalErrors[0]).toMatchObject({ code: 'invalid-input-parameter', requestQueryJsonPath: 'limit' });
  });

  it('shows nothing of another organization (tenant isolation)', async () => {
    const s = await setup();
    const id = await registerOrder(s, await s.login());
    const other = await s.login('water');
    expect((await s.http.get('/mcoi/api/orders').set('Authorization', other)).body.orderInfos).toEqual([]);
    expect((await s.http.get('/mcoi/api/orders/sub-orders').query({ orderId: id }).set('Authorization', other)).body.subOrderInfos).toEqual([]);
    const codes = await s.http.get('/mcoi/api/codes').query({ orderId: id, gtin: GTIN, quantity: 1 }).set('Authorization', other);
    expect(codes.status).toBe(404);
    expect(withoutErrorId(codes.body)).toEqual(mcoiError(HANDBOOK.ORDER_NOT_FOUND, [id], { query: 'orderId' }));
    const close = await s.http.post('/mcoi/api/order/close').query({ orderId: id }).set('Authorization', other);
    expect(close.status).toBe(404);
  });

  it('filters sub-orders by status, gtin and cisType and pages them by "<orderId>:<gtin>"', async () => {
    const s = await setup();
    const auth = await s.login();
    const id = await registerOrder(s, auth, {}, [product(), product({ gtin: '04815617815628', cisType: 'GROUP' })]);
    s.advance(3_000);
    const list = async (q: Record<string, unknown>) => (await s.http.get('/mcoi/api/orders/sub-orders').query({ orderId: id, ...q }).set('Authorization', auth)).body.subOrderInfos.map((x: { gtin: string }) => x.gtin);
    expect(await list({})).toEqual([GTIN, '04815617815628']);
    expect(await list({ cisType: 'GROUP' })).toEqual(['04815617815628']);
    expect(await list({ gtin: GTIN })).toEqual([GTIN]);
    expect(await list({ status: 'EXHAUSTED' })).toEqual([]);
    expect(await list({ limit: 1, cursor: `${id}:${GTIN}` })).toEqual(['04815617815628']);
  });
});
