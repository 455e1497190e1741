import { describe, expect, it } from 'vitest';
import { setup } from '../helpers.js';
import { BASE, create, DAY, download, identifiers, OTHER, problem, sha256, USER, withoutTrace } from './helpers.js';

const UI_FULL = /^PWPW[0-9A-HJKMNP-TV-Z]{13}[0-9A-HJKMNP-TV-Z]{7}$/;
const UI_SHORT = /^PWPW[0-9A-HJKMNP-TV-Z]{13}$/;

async function synchronized(s: Awaited<ReturnType<typeof setup>>, over: Record<string, unknown> = {}) {
  const id = await create(s, { processImmediately: true, reqQuantity: 500, ...over });
  s.advance(2_000 + 5_000 + 5_000);
  return id;
}

describe('identifiers of a request', () => {
  it('progress PassedToGeneration → Generated → Synchronized with the clock', async () => {
    const s = await setup();
    const id = await create(s, { processImmediately: true, reqQuantity: 10 });
    expect((await identifiers(s, id)).status).toBe(404);
    s.advance(2_000);
    const st = async () => (await identifiers(s, id)).body.status;
    expect(await st()).toBe('PassedToGeneration');
    s.advance(5_000);
    expect(await st()).toBe('Generated');
    s.advance(5_000);
    expect(await st()).toBe('Synchronized');
    expect((await identifiers(s, id)).body).toEqual({ requestId: id, quantity: 10, createdOn: new Date(s.clock.nowMs() - 10_000).toISOString(), createdBy: 'user@test.pl', status: 'Synchronized' });
  });

  it('come only after the 24-hour window without processImmediately', async () => {
    const s = await setup();
    const id = await create(s, { reqQuantity: 10 });
    s.advance(2_000 + DAY - 1);
    const res = await identifiers(s, id);
    expect(withoutTrace(res.body)).toEqual(problem('IDENTIFIERS_NOT_FOUND', [String(id), 'Accepted']));
    s.advance(1);
    expect((await identifiers(s, id)).body.status).toBe('PassedToGeneration');
  });

  it('end CannotSynchronize for a facility the router cannot take, and cannot be downloaded', async () => {
    const s = await setup();
    const id = await synchronized(s, { facilityId: 'PWPK0000026' });
    expect((await identifiers(s, id)).body.status).toBe('CannotSynchronize');
    const res = await download(s, id);
    expect(res.status).toBe(409);
    expect(withoutTrace(res.body)).toEqual(problem('NOT_READY_FOR_DOWNLOAD', [String(id), 'CannotSynchronize']));
  });

  it('are searchable by status, request and time, with paging', async () => {
    const s = await setup();
    const id = await synchronized(s);
    const ids = async (q: Record<string, unknown>) => (await s.http.get(BASE).query(q).set('Authorization', USER)).body.items.map((i: { requestId: number }) => i.requestId);
    expect(await ids({ status: 'Synchronized' })).toEqual([id, 24, 10]);
    expect(await ids({ requestId: 24 })).toEqual([24]);
    expect(await ids({ createdOnFrom: new Date(s.clock.nowMs() - 60_000).toISOString() })).toEqual([id]);
    expect((await s.http.get(BASE).query({ pageSize: 1 }).set('Authorization', USER)).body).toMatchObject({ pagesCount: 3, totalItemsCount: 3, pageSize: 1 });
    expect(await ids({ status: 'Generated' })).toEqual([]);
    expect((await s.http.get(BASE).query({ status: 'Lost' }).set('Authorization', USER)).status).toBe(400);
    expect((await s.http.get(BASE).set('Authorization', OTHER)).body.items.map((i: { requestId: number }) => i.requestId)).toEqual([22]);
  });
});

describe('GET /{id}/csv', () => {
  it('downloads the identifiers as an attachment, one per line, and moves them to Downloaded', async () => {
    const s = await setup();
    const id = await synchronized(s);
    const res = await download(s, id, 'Full');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['content-disposition']).toBe(`attachment; filename=${id}.csv; filename*=UTF-8''${id}.csv`);
    const lines = res.text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(500);
    for (const l of lines) expect(l).toMatch(UI_FULL);
    expect(new Set(lines).size).toBe(500);
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    expect((await identifiers(s, id)).body.status).toBe('Downloaded');
  });

  it('gives the same bytes on every download; WithoutProductCode is the same identifiers without the product code', async () => {
    const s = await setup();
    const id = await synchronized(s);
    const a = (await download(s, id, 'Full')).text;
    const b = (await download(s, id, 'Full')).text;
    const short = (await download(s, id, 'WithoutProductCode')).text;
    expect(b).toBe(a);
    const fullLines = a.trim().split('\n');
    const shortLines = short.trim().split('\n');
    for (const l of shortLines) expect(l).toMatch(UI_SHORT);
    expect(fullLines.map((l) => l.slice(0, 17))).toEqual(shortLines);
  });

  it('gives identifiers unique across requests and the same for the same seed', async () => {
    const runs: string[][] = [];
    for (const seed of [5, 5, 6]) {
      const s = await setup({ seed });
      const a = await synchronized(s);
      const b = await synchronized(s);
      runs.push([...(await download(s, a)).text.trim().split('\n'), ...(await download(s, b)).text.trim().split('\n')]);
    }
    expect(new Set(runs[0]).size).toBe(1_000);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).not.toEqual(runs[0]);
  });

  it('refuses before the identifiers are Synchronized, an unknown format, and another tenant', async () => {
    const s = await setup();
    const id = await create(s, { processImmediately: true, reqQuantity: 5 });
    s.advance(2_000 + 5_000);
    expect(withoutTrace((await download(s, id)).body)).toEqual(problem('NOT_READY_FOR_DOWNLOAD', [String(id), 'Generated']));
    const bad = await download(s, 24, 'Excel');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors)).toEqual(['format']);
    expect((await download(s, 24, 'Full', OTHER)).status).toBe(404);
    expect((await identifiers(s, 24)).body.status).toBe('Synchronized');
  });
});

describe('PUT /{id}/confirmation', () => {
  it('confirms with the SHA-256 of the downloaded file (204), then DownloadConfirmed; again changes nothing', async () => {
    const s = await setup();
    const id = await synchronized(s);
    const csv = (await download(s, id, 'WithoutProductCode')).text;
    const confirm = (checksum: string, format = 'WithoutProductCode') => s.http.put(`${BASE}/${id}/confirmation`).set('Authorization', USER).send({ checksum, format });
    expect((await confirm(sha256(csv).toUpperCase())).status).toBe(204);
    expect((await identifiers(s, id)).body.status).toBe('DownloadConfirmed');
    expect((await confirm(sha256(csv))).status).toBe(204);
    expect((await identifiers(s, id)).body.status).toBe('DownloadConfirmed');
  });

  it('refuses a wrong checksum and a format not downloaded, changing nothing', async () => {
    const s = await setup();
    const id = await synchronized(s);
    const csv = (await download(s, id, 'Full')).text;
    const wrong = await s.http.put(`${BASE}/${id}/confirmation`).set('Authorization', USER).send({ checksum: sha256(csv + 'x'), format: 'Full' });
    expect(wrong.status).toBe(400);
    expect(withoutTrace(wrong.body)).toEqual(problem('CHECKSUM_MISMATCH', ['Full']));
    const otherFormat = await s.http.put(`${BASE}/${id}/confirmation`).set('Authorization', USER).send({ checksum: sha256(csv), format: 'WithoutProductCode' });
    expect(otherFormat.status).toBe(409);
    expect(withoutTrace(otherFormat.body)).toEqual(problem('NOT_DOWNLOADED', [String(id), 'WithoutProductCode']));
    const notHex = await s.http.put(`${BASE}/${id}/confirmation`).set('Authorization', USER).send({ checksum: 'abc', format: 'Full' });
    expect(Object.keys(notHex.body.errors)).toEqual(['$.checksum']);
    expect((await identifiers(s, id)).body.status).toBe('Downloaded');
  });

  it('refuses a confirmation before any download', async () => {
    const s = await setup();
    const res = await s.http.put(`${BASE}/24/confirmation`).set('Authorization', USER).send({ checksum: 'f741c63818a3ea47ec5492e86b1c1b2432fecb5eb4ceb3a5fe57cd6c091b91fb', format: 'Full' });
    expect(res.status).toBe(409);
  });
});

describe('an interrupted download', () => {
  it('does not count: the identifiers stay Synchronized and nothing can be confirmed', async () => {
    const { get } = await import('node:http');
    const s = await setup();
    const id = await create(s, { processImmediately: true, reqQuantity: 200_000 });
    s.advance(12_000);
    const server = s.sim.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve, reject) => {
      const req = get({ host: '127.0.0.1', port, path: `/id-issuer/api/v3/identifiers/unit/${id}/csv?format=Full`, headers: { authorization: USER } }, (res) => {
        expect(res.statusCode).toBe(200);
        res.once('data', () => {
          req.destroy(); // the client goes away after the first chunk
          resolve();
        });
      });
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(e)));
    });
    await new Promise<void>((r) => server.close(() => r()));
    expect((await identifiers(s, id)).body.status).toBe('Synchronized');
    const confirm = await s.http.put(`${BASE}/${id}/confirmation`).set('Authorization', USER).send({ checksum: '0'.repeat(64), format: 'Full' });
    expect(confirm.status).toBe(409);
  });
});
