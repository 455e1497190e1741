import { describe, expect, it } from 'vitest';
import { b64 } from '../helpers.js';
import { HANDBOOK, mcoiError, setup, USERS, withoutErrorId } from './helpers.js';

describe('POST /api/users/authenticate', () => {
  it('issues a BEARER token valid for 30 minutes', async () => {
    const s = await setup();
    const res = await s.http.post('/mcoi/api/users/authenticate').send(USERS.main);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accessToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
      accessTokenType: 'BEARER',
      accessTokenExpiresIn: 1_800_000,
      refreshToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('refuses a wrong password with user-incorrect-login-or-password', async () => {
    const s = await setup();
    const res = await s.http.post('/mcoi/api/users/authenticate').send({ login: '6e8login23', password: 'nope' });
    expect(res.status).toBe(401);
    expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.INCORRECT_LOGIN));
  });

  it('refuses an unknown login the same way (no user enumeration)', async () => {
    const s = await setup();
    const res = await s.http.post('/mcoi/api/users/authenticate').send({ login: 'ghost', password: '12345678' });
    expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.INCORRECT_LOGIN));
  });

  it('refuses a missing password as invalid-input-parameter naming the field', async () => {
    const s = await setup();
    const res = await s.http.post('/mcoi/api/users/authenticate').send({ login: '6e8login23' });
    expect(res.status).toBe(400);
    expect(res.body.globalErrors[0]).toMatchObject({ code: 'invalid-input-parameter', requestBodyJsonPath: '$.password', context: { parameter: 'password' } });
  });

  it('refuses a body that is not JSON with invalid-format', async () => {
    const s = await setup();
    const res = await s.http.post('/mcoi/api/users/authenticate').set('Content-Type', 'application/json').send('{"login": ');
    expect(res.status).toBe(400);
    expect(res.body.globalErrors[0]).toMatchObject({ code: 'invalid-format', errorCode: HANDBOOK.INVALID_FORMAT.errorCode });
  });
});

describe('bearer tokens', () => {
  const probe = (s: Awaited<ReturnType<typeof setup>>, auth?: string) => {
    const r = s.http.get('/mcoi/api/orders');
    return auth ? r.set('Authorization', auth) : r;
  };

  it('answers 401 with _cause missing-token when there is no token', async () => {
    const s = await setup();
    const res = await probe(s);
    expect(res.status).toBe(401);
    expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.UNAUTHORIZED, ['missing token'], { context: { _cause: 'missing-token' } }));
  });

  it('answers 401 with _cause invalid-token for a token never issued', async () => {
    const s = await setup();
    const res = await probe(s, 'Bearer 00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(401);
    expect(res.body.globalErrors[0].context).toEqual({ _cause: 'invalid-token' });
  });

  it('accepts a token until 30 minutes of virtual time have passed, then answers inactive-token', async () => {
    const s = await setup();
    const auth = await s.login();
    s.advance(30 * 60_000 - 1);
    expect((await probe(s, auth)).status).toBe(200);
    s.advance(1);
    const res = await probe(s, auth);
    expect(res.status).toBe(401);
    expect(res.body.globalErrors[0].context).toEqual({ _cause: 'inactive-token' });
  });

  it('invalidates the previous token when the same user logs in again', async () => {
    const s = await setup();
    const first = await s.login();
    const second = await s.login();
    const res = await probe(s, first);
    expect(res.status).toBe(401);
    expect(res.body.globalErrors[0].context).toEqual({ _cause: 'inactive-token' });
    expect((await probe(s, second)).status).toBe(200);
  });

  it('keeps tokens of different users independent', async () => {
    const s = await setup();
    const a = await s.login('main');
    await s.login('ordersOnly');
    expect((await probe(s, a)).status).toBe(200);
  });
});

describe('roles (§2.4)', () => {
  it('refuses an order listing to a user without API Integrator with 403 and errorCode 201', async () => {
    const s = await setup();
    const auth = await s.login('reportsOnly');
    const res = await s.http.get('/mcoi/api/orders').set('Authorization', auth);
    expect(res.status).toBe(403);
    expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.NO_PERMISSION));
  });

  it('refuses a utilisation report to a user with only API Integrator', async () => {
    const s = await setup();
    const auth = await s.login('ordersOnly');
    const res = await s.http.post('/mcoi/api/utilisation?productGroup=vegetableoil').set('Authorization', auth).send({ sntins: [], businessPlaceId: 27, releaseType: 'PRODUCTION' });
    expect(res.status).toBe(403);
  });

  it('answers 400 instead of 403 when the observed-stand switch is on (observed #1)', async () => {
    const s = await setup({ profile: { mcoi: { permissionDeniedStatus: 400 } } });
    const auth = await s.login('noRole');
    const res = await s.http.get('/mcoi/api/orders').set('Authorization', auth);
    expect(res.status).toBe(400);
    // Byte for byte what the stage answered: no code, errorId or service.
    expect(res.text).toBe('{"globalErrors":[{"error":"No permission for operation","errorCode":201}]}');
    expect(Buffer.byteLength(res.text)).toBe(74);
  });

  it('answers a service provider report for an owner it does not serve in the stage form as well', async () => {
    const s = await setup({ profile: { mcoi: { permissionDeniedStatus: 400 } } });
    const auth = await s.login();
    const res = await s.http.post('/mcoi/public/api/v1/doc/validation').set('Authorization', auth).send({
      documentBody: b64({ productGroup: 'vegetableoil', businessPlaceId: 27, ownerTin: '302345678', packageType: 'UNIT', documentDate: '2026-03-02T08:00:00Z', codes: [{ code: 'x', printQualityClass: 'A' }] }),
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(mcoiError(HANDBOOK.NO_PERMISSION_STAGE));
  });
});

describe('rate limit (§1.4: 100 hits per minute per user)', () => {
  it('answers the 101st request in a minute with 429 and Retry-After, and serves again after the window', async () => {
    const s = await setup();
    const auth = await s.login();
    for (let i = 0; i < 100; i++) {
      const ok = await s.http.get('/mcoi/api/orders').set('Authorization', auth);
      expect(ok.status).toBe(200);
    }
    const res = await s.http.get('/mcoi/api/orders').set('Authorization', auth);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('60');
    expect(res.body.globalErrors[0]).toMatchObject({ code: 'too-many-requests', errorCode: HANDBOOK.TOO_MANY_REQUESTS.errorCode });
    // another user is not affected
    const other = await s.login('ordersOnly');
    expect((await s.http.get('/mcoi/api/orders').set('Authorization', other)).status).toBe(200);
    s.advance(60_000);
    expect((await s.http.get('/mcoi/api/orders').set('Authorization', auth)).status).toBe(200);
  });

  it('is off with rateLimits: false (SIM_RATE_LIMITS=off)', async () => {
    const s = await setup({ rateLimits: false });
    const auth = await s.login();
    for (let i = 0; i < 110; i++) expect((await s.http.get('/mcoi/api/orders').set('Authorization', auth)).status).toBe(200);
  });
});

describe('unknown paths and methods under /mcoi', () => {
  it('answers an unknown path with 404 in the MCOI envelope', async () => {
    const s = await setup();
    const res = await s.http.get('/mcoi/api/nothing-here');
    expect(res.status).toBe(404);
    expect(withoutErrorId(res.body)).toEqual(mcoiError(HANDBOOK.PATH_NOT_FOUND, ['GET', '/api/nothing-here']));
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const s = await setup();
    const res = await s.http.delete('/mcoi/api/orders');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, POST');
  });
});
