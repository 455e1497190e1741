import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTRACTS, setup } from '../helpers.js';
import { validate } from './helpers.js';

/** A small ERP: answers the statuses given in turn (the last repeats) and keeps what it got. */
async function erp(statuses: number[]): Promise<{ url: string; got: { path: string; body: any; contentType?: string }[]; server: Server }> {
  const got: { path: string; body: any; contentType?: string }[] = [];
  let n = 0;
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      got.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')), contentType: req.headers['content-type'] });
      res.statusCode = statuses[Math.min(n++, statuses.length - 1)];
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got, server };
}
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** Every push body must match the contract's webhook schema. */
function checkWebhook(name: 'JournalPush' | 'MrcExport', body: unknown) {
  const c = CONTRACTS.setmark;
  expect(c.validateSchema(name, body)).toEqual([]);
}

describe('pushes to the ERP', () => {
  it('the journal goes to the ERP every 10 virtual minutes in the format of §2.12; a 500 is retried with back-off', async () => {
    const e = await erp([500, 500, 200]);
    const s = await setup({ tickMs: 0 });
    await s.http.put('/__sim/setmark/erp').send({ journalUrl: `${e.url}/journal` }).expect(200);
    await validate(s, { mark: 'NOT-ON-STOCK', cash: 25, strictCheck: false });
    s.advance(9 * 60_000);
    await s.sim.tick();
    expect(e.got).toHaveLength(0);
    s.advance(60_000);
    await s.sim.tick();
    expect(e.got).toHaveLength(1);
    expect(e.got[0].path).toBe('/journal');
    expect(e.got[0].contentType).toBe('application/json; charset=UTF-8');
    const body = e.got[0].body;
    checkWebhook('JournalPush', body);
    expect(body).toEqual({
      id: expect.any(Number),
      version: 1,
      data: [{ packetId: 0, productType: 3, inn: '7701234560', shop: 1, cash: 25, excise: 'NOT-ON-STOCK', barcode: null, promoBarcode: null, timestamp: '2026-03-02T12:00:00+0300', errorCode: 3, message: 'Товара с такой маркой нет на остатках магазина. Продажа невозможна. Передача товара покупателю запрещена!' }],
    });
    expect(body.id).toBeLessThan(0);
    s.advance(29_000);
    await s.sim.tick();
    expect(e.got).toHaveLength(1);
    s.advance(1_000);
    await s.sim.tick();
    expect(e.got).toHaveLength(2);
    s.advance(60_000);
    await s.sim.tick();
    expect(e.got).toHaveLength(3);
    expect(e.got[2].body).toEqual(body);
    const view = (await s.http.get('/__sim/setmark/erp')).body;
    expect(view.deliveries.map((d: { status: number; attempt: number; delivered: boolean }) => [d.status, d.attempt, d.delivered])).toEqual([[500, 1, false], [500, 2, false], [200, 3, true]]);
    expect(view.queue).toEqual([]);
    // Every attempt is in the request journal, marked outbound, with what was sent.
    const journal = (await s.http.get('/__sim/journal').query({ system: 'setmark', operationId: 'pushJournal' })).body.entries;
    expect(journal.map((x: { status: number; direction: string; path: string }) => [x.status, x.direction, x.path])).toEqual([[500, 'outbound', `${e.url}/journal`], [500, 'outbound', `${e.url}/journal`], [200, 'outbound', `${e.url}/journal`]]);
    // Exported as a scenario, the pushes are not replayed as client calls.
    expect((await s.http.get('/__sim/journal').query({ format: 'scenario' })).text).not.toContain('outbound');
    expect(s.violations).toEqual([]);
  });

  it('an ERP that does not answer is attempt status 0 with the reason; the push waits', async () => {
    const s = await setup({ tickMs: 0 });
    await s.http.put('/__sim/setmark/erp').send({ journalUrl: 'http://127.0.0.1:9/journal' }).expect(200);
    await validate(s, { mark: 'X', strictCheck: false });
    const res = await s.http.post('/__sim/setmark/push/journal');
    expect(res.status).toBe(200);
    expect(res.body.attempts).toEqual([expect.objectContaining({ status: 0, delivered: false, error: expect.any(String) })]);
    expect(res.body.erp.queue).toHaveLength(1);
    expect(s.violations).toEqual([]);
  });

  it('the MRC export runs by cron (02:00 Moscow) as a queue of packages with packageNumber / packageCount', async () => {
    const e = await erp([200]);
    const s = await setup({ tickMs: 0 });
    await s.http.put('/__sim/setmark/erp').send({ mrcUrl: `${e.url}/mrc`, mrcPackageSize: 1 }).expect(200);
    // 09:00Z is 12:00 in Moscow; the next 02:00 there is 23:00Z, 14 hours on.
    s.advance(14 * 3_600_000 - 1_000);
    await s.sim.tick();
    expect(e.got).toHaveLength(0);
    s.advance(1_000);
    await s.sim.tick();
    expect(e.got.map((g) => [g.body.shop, g.body.packageNumber, g.body.packageCount])).toEqual([[1, 1, 2], [1, 2, 2]]);
    for (const g of e.got) checkWebhook('MrcExport', g.body);
    expect(e.got[0].body.data).toEqual([{ barcode: '012340000101003', item: '101010', codeAP: 200, volume: 0.5, AbV: 40, mrc: [{ beginDate: '01.01.2020', endDate: '31.12.2035', price: 500 }] }]);
    expect(s.violations).toEqual([]);
  });

  it('SIM_SETMARK_ERP_URL gives <base>/journal and <base>/mrc; without any URL a push on demand is a 409', async () => {
    const none = await setup({ tickMs: 0 });
    expect((await none.http.post('/__sim/setmark/push/journal')).status).toBe(409);
    const s = await setup({ tickMs: 0, profile: { setmark: { erpUrl: 'http://erp.local:8081/' } } });
    const view = (await s.http.get('/__sim/setmark/erp')).body;
    expect([view.journalUrl, view.mrcUrl]).toEqual(['http://erp.local:8081/journal', 'http://erp.local:8081/mrc']);
    expect((await s.http.put('/__sim/setmark/erp').send({ mrcCron: '0 0 25 * *' })).status).toBe(400);
    expect((await s.http.put('/__sim/setmark/erp').send({ journalUrl: 'ftp://x' })).status).toBe(400);
    expect(s.violations).toEqual([]);
  });

  it('the built-in recorder sim:erp answers its statuses in turn and keeps what it took', async () => {
    const s = await setup({ tickMs: 0 });
    await s.http.put('/__sim/setmark/erp').send({ journalUrl: 'sim:erp', sinkStatuses: [503, 200] }).expect(200);
    await validate(s, { mark: 'X', strictCheck: false });
    expect((await s.http.post('/__sim/setmark/push/journal')).body.attempts.map((a: { status: number }) => a.status)).toEqual([503]);
    expect((await s.http.post('/__sim/setmark/push/journal')).body.attempts.map((a: { status: number }) => a.status)).toEqual([200]);
    const sink = (await s.http.get('/__sim/setmark/erp')).body.sink;
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0].body.data[0]).toMatchObject({ excise: 'X', errorCode: 3 });
    expect(s.violations).toEqual([]);
  });

  it('advancing the clock through the control plane runs what fell due before it answers', async () => {
    const s = await setup({ tickMs: 0 });
    await s.http.put('/__sim/setmark/erp').send({ journalUrl: 'sim:erp' }).expect(200);
    await validate(s, { mark: 'X', strictCheck: false });
    await s.http.post('/__sim/clock').send({ advanceMs: 600_000 }).expect(200);
    expect((await s.http.get('/__sim/setmark/erp')).body.sink.received).toHaveLength(1);
    expect(s.violations).toEqual([]);
  });
});
