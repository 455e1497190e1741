/**
 * Invariants under concurrency (file store, a listening server, many requests in flight at once): no code or id is
 * handed out twice, counters add up, and every race has exactly one winner.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contractProblems } from './harness/fuzz.js';
import { createApp, type Sim } from '../simulator/app.js';
import { ManualClock } from '../simulator/core/clock.js';
import { T0 } from './helpers.js';
import { USERS } from './mcoi/helpers.js';
import { BASE, requestBody, USER } from './id-issuer/helpers.js';

const GTIN = '04899215122371';
let sim: Sim;
let base: string;
let dir: string;
let clock: ManualClock;
let close: () => Promise<void>;
let requests = 0;
/** Every answer of this file's server, checked against the contract of the system that answered. */
const violations: string[] = [];
afterEach(() => expect(violations.splice(0), 'responses that break the OpenAPI contract').toEqual([]));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sim-concurrency-'));
  clock = new ManualClock(T0);
  sim = await createApp({ clock, store: { kind: 'file', dir }, rateLimits: false, onExchange: (e) => void violations.push(...contractProblems(e, sim.contracts)) });
  const server = sim.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await sim.close();
  };
});
afterAll(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown, auth?: string): Promise<{ status: number; body: any }> {
  requests++;
  const res = await fetch(base + path, { method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(auth ? { authorization: auth } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text };
}

const login = async (user: keyof typeof USERS = 'main') => `Bearer ${(await call('POST', '/mcoi/api/users/authenticate', USERS[user])).body.accessToken}`;

async function readyOrder(auth: string, quantity: number): Promise<string> {
  const { body } = await call('POST', '/mcoi/api/orders', { productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', businessPlaceId: 27, products: [{ gtin: GTIN, quantity, serialNumberType: 'OPERATOR', cisType: 'UNIT' }] }, auth);
  clock.advance(3_000);
  return body.orderId;
}

describe('many requests at once', () => {
  it('40 clients asking for the next pack of one sub-order at once: one new pack, and every client gets it (§3.4)', async () => {
    const auth = await login();
    const orderId = await readyOrder(auth, 5_000);
    const first = (await call('GET', `/mcoi/api/codes?orderId=${orderId}&gtin=${GTIN}&quantity=100`, undefined, auth)).body;
    // Each names the last pack it knows: the first one through takes a new pack; for the others that pack is then
    // no longer the last, so they get what came after it: the same new pack, not a pack of their own.
    const next = await Promise.all(Array.from({ length: 40 }, () => call('GET', `/mcoi/api/codes?orderId=${orderId}&gtin=${GTIN}&quantity=100&lastPackId=${first.packId}`, undefined, auth)));
    expect(next.every((p) => p.status === 200)).toBe(true);
    expect(new Set(next.map((p) => p.body.packId)).size).toBe(1);
    expect(new Set(next.map((p) => JSON.stringify(p.body.codes))).size).toBe(1);
    expect(next[0].body.codes.filter((c: string) => first.codes.includes(c))).toEqual([]);
    expect((await call('GET', `/mcoi/api/codes/packs?orderId=${orderId}&gtin=${GTIN}`, undefined, auth)).body.packs.length).toBe(2);
    expect((await call('GET', `/mcoi/api/orders/sub-orders?orderId=${orderId}`, undefined, auth)).body.subOrderInfos[0].leftInBuffer).toBe(4_800);
  });

  it('40 sub-orders unloaded at once hand out 40 × 100 codes, none twice', async () => {
    const auth = await login();
    const orders = await Promise.all(Array.from({ length: 40 }, () => readyOrder(auth, 100)));
    const packs = await Promise.all(orders.map((orderId) => call('GET', `/mcoi/api/codes?orderId=${orderId}&gtin=${GTIN}&quantity=100`, undefined, auth)));
    const codes = packs.flatMap((p) => p.body.codes as string[]);
    expect(codes).toHaveLength(4_000);
    expect(new Set(codes).size).toBe(4_000);
  });

  it('closing one order from 20 clients at once: one succeeds, the others are told it is closed', async () => {
    const auth = await login();
    const orderId = await readyOrder(auth, 10);
    const results = await Promise.all(Array.from({ length: 20 }, () => call('POST', `/mcoi/api/order/close?orderId=${orderId}`, undefined, auth)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400).map((r) => r.body.globalErrors[0].code)).toEqual(Array(19).fill('order-already-closed'));
  });

  it('applying the same codes in 20 reports at once: exactly one report succeeds', async () => {
    const auth = await login();
    const orderId = await readyOrder(auth, 10);
    const { codes } = (await call('GET', `/mcoi/api/codes?orderId=${orderId}&gtin=${GTIN}&quantity=10`, undefined, auth)).body;
    const ids = await Promise.all(Array.from({ length: 20 }, () => call('POST', '/mcoi/api/utilisation?productGroup=vegetableoil', { sntins: codes, businessPlaceId: 27, releaseType: 'PRODUCTION' }, auth)));
    expect(ids.every((r) => r.status === 200)).toBe(true);
    clock.advance(2_000);
    const statuses = await Promise.all(ids.map((r) => call('GET', `/mcoi/api/utilisation/${r.body.reportId}`, undefined, auth)));
    expect(statuses.filter((r) => r.body.reportStatus === 'SUCCESS')).toHaveLength(1);
    expect(statuses.filter((r) => r.body.reportStatus === 'ERROR')).toHaveLength(19);
  });

  it('30 logins of one user at once: 30 different tokens, and only the last one issued works', async () => {
    const tokens = await Promise.all(Array.from({ length: 30 }, () => call('POST', '/mcoi/api/users/authenticate', USERS.reportsOnly)));
    expect(new Set(tokens.map((t) => t.body.accessToken)).size).toBe(30);
    const works = await Promise.all(tokens.map((t) => call('GET', '/mcoi/api/utilisation/0e534f23-0c42-4118-4e32-5ef2d04dc555', undefined, `Bearer ${t.body.accessToken}`)));
    expect(works.filter((w) => w.status === 200)).toHaveLength(1);
    // A session remembers the last five tokens it replaced (inactive-token); older ones are unknown (invalid-token).
    const causes = works.filter((w) => w.status === 401).map((w) => w.body.globalErrors[0].context._cause as string);
    expect([causes.length, causes.filter((c) => c === 'inactive-token').length]).toEqual([29, 5]);
  });

  it('50 ID-issuer requests at once get 50 consecutive ids; 10 cancellations of one request: one wins', async () => {
    const before = (await call('GET', '/__sim/state/id-issuer')).body.requests.total;
    const created = await Promise.all(Array.from({ length: 50 }, () => call('POST', `${BASE}/requests`, requestBody(), USER)));
    const ids = created.map((c) => c.body.requestId as number).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => ids[0] + i));
    expect((await call('GET', '/__sim/state/id-issuer')).body.requests.total).toBe(before + 50);
    const cancels = await Promise.all(Array.from({ length: 10 }, () => call('PUT', `${BASE}/requests/${ids[0]}/cancellation`, { economicOperatorId: 'PWPK0000001', cancellationReason: 'Other' }, USER)));
    expect(cancels.filter((c) => c.status === 204)).toHaveLength(1);
    expect(cancels.filter((c) => c.status === 409)).toHaveLength(9);
  });

  it('a mix of everything at once keeps every invariant', async () => {
    const auth = await login();
    const orders = await Promise.all(Array.from({ length: 20 }, () => readyOrder(auth, 200)));
    const mixed = await Promise.all(
      orders.flatMap((orderId) => [
        call('GET', `/mcoi/api/codes?orderId=${orderId}&gtin=${GTIN}&quantity=50`, undefined, auth),
        call('GET', `/mcoi/api/codes?orderId=${orderId}&gtin=${GTIN}&quantity=50`, undefined, auth),
        call('GET', `/mcoi/api/orders?orderId=${orderId}`, undefined, auth),
        call('POST', `${BASE}/requests`, requestBody({ reqQuantity: 10 }), USER),
        call('POST', '/__sim/clock', { advanceMs: 1 }),
      ]),
    );
    expect(mixed.every((r) => r.status < 300)).toBe(true);
    // Two first unloads of each order race: one takes the pack, the other re-unloads it (§3.4).
    const codes = mixed.filter((r) => Array.isArray(r.body?.codes)).flatMap((r) => r.body.codes as string[]);
    expect(codes).toHaveLength(20 * 2 * 50);
    expect(new Set(codes).size).toBe(20 * 50);
    expect(requests).toBeGreaterThan(400);
  });
});
