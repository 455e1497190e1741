/**
 * True API products (§6.1, §6.3) and billing (§8), and the cross-cutting rules of §1–§2: contracts per product group,
 * the error envelope, Accept negotiation, unknown paths, Jackson-style parse errors.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../simulator/core/openapi.js';
import { PROJECT_ROOT } from '../../simulator/core/paths.js';
import * as R from '../../simulator/systems/true-api/reference.js';
import { setup, T0 } from '../helpers.js';
import { BASE, IMPORTER, PRODUCER, signIn, WHOLESALER } from './helpers.js';

describe('the contract', () => {
  it('spells the enums as reference.ts does', () => {
    const schemas = (loadContract(join(PROJECT_ROOT, 'openapi', 'true-api.yaml')).document.components?.schemas ?? {}) as Record<string, { enum?: string[] }>;
    const pairs: [string, readonly string[]][] = [
      ['ProductGroup', R.PRODUCT_GROUP_NAMES],
      ['PackageType', R.PACKAGE_TYPES],
      ['CodeStatus', Object.keys(R.CODE_STATUSES)],
      ['OrderStatus', R.ORDER_STATUSES],
      ['DocumentType', R.DOCUMENT_TYPES],
      ['DocumentStatus', R.DOCUMENT_STATUSES],
    ];
    for (const [name, values] of pairs) expect(schemas[name].enum, name).toEqual([...values]);
  });
});

describe('GET /product/gtin (§6.1)', () => {
  it('pages through the caller\'s GTINs of a group, from page 0, with the total', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const all = await s.http.get(`${BASE}/product/gtin`).query({ pg: 'tobacco', limit: 1000 }).set('Authorization', auth);
    expect(all.status).toBe(200);
    expect(all.body.gtins).toEqual(expect.arrayContaining(['00000046229175', '00000046210654', '04606203084623', '04630034070029']));
    expect(all.body.total).toBe(25); // 5 of the document's examples + 20 generated
    expect([...all.body.gtins].sort()).toEqual(all.body.gtins);
    const page = await s.http.get(`${BASE}/product/gtin?limit=2&page=1&pg=tobacco`).set('Authorization', auth);
    expect(page.body).toEqual({ gtins: all.body.gtins.slice(2, 4), total: 25 });
    expect((await s.http.get(`${BASE}/product/gtin`).query({ pg: 'tobacco' }).set('Authorization', auth)).body.gtins).toHaveLength(10);
  });

  it('answers the §6.1 400 for an unknown group and 403 without a contract; another participant sees its own only', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const shoe = await s.http.get(`${BASE}/product/gtin`).query({ pg: 'shoe' }).set('Authorization', auth);
    expect([shoe.status, shoe.body]).toEqual([400, { error_message: "Could not determine product group by name 'shoe'" }]);
    const pharma = await s.http.get(`${BASE}/product/gtin`).query({ pg: 'pharma' }).set('Authorization', auth);
    expect([pharma.status, pharma.body]).toEqual([403, { error_message: 'Отсутствует действующий договор по ТГ' }]);
    const wholesaler = await s.http.get(`${BASE}/product/gtin`).query({ pg: 'tobacco', limit: 1000 }).set('Authorization', await signIn(s, WHOLESALER));
    expect(wholesaler.body.gtins).not.toContain('00000046229175');
    expect(wholesaler.body.total).toBe(20);
  });

  it('binds a parameter sent twice as Spring MVC does: a number its first value, a plain string its values joined', async () => {
    const s = await setup();
    const auth = await signIn(s);
    expect((await s.http.get(`${BASE}/product/gtin?pg=tobacco&limit=2&limit=5`).set('Authorization', auth)).body.gtins).toHaveLength(2);
    expect((await s.http.get(`${BASE}/product/gtin?pg=tobacco&limit=ten&limit=5`).set('Authorization', auth)).status).toBe(400);
    // pg is a String: "tobacco,tobacco" names no product group
    const joined = await s.http.get(`${BASE}/product/gtin?pg=tobacco&pg=tobacco`).set('Authorization', auth);
    expect([joined.status, joined.body]).toEqual([400, { error_message: "Could not determine product group by name 'tobacco,tobacco'" }]);
  });

  it('names a missing or mistyped parameter as §2.1 does', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const none = await s.http.get(`${BASE}/product/gtin`).set('Authorization', auth);
    expect([none.status, none.body]).toEqual([400, { error_message: 'Отсутствует обязательный параметр: pg' }]);
    const typed = await s.http.get(`${BASE}/product/gtin`).query({ pg: 'tobacco', limit: 'ten' }).set('Authorization', auth);
    expect([typed.status, typed.body]).toEqual([400, { error_message: 'Параметр limit требует значение типа Integer' }]);
  });
});

describe('POST /product/route/gtin (§6.3)', () => {
  it('gives the group of each GTIN, an error element for one it does not know, 404 when it knows none', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const r = await s.http.post(`${BASE}/product/route/gtin`).set('Authorization', auth).send({ data: ['00000046210654', '04870003870025', '04699999999990'] });
    expect([r.status, r.body]).toEqual([
      200,
      [
        { data: '00000046210654', 'tg-id': '3', 'tg-name': 'tobacco' },
        { data: '04870003870025', 'tg-id': '8', 'tg-name': 'milk' },
        { data: '04699999999990', 'error-code': '404', 'error-msg': 'Not found' },
      ],
    ]);
    const none = await s.http.post(`${BASE}/product/route/gtin`).set('Authorization', auth).send({ data: ['04699999999990'] });
    expect([none.status, none.body]).toEqual([404, { error_message: 'Not Found' }]);
  });

  it('answers a data that is not an array with Jackson\'s parse error, as §6.3 shows', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const r = await s.http.post(`${BASE}/product/route/gtin`).set('Authorization', auth).send({ data: '00000046210654' });
    expect(r.status).toBe(400);
    expect(r.body.error_message).toBe(
      'JSON parse error: Cannot deserialize instance of `java.util.ArrayList` out of VALUE_STRING token; nested exception is com.fasterxml.jackson.databind.exc.MismatchedInputException: Cannot deserialize instance of `java.util.ArrayList` out of VALUE_STRING token',
    );
    const broken = await s.http.post(`${BASE}/product/route/gtin`).set('Authorization', auth).set('Content-Type', 'application/json').send('{"data": [,]}');
    expect([broken.status, broken.body.error_message]).toEqual([400, expect.stringMatching(/^JSON parse error: /)]);
    const missing = await s.http.post(`${BASE}/product/route/gtin`).set('Authorization', auth).set('Content-Type', 'application/json');
    expect([missing.status, missing.body]).toEqual([400, { error_message: 'Required request body is missing' }]);
  });
});

describe('billing (§8)', () => {
  it('reads the caller\'s own balances, per group and all', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const milk = await s.http.get(`${BASE}/elk/product-groups/balance`).query({ productGroupId: 8 }).set('Authorization', auth);
    expect([milk.status, milk.body]).toEqual([200, { balance: 45000000, contractId: 100000308, organisationId: 600000749, productGroupId: 8 }]);
    const all = await s.http.get(`${BASE}/elk/product-groups/balance/all`).set('Authorization', auth);
    expect(all.body.map((b: { productGroupId: number }) => b.productGroupId)).toEqual([3, 8, 2, 11]);
    const importer = await s.http.get(`${BASE}/elk/product-groups/balance/all`).set('Authorization', await signIn(s, IMPORTER));
    expect(importer.body).toEqual([
      { balance: 2500000, contractId: 100000502, organisationId: 600000955, productGroupId: 2 },
      { balance: 700000, contractId: 100000501, organisationId: 600000955, productGroupId: 1 },
    ]);
  });

  it('answers the §8.2 404 for a group without a personal account', async () => {
    const s = await setup();
    const r = await s.http.get(`${BASE}/elk/product-groups/balance`).query({ productGroupId: 7 }).set('Authorization', await signIn(s));
    expect([r.status, r.body]).toEqual([404, { error_message: 'В токене указано некорректное значение параметра pid, либо в Системе ИС МПТ нет пользователя с идентификаторами 600000749 нет лицевого счёта в Системе ИС МПТ' }]);
  });

  it('records an invoice request for one of the caller\'s contracts, and numbers them', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const body = { contractId: '100000301', amount: '150000.00', sendto: 'buh@tabak.kz' };
    const first = await s.http.post(`${BASE}/elk/crm-api/prequests`).set('Authorization', auth).send(body);
    const second = await s.http.post(`${BASE}/elk/crm-api/prequests`).set('Authorization', auth).send(body);
    expect([first.status, first.body, second.body]).toEqual([200, { status: 200, response: 1 }, { status: 200, response: 2 }]);
    expect((await s.http.get('/__sim/state/true-api')).body.prequests).toEqual({
      total: 2,
      latest: [2, 1].map((id) => ({ id, bin: '150140000012', ...body, createdAt: new Date(T0).toISOString() })),
    });
    const foreign = await s.http.post(`${BASE}/elk/crm-api/prequests`).set('Authorization', auth).send({ ...body, contractId: '100000401' });
    expect(foreign.status).toBe(404);
    const email = await s.http.post(`${BASE}/elk/crm-api/prequests`).set('Authorization', auth).send({ ...body, sendto: 'not an address' });
    expect([email.status, email.body.error_message]).toEqual([400, 'Некорректное значение параметра sendto: must match format "email"']);
    expect((await s.http.get('/__sim/state/true-api')).body.prequests.total).toBe(2);
  });
});

describe('§1–§2 rules', () => {
  it('answers 406 with an empty body when no Accept value covers the answer (§1.3)', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const r = await s.http.get(`${BASE}/elk/product-groups/balance/all`).set('Authorization', auth).set('Accept', 'application/xml');
    expect([r.status, r.text]).toEqual([406, '']);
    expect((await s.http.get(`${BASE}/elk/product-groups/balance/all`).set('Authorization', auth).set('Accept', '*/*')).status).toBe(200);
  });

  it('answers an unknown path with §2.1\'s 404, a wrong method with 405', async () => {
    const s = await setup();
    const r = await s.http.get(`${BASE}/cises/nothing`);
    expect([r.status, r.body]).toEqual([404, { error_message: 'Метод с указанным URL не найден' }]);
    const m = await s.http.delete(`${BASE}/auth/key`);
    expect([m.status, m.body, m.headers.allow]).toEqual([405, { error_message: "Request method 'DELETE' not supported" }, 'GET']);
  });

  it('reads bodies up to the document\'s 30 MB (§2.3) and answers 413 "Слишком большой запрос" above', async () => {
    const s = await setup();
    const auth = await signIn(s);
    const body = (mb: number) => JSON.stringify({ data: ['x'], pad: 'p'.repeat(mb * 1024 * 1024) });
    const under = await s.http.post(`${BASE}/product/route/gtin`).set('Authorization', auth).set('Content-Type', 'application/json').send(body(25));
    // Read and answered (an unknown field is ignored, as Jackson does; the GTIN is nobody's): not a 413.
    expect([under.status, under.body.error_message]).toEqual([404, 'Not Found']);
    const over = await s.http.post(`${BASE}/product/route/gtin`).set('Authorization', auth).set('Content-Type', 'application/json').send(body(31));
    expect([over.status, over.body]).toEqual([413, { error_message: 'Слишком большой запрос' }]);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const s = await setup();
    const r = await s.http.post(`${BASE}/auth/simpleSignIn`).set('Content-Type', 'text/plain').send('uuid=1');
    expect([r.status, r.body]).toEqual([415, { error_message: "Content type 'text/plain' not supported" }]);
  });

  it('keeps the state view free of secrets: tokens and challenges are counted', async () => {
    const s = await setup();
    const auth = await signIn(s, PRODUCER);
    const state = await s.http.get('/__sim/state/true-api');
    expect(state.body.sessions).toEqual({ total: 1 });
    expect(JSON.stringify(state.body)).not.toContain(auth.slice(7));
  });
});
