/**
 * The journal as HAR 1.2 (GET /__sim/journal?format=har), valid under har-validator (the JSON Schemas of the HAR
 * 1.2 spec), with the URLs a client called, its bodies, secrets hidden, each world's under its prefix.
 */
import harValidator from 'har-validator';
import { describe, expect, it } from 'vitest';
import { setup } from './helpers.js';
import { USERS } from './mcoi/helpers.js';

interface Har {
  log: { version: string; creator: { name: string }; entries: { startedDateTime: string; time: number; request: { method: string; url: string; headers: { name: string; value: string }[]; queryString: { name: string; value: string }[]; postData?: { mimeType: string; text: string } }; response: { status: number; content: { mimeType: string; text?: string } }; comment?: string }[] };
}

describe('GET /__sim/journal?format=har', () => {
  it('is HAR 1.2 that har-validator accepts: each call with its URL, query, body and answer, the token hidden', async () => {
    const s = await setup();
    const login = await s.http.post('/mcoi/api/users/authenticate').send(USERS.main);
    const token = login.body.accessToken as string;
    await s.http.get('/mcoi/api/orders?limit=2').set('Authorization', `Bearer ${token}`);
    await s.http.get('/id-issuer/api/v3/identifiers/unit/requests?pageSize=1').set('Authorization', 'Bearer sim-token-user-test-pl');
    const r = await s.http.get('/__sim/journal?format=har').set('Host', 'sim.test:8080');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const har = r.body as Har;
    await expect(harValidator.har(har)).resolves.toEqual(har);
    expect(har.log).toMatchObject({ version: '1.2', creator: { name: 'marking-systems simulator' } });
    const [signIn, orders, requests] = har.log.entries;
    expect(signIn.request).toMatchObject({ method: 'POST', url: 'http://sim.test:8080/mcoi/api/users/authenticate', postData: { mimeType: 'application/json' } });
    expect(JSON.parse(signIn.request.postData!.text)).toEqual({ login: USERS.main.login, password: '***' });
    expect(signIn.response.status).toBe(200);
    expect(orders.request.url).toBe('http://sim.test:8080/mcoi/api/orders?limit=2');
    expect(orders.request.queryString).toEqual([{ name: 'limit', value: '2' }]);
    expect(orders.request.headers.find((h) => h.name === 'Authorization')?.value).not.toContain(token);
    expect(JSON.stringify(har)).not.toContain(token);
    expect(orders.response.content.mimeType).toMatch(/^application\/json/);
    expect(JSON.parse(orders.response.content.text!).orderInfos).toBeDefined();
    expect(requests.request.url).toBe('http://sim.test:8080/id-issuer/api/v3/identifiers/unit/requests?pageSize=1');
    expect(har.log.entries.every((e) => e.startedDateTime === '2026-03-02T09:00:00.000Z')).toBe(true);
  });

  it('names a world\'s URLs under its prefix, and a fault that shaped an answer', async () => {
    const s = await setup();
    expect((await s.http.post('/__sim/worlds').send({ id: 'har' })).status).toBe(201);
    expect((await s.http.post('/w/har/__sim/scenarios').send({ scenario: { name: 'down', description: 'd', faults: [{ match: { system: 'mcoi' }, action: { status: 503 }, description: 'down for the test' }] } })).status).toBe(200);
    await s.http.get('/w/har/mcoi/api/orders');
    const control = (await s.http.get('/w/har/__sim/journal?format=har&system=control').set('Host', 'localhost:8080')).body as Har;
    expect(control.log.entries[0].request.url).toBe('http://localhost:8080/w/har/__sim/scenarios');
    const har = (await s.http.get('/w/har/__sim/journal?format=har&system=mcoi').set('Host', 'localhost:8080')).body as Har;
    await expect(harValidator.har(har)).resolves.toEqual(har);
    expect(har.log.entries).toHaveLength(1);
    expect(har.log.entries[0].request.url).toBe('http://localhost:8080/w/har/mcoi/api/orders');
    expect(har.log.entries[0].response.status).toBe(503);
    expect(har.log.entries[0].comment).toContain('scenario fault /faults/0');
  });

  it('an empty journal is an empty HAR', async () => {
    const s = await setup();
    const har = (await s.http.get('/__sim/journal?format=har&system=setmark')).body as Har;
    await expect(harValidator.har(har)).resolves.toEqual(har);
    expect(har.log.entries).toEqual([]);
  });

  it('the validator can refuse: an entry without its response is not HAR', async () => {
    const s = await setup();
    await s.http.get('/mcoi/api/orders');
    const har = (await s.http.get('/__sim/journal?format=har&system=mcoi')).body as { log: { entries: Record<string, unknown>[] } };
    delete har.log.entries[0].response;
    await expect(harValidator.har(har)).rejects.toThrow();
  });
});
