/**
 * The client's report card (issue 27): for each rule a client that breaks it and one that keeps it, both over HTTP
 * against a real app; the report's JSON and JUnit forms, its grading periods, who a client is, its bounds.
 */
import { describe, expect, it } from 'vitest';
import { Recent } from '../simulator/core/conformance.js';
import { setup as baseSetup, type Setup } from './helpers.js';
import { BASE as ID, create as createIdRequest, download, sha256, USER as ID_USER } from './id-issuer/helpers.js';
import { registerOrder, setup as mcoiSetup, USERS } from './mcoi/helpers.js';
import { status as packageStatus, pkg, W } from './setmark/helpers.js';
import { BASE as TA, signIn } from './true-api/helpers.js';

interface RuleResult {
  rule: string;
  result: 'passed' | 'failed' | 'not exercised';
  exercised: number;
  failed: number;
  evidence: { note: string; entries: { id: number; at: string }[]; foundMs?: number; requiredMs?: number }[];
}
interface Report {
  since: string;
  failed: number;
  rules: { id: string; statement: string; source: string; severity: string; system?: string }[];
  clients: { client: string; system: string; organization?: string; rules: RuleResult[] }[];
}

async function report(s: Setup, prefix = ''): Promise<Report> {
  const r = await s.http.get(`${prefix}/__sim/conformance`);
  expect(r.status).toBe(200);
  return r.body as Report;
}

/** One rule's result for the client whose name contains `client`. */
async function grade(s: Setup, client: string, rule: string, prefix = ''): Promise<RuleResult> {
  const rep = await report(s, prefix);
  const c = rep.clients.filter((x) => x.client.includes(client));
  expect(c.map((x) => x.client), `clients matching ${client}`).toHaveLength(1);
  const r = c[0].rules.find((x) => x.rule === rule);
  expect(r, `${rule} graded for ${client}`).toBeDefined();
  return r!;
}

const ORDER = { productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 2, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 };

describe('retry-after: after a 429 nothing is sent to that system before Retry-After elapsed', () => {
  async function limited() {
    const s = await mcoiSetup();
    expect((await s.http.post('/__sim/scenarios').send({ scenario: { name: 'three', description: 'three a minute', limits: { mcoi: { requestsPerMinute: 3 } } } })).status).toBe(200);
    const auth = await s.login();
    for (let i = 0; i < 3; i++) expect((await s.http.get('/mcoi/api/orders').set('Authorization', auth)).status).toBe(200);
    const refused = await s.http.get('/mcoi/api/orders').set('Authorization', auth);
    expect(refused.status).toBe(429);
    return { s, auth, retryAfterS: Number(refused.headers['retry-after']) };
  }

  it('fails a client that sends again at once, with the interval found and the one required', async () => {
    const { s, auth, retryAfterS } = await limited();
    expect(retryAfterS).toBeGreaterThan(0);
    expect((await s.http.get('/mcoi/api/orders').set('Authorization', auth)).status).toBe(429);
    const r = await grade(s, '6e8login23', 'retry-after');
    expect(r).toMatchObject({ result: 'failed', failed: 1 });
    expect(r.evidence[0].requiredMs).toBe(retryAfterS * 1000);
    expect(r.evidence[0].foundMs).toBeLessThan(retryAfterS * 1000);
    expect(r.evidence[0].entries).toHaveLength(2);
    // The evidence points at the journal's entries: the 429 and the request that came too soon.
    const journal = (await s.http.get('/__sim/journal?limit=1000')).body.entries as { id: number; status: number }[];
    expect(r.evidence[0].entries.map((e) => journal.find((j) => j.id === e.id)?.status)).toEqual([429, 429]);
  });

  it('passes a client that waits out Retry-After (on the virtual clock)', async () => {
    const { s, auth, retryAfterS } = await limited();
    s.advance(retryAfterS * 1000);
    expect((await s.http.get('/mcoi/api/orders').set('Authorization', auth)).status).toBe(200);
    expect(await grade(s, '6e8login23', 'retry-after')).toMatchObject({ result: 'passed', exercised: 1, failed: 0 });
  });
});

describe('token-reuse: a token answered 401 is not sent again', () => {
  async function expired() {
    const s = await mcoiSetup();
    const auth = await s.login();
    expect((await s.http.get('/mcoi/api/orders').set('Authorization', auth)).status).toBe(200);
    s.advance(30 * 60_000);
    expect((await s.http.get('/mcoi/api/orders').set('Authorization', auth)).status).toBe(401);
    return { s, auth };
  }

  it('fails a client that sends the expired token again, and names it by the token (a 401 names no user)', async () => {
    const { s, auth } = await expired();
    expect((await s.http.get('/mcoi/api/orders?limit=5').set('Authorization', auth)).status).toBe(401);
    const r = await grade(s, '6e8login23', 'token-reuse');
    expect(r).toMatchObject({ result: 'failed', failed: 1 });
    // The secret itself appears nowhere in the report.
    expect(JSON.stringify(await report(s))).not.toContain(auth.slice(7));
  });

  it('passes a client that signs in again and uses the new token', async () => {
    const { s } = await expired();
    const fresh = await s.login();
    expect((await s.http.get('/mcoi/api/orders').set('Authorization', fresh)).status).toBe(200);
    expect(await grade(s, '6e8login23', 'token-reuse')).toMatchObject({ result: 'passed', exercised: 1 });
  });
});

describe('poll-interval: a status is not read sooner than advised, and polling stops once it is final', () => {
  it('fails a client that polls an order in a tight loop, and one that goes on reading it once READY', async () => {
    const s = await mcoiSetup();
    const auth = await s.login();
    const id = await registerOrder(s, auth);
    for (let i = 0; i < 3; i++) expect((await s.http.get(`/mcoi/api/orders?orderId=${id}`).set('Authorization', auth)).status).toBe(200);
    let r = await grade(s, '6e8login23', 'poll-interval');
    expect(r).toMatchObject({ result: 'failed', failed: 2 });
    expect(r.evidence[0]).toMatchObject({ requiredMs: 1000 });
    expect(r.evidence[0].foundMs).toBeLessThan(1000);

    expect((await s.http.post('/__sim/conformance/reset')).status).toBe(200);
    s.advance(5_000);
    for (let i = 0; i < 3; i++) {
      const read = await s.http.get(`/mcoi/api/orders?orderId=${id}`).set('Authorization', auth);
      expect(read.body.orderInfos[0].orderStatus).toBe('READY');
      s.advance(2_000);
    }
    r = await grade(s, '6e8login23', 'poll-interval');
    expect(r).toMatchObject({ result: 'failed', failed: 1 });
    expect(r.evidence[0].note).toMatch(/after its status was final \(READY\)/);
  });

  it('passes a client that reads once a second until READY, then stops', async () => {
    const s = await mcoiSetup();
    const auth = await s.login();
    const id = await registerOrder(s, auth);
    let st = '';
    while (st !== 'READY') {
      st = (await s.http.get(`/mcoi/api/orders?orderId=${id}`).set('Authorization', auth)).body.orderInfos[0].orderStatus;
      s.advance(1_000);
    }
    expect(await grade(s, '6e8login23', 'poll-interval')).toMatchObject({ result: 'passed', failed: 0 });
  });
});

describe('client-error-repeat: a request refused with a 4xx is not sent again unchanged more than once', () => {
  const bad = { ...ORDER, productGroup: 'no-such-group' };

  it('fails a client that sends a refused order a third time unchanged', async () => {
    const s = await mcoiSetup();
    const auth = await s.login();
    for (let i = 0; i < 3; i++) expect((await s.http.post('/mcoi/api/orders').set('Authorization', auth).send(bad)).status).toBe(400);
    const r = await grade(s, '6e8login23', 'client-error-repeat');
    expect(r).toMatchObject({ result: 'failed', failed: 1 });
    expect(r.evidence[0].note).toMatch(/sent 3 times unchanged after a 400/);
  });

  it('passes a client that retries once, then mends the request', async () => {
    const s = await mcoiSetup();
    const auth = await s.login();
    for (let i = 0; i < 2; i++) expect((await s.http.post('/mcoi/api/orders').set('Authorization', auth).send(bad)).status).toBe(400);
    expect((await s.http.post('/mcoi/api/orders').set('Authorization', auth).send(ORDER)).status).toBe(200);
    expect(await grade(s, '6e8login23', 'client-error-repeat')).toMatchObject({ result: 'passed', exercised: 1, failed: 0 });
  });
});

describe('duplicate-write: a write that succeeded is not sent again with the same body within 60 s', () => {
  it('fails a client that registers the same order twice after a lost answer', async () => {
    const s = await mcoiSetup();
    const auth = await s.login();
    expect((await s.http.post('/mcoi/api/orders').set('Authorization', auth).send(ORDER)).status).toBe(200);
    s.advance(5_000);
    expect((await s.http.post('/mcoi/api/orders').set('Authorization', auth).send(ORDER)).status).toBe(200);
    const r = await grade(s, '6e8login23', 'duplicate-write');
    expect(r).toMatchObject({ result: 'failed', failed: 1 });
    expect(r.evidence[0]).toMatchObject({ foundMs: 5_000, requiredMs: 60_000 });
  });

  it('passes a client whose second identical order comes a minute later, and sign-ins are not writes', async () => {
    const s = await mcoiSetup();
    await s.login();
    const auth = await s.login();
    expect((await s.http.post('/mcoi/api/orders').set('Authorization', auth).send(ORDER)).status).toBe(200);
    s.advance(61_000);
    expect((await s.http.post('/mcoi/api/orders').set('Authorization', auth).send(ORDER)).status).toBe(200);
    expect(await grade(s, '6e8login23', 'duplicate-write')).toMatchObject({ result: 'passed', exercised: 2, failed: 0 });
  });
});

describe('unclosed-order (MCOI): an order whose codes were all unloaded is closed', () => {
  it('fails while the order is open, and passes once it is closed', async () => {
    const s = await mcoiSetup();
    const auth = await s.login();
    const id = await registerOrder(s, auth, {}, ORDER.products);
    s.advance(5_000);
    const codes = await s.http.get(`/mcoi/api/codes?orderId=${id}&gtin=04899215122371&quantity=2`).set('Authorization', auth);
    expect(codes.status, JSON.stringify(codes.body)).toBe(200);
    let r = await grade(s, '6e8login23', 'unclosed-order');
    expect(r).toMatchObject({ result: 'failed', failed: 1 });
    expect(r.evidence[0].note).toBe(`order ${id}: every code unloaded, the order never closed`);
    expect((await s.http.post(`/mcoi/api/order/close?orderId=${id}`).set('Authorization', auth)).status).toBe(200);
    r = await grade(s, '6e8login23', 'unclosed-order');
    expect(r).toMatchObject({ result: 'passed', exercised: 1, failed: 0 });
  });

  it('is not exercised by an order unloaded in part', async () => {
    const s = await mcoiSetup();
    const auth = await s.login();
    const id = await registerOrder(s, auth, {}, ORDER.products);
    s.advance(5_000);
    expect((await s.http.get(`/mcoi/api/codes?orderId=${id}&gtin=04899215122371&quantity=1`).set('Authorization', auth)).status).toBe(200);
    expect(await grade(s, '6e8login23', 'unclosed-order')).toMatchObject({ result: 'not exercised' });
  });
});

describe('unconfirmed-download (ID issuer): a downloaded identifiers file is confirmed with its SHA-256', () => {
  async function downloaded() {
    const s = await baseSetup();
    const id = await createIdRequest(s, { processImmediately: true, reqQuantity: 10 });
    s.advance(12_000);
    const file = await download(s, id);
    expect(file.status).toBe(200);
    return { s, id, file };
  }

  it('fails a client that never confirms, and one whose checksum is wrong', async () => {
    const { s, id } = await downloaded();
    const wrong = await s.http.put(`${ID}/${id}/confirmation`).set('Authorization', ID_USER).send({ checksum: 'a'.repeat(64), format: 'Full' });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    const r = await grade(s, 'user@test.pl', 'unconfirmed-download');
    expect(r).toMatchObject({ result: 'failed', failed: 1 });
    expect(r.evidence[0].note).toBe(`request ${id}: identifiers downloaded, never confirmed`);
  });

  it('passes a client that confirms with the SHA-256 of the file', async () => {
    const { s, id, file } = await downloaded();
    expect((await s.http.put(`${ID}/${id}/confirmation`).set('Authorization', ID_USER).send({ checksum: sha256(file.text), format: 'Full' })).status).toBe(204);
    expect(await grade(s, 'user@test.pl', 'unconfirmed-download')).toMatchObject({ result: 'passed', exercised: 1, failed: 0 });
  });
});

describe('undownloaded-result (True API): a finished code-list order has its result downloaded', () => {
  async function finished() {
    const s = await baseSetup();
    const auth = await signIn(s);
    const made = await s.http.post(`${TA}/cises/my`).set('Authorization', auth).send({ gtin: '04606203084630', packageType: 'LEVEL1' });
    expect(made.status).toBe(200);
    s.advance(5_000);
    const st = await s.http.get(`${TA}/cises/orders/${made.body.uuid}/status`).set('Authorization', auth);
    expect(st.body).toBe('SUCCESS');
    return { s, auth, uuid: made.body.uuid as string };
  }

  it('fails a client that saw SUCCESS and never took the result', async () => {
    const { s, uuid } = await finished();
    const r = await grade(s, '150140000012', 'undownloaded-result');
    expect(r).toMatchObject({ result: 'failed', failed: 1 });
    expect(r.evidence[0].note).toBe(`code-list order ${uuid}: finished, its result never downloaded`);
  });

  it('passes a client that downloads it', async () => {
    const { s, auth, uuid } = await finished();
    expect((await s.http.get(`${TA}/cises/orders/${uuid}/result`).set('Authorization', auth)).status).toBe(200);
    expect(await grade(s, '150140000012', 'undownloaded-result')).toMatchObject({ result: 'passed', exercised: 1 });
  });
});

describe('unchecked-package (SetMark): a loaded package is followed by erp/status', () => {
  it('fails an ERP that loads and never asks, passes one that asks; the shop is the client', async () => {
    const s = await baseSetup();
    expect((await s.http.post('/setmark/erp/add_mark').send(pkg(7, [{ mark: W.shoes }]))).status).toBe(200);
    expect((await s.http.post('/setmark/erp/add_mark').send(pkg(8, [{ mark: W.milk }], { shop: 4 }))).status).toBe(200);
    await packageStatus(s, [8], 4);
    expect(await grade(s, 'shop 1', 'unchecked-package')).toMatchObject({ result: 'failed', failed: 1, evidence: [{ note: 'package 7 (shop 1): loaded, its status never asked' }] });
    expect(await grade(s, 'shop 4', 'unchecked-package')).toMatchObject({ result: 'passed', exercised: 1 });
    expect((await report(s)).clients.find((c) => c.client.startsWith('setmark: shop 1'))).toMatchObject({ organization: '7701234560' });
  });
});

describe('the report', () => {
  it('lists every rule with its statement, source and severity; a client is its credential, refined by X-Sim-Client', async () => {
    const s = await mcoiSetup();
    const auth = await s.login();
    await s.http.get('/mcoi/api/orders').set('Authorization', auth).set('X-Sim-Client', 'erp-sync/2.1');
    await s.http.get('/mcoi/api/orders').set('Authorization', auth).set('User-Agent', 'label-printer/1.0');
    const rep = await report(s);
    expect(rep.rules.map((r) => r.id)).toEqual(['retry-after', 'token-reuse', 'poll-interval', 'client-error-repeat', 'duplicate-write', 'unclosed-order', 'unconfirmed-download', 'undownloaded-result', 'unchecked-package']);
    for (const r of rep.rules) expect(r.statement.length && r.source.length, r.id).toBeTruthy();
    expect(rep.rules.find((r) => r.id === 'unclosed-order')).toMatchObject({ system: 'mcoi', source: expect.stringContaining('MCOI v1.1.17') });
    const names = rep.clients.map((c) => c.client);
    expect(names).toEqual(expect.arrayContaining(['mcoi: 6e8login23 · erp-sync/2.1', 'mcoi: 6e8login23 · label-printer/1.0']));
    // A client is graded on its own system's rules and the generic ones only.
    expect(rep.clients[0].rules.map((r) => r.rule)).toEqual(['retry-after', 'token-reuse', 'poll-interval', 'client-error-repeat', 'duplicate-write', 'unclosed-order']);
    expect((await s.http.get('/__sim/conformance?client=ERP-SYNC')).body.clients.map((c: { client: string }) => c.client)).toEqual(['mcoi: 6e8login23 · erp-sync/2.1']);
    expect(rep.clients.find((c) => c.client === 'mcoi: 6e8login23 · erp-sync/2.1')).toMatchObject({ system: 'mcoi', organization: '301234567' });
  });

  it('as JUnit XML: a suite per client, a test case per rule, a failure with the evidence, skipped when not exercised', async () => {
    const s = await mcoiSetup();
    const auth = await s.login();
    for (let i = 0; i < 2; i++) await s.http.post('/mcoi/api/orders').set('Authorization', auth).send(ORDER);
    const r = await s.http.get('/__sim/conformance?format=junit').buffer(true).parse((res, cb) => {
      let d = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (d += c));
      res.on('end', () => cb(null, d));
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/xml/);
    const xml = r.body as string;
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="marking-simulator conformance" tests="6" failures="1">/);
    expect(xml).toContain('<testsuite name="mcoi: 6e8login23" tests="6" failures="1" skipped="5">');
    expect(xml).toMatch(/<testcase classname="mcoi: 6e8login23[^"]*" name="duplicate-write: [^"]*"><failure message="1 violation\(s\) of duplicate-write" type="error">POST \/api\/orders succeeded again with the same body [^[]*\[journal #\d+ at 2026-03-02T09:00:00.000Z, #\d+ at 2026-03-02T09:00:00.000Z\]<\/failure><\/testcase>/);
    expect(xml).toMatch(/name="retry-after: [^"]*"><skipped message="not exercised"\/><\/testcase>/);
    expect((xml.match(/<testcase /g) ?? []).length).toBe(6);
  });

  it('refuses a format it does not know and a client filter over 200 characters, as problem details', async () => {
    const s = await mcoiSetup();
    for (const q of ['format=xml', `client=${'x'.repeat(201)}`]) {
      const r = await s.http.get(`/__sim/conformance?${q}`);
      expect([r.status, r.headers['content-type']], q).toEqual([400, expect.stringMatching(/^application\/problem\+json/)]);
    }
    // Any text within bounds is a filter, even one no client matches.
    expect((await s.http.get('/__sim/conformance?client=%3Cscript%3E')).body.clients).toEqual([]);
  });

  it('starts a new grading period on POST /conformance/reset and on a reset of the world; worlds are graded apart', async () => {
    const s = await mcoiSetup();
    const auth = await s.login();
    for (let i = 0; i < 2; i++) await s.http.post('/mcoi/api/orders').set('Authorization', auth).send(ORDER);
    expect((await report(s)).failed).toBe(1);
    expect((await s.http.post('/w/other/__sim/conformance/reset')).status).toBe(404);
    expect((await s.http.post('/__sim/worlds').send({ id: 'other' })).status).toBe(201);
    expect((await report(s, '/w/other')).clients).toEqual([]);
    s.advance(1_000);
    const reset = await s.http.post('/__sim/conformance/reset');
    expect(reset.body).toEqual({ since: '2026-03-02T09:00:01.000Z' });
    expect(await report(s)).toMatchObject({ since: '2026-03-02T09:00:01.000Z', failed: 0, clients: [] });
    for (let i = 0; i < 2; i++) await s.http.post('/mcoi/api/orders').set('Authorization', auth).send(ORDER);
    expect((await report(s)).failed).toBe(1);
    expect((await s.http.post('/__sim/reset').send({})).status).toBe(200);
    expect((await report(s)).clients).toEqual([]);
  });

  it('stays bounded: 300 programs on one credential are 200 clients and the rest graded together', async () => {
    const s = await mcoiSetup();
    const auth = await s.login();
    for (let i = 0; i < 300; i++) await s.http.get('/mcoi/api/orders').set('Authorization', auth).set('X-Sim-Client', `program-${i}`);
    const rep = await report(s);
    expect(rep.clients).toHaveLength(201);
    expect(rep.clients.map((c) => c.client)).toContain('other clients (more than 200)');
  });

  it('a rule remembers a bounded number of things per client (the least recently seen go first)', () => {
    const r = new Recent<number, number>(3);
    for (let i = 0; i < 10; i++) r.set(i, i);
    r.set(7, 7);
    expect([...r.keys()]).toEqual([8, 9, 7]);
  });
});

describe('a scenario step asserts the report card', () => {
  it('passes when the failed rules are the ones expected and fails, saying why, when not', async () => {
    const s = await mcoiSetup();
    const { runJourney } = await import('../simulator/control/journey.js');
    const server = (await import('node:http')).createServer(s.sim.app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const login = { request: { system: 'mcoi', method: 'POST', path: '/api/users/authenticate', body: USERS.main }, capture: { token: 'accessToken' } };
      const twice = { repeat: 2, request: { system: 'mcoi', method: 'POST', path: '/api/orders', headers: { Authorization: 'Bearer ${token}' }, body: ORDER }, expect: { status: 200 } };
      const ok = await runJourney({ name: 'x', description: 'y', steps: [login, twice, { expect: { conformance: { client: '6e8login23', failed: ['duplicate-write'] } } }] } as never, base, { activate: false });
      expect(ok.map((r) => r.ok)).toEqual([true, true, true]);
      expect(ok[2].name).toBe('the client report card');
      const bad = await runJourney({ name: 'x', description: 'y', steps: [{ expect: { conformance: { failed: [], passed: ['retry-after'] } } }] } as never, base, { activate: false });
      expect(bad[0].failures).toEqual([
        expect.stringMatching(/^conformance: expected the clients to fail \[\], they failed \["duplicate-write"\]: duplicate-write \(mcoi: 6e8login23 · node: POST \/api\/orders succeeded again with the same body/),
        'conformance: expected retry-after passed for the clients, it is not exercised',
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('the README lists every rule', () => {
  it('with its statement and severity, as the systems declare them', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { PROJECT_ROOT } = await import('../simulator/core/paths.js');
    const { rulesOf } = await import('../simulator/core/conformance.js');
    const { defaultCatalog } = await import('../simulator/app.js');
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const rows = new Map([...readme.matchAll(/^\| `([a-z-]+)`(?: \([^)]*\))? \| (.*?) \| .*? \| (error|warning) \|$/gm)].map((m) => [m[1], { statement: m[2], severity: m[3] }]));
    const rules = rulesOf(defaultCatalog().systems.map((s) => s.module));
    expect([...rows.keys()]).toEqual(rules.map((r) => r.id));
    for (const r of rules) expect(rows.get(r.id), r.id).toEqual({ statement: r.statement, severity: r.severity });
  });
});
