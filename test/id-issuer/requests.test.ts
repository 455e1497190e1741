import { describe, expect, it } from 'vitest';
import { REJECTION_REASONS } from '../../simulator/systems/id-issuer/reference.js';
import { setup } from '../helpers.js';
import { BASE, create, DAY, details, EXAMPLE_REQUEST, OTHER, problem, requestBody, USER, withoutTrace } from './helpers.js';

describe('POST /api/v3/identifiers/unit/requests', () => {
  it('answers 201 with Location and requestId, then New → Accepted → PassedToGeneration after 24 hours', async () => {
    const s = await setup();
    const res = await s.http.post(`${BASE}/requests`).set('Authorization', USER).send(EXAMPLE_REQUEST);
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/v3/identifiers/unit/requests/${res.body.requestId}`);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const id = res.body.requestId;
    const d = await details(s, id);
    expect(d).toEqual({
      requestId: id,
      economicOperatorId: 'PWPK0000001',
      facilityId: 'PWPK0000002',
      processType: false,
      machineId: null,
      routeData: { intendedMarket: 'PL', intendedRoute: null, fromOutOfUE: false },
      productData: { ...EXAMPLE_REQUEST.productData, subTypeName: null },
      reqQuantity: 15000,
      processImmediately: false,
      createdOn: '2026-03-02T09:00:00.0000000+00:00',
      status: 'New',
      rejectionReason: null,
      createdBy: 'user@test.pl',
    });
    s.advance(2_000);
    expect((await details(s, id)).status).toBe('Accepted');
    s.advance(DAY - 1);
    expect((await details(s, id)).status).toBe('Accepted');
    s.advance(1);
    expect((await details(s, id)).status).toBe('PassedToGeneration');
  });

  it('skips the 24-hour window with processImmediately', async () => {
    const s = await setup();
    const id = await create(s, { processImmediately: true });
    s.advance(2_000);
    expect((await details(s, id)).status).toBe('PassedToGeneration');
  });

  it('gives request ids in sequence after the fixtures, the same for the same seed', async () => {
    const a = await setup();
    const b = await setup();
    expect([await create(a), await create(a)]).toEqual([25, 26]);
    expect(await create(b)).toBe(25);
  });

  describe('rejects, with the documented reason, a request', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['ContractNotExisting', { economicOperatorId: 'PWPK0000011' }],
      ['ContractNotValid', { economicOperatorId: 'PWPK0000012' }],
      ['EONotActive', { economicOperatorId: 'PWPK0000010', facilityId: 'PWPK0000110' }],
      ['UserHasNoAccessToEO', { economicOperatorId: 'PWPK0000015', facilityId: 'PWPK0000022' }],
      ['FacilityNotActive', { facilityId: 'PWPK0000020' }],
      ['UserHasNoAccessToFacility', { facilityId: 'PWPK0000021' }],
      ['MachineNotActive', { processType: true, machineId: 'PWPK0000030' }],
      ['FacilityNotAssignedToEO', { facilityId: 'PWPK0000022' }],
      ['MachineNotAssignedToFacility', { processType: true, machineId: 'PWPK0000031' }],
      ['EONotExistingInRouter', { economicOperatorId: 'PWPK0000013', facilityId: 'PWPK0000113' }],
      ['FacilityNotExistingInRouter', { facilityId: 'PWPK0000023' }],
      ['MachineNotExistingInRouter', { processType: true, machineId: 'PWPK0000032' }],
      ['FacilityNotAssignedToEOInRouter', { facilityId: 'PWPK0000024' }],
      ['MachineNotAssignedToFacilityInRouter', { processType: true, machineId: 'PWPK0000033' }],
      ['SingleValueAddressExisting', { facilityId: 'PWPK0000025' }],
      ['LegacyTechnicalError', { economicOperatorId: 'PWPK0000014', facilityId: 'PWPK0000114' }],
      ['MachineIsRegisteredAsMachinePartInRouter', { processType: true, machineId: 'PWPK0000034' }],
    ];
    it('covers all 17 documented reasons', () => expect(cases.map(([r]) => r).sort()).toEqual([...REJECTION_REASONS].sort()));
    for (const [reason, over] of cases) {
      it(`→ ${reason}`, async () => {
        const s = await setup();
        const id = await create(s, over);
        expect((await details(s, id)).status).toBe('New');
        s.advance(2_000);
        expect(await details(s, id)).toMatchObject({ status: 'Rejected', rejectionReason: reason });
        expect((await s.http.get(`${BASE}/${id}`).set('Authorization', USER)).status).toBe(404);
      });
    }
    it('accepts the document machine PWPK0000003 with processType true', async () => {
      const s = await setup();
      const id = await create(s, { processType: true, machineId: 'PWPK0000003' });
      s.advance(2_000);
      expect(await details(s, id)).toMatchObject({ status: 'Accepted', machineId: 'PWPK0000003', rejectionReason: null });
    });
  });

  describe('refuses with 400 problem details', () => {
    const cases: [string, unknown, string][] = [
      ['a zero quantity', requestBody({ reqQuantity: 0 }), '$.reqQuantity'],
      ['a negative quantity', requestBody({ reqQuantity: -5 }), '$.reqQuantity'],
      ['a quantity as a string', requestBody({ reqQuantity: '15000' }), '$.reqQuantity'],
      ['a missing economic operator', { ...EXAMPLE_REQUEST, economicOperatorId: undefined }, '$.economicOperatorId'],
      ['a market that is not a country code', requestBody({ routeData: { intendedMarket: 'Poland', fromOutOfUE: false } }), '$.routeData.intendedMarket'],
      ['a zero product weight', requestBody({ productData: { ...EXAMPLE_REQUEST.productData, productWeight: 0 } }), '$.productData.productWeight'],
      ['processType as a string', requestBody({ processType: 'no' }), '$.processType'],
      ['a machine process without a machine', requestBody({ processType: true }), 'machineId'],
    ];
    for (const [name, body, field] of cases) {
      it(name, async () => {
        const s = await setup();
        const res = await s.http.post(`${BASE}/requests`).set('Authorization', USER).send(body as object);
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
        expect(res.body).toMatchObject({ title: 'One or more validation errors occurred.', status: 400, traceId: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/) });
        expect(Object.keys(res.body.errors)).toEqual([field]);
        expect((await s.http.get(`${BASE}/requests`).set('Authorization', USER)).body.totalItemsCount).toBe(5);
      });
    }
    it('malformed JSON', async () => {
      const s = await setup();
      const res = await s.http.post(`${BASE}/requests`).set('Authorization', USER).set('Content-Type', 'application/json').send('{"economicOperatorId": ');
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual({ $: ['request body is not valid JSON'] });
    });
  });
});

describe('PUT /requests/{id}/cancellation', () => {
  it.each(['EventNotMaterialise', 'ErroneousInformation', 'Other'])('cancels an Accepted request with reason %s (204)', async (reason) => {
    const s = await setup();
    const id = await create(s);
    s.advance(2_000);
    const res = await s.http.put(`${BASE}/requests/${id}/cancellation`).set('Authorization', USER).send({ economicOperatorId: 'PWPK0000001', cancellationReason: reason });
    expect(res.status).toBe(204);
    expect((await details(s, id)).status).toBe('CanceledByClient');
    s.advance(DAY);
    expect((await details(s, id)).status).toBe('CanceledByClient');
  });

  it('cancels a New request', async () => {
    const s = await setup();
    const id = await create(s);
    expect((await s.http.put(`${BASE}/requests/${id}/cancellation`).set('Authorization', USER).send({ economicOperatorId: 'PWPK0000001', cancellationReason: 'Other' })).status).toBe(204);
  });

  it('refuses after the 24-hour window, with the time it ended, and changes nothing', async () => {
    const s = await setup();
    const id = await create(s);
    s.advance(2_000 + DAY);
    const res = await s.http.put(`${BASE}/requests/${id}/cancellation`).set('Authorization', USER).send({ economicOperatorId: 'PWPK0000001', cancellationReason: 'Other' });
    expect(res.status).toBe(409);
    expect(withoutTrace(res.body)).toEqual(problem('CANCEL_WINDOW_CLOSED', [String(id), new Date(s.clock.nowMs()).toISOString()]));
    expect((await details(s, id)).status).toBe('PassedToGeneration');
  });

  it('refuses a request passed to generation at once, a rejected one and one already cancelled', async () => {
    const s = await setup();
    const immediate = await create(s, { processImmediately: true });
    const rejected = await create(s, { facilityId: 'PWPK0000020' });
    s.advance(2_000);
    const cancel = (id: number) => s.http.put(`${BASE}/requests/${id}/cancellation`).set('Authorization', USER).send({ economicOperatorId: 'PWPK0000001', cancellationReason: 'Other' });
    expect(withoutTrace((await cancel(immediate)).body)).toEqual(problem('CANCEL_WRONG_STATE', [String(immediate), 'PassedToGeneration']));
    expect(withoutTrace((await cancel(rejected)).body)).toEqual(problem('CANCEL_WRONG_STATE', [String(rejected), 'Rejected']));
    expect(withoutTrace((await cancel(20)).body)).toEqual(problem('CANCEL_WRONG_STATE', ['20', 'CanceledByClient']));
  });

  it('refuses another economic operator, an unknown reason, and a request of another tenant', async () => {
    const s = await setup();
    const wrongEo = await s.http.put(`${BASE}/requests/23/cancellation`).set('Authorization', USER).send({ economicOperatorId: 'PWPK0000040', cancellationReason: 'Other' });
    expect(withoutTrace(wrongEo.body)).toEqual(problem('CANCEL_EO_MISMATCH', ['PWPK0000001']));
    const reason = await s.http.put(`${BASE}/requests/23/cancellation`).set('Authorization', USER).send({ economicOperatorId: 'PWPK0000001', cancellationReason: 'Bored' });
    expect(Object.keys(reason.body.errors)).toEqual(['$.cancellationReason']);
    const other = await s.http.put(`${BASE}/requests/23/cancellation`).set('Authorization', OTHER).send({ economicOperatorId: 'PWPK0000001', cancellationReason: 'Other' });
    expect(other.status).toBe(404);
    expect((await details(s, 23)).status).toBe('Accepted');
  });
});

describe('GET /requests (search) and /requests/{id}', () => {
  it('filters by operator, facility, status, id and creation time, newest first', async () => {
    const s = await setup();
    const ids = async (q: Record<string, unknown>) => (await s.http.get(`${BASE}/requests`).query(q).set('Authorization', USER)).body.items.map((i: { requestId: number }) => i.requestId);
    expect(await ids({ economicOperatorId: 'PWPK0000001' })).toEqual([24, 23, 20, 10]);
    expect(await ids({})).toEqual([24, 23, 21, 20, 10]);
    expect(await ids({ status: 'CanceledByClient' })).toEqual([20]);
    expect(await ids({ status: 'Rejected' })).toEqual([21]);
    expect(await ids({ requestId: 23 })).toEqual([23]);
    expect(await ids({ facilityId: 'PWPK0000041' })).toEqual([]);
    expect(await ids({ createdOnFrom: new Date(s.clock.nowMs() - 2 * 3_600_000).toISOString() })).toEqual([23]);
    expect(await ids({ createdOnTo: new Date(s.clock.nowMs() - 20 * DAY).toISOString() })).toEqual([10]);
  });

  it('pages with pageNumber and pageSize, counting pages and items', async () => {
    const s = await setup();
    const res = await s.http.get(`${BASE}/requests`).query({ pageSize: 2, pageNumber: 2 }).set('Authorization', USER);
    expect(res.body).toMatchObject({ pagesCount: 3, totalItemsCount: 5, pageNumber: 2, pageSize: 2 });
    expect(res.body.items.map((i: { requestId: number }) => i.requestId)).toEqual([21, 20]);
    const deflt = await s.http.get(`${BASE}/requests`).set('Authorization', USER);
    expect(deflt.body).toMatchObject({ pageNumber: 1, pageSize: 25, pagesCount: 1 });
  });

  it('binds query parameter names whatever their case, as the ASP.NET service does (PageSize=abc is a 400 too)', async () => {
    const s = await setup();
    const res = await s.http.get(`${BASE}/requests?PageSize=2&PAGENUMBER=2`).set('Authorization', USER);
    expect(res.body).toMatchObject({ pagesCount: 3, totalItemsCount: 5, pageNumber: 2, pageSize: 2 });
    const rejected = await s.http.get(`${BASE}/requests?Status=Rejected`).set('Authorization', USER);
    expect(rejected.body.items.map((i: { requestId: number }) => i.requestId)).toEqual([21]);
    const from = await s.http.get(`${BASE}/requests`).query({ CreatedOnFrom: new Date(s.clock.nowMs() - 2 * 3_600_000).toISOString() }).set('Authorization', USER);
    expect(from.body.items.map((i: { requestId: number }) => i.requestId)).toEqual([23]);
    // A hostile name is a name: no prototype is touched, the listing answers.
    expect((await s.http.get(`${BASE}/requests?__proto__=x&constructor=y`).set('Authorization', USER)).status).toBe(200);
    const bad = await s.http.get(`${BASE}/requests?PageSize=abc`).set('Authorization', USER);
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors)).toEqual(['pageSize']);
  });

  it('binds a parameter sent twice, in any case, to its first value, as ASP.NET Core does', async () => {
    const s = await setup();
    const res = await s.http.get(`${BASE}/requests?pageSize=2&PageSize=3&pageNumber=2`).set('Authorization', USER);
    expect(res.body).toMatchObject({ pageNumber: 2, pageSize: 2, pagesCount: 3 });
    expect((await s.http.get(`${BASE}/requests?pageSize=abc&pageSize=2`).set('Authorization', USER)).status).toBe(400);
    expect((await s.http.get(`${BASE}/requests?pageSize=2&pageSize=abc`).set('Authorization', USER)).status).toBe(200);
  });

  it('refuses pageSize over 100, pageNumber 0 and an unknown status', async () => {
    const s = await setup();
    for (const [q, field] of [[{ pageSize: 101 }, 'pageSize'], [{ pageNumber: 0 }, 'pageNumber'], [{ status: 'Lost' }, 'status'], [{ requestId: 'abc' }, 'requestId']] as const) {
      const res = await s.http.get(`${BASE}/requests`).query(q).set('Authorization', USER);
      expect(res.status).toBe(400);
      expect(Object.keys(res.body.errors)).toEqual([field]);
    }
  });

  it('shows each tenant only its own requests', async () => {
    const s = await setup();
    const other = (await s.http.get(`${BASE}/requests`).set('Authorization', OTHER)).body.items.map((i: { requestId: number }) => i.requestId);
    expect(other).toEqual([22]);
    const res = await s.http.get(`${BASE}/requests/22`).set('Authorization', USER);
    expect(res.status).toBe(404);
    expect(withoutTrace(res.body)).toEqual(problem('REQUEST_NOT_FOUND', ['22']));
  });

  it('shows the creator its request rejected for an operator it may not act for', async () => {
    const s = await setup();
    const id = await create(s, { economicOperatorId: 'PWPK0000015', facilityId: 'PWPK0000022' });
    expect((await s.http.get(`${BASE}/requests/${id}`).set('Authorization', USER)).status).toBe(200);
  });
});
