import { describe, expect, it } from 'vitest';
import { registerOrder, readyCodes, setup, USERS } from './mcoi/helpers.js';

describe('dashboard views (GET /__sim/state/{system}/views...)', () => {
  it('lists each system\'s views and whether it looks codes up', async () => {
    const s = await setup();
    for (const [system, views] of [['mcoi', ['orders', 'documents']], ['id-issuer', ['requests']], ['true-api', ['documents', 'codes']], ['setmark', ['packages', 'stock', 'journal']]] as const) {
      const res = await s.http.get(`/__sim/state/${system}/views`);
      expect(res.status).toBe(200);
      expect(res.body.codeLookup).toBe(true);
      expect(res.body.views.map((v: { name: string }) => v.name)).toEqual(views);
    }
    const bad = await s.http.get('/__sim/state/mcoi/views/ordres');
    expect(bad.status).toBe(404);
    expect(bad.body.detail).toBe('mcoi has no view "ordres" (its views: orders, documents)');
  });

  it('counts every view as its rows list it (an unfiltered page stops early and takes the view\'s own count)', async () => {
    const s = await setup();
    for (const [system, instance] of Object.entries(s.sim.systems)) {
      for (const [name, v] of Object.entries(instance.views ?? {})) {
        let rows = 0;
        for (const _ of v.rows()) rows++;
        expect(v.count?.(), `${system} ${name}`).toBe(rows);
      }
    }
    // Over HTTP: the pages of a view list exactly its total.
    const first = (await s.http.get('/__sim/state/setmark/views/stock').query({ limit: 1 })).body;
    let seen = 0;
    for (let offset = 0; offset < first.total; offset += 7) seen += (await s.http.get('/__sim/state/setmark/views/stock').query({ limit: 7, offset })).body.rows.length;
    expect(seen).toBe(first.total);
  });

  it('filters MCOI orders by status and text and pages them on the server, newest first', async () => {
    const s = await setup();
    const auth = await s.login();
    const a = await registerOrder(s, auth);
    s.advance(5_000);
    const b = await registerOrder(s, auth, { poNumber: 'PO-77' });
    const created = await s.http.get('/__sim/state/mcoi/views/orders').query({ status: 'CREATED' });
    expect(created.body).toMatchObject({ total: 1, offset: 0, rows: [{ id: b, status: 'CREATED' }] });
    const ready = await s.http.get('/__sim/state/mcoi/views/orders').query({ status: 'READY', q: a.slice(0, 8).toUpperCase() });
    expect(ready.body.rows.map((r: { id: string }) => r.id)).toEqual([a]);
    const all = await s.http.get('/__sim/state/mcoi/views/orders').query({ limit: 2, offset: 1 });
    expect(all.body.total).toBe(8); // the six orders of the default world and these two
    expect(all.body.rows).toHaveLength(2);
    expect(all.body.rows[0].id).toBe(a);
  });

  it('shows an order with its sub-orders, packs and codes, and a code\'s timeline', async () => {
    const s = await setup();
    const auth = await s.login();
    const { orderId, codes, packId } = await readyCodes(s, auth, 3);
    const detail = await s.http.get(`/__sim/state/mcoi/views/orders/${orderId}`);
    expect(detail.body.fields).toMatchObject({ status: 'READY', owner: '301234567' });
    expect(detail.body.sections[0].rows[0].cells).toMatchObject({ gtin: '04899215122371', quantity: 3, status: 'EXHAUSTED', unloaded: 3 });
    expect(detail.body.sections[1].rows[0].id).toBe(packId);
    expect(detail.body.codes).toEqual(codes);
    const t = await s.http.get('/__sim/state/mcoi/timeline').query({ code: codes[0].split('\u001d')[0] });
    expect(t.body).toMatchObject({ code: codes[0], status: 'RECEIVED' });
    expect(t.body.events.map((e: { status?: string }) => e.status)).toEqual(['EMITTED', 'RECEIVED']);
    const unknown = await s.http.get('/__sim/state/mcoi/timeline').query({ code: 'nope' });
    expect(unknown.status).toBe(404);
    expect((await s.http.get('/__sim/state/mcoi/views/orders/nope')).status).toBe(404);
  });

  it('looks an ID-issuer identifier up by decoding it back to its request', async () => {
    const s = await setup();
    const { create } = await import('./id-issuer/helpers.js');
    const id = await create(s, { processImmediately: true });
    s.advance(60_000);
    const detail = await s.http.get(`/__sim/state/id-issuer/views/requests/${id}`);
    expect(detail.status).toBe(200);
    const ui = detail.body.codes[2];
    const t = await s.http.get('/__sim/state/id-issuer/timeline').query({ code: ui });
    expect(t.body).toMatchObject({ code: ui, fields: { requestId: id, index: 2 } });
    expect(t.body.events[0]).toMatchObject({ event: 'request created', status: 'New' });
    expect((await s.http.get('/__sim/state/id-issuer/timeline').query({ code: `${ui.slice(0, -1)}0` })).status).toBe(404);
  });

  it('shows SetMark packages and marks and True API documents of the default world', async () => {
    const s = await setup();
    const stock = await s.http.get('/__sim/state/setmark/views/stock').query({ limit: 1 });
    expect(stock.body.total).toBeGreaterThan(0);
    const mark = stock.body.rows[0].id;
    expect((await s.http.get('/__sim/state/setmark/timeline').query({ code: mark })).body).toMatchObject({ code: mark });
    expect((await s.http.get('/__sim/state/true-api/views/documents')).status).toBe(200);
  });

  it('lists True API\'s registry codes page by page, each one a code its timeline knows', async () => {
    const s = await setup();
    const meta = (await s.http.get('/__sim/state/true-api/views')).body.views.find((v: { name: string }) => v.name === 'codes');
    expect(meta).toMatchObject({ codeColumn: 'cis', detail: false });
    const page = (await s.http.get('/__sim/state/true-api/views/codes').query({ limit: 3, offset: 10 })).body;
    expect(page.total).toBeGreaterThan(13);
    for (const r of page.rows) {
      const t = (await s.http.get('/__sim/state/true-api/timeline').query({ code: r.cells.cis })).body;
      expect(t).toMatchObject({ code: r.cells.cis, status: r.status, fields: { ownerBin: r.cells.owner } });
    }
    const introduced = (await s.http.get('/__sim/state/true-api/views/codes').query({ status: 'INTRODUCED', limit: 1 })).body;
    expect(introduced.rows[0].status).toBe('INTRODUCED');
  });

  it('lists the default world\'s credentials per system', async () => {
    const s = await setup();
    const res = await s.http.get('/__sim/credentials');
    const mcoi = res.body.systems.find((x: { id: string }) => x.id === 'mcoi');
    expect(mcoi).toMatchObject({ base: '/mcoi' });
    expect(mcoi.credentials).toContainEqual(expect.objectContaining({ user: USERS.main.login, secret: USERS.main.password }));
    expect(res.body.systems.map((x: { id: string }) => x.id)).toEqual(['mcoi', 'id-issuer', 'true-api', 'setmark']);
  });

  it('is locked by SIM_CONTROL_TOKEN like every control route', async () => {
    const s = await setup({ security: { control: { enabled: true, token: 't0ken' } } });
    expect((await s.http.get('/__sim/state/mcoi/views')).status).toBe(401);
    expect((await s.http.get('/__sim/credentials')).status).toBe(401);
    expect((await s.http.get('/__sim/state/mcoi/views').set('Authorization', 'Bearer t0ken')).status).toBe(200);
  });
});

describe('GET /__sim/journal/stream (server-sent events)', () => {
  it('sends the newest entries that pass the filter, then each new one, secrets hidden; stops when the client goes', async () => {
    const { createApp } = await import('../simulator/app.js');
    const { contractHook } = await import('./helpers.js');
    const sim = await createApp({ store: { kind: 'memory' }, onExchange: contractHook().hook });
    const server = sim.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
    try {
      await fetch(`${base}/mcoi/api/users/authenticate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(USERS.main) });
      await fetch(`${base}/__sim/clock`);
      const abort = new AbortController();
      const res = await fetch(`${base}/__sim/journal/stream?system=mcoi`, { signal: abort.signal });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      const events: { path: string; requestBody: unknown; system: string }[] = [];
      let buffer = '';
      const next = async () => {
        for (;;) {
          const cut = buffer.indexOf('\n\n');
          if (cut >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const data = block.split('\n').find((l) => l.startsWith('data: '));
            if (data) return JSON.parse(data.slice(6));
            continue;
          }
          const { value, done } = await reader.read();
          if (done) throw new Error('stream ended');
          buffer += value;
        }
      };
      events.push(await next());
      expect(events[0]).toMatchObject({ system: 'mcoi', path: '/api/users/authenticate', requestBody: { login: USERS.main.login, password: '***' } });
      await fetch(`${base}/__sim/health`); // control: filtered out
      await fetch(`${base}/mcoi/api/orders`);
      events.push(await next());
      expect(events[1]).toMatchObject({ system: 'mcoi', path: '/api/orders', status: 401 });
      abort.abort();
      await reader.cancel().catch(() => undefined);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await sim.close();
    }
  });
});

describe('dashboard routes refuse bad input in problem details', () => {
  it('an unknown system, a limit over 500, a missing code', async () => {
    const s = await setup();
    expect((await s.http.get('/__sim/state/mcio/views')).body.detail).toMatch(/no system "mcio" is mounted/);
    expect((await s.http.get('/__sim/state/mcoi/views/orders').query({ limit: 501 })).status).toBe(400);
    expect((await s.http.get('/__sim/state/mcoi/views/orders').query({ q: 'x'.repeat(201) })).status).toBe(400);
    expect((await s.http.get('/__sim/state/mcoi/timeline')).status).toBe(400);
  });
});
