import { describe, expect, it } from 'vitest';
import { setup } from '../helpers.js';
import { BASE, problem, USER, withoutTrace } from './helpers.js';

describe('bearer tokens', () => {
  it('answers 401 with WWW-Authenticate for a missing, unknown, expired or revoked token', async () => {
    const s = await setup();
    const missing = await s.http.get(`${BASE}/requests`);
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(withoutTrace(missing.body)).toEqual(problem('UNAUTHORIZED', ['is missing']));
    const unknown = await s.http.get(`${BASE}/requests`).set('Authorization', 'Bearer nope');
    expect(unknown.headers['www-authenticate']).toBe('Bearer error="invalid_token", error_description="The token is not valid"');

    const minted = await s.http.post('/__sim/id-issuer/tokens').send({ user: 'user@test.pl', expiresInMs: 60_000 });
    expect(minted.status).toBe(201);
    expect(minted.body).toEqual({ token: expect.stringMatching(/^sim-[0-9a-f]{40}$/), user: 'user@test.pl', expiresAt: new Date(s.clock.nowMs() + 60_000).toISOString(), revoked: false });
    const auth = `Bearer ${minted.body.token}`;
    expect((await s.http.get(`${BASE}/requests`).set('Authorization', auth)).status).toBe(200);
    s.advance(60_000);
    const expired = await s.http.get(`${BASE}/requests`).set('Authorization', auth);
    expect(expired.status).toBe(401);
    expect(withoutTrace(expired.body)).toEqual(problem('UNAUTHORIZED', ['has expired']));

    const second = (await s.http.post('/__sim/id-issuer/tokens').send({ user: 'user@test.pl' })).body.token;
    expect((await s.http.get(`${BASE}/requests`).set('Authorization', `Bearer ${second}`)).status).toBe(200);
    expect((await s.http.delete(`/__sim/id-issuer/tokens/${second}`)).status).toBe(204);
    expect((await s.http.get(`${BASE}/requests`).set('Authorization', `Bearer ${second}`)).status).toBe(401);
  });

  it('expires a pre-provisioned token on demand', async () => {
    const s = await setup();
    const res = await s.http.post('/__sim/id-issuer/tokens/sim-token-user-test-pl/expire');
    expect(res.body).toMatchObject({ token: 'sim-token-user-test-pl', expiresAt: new Date(s.clock.nowMs()).toISOString() });
    expect((await s.http.get(`${BASE}/requests`).set('Authorization', USER)).status).toBe(401);
    await s.http.post('/__sim/reset');
    expect((await s.http.get(`${BASE}/requests`).set('Authorization', USER)).status).toBe(200);
  });

  it('refuses to mint for an unknown user or manage an unknown token', async () => {
    const s = await setup();
    expect((await s.http.post('/__sim/id-issuer/tokens').send({ user: 'ghost@test.pl' })).status).toBe(404);
    expect((await s.http.post('/__sim/id-issuer/tokens').send({})).status).toBe(400);
    expect((await s.http.delete('/__sim/id-issuer/tokens/nope')).status).toBe(404);
  });
});

describe('unknown paths and methods under /id-issuer', () => {
  it('answer problem details', async () => {
    const s = await setup();
    const res = await s.http.get('/id-issuer/api/v2/identifiers').set('Authorization', USER);
    expect(res.status).toBe(404);
    expect(withoutTrace(res.body)).toEqual(problem('PATH_NOT_FOUND', ['GET', '/api/v2/identifiers']));
    const m = await s.http.delete(`${BASE}/requests/23`).set('Authorization', USER);
    expect(m.status).toBe(405);
    expect(m.headers.allow).toBe('GET');
  });
});
