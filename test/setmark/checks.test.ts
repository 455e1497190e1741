import { describe, expect, it } from 'vitest';
import { setup } from '../helpers.js';
import { VIOLATIONS } from '../../simulator/systems/setmark/handbook.js';
import { BASE, INN1, INN4, mark, pkg, receipt, validate, W } from './helpers.js';

const text = (code: number) => VIOLATIONS[code].text;
const refused = (code: number) => ({ id: 101, result: false, message: text(code) });

describe('/cash/validate', () => {
  it('answers the document\'s own example: OK with the stored alcocode, barcode and the MRC in kopecks', async () => {
    const s = await setup();
    const res = await s.http.post(`${BASE}/cash/validate`).send({ id: 101, version: 1, shop: 1, cash: '5', operationType: 0, productType: 1, excise: 'excise12340000101003', alcocode: [], barcode: '', strictCheck: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 101, result: true, message: 'OK', alcocode: 'alcocode12340000101003', barcode: '012340000101003', amrc: 50000 });
    expect(s.violations).toEqual([]);
  });

  it('refuses a badly formed excise stamp (11), a sold mark (2), not on stock (3), a price below the MRC (7), no MRC (8)', async () => {
    const s = await setup();
    expect(await validate(s, { productType: 1, excise: 'АМ-кириллицей' })).toEqual(refused(11));
    expect(await validate(s, { productType: 1, excise: W.alcoholExample, price: 49_999 })).toEqual(refused(7));
    expect((await validate(s, { productType: 1, excise: W.alcoholExample, price: 50_000 })).result).toBe(true);
    await s.http.post(`${BASE}/erp/add_mark`).send(pkg(1, [{ excise: 'NOMRC0000000000001', barcode: '111' }], { productType: 1 })).expect(200);
    s.advance(2_000);
    expect(await validate(s, { productType: 1, excise: 'NOMRC0000000000001' })).toEqual(refused(8));
    expect(await validate(s, { mark: 'UNKNOWN-MARK' })).toEqual(refused(3));
    expect(await validate(s, { mark: W.shoes, shop: 2 })).toEqual(refused(3));
    await receipt(s, { marks: [{ mark: W.shoes }] });
    expect(await validate(s, { mark: W.shoes })).toEqual(refused(2));
    expect(s.violations).toEqual([]);
  });

  it('tobacco: a pack of a sold block is 13, a block with a pack sold is 14; returns 15 and 16', async () => {
    const s = await setup();
    await receipt(s, { checkNumber: 'B', marks: [{ mark: W.block }] });
    expect(await validate(s, { productType: 2, mark: W.pack1 })).toEqual(refused(13));
    expect(await validate(s, { productType: 2, mark: W.pack1, operationType: 1 })).toEqual(refused(15));
    const t = await setup();
    await receipt(t, { checkNumber: 'P', marks: [{ mark: W.pack2 }] });
    expect(await mark(t, W.block)).toMatchObject({ state: 'DISBANDED' });
    expect(await validate(t, { productType: 2, mark: W.block })).toEqual(refused(14));
    expect(await validate(t, { productType: 2, mark: W.block, operationType: 1 })).toEqual(refused(16));
    // Other packs of a disbanded block still sell.
    expect((await validate(t, { productType: 2, mark: W.pack1 })).result).toBe(true);
    expect(s.violations).toEqual([]);
  });

  it('INN: another legal entity\'s mark is 18 at sale, 19 at return; a return of a mark never sold is 5', async () => {
    const s = await setup();
    expect(await validate(s, { mark: W.shoes, inn: INN4 })).toEqual(refused(18));
    expect(await validate(s, { mark: W.shoes, operationType: 1 })).toEqual(refused(5));
    await receipt(s, { marks: [{ mark: W.shoes }] });
    expect((await validate(s, { mark: W.shoes, operationType: 1 })).result).toBe(true);
    expect(await validate(s, { mark: W.shoes, operationType: 1, inn: INN4 })).toEqual(refused(19));
    expect(s.violations).toEqual([]);
  });

  it('strictCheck false sells a mark not on stock and writes code 3 to the journal (the Cyrillic strictСheck too)', async () => {
    const s = await setup();
    expect(await validate(s, { mark: 'NO-STOCK', strictCheck: false })).toEqual({ id: 101, result: true, message: 'OK' });
    expect((await validate(s, { mark: 'NO-STOCK-2', 'strictСheck': false })).result).toBe(true);
    expect((await s.http.get('/__sim/setmark/erp')).body.pendingViolations).toBe(2);
    expect(s.violations).toEqual([]);
  });

  it('barcode, article and alcocode checks (switches): 6, 12, 1; required fields when on', async () => {
    const s = await setup({ profile: { setmark: { checkBarcode: 'on', checkItem: 'on', checkAlcocode: 'on' } } });
    const base = { productType: 1, excise: W.alcohol, barcode: '4650067391939', item: '2201', alcocode: ['0012631000001797400'] };
    expect((await validate(s, base)).result).toBe(true);
    expect(await validate(s, { ...base, barcode: '000' })).toEqual(refused(6));
    expect(await validate(s, { ...base, item: '999' })).toEqual(refused(12));
    expect(await validate(s, { ...base, alcocode: ['X'], item: '999' })).toEqual(refused(1));
    // The article's alcocodes (add_alcocodes) vouch for the mark's.
    expect((await validate(s, { ...base, alcocode: ['X'] })).result).toBe(true);
    const missing = await s.http.post(`${BASE}/cash/validate`).send({ id: 1, version: 1, shop: 1, cash: 1, operationType: 0, productType: 1, excise: W.alcohol });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('barcode');
    expect(s.violations).toEqual([]);
  });

  it('promo sets: no bottle barcode is 9, a barcode not in the set is 10, the component\'s price meets the MRC', async () => {
    const s = await setup();
    const promo = { productType: 1, excise: W.alcoholExample, promoBarcode: '2000000000001', promoComponents: [{ alcocode: ['alcocode12340000101003'], price: 60_000, barcode: ['012340000101003'], item: '101010' }] };
    expect(await validate(s, promo)).toEqual(refused(9));
    expect(await validate(s, { ...promo, barcode: '999' })).toEqual(refused(10));
    expect((await validate(s, { ...promo, barcode: '012340000101003' })).amrc).toBe(50_000);
    expect(await validate(s, { ...promo, barcode: '012340000101003', promoComponents: [{ ...promo.promoComponents[0], price: 100 }] })).toEqual(refused(7));
    expect(s.violations).toEqual([]);
  });

  it('before version 1.3 the cashier gets the old texts', async () => {
    const s = await setup({ profile: { setmark: { version: '1.2' } } });
    expect(await validate(s, { mark: 'UNKNOWN' })).toEqual({ id: 101, result: false, message: 'Продажа АМ без запаса' });
    expect(s.violations).toEqual([]);
  });

  it('a request without its fields is a Spring 400', async () => {
    const s = await setup();
    const res = await s.http.post(`${BASE}/cash/validate`).send({ id: 1, version: 1 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, error: 'Bad Request', path: '/cash/validate' });
    expect((await s.http.post(`${BASE}/cash/validate`).send({ id: 1, version: 1, shop: 1, cash: 1, operationType: 0, productType: 3 })).status).toBe(400);
    expect(s.violations).toEqual([]);
  });
});

describe('receipts from the cash register (control plane)', () => {
  it('registration: 100 (sold in another receipt), 101/102 (a changed duplicate), 103, 104, 110 (offline without stock)', async () => {
    const s = await setup();
    expect((await receipt(s, { checkNumber: 'A', marks: [{ mark: W.shoes }, { mark: W.milk }] })).registered).toBe(true);
    const dup = await receipt(s, { checkNumber: 'A', precheck: false, marks: [{ mark: W.shoes }, { mark: W.pack }] });
    expect(dup.violations.map((v) => v.errorCode).sort()).toEqual([101, 102]);
    expect((await receipt(s, { checkNumber: 'B', precheck: false, marks: [{ mark: W.shoes }] })).violations).toEqual([{ mark: W.shoes, errorCode: 100, message: text(100) }]);
    expect((await receipt(s, { checkNumber: 'C', operation: 'return', marks: [{ mark: W.milk }] })).marks).toEqual([{ mark: W.milk, state: 'RETURNED', onStock: true }]);
    expect((await receipt(s, { checkNumber: 'D', operation: 'return', precheck: false, marks: [{ mark: W.milk }] })).violations[0].errorCode).toBe(103);
    expect((await receipt(s, { checkNumber: 'E', operation: 'return', precheck: false, marks: [{ mark: 'NEVER' }] })).violations[0].errorCode).toBe(104);
    const offline = await receipt(s, { checkNumber: 'F', offline: true, marks: [{ mark: 'OFFLINE-1', productType: 3 }] });
    expect(offline.violations[0].errorCode).toBe(110);
    expect(offline.marks[0].state).toBe('SOLD');
    expect(s.violations).toEqual([]);
  });

  it('pre-check: sold earlier (2, or 200 by switch), returned 201, never sold 202, held at another register 203, block with its pack 205', async () => {
    const s = await setup();
    await receipt(s, { checkNumber: 'A', marks: [{ mark: W.shoes }] });
    expect((await receipt(s, { checkNumber: 'B', marks: [{ mark: W.shoes }] })).violations[0]).toMatchObject({ errorCode: 2, message: text(200) });
    expect((await receipt(s, { checkNumber: 'C', operation: 'return', marks: [{ mark: W.milk }] })).violations[0].errorCode).toBe(202);
    expect((await receipt(s, { checkNumber: 'D', marks: [{ mark: W.block }, { mark: W.pack1 }] })).violations.map((v) => v.errorCode)).toEqual([205, 205]);
    expect((await receipt(s, { cash: 2, checkNumber: 'E', open: true, marks: [{ mark: W.milk }] })).registered).toBe(false);
    expect((await receipt(s, { cash: 3, checkNumber: 'F', marks: [{ mark: W.milk }] })).violations[0].errorCode).toBe(203);
    expect((await receipt(s, { cash: 2, checkNumber: 'E', marks: [{ mark: W.milk }] })).registered).toBe(true);
    expect((await mark(s, W.milk)).hold).toBeUndefined();
    const t = await setup({ profile: { setmark: { precheckCode: 200 } } });
    await receipt(t, { checkNumber: 'A', marks: [{ mark: W.shoes }] });
    expect((await receipt(t, { checkNumber: 'B', marks: [{ mark: W.shoes }] })).violations[0].errorCode).toBe(200);
    expect(s.violations).toEqual([]);
  });

  it('POS errors 4 and 17 (OISM 18, TAG_2106) are journal rows and the mark stays unsold', async () => {
    const s = await setup();
    const r = await receipt(s, { marks: [{ mark: W.shoes, posError: { errorCode: 17, externalErrorCode: 18, properties: { TAG_2106: '11' } } }] });
    expect(r.violations).toEqual([{ mark: W.shoes, errorCode: 17, message: 'Получено сообщение об ошибке от кассовой системы' }]);
    expect(r.marks[0].state).toBe('ACTIVE');
    expect(s.violations).toEqual([]);
  });

  it('an unknown shop is a 404 problem', async () => {
    const s = await setup();
    const res = await s.http.post('/__sim/setmark/receipts').send({ shop: 42, cash: 1, checkNumber: '1', operation: 'sale', marks: [{ mark: 'x' }] });
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe('no shop 42 in this world');
    expect(s.violations).toEqual([]);
  });
});

describe('/external reserves', () => {
  const res = (id: number, orderNumber: string, marks: string[], extra: Record<string, unknown> = {}) => ({ id, version: 1, orderNumber, data: marks.map((m) => ({ mark: m, productType: 3 })), ...extra });

  it('POST appends, PUT replaces, a mark in another order is 210, an empty order number releases', async () => {
    const s = await setup();
    expect((await s.http.post(`${BASE}/external/reserve`).send(res(1, 'GM_1', [W.shoes]))).body).toEqual({ id: 1, success: true, message: 'OK' });
    await s.http.post(`${BASE}/external/reserve`).send(res(2, 'GM_1', [W.milk])).expect(200);
    expect((await mark(s, W.milk)).orderNumber).toBe('GM_1');
    const conflict = await s.http.post(`${BASE}/external/reserve`).send(res(3, 'GM_2', [W.shoes]));
    expect(conflict.body).toEqual({ id: 3, success: false, message: 'Ошибки при валидации марок', data: [{ mark: W.shoes, errorCode: 210, errorMessage: 'Марка была зарезервирована под другим номером заказа' }] });
    await s.http.put(`${BASE}/external/reserve`).send(res(4, 'GM_1', [W.milk])).expect(200);
    expect((await mark(s, W.shoes)).orderNumber).toBeUndefined();
    await s.http.post(`${BASE}/external/reserve`).send(res(5, '', [W.milk])).expect(200);
    expect((await mark(s, W.milk)).orderNumber).toBeUndefined();
    expect(s.violations).toEqual([]);
  });

  it('a tillDate in the past is refused with the documented text; a reserve expires on the clock', async () => {
    const s = await setup();
    const past = await s.http.post(`${BASE}/external/reserve`).send(res(1, 'GM_1', [W.shoes], { tillDate: 1625850336 }));
    expect(past.body).toEqual({ id: 1, success: false, message: 'Срок жизни резерва 09.07.2021 20:05:36 меньше текущей даты.' });
    const till = Math.floor(s.clock.nowMs() / 1000) + 60;
    await s.http.post(`${BASE}/external/reserve`).send(res(2, 'GM_1', [W.shoes], { tillDate: till })).expect(200);
    expect((await s.http.post(`${BASE}/external/reserve`).send(res(3, 'GM_2', [W.shoes]))).body.success).toBe(false);
    s.advance(60_000);
    expect((await s.http.post(`${BASE}/external/reserve`).send(res(4, 'GM_2', [W.shoes]))).body.success).toBe(true);
    expect(s.violations).toEqual([]);
  });

  it('cancel_reserve releases an order; save by order sells its marks; save with data releases the rest', async () => {
    const s = await setup();
    await s.http.post(`${BASE}/external/reserve`).send(res(1, 'GM_1', [W.shoes, W.milk])).expect(200);
    expect((await s.http.post(`${BASE}/external/cancel_reserve`).send({ id: 2, version: 1, orderNumber: 'GM_1' })).body).toEqual({ id: 2, success: true, message: 'OK' });
    expect((await s.http.post(`${BASE}/external/cancel_reserve`).send({ id: 3, version: 1, orderNumber: 'GM_1' })).body).toEqual({ id: 3, success: false, message: 'Резерв с номером заказа GM_1 не найден' });
    await s.http.post(`${BASE}/external/reserve`).send(res(4, 'GM_2', [W.shoes, W.milk])).expect(200);
    const save = { id: 5, version: 1, inn: INN1, shop: 1, cash: 7, checkNumber: 'W-1', operationType: 0 };
    expect((await s.http.post(`${BASE}/external/save`).send({ ...save, orderNumbers: ['GM_2'], data: [{ mark: W.shoes, productType: 3 }] })).body).toEqual({ id: 5, success: true, message: 'OK' });
    expect(await mark(s, W.shoes)).toMatchObject({ state: 'SOLD', sale: { shop: 1, cash: 7, checkNumber: 'W-1' } });
    expect(await mark(s, W.milk)).toMatchObject({ state: 'ACTIVE' });
    expect((await mark(s, W.milk)).orderNumber).toBeUndefined();
    // The body is always OK; a mark sold again is a journal row.
    expect((await s.http.post(`${BASE}/external/save`).send({ ...save, checkNumber: 'W-2', data: [{ mark: W.shoes, productType: 3 }] })).body.success).toBe(true);
    expect((await s.http.get('/__sim/setmark/erp')).body.pendingViolations).toBe(1);
    expect((await s.http.post(`${BASE}/external/save`).send(save)).status).toBe(400);
    expect((await s.http.post(`${BASE}/external/save`).send({ ...save, operationType: 1, orderNumbers: ['GM_2'] })).status).toBe(400);
    expect(s.violations).toEqual([]);
  });

  it('the success-string switch answers "true" as the success examples do', async () => {
    const s = await setup({ profile: { setmark: { successType: 'string' } } });
    expect((await s.http.post(`${BASE}/external/reserve`).send(res(1, 'GM_1', [W.shoes]))).body.success).toBe('true');
    expect(s.violations).toEqual([]);
  });
});
