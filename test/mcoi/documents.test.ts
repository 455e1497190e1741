import { describe, expect, it } from 'vitest';
import { HANDBOOK, mcoiError, readyCodes, registerOrder, setup, withoutErrorId, type Setup } from './helpers.js';

const SEARCH = '/mcoi/public/api/v1/doc/storage/docs/search';
const ids = (body: { documentInfos: { documentId: string }[] }) => body.documentInfos.map((d) => d.documentId);

async function search(s: Setup, auth: string, q: Record<string, unknown>) {
  return s.http.get(SEARCH).query(q).set('Authorization', auth);
}

describe('GET storage/docs/search (§5.1)', () => {
  it('filters by types, status, productGroups and documentId; arrays repeated or comma-separated', async () => {
    const s = await setup();
    const auth = await s.login();
    const all = (await search(s, auth, { limit: 1000 })).body.documentInfos;
    expect(all.map((d: { type: string }) => d.type).sort()).toEqual(['ORDER', 'ORDER', 'ORDER', 'ORDER', 'ORDER', 'ORDER', 'UTILISATION', 'UTILISATION', 'UTILISATION', 'UTILISATION', 'UTILISATION']);
    const errors = ids((await search(s, auth, { status: 'ERROR' })).body);
    expect(errors.sort()).toEqual(['0e27734c-a6ac-44d6-5c12-353d730d878e', '0e2c340d-353f-48e1-644e-435c53074421', '0e534f23-0c42-4118-4e32-5ef2d04dc555']);
    const both = await s.http.get(`${SEARCH}?types=ORDER&types=UTILISATION&limit=1000`).set('Authorization', auth);
    const comma = await s.http.get(`${SEARCH}?types=ORDER,UTILISATION&limit=1000`).set('Authorization', auth);
    expect(ids(both.body)).toEqual(ids(comma.body));
    expect(ids(both.body)).toHaveLength(11);
    expect(ids((await search(s, auth, { productGroups: 'water' })).body)).toEqual([]);
    expect(ids((await search(s, auth, { documentId: '0e29dd26-5477-486f-43d4-1208597ca8e4' })).body)).toEqual(['0e29dd26-5477-486f-43d4-1208597ca8e4']);
  });

  it('lists newest first and pages by cursor', async () => {
    const s = await setup();
    const auth = await s.login();
    const all = ids((await search(s, auth, {})).body);
    const p1 = ids((await search(s, auth, { limit: 5 })).body);
    const p2 = ids((await search(s, auth, { limit: 5, cursor: p1[4] })).body);
    const p3 = ids((await search(s, auth, { limit: 5, cursor: p2[4] })).body);
    expect([...p1, ...p2, ...p3]).toEqual(all);
    const dates = (await search(s, auth, {})).body.documentInfos.map((d: { createDate: string }) => d.createDate);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('shows a new order as an ORDER document IN_PROCESS, then SUCCESS', async () => {
    const s = await setup();
    const auth = await s.login();
    const id = await registerOrder(s, auth);
    expect((await search(s, auth, { documentId: id })).body.documentInfos[0]).toMatchObject({ type: 'ORDER', status: 'IN_PROCESS', ownerId: 101 });
    s.advance(3_000);
    expect((await search(s, auth, { documentId: id })).body.documentInfos[0].status).toBe('SUCCESS');
    const json = await s.http.get(`/mcoi/public/api/v1/doc/storage/json/${id}`).set('Authorization', auth);
    expect(json.body).toMatchObject({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', businessPlaceId: 27 });
  });

  it('shows only the document types the user may create (§2.4), and refuses asking for others', async () => {
    const s = await setup();
    const orders = await s.login('ordersOnly');
    const types = (await search(s, orders, { limit: 1000 })).body.documentInfos.map((d: { type: string }) => d.type);
    expect(new Set(types)).toEqual(new Set(['ORDER']));
    const res = await search(s, orders, { types: 'UTILISATION' });
    expect(res.status).toBe(403);
    expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.NO_PERMISSION));
    const card = await s.http.get('/mcoi/public/api/v1/doc/storage/docs/0e29dd26-5477-486f-43d4-1208597ca8e4').set('Authorization', orders);
    expect(card.status).toBe(403);
  });

  it('refuses an unknown document type', async () => {
    const s = await setup();
    const res = await search(s, await s.login(), { types: 'RECEIPT' });
    expect(res.status).toBe(400);
    expect(res.body.globalErrors[0]).toMatchObject({ code: 'invalid-input-parameter', requestQueryJsonPath: 'types[0]' });
  });

  it('shows nothing of another organization', async () => {
    const s = await setup();
    const water = await s.login('water');
    expect(ids((await search(s, water, {})).body)).toEqual([]);
    for (const kind of ['docs', 'json', 'errors']) {
      const res = await s.http.get(`/mcoi/public/api/v1/doc/storage/${kind}/0e29dd26-5477-486f-43d4-1208597ca8e4`).set('Authorization', water);
      expect(res.status).toBe(404);
      expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.DOCUMENT_NOT_FOUND, ['0e29dd26-5477-486f-43d4-1208597ca8e4'], { path: 'documentId' }));
    }
  });
});

describe('GET storage/json/{id} (§5.3)', () => {
  it('answers the decoded documentBody of a validation report', async () => {
    const s = await setup();
    const auth = await s.login();
    const { codes } = await readyCodes(s, auth, 1);
    const report = { productGroup: 'vegetableoil', businessPlaceId: 27, packageType: 'UNIT', documentDate: '2026-03-02T08:00:00Z', codes: [{ code: codes[0], printQualityClass: 'A' }] };
    // keys deliberately unsorted (observed #6)
    const res = await s.http.post('/mcoi/public/api/v1/doc/validation').set('Authorization', auth).send({ documentBody: Buffer.from(JSON.stringify(report)).toString('base64') });
    const json = await s.http.get(`/mcoi/public/api/v1/doc/storage/json/${res.body.documentId}`).set('Authorization', auth);
    expect(json.body).toEqual(report);
  });
});
