import { describe, expect, it } from 'vitest';
import { setup } from '../helpers.js';
import { BASE, download, EXAMPLE_REQUEST, sha256, USER } from './helpers.js';

/** Every request example of the ID-issuer document, sent as written against a fresh default world. */
describe('every request example of the ID-issuer document', () => {
  it('POST /requests answers 201 with Location and a requestId', async () => {
    const s = await setup();
    const res = await s.http.post(`${BASE}/requests`).set('Authorization', USER).set('Content-Type', 'application/json').send(EXAMPLE_REQUEST);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ requestId: 25 });
  });

  it('GET /requests/10 answers the details', async () => {
    const s = await setup();
    const res = await s.http.get(`${BASE}/requests/10`).set('Authorization', USER);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ requestId: 10, economicOperatorId: 'PWPK0000001', status: 'PassedToGeneration', rejectionReason: null });
  });

  it('PUT /requests/23/cancellation answers 204', async () => {
    const s = await setup();
    const res = await s.http.put(`${BASE}/requests/23/cancellation`).set('Authorization', USER).send({ economicOperatorId: 'PWPK0000001', cancellationReason: 'Other', cancellationDescription: 'test description', cancellationAdditionalDescription: 'test additional' });
    expect(res.status).toBe(204);
  });

  it('GET /requests?economicOperatorId=PWPK0000001 answers a page', async () => {
    const s = await setup();
    const res = await s.http.get(`${BASE}/requests?economicOperatorId=PWPK0000001`).set('Authorization', USER);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ pagesCount: 1, totalItemsCount: 4, pageNumber: 1, pageSize: 25 });
  });

  it('GET /unit/24 answers Synchronized identifiers', async () => {
    const s = await setup();
    const res = await s.http.get(`${BASE}/24`).set('Authorization', USER);
    expect(res.body).toMatchObject({ requestId: 24, quantity: 1000, status: 'Synchronized' });
  });

  it('GET /unit?status=Synchronized finds them', async () => {
    const s = await setup();
    const res = await s.http.get(`${BASE}?status=Synchronized`).set('Authorization', USER);
    expect(res.body.items.map((i: { requestId: number }) => i.requestId)).toContain(24);
  });

  it('GET /unit/24/csv?format=Full, then PUT /unit/24/confirmation with its SHA-256', async () => {
    const s = await setup();
    const csv = await download(s, 24, 'Full');
    expect(csv.status).toBe(200);
    expect(csv.text.trim().split('\n')).toHaveLength(1000);
    const res = await s.http.put(`${BASE}/24/confirmation`).set('Authorization', USER).send({ checksum: sha256(csv.text), format: 'Full' });
    expect(res.status).toBe(204);
  });
});
