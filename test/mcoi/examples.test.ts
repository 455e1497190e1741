import { describe, expect, it } from 'vitest';
import examples from '../../fixtures/mcoi/examples.json' with { type: 'json' };
import { setup } from './helpers.js';

type Example = { section: string; method: string; path: string; auth?: boolean; body?: unknown; processed?: string };

async function send(s: Awaited<ReturnType<typeof setup>>, ex: Example) {
  const auth = ex.auth === false ? undefined : await s.login();
  let req = ex.method === 'GET' ? s.http.get(`/mcoi${ex.path}`) : s.http.post(`/mcoi${ex.path}`);
  if (auth) req = req.set('Authorization', auth);
  return ex.body === undefined ? req : req.send(ex.body as object);
}

describe('every request example of the MCOI document', () => {
  for (const ex of examples.examples as Example[]) {
    it(`§${ex.section} ${ex.method} ${ex.path.split('?')[0]} succeeds as written against the default world`, async () => {
      const s = await setup();
      const res = await send(s, ex);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      if (ex.processed) {
        // Reports are processed asynchronously; the example's report ends SUCCESS once the clock has moved.
        const id = res.body.reportId ?? res.body.documentId;
        s.advance(2_000);
        const auth = await s.login();
        const card = await s.http.get(`/mcoi/public/api/v1/doc/storage/docs/${id}`).set('Authorization', auth);
        expect(card.body.status).toBe(ex.processed);
      }
    });
  }

  it('§3.4 answers the code of the example response', async () => {
    const s = await setup();
    const res = await send(s, (examples.examples as Example[]).find((e) => e.section === '3.4')!);
    expect(res.body.codes).toEqual(['010489921512237121UGM6BL+d+aHQw\u001d93vuzv']);
  });

  it('§3.5 answers the two packs of the example response', async () => {
    const s = await setup();
    const res = await send(s, (examples.examples as Example[]).find((e) => e.section === '3.5')!);
    expect(res.body).toEqual({
      orderId: '0e270d4c-5414-4d5e-6860-b2fef88c2cbb',
      gtin: '04815617815628',
      packs: [
        { packId: '0e27114e-c7cc-4159-4b1e-dd0cc45220c4', quantity: 2, packDateTime: '2025-01-15T09:49:18.834Z' },
        { packId: '0e2713b8-4568-42d2-4ce5-c025ae2d9e51', quantity: 2, packDateTime: '2025-01-15T09:54:50.347Z' },
      ],
    });
  });

  it('§5.1 finds the utilisation documents of the example period, newest first', async () => {
    const s = await setup();
    const res = await send(s, (examples.examples as Example[]).find((e) => e.section === '5.1')!);
    expect(res.body.documentInfos.map((d: { documentId: string; status: string }) => [d.documentId, d.status])).toEqual([
      ['0e2c340d-353f-48e1-644e-435c53074421', 'ERROR'],
      ['0e277565-4f07-45f1-602f-2e3bac7e7c3d', 'SUCCESS'],
      ['0e27734c-a6ac-44d6-5c12-353d730d878e', 'ERROR'],
    ]);
  });

  it('§5.2 answers the example document card', async () => {
    const s = await setup();
    const res = await send(s, (examples.examples as Example[]).find((e) => e.section === '5.2')!);
    expect(res.body).toEqual({
      documentId: '0e330748-7ee0-4067-4856-1072cdfbed8d',
      type: 'ORDER',
      status: 'SUCCESS',
      createDate: '2025-01-20T06:43:13.536Z',
      originalDocId: null,
      productGroup: 'vegetableoil',
    });
  });

  it('§5.3 answers the source document of the example report', async () => {
    const s = await setup();
    const res = await send(s, (examples.examples as Example[]).find((e) => e.section === '5.3')!);
    expect(res.body).toMatchObject({ businessPlaceId: 27, productionOrderId: '56-43', releaseType: 'PRODUCTION', seriesNumber: 'FINLK211111111111111' });
    expect(res.body.sntins).toHaveLength(2);
  });

  it('§5.4 answers the two invalid-code-status errors of the example', async () => {
    const s = await setup();
    const res = await send(s, (examples.examples as Example[]).find((e) => e.section === '5.4')!);
    expect(res.body.documentErrors.map((e: Record<string, unknown>) => [e.propertyName, e.index, e.errorCode, e.errorTags])).toEqual([
      ['CODE', 0, 'invalid-code-status', { status: 'INTRODUCED' }],
      ['CODE', 1, 'invalid-code-status', { status: 'INTRODUCED' }],
    ]);
  });
});
