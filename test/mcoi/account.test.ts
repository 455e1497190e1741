/**
 * The MCOI account as a client feels it (account setup 003; observed #32): business users' API keys accepted as the
 * Bearer with the user's roles and tenancy, checked and refreshed as production clients do, minted and revoked from
 * the control plane, living on the virtual clock; a party's status; and what gates ordering codes.
 */
import { describe, expect, it } from 'vitest';
import { HANDBOOK, mcoiError, readyCodes, setup, withoutErrorId, type Setup } from './helpers.js';

/** The default world's API keys (fixtures/mcoi/world.json), as /__sim/credentials lists them. */
const KEY = { main: '2f6c1a3e-5b7d-4e90-8a1c-6e8a0b7c9d01', ordersOnly: '2f6c1a3e-5b7d-4e90-8a1c-6e8a0b7c9d02', wholesale: '2f6c1a3e-5b7d-4e90-8a1c-6e8a0b7c9d05' };
const TIN = '301234567';
const bearer = (k: string) => `Bearer ${k}`;
const YEAR = 365 * 86_400_000;

const check = (s: Setup, key: string, tin = TIN) => s.http.get(`/mcoi/public/api/v1/party/parties/${tin}/api-keys/check`).set('Authorization', bearer(key));
const refresh = (s: Setup, key: string, body: unknown, tin = TIN) => s.http.post(`/mcoi/public/api/v1/party/parties/${tin}/api-keys/refresh`).set('Authorization', bearer(key)).send(body as object);
const ownerCheck = (s: Setup, key: string, codes: string[]) => s.http.post('/mcoi/public/api/cod/nested-codes/owner-check').set('Authorization', bearer(key)).send({ codes });

describe('API keys as the Bearer (observed #32)', () => {
  it('are accepted wherever clients send them, with the roles and tenancy of their user', async () => {
    const s = await setup();
    const { codes } = await readyCodes(s, await s.login());
    // Utilisation with the key, as the bluestream service posts it.
    const report = await s.http.post('/mcoi/api/utilisation').query({ productGroup: 'vegetableoil' }).set('Authorization', bearer(KEY.main)).set('Content-Type', 'application/json;charset=UTF-8').send(JSON.stringify({ sntins: codes, businessPlaceId: 27, releaseType: 'PRODUCTION' }));
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect((await ownerCheck(s, KEY.main, codes)).body.results).toHaveLength(codes.length);
    // The orders-only user's key has that user's roles; another organization's key sees none of these codes.
    const refused = await s.http.post('/mcoi/api/utilisation').query({ productGroup: 'vegetableoil' }).set('Authorization', bearer(KEY.ordersOnly)).send({ sntins: codes, businessPlaceId: 27, releaseType: 'PRODUCTION' });
    expect(withoutErrorId(refused.body)).toEqual(mcoiError(HANDBOOK.NO_PERMISSION));
    expect((await ownerCheck(s, KEY.wholesale, codes)).body).toMatchObject({ results: [], forbiddenCodes: codes });
    // An unknown key is an unknown token.
    const unknown = await ownerCheck(s, 'no-such-key-000', codes);
    expect(unknown.status).toBe(401);
    expect(unknown.body.globalErrors[0].context).toEqual({ _cause: 'invalid-token' });
  });

  it('check: whether the key is of that TIN, and until when (the world\'s own keys do not expire)', async () => {
    const s = await setup();
    expect((await check(s, KEY.main)).body).toEqual({ isTinCorrect: true, expiresOn: null });
    expect((await check(s, KEY.main, '302345678')).body).toEqual({ isTinCorrect: false, expiresOn: null });
    // The word "tin" in the path and the number in the query, as a stock tool calls it.
    const literal = await s.http.get('/mcoi/public/api/v1/party/parties/tin/api-keys/check').query({ tin: TIN }).set('Authorization', bearer(KEY.main));
    expect(literal.body).toEqual({ isTinCorrect: true, expiresOn: null });
    // A login token answers its own expiry (30 minutes).
    const token = (await s.login()).slice('Bearer '.length);
    expect((await check(s, token)).body).toEqual({ isTinCorrect: true, expiresOn: new Date(s.clock.nowMs() + 30 * 60_000).toISOString() });
  });

  it('refresh: a new key for the one sent, which is retired; expired keys renew, retired ones do not', async () => {
    const s = await setup();
    // As bluestream refreshes: the old key as the Bearer and in the body; the answer read as apiKey.
    const first = await refresh(s, KEY.main, { apiKey: KEY.main });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ apiKey: expect.any(String), expiresOn: new Date(s.clock.nowMs() + YEAR).toISOString() });
    const retired = await check(s, KEY.main);
    expect(retired.status).toBe(401);
    expect(retired.body.globalErrors[0]).toMatchObject({ error: 'Authorization is required for the request: retired API key', context: { _cause: 'inactive-token' } });
    expect((await check(s, first.body.apiKey)).body).toEqual({ isTinCorrect: true, expiresOn: first.body.expiresOn });
    // A retired key cannot be refreshed again (only its successor can).
    expect((await refresh(s, KEY.main, { apiKey: KEY.main })).status).toBe(401);
    // As the async client refreshes: {tin} with the current key as the Bearer.
    const second = await refresh(s, first.body.apiKey, { tin: TIN });
    expect(second.status).toBe(200);
    expect(new Set([KEY.main, first.body.apiKey, second.body.apiKey]).size).toBe(3);
    // A year later the key has expired: refused everywhere but by refresh, which renews it.
    s.advance(YEAR);
    const expired = await ownerCheck(s, second.body.apiKey, ['x']);
    expect(expired.status).toBe(401);
    expect(expired.body.globalErrors[0]).toMatchObject({ error: 'Authorization is required for the request: expired API key', context: { _cause: 'inactive-token' } });
    const renewed = await refresh(s, second.body.apiKey, { apiKey: second.body.apiKey });
    expect(renewed.status).toBe(200);
    expect((await check(s, renewed.body.apiKey)).status).toBe(200);
    // Another organization's TIN: no permission (201); nothing sent: 401.
    const other = await refresh(s, renewed.body.apiKey, {}, '302345678');
    expect(withoutErrorId(other.body)).toEqual(mcoiError(HANDBOOK.NO_PERMISSION));
    expect((await check(s, renewed.body.apiKey)).status).toBe(200); // a refused refresh retires nothing
    const none = await s.http.post(`/mcoi/public/api/v1/party/parties/${TIN}/api-keys/refresh`).send({});
    expect(none.status).toBe(401);
    expect(none.body.globalErrors[0].context).toEqual({ _cause: 'missing-token' });
  });

  it('refuses bad input in its envelope', async () => {
    const s = await setup();
    for (const body of [{ apiKey: 5 }, { tin: ['x'] }, { apiKey: 'k'.repeat(201) }]) {
      const res = await refresh(s, KEY.main, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.globalErrors[0].code).toBe('invalid-input-parameter');
    }
    expect((await check(s, KEY.main, '9'.repeat(15))).status).toBe(400);
    expect((await check(s, KEY.main)).status).toBe(200); // nothing was retired by the refused requests
  });

  it('minted and revoked from the control plane; secrets stay out of the journal and the state view', async () => {
    const s = await setup();
    const minted = await s.http.post('/__sim/mcoi/api-keys').send({ login: '6e8login23' });
    expect(minted.status).toBe(201);
    expect(minted.body).toEqual({ login: '6e8login23', apiKey: expect.any(String), expiresOn: new Date(s.clock.nowMs() + YEAR).toISOString() });
    expect((await check(s, KEY.main)).status).toBe(401); // one valid key per user
    expect((await check(s, minted.body.apiKey)).status).toBe(200);
    const revoke = (apiKey: unknown) => s.http.post('/__sim/mcoi/api-keys/revocations').send({ apiKey });
    expect((await revoke(minted.body.apiKey)).status).toBe(204);
    expect((await check(s, minted.body.apiKey)).status).toBe(401);
    expect((await revoke('nope-nope')).status).toBe(404);
    expect((await revoke(['x'])).status).toBe(400);
    expect((await s.http.post('/__sim/mcoi/api-keys').send({ login: 'nobody' })).status).toBe(404);
    expect((await s.http.post('/__sim/mcoi/api-keys').send({ login: 5 })).status).toBe(400);
    const fresh = await s.http.post('/__sim/mcoi/api-keys').send({ login: 'whs-login01' });
    await refresh(s, fresh.body.apiKey, { apiKey: fresh.body.apiKey }, '302345678');
    const journal = JSON.stringify((await s.http.get('/__sim/journal').query({ limit: 1000 })).body);
    const state = JSON.stringify((await s.http.get('/__sim/state/mcoi')).body);
    for (const secret of [KEY.main, minted.body.apiKey, fresh.body.apiKey]) {
      expect(journal).not.toContain(secret);
      expect(state).not.toContain(secret);
    }
    // Listed where secrets are asked for.
    expect(JSON.stringify((await s.http.get('/__sim/credentials')).body)).toContain(KEY.main);
  });
});

describe('a party and what gates ordering codes (account setup 003)', () => {
  const order = (s: Setup, key: string, products = [{ gtin: '04899215122371', quantity: 100, serialNumberType: 'OPERATOR', cisType: 'UNIT' }]) =>
    s.http.post('/mcoi/api/orders').set('Authorization', bearer(key)).send({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products, businessPlaceId: 27 });
  const world = (s: Setup, mcoi: unknown) => s.http.post('/__sim/scenarios').send({ scenario: { name: 'account', description: 'account setup', world: { mcoi } } });

  it('status: its kinds, product groups and agreement; its balance to itself only', async () => {
    const s = await setup();
    const own = await s.http.get(`/mcoi/public/api/v1/party/parties/${TIN}/status`).set('Authorization', bearer(KEY.main));
    expect(own.body).toMatchObject({ tin: TIN, status: 'ACTIVE', kinds: ['PRODUCER'], agreementActivated: true, productGroups: [{ productGroup: 'vegetableoil', issuer: true }, { productGroup: 'water', issuer: true }] });
    expect(own.body.balance).toBeUndefined(); // the default world does not count money
    const missing = await s.http.get('/mcoi/public/api/v1/party/parties/999999999/status').set('Authorization', bearer(KEY.main));
    expect(withoutErrorId(missing.body)).toEqual(mcoiError(HANDBOOK.PARTY_NOT_FOUND, ['999999999']));
    expect(missing.status).toBe(404);
  });

  it('an agreement not activated, a GTIN without a card, a balance that falls short: each refused; an order is paid for', async () => {
    const s = await setup();
    expect((await world(s, { organizations: [{ id: 101, agreementActivated: false }] })).status).toBe(200);
    expect(withoutErrorId((await order(s, KEY.main)).body)).toEqual(mcoiError(HANDBOOK.AGREEMENT_NOT_ACTIVATED));
    expect((await world(s, { organizations: [{ id: 101, balance: 6_000 }] })).status).toBe(200);
    const noCard = await order(s, KEY.main, [{ gtin: '04600000000008', quantity: 1, serialNumberType: 'OPERATOR', cisType: 'UNIT' }]);
    expect(withoutErrorId(noCard.body)).toEqual(mcoiError(HANDBOOK.NO_PRODUCT_CARD, ['04600000000008'], { body: '$.products[0].gtin' }));
    // 100 codes at 50 UZS: paid; the next 100 cost 5,000 more than the 1,000 left.
    expect((await order(s, KEY.main)).status).toBe(200);
    const status = await s.http.get(`/mcoi/public/api/v1/party/parties/${TIN}/status`).set('Authorization', bearer(KEY.main));
    expect(status.body).toMatchObject({ balance: 1_000, codePrice: 50 });
    expect(withoutErrorId((await order(s, KEY.main)).body)).toEqual(mcoiError(HANDBOOK.INSUFFICIENT_BALANCE, [5_000, 1_000]));
    // A sub-order marked isPaid false is not charged.
    expect((await order(s, KEY.main, [{ gtin: '04899215122371', quantity: 100, serialNumberType: 'OPERATOR', cisType: 'UNIT', isPaid: false } as never])).status).toBe(200);
    // A product group without the Issuer attribute (organization 104's beer).
    const beer = await s.http.post('/mcoi/api/orders').set('Authorization', await s.login('water')).send({ productGroup: 'beer', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 1, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 51 });
    expect(withoutErrorId(beer.body)).toEqual(mcoiError(HANDBOOK.PRODUCT_GROUP_NOT_REGISTERED, ['beer'], { body: '$.productGroup' }));
  });

  it('a scenario gives a user a key of its own', async () => {
    const s = await setup();
    expect((await world(s, { users: [{ login: '6e8login23', apiKey: 'scenario-key-0001' }] })).status).toBe(200);
    expect((await check(s, 'scenario-key-0001')).body).toEqual({ isTinCorrect: true, expiresOn: null });
    expect((await check(s, KEY.main)).status).toBe(401);
    const twice = await world(s, { users: [{ login: '6e8login23', apiKey: 'same-key-0001' }, { login: 'whs-login01', apiKey: 'same-key-0001' }] });
    expect(twice.status).toBe(400);
  });
});
