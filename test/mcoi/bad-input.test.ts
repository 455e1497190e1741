import { describe, expect, it } from 'vitest';
import { CODE_TRANSITIONS, type CodeStatus } from '../../simulator/systems/mcoi/reference.js';
import { HANDBOOK, mcoiError, readyCodes, registerOrder, setup, withoutErrorId } from './helpers.js';

const GTIN = '04899215122371';

describe('bad input never gets a framework body, a 500, or a change of state', () => {
  it('answers a body over the size limit with 413 in the MCOI envelope', async () => {
    const s = await setup({ bodyLimit: '1kb' });
    const auth = await s.login();
    const res = await s.http.post('/mcoi/api/utilisation?productGroup=vegetableoil').set('Authorization', auth).send({ sntins: Array.from({ length: 100 }, () => 'x'.repeat(40)), businessPlaceId: 27, releaseType: 'PRODUCTION' });
    expect(res.status).toBe(413);
    expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.PAYLOAD_TOO_LARGE, ['1kb']));
    expect((await s.http.get('/__sim/state/mcoi')).body.documents.total).toBe(5);
  });

  it.each([
    ['a JSON array', '[1,2]', 'application/json'],
    ['JSON null', 'null', 'application/json'],
    ['a JSON string', '"order"', 'application/json'],
    ['no body at all', '', 'application/json'],
  ])('refuses %s as an order with 400 in the MCOI envelope', async (_name, body, type) => {
    const s = await setup();
    const auth = await s.login();
    const res = await s.http.post('/mcoi/api/orders').set('Authorization', auth).set('Content-Type', type).send(body);
    expect(res.status).toBe(400);
    expect(res.body.globalErrors[0].errorCode).toBeGreaterThanOrEqual(1003);
    expect((await s.http.get('/__sim/state/mcoi')).body.orders.total).toBe(6);
  });

  it.each([
    ['form data', 'productGroup=vegetableoil', 'application/x-www-form-urlencoded'],
    ['plain text', '{"productGroup":"vegetableoil"}', 'text/plain'],
  ])('refuses %s as an order with 415 in the MCOI envelope, naming what to send', async (_name, body, type) => {
    const s = await setup();
    const auth = await s.login();
    const res = await s.http.post('/mcoi/api/orders').set('Authorization', auth).set('Content-Type', type).send(body);
    expect(res.status).toBe(415);
    expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.UNSUPPORTED_MEDIA_TYPE, [`${type} is not supported here: send application/json`]));
    expect((await s.http.get('/__sim/state/mcoi')).body.orders.total).toBe(6);
  });

  it('refuses a documentBody sent as a number and a quantity with letters', async () => {
    const s = await setup();
    const auth = await s.login();
    const doc = await s.http.post('/mcoi/public/api/v1/doc/aggregation').set('Authorization', auth).send({ documentBody: 42 });
    expect(doc.body.globalErrors[0]).toMatchObject({ code: 'invalid-input-parameter', requestBodyJsonPath: '$.documentBody' });
    const id = await registerOrder(s, auth);
    s.advance(3_000);
    const q = await s.http.get('/mcoi/api/codes').query({ orderId: id, gtin: GTIN, quantity: '5abc' }).set('Authorization', auth);
    expect(q.body.globalErrors[0]).toMatchObject({ code: 'invalid-input-parameter', requestQueryJsonPath: 'quantity' });
    expect((await s.http.get('/mcoi/api/codes/packs').query({ orderId: id, gtin: GTIN }).set('Authorization', auth)).body.packs).toEqual([]);
  });

  it('refuses a pack listing for an unknown order or GTIN', async () => {
    const s = await setup();
    const auth = await s.login();
    const a = await s.http.get('/mcoi/api/codes/packs').query({ orderId: 'nope', gtin: GTIN }).set('Authorization', auth);
    expect(withoutErrorId(a.body)).toEqual(mcoiError(HANDBOOK.ORDER_NOT_FOUND, ['nope'], { query: 'orderId' }));
    const b = await s.http.get('/mcoi/api/codes/packs').query({ orderId: '0e270d4c-5414-4d5e-6860-b2fef88c2cbb', gtin: GTIN }).set('Authorization', auth);
    expect(withoutErrorId(b.body)).toEqual(mcoiError(HANDBOOK.SUB_ORDER_NOT_FOUND, ['0e270d4c-5414-4d5e-6860-b2fef88c2cbb', GTIN], { query: 'gtin' }));
    const c = await s.http.get('/mcoi/api/codes/packs').query({ orderId: 'nope' }).set('Authorization', auth);
    expect(c.body.globalErrors[0]).toMatchObject({ requestQueryJsonPath: 'gtin' });
  });

  it('refuses a closing of a rejected order', async () => {
    const s = await setup();
    const auth = await s.login();
    const id = await registerOrder(s, auth, {}, [{ gtin: GTIN, quantity: 1, serialNumberType: 'SELF_MADE', cisType: 'UNIT', serialNumbers: ['UGM6BL+d+aHQw'] }]);
    s.advance(3_000);
    const res = await s.http.post('/mcoi/api/order/close').query({ orderId: id }).set('Authorization', auth);
    expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.ORDER_REJECTED, [id]));
  });
});

describe('code histories follow CODE_TRANSITIONS', () => {
  it('for codes applied, packed, received and cancelled', async () => {
    const s = await setup();
    const auth = await s.login();
    const { orderId, codes } = await readyCodes(s, auth, 3);
    await s.http.post('/mcoi/api/utilisation?productGroup=vegetableoil').set('Authorization', auth).send({ sntins: [codes[0]], businessPlaceId: 27, releaseType: 'PRODUCTION' });
    s.advance(2_000);
    const self = await registerOrder(s, await s.login(), {}, [{ gtin: GTIN, quantity: 2, serialNumberType: 'SELF_MADE', cisType: 'UNIT', serialNumbers: ['HISTORY000001', 'HISTORY000002'] }]);
    s.advance(3_000);
    const auth2 = await s.login();
    await s.http.get('/mcoi/api/codes').query({ orderId: self, gtin: GTIN, quantity: 1 }).set('Authorization', auth2);
    await s.http.post('/mcoi/api/order/close').query({ orderId: self }).set('Authorization', auth2);
    void orderId;
    for (const code of [...codes, `01${GTIN}21HISTORY000001`, `01${GTIN}21HISTORY000002`]) {
      const statuses = (await s.http.get(`/__sim/state/mcoi/codes/${encodeURIComponent(code)}`)).body.history.map((h: { status?: CodeStatus }) => h.status).filter(Boolean) as CodeStatus[];
      expect(statuses[0]).toBe('EMITTED');
      for (let i = 1; i < statuses.length; i++) expect(CODE_TRANSITIONS[statuses[i - 1]] as readonly string[], `${code}: ${statuses.join(' → ')}`).toContain(statuses[i]);
    }
  });
});

describe('query and path values out of their bounds answer 400 where the contract says so (found by the fuzzer)', () => {
  it('storage/errors with a limit that is not a number; a SetMark mark of more than 1000 characters on the control plane', async () => {
    const s = await setup();
    const res = await s.http.get('/mcoi/public/api/v1/doc/storage/errors/0e29dd26-2e53-4b2b-8e2c-dd5cbd1b3a8b').query({ limit: 'many' }).set('Authorization', await s.login());
    expect(res.status).toBe(400);
    expect(res.body.globalErrors[0]).toMatchObject({ code: 'invalid-input-parameter', context: { parameter: 'limit' } });
    const mark = await s.http.get(`/__sim/setmark/marks/${'a'.repeat(1001)}`);
    expect(mark.status).toBe(400);
    expect(mark.body).toMatchObject({ status: 400, title: 'Bad Request' });
  });
});
