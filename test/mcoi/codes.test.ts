import { describe, expect, it } from 'vitest';
import { gs1CheckDigit, GS } from '../../simulator/core/gs1.js';
import { HANDBOOK, mcoiError, readyCodes, registerOrder, setup, withoutErrorId, type Setup } from './helpers.js';

const GTIN = '04899215122371';
const CODE_FORM = /^01(\d{14})21([!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{13})\u001d93(.{4})$/;

async function unload(s: Setup, auth: string, q: Record<string, unknown>) {
  return s.http.get('/mcoi/api/codes').query({ gtin: GTIN, ...q }).set('Authorization', auth);
}
async function codeState(s: Setup, code: string) {
  return s.http.get(`/__sim/state/mcoi/codes/${encodeURIComponent(code)}`);
}

describe('generated codes', () => {
  it('have the documented form with a valid GTIN check digit, and are unique', async () => {
    const s = await setup();
    const auth = await s.login();
    const { codes } = await readyCodes(s, auth, 5_000);
    const serials = new Set<string>();
    for (const c of codes) {
      const m = CODE_FORM.exec(c);
      expect(m, c).not.toBeNull();
      expect(m![1]).toBe(GTIN);
      expect(Number(m![1][13])).toBe(gs1CheckDigit(m![1].slice(0, 13)));
      serials.add(m![2]);
    }
    expect(serials.size).toBe(5_000);
  });

  it('are the same for the same seed and differ for another seed', async () => {
    const runs = [];
    for (const seed of [3, 3, 4]) {
      const s = await setup({ seed });
      runs.push((await readyCodes(s, await s.login(), 3)).codes);
    }
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]).not.toEqual(runs[2]);
  });

  it('do not repeat across sub-orders of the same GTIN', async () => {
    const s = await setup();
    const auth = await s.login();
    const a = (await readyCodes(s, auth, 1_000)).codes;
    const b = (await readyCodes(s, auth, 1_000)).codes;
    expect(new Set([...a, ...b]).size).toBe(2_000);
  });
});

describe('GET /api/codes pack semantics (§3.4)', () => {
  it('first request: a new pack; with the last pack: the next pack; without a pack: everything received so far', async () => {
    const s = await setup();
    const auth = await s.login();
    const orderId = await registerOrder(s, auth);
    s.advance(3_000);
    const p1 = await unload(s, auth, { orderId, quantity: 3 });
    expect(p1.body.codes).toHaveLength(3);
    const p2 = await unload(s, auth, { orderId, quantity: 4, lastPackId: p1.body.packId });
    expect(p2.body.codes).toHaveLength(4);
    expect(p2.body.packId).not.toBe(p1.body.packId);
    expect(p2.body.codes).not.toContain(p1.body.codes[0]);
    // no pack given after packs were received: all of them again
    const again = await unload(s, auth, { orderId, quantity: 1 });
    expect(again.body).toEqual({ packId: p2.body.packId, codes: [...p1.body.codes, ...p2.body.codes] });
    // a pack given that is not the last: everything after it
    const after = await unload(s, auth, { orderId, quantity: 1, lastPackId: p1.body.packId });
    expect(after.body).toEqual({ packId: p2.body.packId, codes: p2.body.codes });
    // lastPackId "0" means not filled
    expect((await unload(s, auth, { orderId, quantity: 1, lastPackId: '0' })).body.codes).toHaveLength(7);
    const packs = await s.http.get('/mcoi/api/codes/packs').query({ orderId, gtin: GTIN }).set('Authorization', auth);
    expect(packs.body.packs.map((p: { packId: string; quantity: number }) => [p.packId, p.quantity])).toEqual([
      [p1.body.packId, 3],
      [p2.body.packId, 4],
    ]);
    const sub = (await s.http.get('/mcoi/api/orders/sub-orders').query({ orderId }).set('Authorization', auth)).body.subOrderInfos[0];
    expect(sub).toMatchObject({ bufferStatus: 'ACTIVE', availableCodes: 10, leftInBuffer: 3, totalPassed: 7, lastPackId: p2.body.packId });
  });

  it('gives what is left when more is asked, then answers EXHAUSTED', async () => {
    const s = await setup();
    const auth = await s.login();
    const orderId = await registerOrder(s, auth);
    s.advance(3_000);
    const p1 = await unload(s, auth, { orderId, quantity: 8 });
    const p2 = await unload(s, auth, { orderId, quantity: 8, lastPackId: p1.body.packId });
    expect(p2.body.codes).toHaveLength(2);
    const sub = (await s.http.get('/mcoi/api/orders/sub-orders').query({ orderId }).set('Authorization', auth)).body.subOrderInfos[0];
    expect(sub).toMatchObject({ bufferStatus: 'EXHAUSTED', leftInBuffer: 0, totalPassed: 10 });
    const p3 = await unload(s, auth, { orderId, quantity: 1, lastPackId: p2.body.packId });
    expect(withoutErrorId(p3.body)).toEqual(mcoiError(HANDBOOK.SUB_ORDER_EXHAUSTED, [GTIN]));
  });

  it('refuses before the order is READY', async () => {
    const s = await setup();
    const auth = await s.login();
    const orderId = await registerOrder(s, auth);
    s.advance(1_000);
    const res = await unload(s, auth, { orderId, quantity: 1 });
    expect(res.status).toBe(400);
    expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.ORDER_NOT_READY, [orderId, 'PENDING']));
  });

  it('refuses an unknown pack, an unknown GTIN, a quantity above the sub-order and a missing quantity', async () => {
    const s = await setup();
    const auth = await s.login();
    const orderId = await registerOrder(s, auth);
    s.advance(3_000);
    expect(withoutErrorId((await unload(s, auth, { orderId, quantity: 1, lastPackId: 'nope' })).body)).toEqual(mcoiError(HANDBOOK.PACK_NOT_FOUND, ['nope'], { query: 'lastPackId' }));
    expect(withoutErrorId((await unload(s, auth, { orderId, quantity: 1, gtin: '04815617815628' })).body)).toEqual(mcoiError(HANDBOOK.SUB_ORDER_NOT_FOUND, [orderId, '04815617815628'], { query: 'gtin' }));
    expect(withoutErrorId((await unload(s, auth, { orderId, quantity: 11 })).body)).toEqual(mcoiError(HANDBOOK.QUANTITY_TOO_LARGE, [11, 10], { query: 'quantity' }));
    const missing = await unload(s, auth, { orderId });
    expect(missing.body.globalErrors[0]).toMatchObject({ code: 'invalid-input-parameter', requestQueryJsonPath: 'quantity' });
  });
});

describe('POST /api/order/close (§3.6)', () => {
  it('closes an order: re-unload only, codes not unloaded CANCELLED, received ones kept', async () => {
    const s = await setup();
    const auth = await s.login();
    const orderId = await registerOrder(s, auth);
    s.advance(3_000);
    const p1 = await unload(s, auth, { orderId, quantity: 4 });
    const close = await s.http.post('/mcoi/api/order/close').query({ orderId }).set('Authorization', auth);
    expect(close.body).toEqual({ orderId });
    const info = (await s.http.get('/mcoi/api/orders').query({ orderId }).set('Authorization', auth)).body.orderInfos[0];
    expect(info.orderStatus).toBe('CLOSED');
    expect((await s.http.get('/mcoi/api/orders/sub-orders').query({ orderId }).set('Authorization', auth)).body.subOrderInfos[0]).toMatchObject({ bufferStatus: 'CLOSED', leftInBuffer: 0, totalPassed: 4 });
    expect((await unload(s, auth, { orderId, quantity: 1 })).body).toEqual(p1.body);
    expect(withoutErrorId((await unload(s, auth, { orderId, quantity: 1, lastPackId: p1.body.packId })).body)).toEqual(mcoiError(HANDBOOK.ORDER_CLOSED_REUNLOAD_ONLY, [orderId]));
    expect((await codeState(s, p1.body.codes[0])).body.status).toBe('RECEIVED');
    expect(withoutErrorId((await s.http.post('/mcoi/api/order/close').query({ orderId }).set('Authorization', auth)).body)).toEqual(mcoiError(HANDBOOK.ORDER_ALREADY_CLOSED, [orderId]));
  });

  it('closing the last open sub-order closes the order; closing one leaves the other', async () => {
    const s = await setup();
    const auth = await s.login();
    const orderId = await registerOrder(s, auth, {}, [
      { gtin: GTIN, quantity: 2, serialNumberType: 'OPERATOR', cisType: 'UNIT' },
      { gtin: '04815617815628', quantity: 2, serialNumberType: 'OPERATOR', cisType: 'UNIT' },
    ]);
    s.advance(3_000);
    const r1 = await s.http.post('/mcoi/api/order/close').query({ orderId, gtin: GTIN }).set('Authorization', auth);
    expect(r1.body).toEqual({ orderId, gtin: GTIN });
    const status = async () => (await s.http.get('/mcoi/api/orders').query({ orderId }).set('Authorization', auth)).body.orderInfos[0].orderStatus;
    expect(await status()).toBe('READY');
    expect(withoutErrorId((await s.http.post('/mcoi/api/order/close').query({ orderId, gtin: GTIN }).set('Authorization', auth)).body)).toEqual(mcoiError(HANDBOOK.SUB_ORDER_ALREADY_CLOSED, [GTIN]));
    await s.http.post('/mcoi/api/order/close').query({ orderId, gtin: '04815617815628' }).set('Authorization', auth);
    expect(await status()).toBe('CLOSED');
  });
});

describe('GET /__sim/state/mcoi/codes/{code}', () => {
  it('tells status, owner, order and history of a code, with or without GS and crypto tail', async () => {
    const s = await setup();
    const auth = await s.login();
    const { orderId, codes, packId } = await readyCodes(s, auth, 2);
    const full = codes[0];
    const res = await codeState(s, full);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code: full, gtin: GTIN, status: 'RECEIVED', owner: { id: 101, tin: '301234567' }, orderId, productGroup: 'vegetableoil', cisType: 'UNIT', indexInSubOrder: 0 });
    expect(res.body.history.map((h: { status?: string; by?: string }) => [h.status, h.by])).toEqual([
      ['EMITTED', orderId],
      ['RECEIVED', packId],
    ]);
    expect((await codeState(s, full.split(GS)[0])).body.code).toBe(full);
    expect((await codeState(s, full.replace(GS, ''))).body.code).toBe(full);
    expect((await codeState(s, codes[1])).body.indexInSubOrder).toBe(1);
  });

  it('answers 404 for a code never issued', async () => {
    const s = await setup();
    const res = await codeState(s, `0104899215122371210000000000000${GS}93AAAA`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('follows a code from not generated to EMITTED, then RECEIVED or CANCELLED', async () => {
    const s = await setup();
    const auth = await s.login();
    // SELF_MADE serials are known before unloading, so their codes (without the crypto tail) can be asked about.
    const orderId = await registerOrder(s, auth, {}, [{ gtin: GTIN, quantity: 2, serialNumberType: 'SELF_MADE', cisType: 'UNIT', serialNumbers: ['SELFMADE00001', 'SELFMADE00002'] }]);
    const [a, b] = ['SELFMADE00001', 'SELFMADE00002'].map((sn) => `01${GTIN}21${sn}`);
    expect((await codeState(s, a)).status).toBe(404);
    s.advance(3_000);
    expect((await codeState(s, a)).body.status).toBe('EMITTED');
    await unload(s, auth, { orderId, quantity: 1 });
    await s.http.post('/mcoi/api/order/close').query({ orderId }).set('Authorization', auth);
    expect((await codeState(s, a)).body.status).toBe('RECEIVED');
    const cancelled = (await codeState(s, b)).body;
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.history.map((h: { status?: string }) => h.status)).toEqual(['EMITTED', 'CANCELLED']);
  });
});
