/**
 * One organization never sees or changes another's data: every operation of both systems, probed by another
 * tenant, answers as if the record did not exist, and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { b64 } from './helpers.js';
import { readyCodes, setup, USERS, type Setup } from './mcoi/helpers.js';
import { BASE, create, OTHER, USER } from './id-issuer/helpers.js';

const GTIN = '04899215122371';

/** Organization 101's world: an order READY with a pack, a utilisation report, a validation document. */
async function mcoiWorld(s: Setup) {
  const owner = await s.login('main');
  const { orderId, codes, packId } = await readyCodes(s, owner, 4);
  const report = (await s.http.post('/mcoi/api/utilisation').query({ productGroup: 'vegetableoil' }).set('Authorization', owner).send({ sntins: codes.slice(0, 2), businessPlaceId: 27, releaseType: 'PRODUCTION' })).body.reportId as string;
  const validation = (await s.http.post('/mcoi/public/api/v1/doc/validation').set('Authorization', owner).send({ documentBody: b64({ productGroup: 'vegetableoil', businessPlaceId: 27, packageType: 'UNIT', documentDate: '2026-03-02T08:00:00+05:00', codes: [{ code: codes[2], printQualityClass: 'A' }] }) })).body.documentId as string;
  s.advance(2_000);
  return { owner, orderId, codes, packId, report, validation };
}

describe('MCOI: another organization', () => {
  for (const intruder of ['water', 'wholesale', 'provider'] as const) {
    it(`(${USERS[intruder].login}) finds none of organization 101's orders, packs, reports or documents, and changes nothing`, async () => {
      const s = await setup();
      const w = await mcoiWorld(s);
      const auth = await s.login(intruder);
      const get = (path: string, query: Record<string, unknown> = {}) => s.http.get(path).query(query).set('Authorization', auth);
      const probes: [string, () => Promise<{ status: number; body: any }>, (r: { status: number; body: any }) => void][] = [
        ['the order by id', () => get('/mcoi/api/orders', { orderId: w.orderId }), (r) => expect(r.body.orderInfos).toEqual([])],
        ['the order in a listing', () => get('/mcoi/api/orders', { limit: 1000 }), (r) => expect(r.body.orderInfos.map((o: { orderId: string }) => o.orderId)).not.toContain(w.orderId)],
        ['its sub-orders', () => get('/mcoi/api/orders/sub-orders', { orderId: w.orderId }), (r) => expect(r.body.subOrderInfos).toEqual([])],
        ['its codes (re-unload)', () => get('/mcoi/api/codes', { orderId: w.orderId, gtin: GTIN, quantity: 1 }), (r) => expect([r.status, r.body.globalErrors[0].code]).toEqual([404, 'order-not-found'])],
        ['its packs', () => get('/mcoi/api/codes/packs', { orderId: w.orderId, gtin: GTIN }), (r) => expect([r.status, r.body.globalErrors[0].code]).toEqual([404, 'order-not-found'])],
        ['closing it', () => s.http.post('/mcoi/api/order/close').query({ orderId: w.orderId }).set('Authorization', auth), (r) => expect([r.status, r.body.globalErrors[0].code]).toEqual([404, 'order-not-found'])],
        ['the report status', () => get(`/mcoi/api/utilisation/${w.report}`), (r) => expect([r.status, r.body.globalErrors[0].code]).toEqual([404, 'report-not-found'])],
        ...[w.report, w.validation, w.orderId].flatMap((id): [string, () => Promise<{ status: number; body: any }>, (r: { status: number; body: any }) => void][] => [
          [`document ${id}`, () => get(`/mcoi/public/api/v1/doc/storage/docs/${id}`), (r) => expect(r.status).toBe(404)],
          [`document ${id} as JSON`, () => get(`/mcoi/public/api/v1/doc/storage/json/${id}`), (r) => expect(r.status).toBe(404)],
          [`errors of ${id}`, () => get(`/mcoi/public/api/v1/doc/storage/errors/${id}`), (r) => expect(r.status).toBe(404)],
          [`a search for ${id}`, () => get('/mcoi/public/api/v1/doc/storage/docs/search', { documentId: id }), (r) => expect(r.status === 403 || r.body.documentInfos.length === 0).toBe(true)],
        ]),
        ['applying its codes', () => s.http.post('/mcoi/api/utilisation').query({ productGroup: 'vegetableoil' }).set('Authorization', auth).send({ sntins: w.codes.slice(2), businessPlaceId: intruder === 'water' ? 51 : intruder === 'wholesale' ? 31 : 41, releaseType: 'PRODUCTION' }), (r) => expect([400, 200]).toContain(r.status)],
        ['reporting as its service provider without serving it', () => s.http.post('/mcoi/public/api/v1/doc/validation').set('Authorization', auth).send({ documentBody: b64({ productGroup: 'vegetableoil', businessPlaceId: 27, ownerTin: '301234567', packageType: 'UNIT', documentDate: '2026-03-02T08:00:00+05:00', codes: [{ code: w.codes[3], printQualityClass: 'A' }] }) }), (r) => expect(r.status).toBe(403)],
      ];
      for (const [, probe, check] of probes) check(await probe());
      s.advance(2_000);
      // Nothing changed for the owner: the order open, its codes as they were (2 applied, 2 received; the 3rd validated).
      const owner = await s.login('main');
      expect((await s.http.get('/mcoi/api/orders').query({ orderId: w.orderId }).set('Authorization', owner)).body.orderInfos[0].orderStatus).toBe('READY');
      const states = await Promise.all(w.codes.map(async (c) => (await s.http.get(`/__sim/state/mcoi/codes/${encodeURIComponent(c)}`)).body.status));
      expect(states).toEqual(['APPLIED', 'APPLIED', 'RECEIVED', 'RECEIVED']);
    });
  }
});

describe('ID issuer: another tenant', () => {
  it('finds none of the requests of an operator it may not act for, and changes nothing', async () => {
    const s = await setup();
    const id = await create(s, { processImmediately: true });
    s.advance(12_000);
    const probes: [string, () => Promise<{ status: number; body: any }>][] = [
      ['details', () => s.http.get(`${BASE}/requests/${id}`).set('Authorization', OTHER)],
      ['cancellation', () => s.http.put(`${BASE}/requests/${id}/cancellation`).set('Authorization', OTHER).send({ economicOperatorId: 'PWPK0000001', cancellationReason: 'Other' })],
      ['identifiers', () => s.http.get(`${BASE}/${id}`).set('Authorization', OTHER)],
      ['the CSV', () => s.http.get(`${BASE}/${id}/csv`).query({ format: 'Full' }).set('Authorization', OTHER)],
      ['a confirmation', () => s.http.put(`${BASE}/${id}/confirmation`).set('Authorization', OTHER).send({ checksum: 'a'.repeat(64), format: 'Full' })],
    ];
    for (const [name, probe] of probes) expect((await probe()).status, name).toBe(404);
    expect((await s.http.get(`${BASE}/requests`).query({ requestId: id }).set('Authorization', OTHER)).body.items).toEqual([]);
    expect((await s.http.get(BASE).set('Authorization', OTHER)).body.items.map((i: { requestId: number }) => i.requestId)).not.toContain(id);
    expect((await s.http.get(`${BASE}/${id}`).set('Authorization', USER)).body.status).toBe('Synchronized');
  });

  it('cannot plant a request in another operator\'s list: it is rejected (UserHasNoAccessToEO) and its creator\'s alone', async () => {
    const s = await setup();
    const planted = await create(s, { economicOperatorId: 'PWPK0000001', facilityId: 'PWPK0000041' }, OTHER);
    s.advance(2_000);
    const own = await s.http.get(`${BASE}/requests/${planted}`).set('Authorization', OTHER);
    expect([own.status, own.body.status, own.body.rejectionReason]).toEqual([200, 'Rejected', 'UserHasNoAccessToEO']);
    expect((await s.http.get(`${BASE}/requests/${planted}`).set('Authorization', USER)).status).toBe(404);
    const list = (await s.http.get(`${BASE}/requests`).query({ economicOperatorId: 'PWPK0000001', pageSize: 100 }).set('Authorization', USER)).body.items;
    expect(list.map((i: { requestId: number }) => i.requestId)).not.toContain(planted);
  });
});

describe('True API: another participant', () => {
  it('sees none of the producer\'s catalogue, balances or contracts, and cannot bill them', async () => {
    const { signIn } = await import('./true-api/helpers.js');
    const s = await setup();
    const producer = await signIn(s, '150140000012');
    const intruder = await signIn(s, '180340000025');
    const gtins = await s.http.get('/true-api/product/gtin').query({ pg: 'tobacco', limit: 10000 }).set('Authorization', intruder);
    expect(gtins.body.gtins).not.toContain('00000046229175');
    const route = await s.http.post('/true-api/product/route/gtin').set('Authorization', intruder).send({ data: ['00000046229175'] });
    expect(route.status).toBe(404);
    const balance = await s.http.get('/true-api/elk/product-groups/balance/all').set('Authorization', intruder);
    expect(balance.body.every((b: { organisationId: number }) => b.organisationId === 600000812)).toBe(true);
    const bill = await s.http.post('/true-api/elk/crm-api/prequests').set('Authorization', intruder).send({ contractId: '100000301', amount: '1', sendto: 'x@y.kz' });
    expect(bill.status).toBe(404);
    expect((await s.http.get('/__sim/state/true-api')).body.prequests.total).toBe(0);
    // The producer's own session is untouched by another participant's sign-in.
    expect((await s.http.get('/true-api/elk/product-groups/balance/all').set('Authorization', producer)).status).toBe(200);
  });
});
