/**
 * A real True API client replayed as it calls the stand (issue 24): `AlexSapronov/gis-trueapi` (trueapi.py). Its base
 * URL is the host; it writes `/api/v3/true-api/...` itself, so it is pointed at True API's own port (SIM_PORTS) — the
 * same paths also answer on the main port. Headers, body forms and what it reads are the client's.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { CodeBook, type CodeRef } from '../../simulator/systems/true-api/codes.js';
import { batchOf } from '../../simulator/systems/true-api/world.js';
import fixture from '../../fixtures/true-api/world.json' with { type: 'json' };
import { setup, T0 } from '../helpers.js';
import { certificateFor, PRODUCER, sign } from '../true-api/helpers.js';

const batches = fixture.batches.map((b) => batchOf(b as Parameters<typeof batchOf>[0], T0));
const book = new CodeBook(1, batches);
const ref = (id: number, level: CodeRef['level'], index: number): CodeRef => ({ batch: batches.find((b) => b.id === id)!, level, index });

describe('AlexSapronov/gis-trueapi (trueapi.py): the host as its base, /api/v3/true-api written by the client', () => {
  it('signs in for a UUID token (unitedToken: true), reads uuidToken, and asks cises/info with it', async () => {
    const s = await setup();
    const stand = request(s.sim.portListener('true-api'));
    // Its token script (refresh_trueapi_token.ps1) signs the challenge with the organisation's certificate: an
    // attached CMS, as NCALayer and CryptoPro make it.
    const cert = await certificateFor(s, PRODUCER);
    // _get_json: Accept: application/json.
    const key = await stand.get('/api/v3/true-api/auth/key').set('Accept', 'application/json');
    expect(key.status).toBe(200);
    // exchange_token: {"uuid", "data", "unitedToken": true}, Content-Type: application/json, Accept: */*; no inn.
    const signedIn = await stand
      .post('/api/v3/true-api/auth/simpleSignIn')
      .set('Content-Type', 'application/json')
      .set('Accept', '*/*')
      .send(JSON.stringify({ uuid: key.body.uuid, data: await sign(key.body.data, cert), unitedToken: true }));
    expect(signedIn.status, signedIn.text).toBe(200);
    // It reads uuidToken ("the JWT may be there too, for backward compatibility") and accepts expireDate.
    const token = signedIn.body.uuidToken as string;
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(signedIn.body.token).toEqual(expect.any(String));
    expect(Date.parse(signedIn.body.expireDate) - T0).toBe(36_000_000);

    // info(): chunks of at most 1000 codes, the chunk itself as the JSON body; a list of {cisInfo, errorMessage, errorCode}.
    const pack = book.cis(ref(1, 'unit', 12));
    const milk = book.withTail(ref(4, 'unit', 3));
    const info = await stand.post('/api/v3/true-api/cises/info').set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json').set('Accept', '*/*').send(JSON.stringify([pack, milk, '04606203084623UNKNOWN']));
    expect(info.status, info.text).toBe(200);
    expect(info.body.map((x: { cisInfo: { requestedCis: string } }) => x.cisInfo.requestedCis)).toEqual([pack, milk, '04606203084623UNKNOWN']);
    expect(info.body[0].cisInfo).toMatchObject({ cis: pack, gtin: '04606203084623', productGroup: 'tobacco' });
    expect(info.body[2]).toMatchObject({ errorCode: '404' });
    // "All codes unknown" is a 404 carrying the per-code list, which it reads as not-found items, not as a failure.
    const none = await stand.post('/api/v3/true-api/cises/info').set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json').send(JSON.stringify(['04606203084623UNKNOWN']));
    expect(none.status).toBe(404);
    expect(none.body).toEqual([expect.objectContaining({ cisInfo: { requestedCis: '04606203084623UNKNOWN' }, errorCode: '404' })]);
    // The same paths on the main port.
    expect((await s.http.post('/api/v3/true-api/cises/info').set('Authorization', `Bearer ${token}`).send([pack])).status).toBe(200);
  });

  it('treats the UUID token like the JWT: a 401 once it expires or a newer sign-in replaces it, and for a made-up one', async () => {
    const s = await setup();
    const stand = request(s.sim.portListener('true-api'));
    const signIn = async (body: Record<string, unknown>) => {
      const key = await stand.get('/api/v3/true-api/auth/key');
      const r = await stand.post('/api/v3/true-api/auth/simpleSignIn').send({ uuid: key.body.uuid, data: 'c2lnbmVk', inn: PRODUCER, ...body });
      expect(r.status, r.text).toBe(200);
      return r.body as { token: string; uuidToken?: string };
    };
    const pack = book.cis(ref(1, 'unit', 12));
    const info = (token: string) => stand.post('/api/v3/true-api/cises/info').set('Authorization', `Bearer ${token}`).send([pack]);
    // Only a sign-in that asks for it gets one (unitedToken as a string "true" too; false or other strings: none).
    expect(await signIn({ unitedToken: false })).not.toHaveProperty('uuidToken');
    expect(await signIn({ unitedToken: 'yes' })).not.toHaveProperty('uuidToken');
    const first = (await signIn({ unitedToken: 'true' })).uuidToken!;
    expect((await info(first)).status).toBe(200);
    // A newer sign-in (without unitedToken) replaces it, as it replaces the JWT.
    const second = await signIn({});
    const replaced = await info(first);
    expect(replaced.status).toBe(401);
    expect(replaced.body.error_description ?? replaced.body.error_message ?? replaced.text).toContain(first);
    expect((await info(second.token)).status).toBe(200);
    // It lives as long as the JWT.
    const third = (await signIn({ unitedToken: true })).uuidToken!;
    s.advance(36_000_000);
    expect((await info(third)).status).toBe(401);
    // A UUID nobody was given.
    expect((await info('00000000-0000-4000-8000-000000000000')).status).toBe(401);
    // A unitedToken of another type is refused as the contract says.
    const key = await stand.get('/api/v3/true-api/auth/key');
    expect((await stand.post('/api/v3/true-api/auth/simpleSignIn').send({ uuid: key.body.uuid, data: 'c2lnbmVk', inn: PRODUCER, unitedToken: 1 })).status).toBe(400);
  });
});
