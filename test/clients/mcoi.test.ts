/**
 * Real MCOI (ASL BELGISI / xTrace) clients replayed as they call the stands (issue 24): each test sends exactly what
 * the client's public code sends — paths, headers, body forms and key order, `signature` as "" or absent,
 * `businessPlaceId` as a number — through the whole flow it runs, and checks what it reads from the answers.
 * The simulator is addressed at MCOI's own port (SIM_PORTS): these clients write the real paths below the host.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { GS } from '../../simulator/core/gs1.js';
import { unzipFiles } from '../../simulator/core/zip.js';
import { applied, readyCodes, setup, SSCC, type Setup } from '../mcoi/helpers.js';

const MAIN = { tin: '301234567', key: '2f6c1a3e-5b7d-4e90-8a1c-6e8a0b7c9d01', place: 27 };
const WATER = { tin: '304567890', key: '2f6c1a3e-5b7d-4e90-8a1c-6e8a0b7c9d07', place: 51, gtin: '04780003000011' };
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
/** Python's json.dumps with its defaults: ", " and ": " between items, non-ASCII escaped; optionally sorted keys. */
function pyDumps(v: unknown, sortKeys = false): string {
  if (Array.isArray(v)) return `[${v.map((x) => pyDumps(x, sortKeys)).join(', ')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    if (sortKeys) keys.sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${pyDumps((v as Record<string, unknown>)[k], sortKeys)}`).join(', ')}}`;
  }
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
/** json.dumps(..., separators=(",", ":"), sort_keys=...) with ensure_ascii=False. */
const compact = (v: unknown, sortKeys = false) => (sortKeys ? JSON.stringify(sorted(v)) : JSON.stringify(v));
const sorted = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
const stand = (s: Setup) => request(s.sim.portListener('mcoi'));
const zipOf = (req: request.Test) =>
  req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

describe('kholdarbekov/bluestream (TaxCommitteeService): the business user\'s API key, checked before each use', () => {
  const headers = (token: string) => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json;charset=UTF-8' });

  it('checks the key, reads the codes\' statuses from private/codes, utilises them and sees them APPLIED', async () => {
    const s = await setup();
    const water = await s.login('water');
    const { codes } = await readyCodes(s, water, 3, WATER.gtin, { productGroup: 'water', businessPlaceId: WATER.place });
    const api = stand(s);
    // _ensure_valid_token → check_token_validity: a GET carrying the JSON content type, no body.
    const check = await api.get(`/public/api/v1/party/parties/${WATER.tin}/api-keys/check`).set(headers(WATER.key));
    expect(check.status, check.text).toBe(200);
    expect(check.body.isTinCorrect).toBe(true);
    expect(check.body).toHaveProperty('expiresOn'); // the world's keys never expire: null, which it tolerates
    // check_marking_code_statuses: the identification codes (the part before GS), results[].codeData.{code,status}.
    const ids = codes.map((c) => c.split(GS)[0]);
    const statuses = async () => {
      const r = await api.post('/public/api/cod/private/codes').set(headers(WATER.key)).send(JSON.stringify({ codes: ids }));
      expect(r.status, r.text).toBe(200);
      return Object.fromEntries((r.body.results as { codeData: { code: string; status: string } }[]).map((e) => [e.codeData.code, e.codeData.status]));
    };
    expect(await statuses()).toEqual(Object.fromEntries(ids.map((c) => [c, 'RECEIVED'])));
    // utilise_marking_codes: full codes with GS, the product group in the query, dates as "%Y-%m-%dT%H:%M:%S+05:00".
    const body = { sntins: codes, businessPlaceId: WATER.place, releaseType: 'PRODUCTION', manufacturerCountry: 'UZ', productionDate: '2026-03-02T13:00:00+05:00', expirationDate: '2026-08-29T13:00:00+05:00' };
    const report = await api.post('/api/utilisation?productGroup=water').set(headers(WATER.key)).send(JSON.stringify(body));
    expect(report.status, report.text).toBe(200);
    expect(report.body.reportId).toEqual(expect.any(String));
    s.advance(2_000);
    expect(await statuses()).toEqual(Object.fromEntries(ids.map((c) => [c, 'APPLIED'])));
  });

  it('renews an expired key with {"apiKey": old} and the old key as the Bearer, reading the new one from apiKey', async () => {
    const s = await setup();
    const api = stand(s);
    // A key issued now (the control plane plays the personal account), living apiKeyLifetimeMs.
    const minted = await s.http.post('/__sim/mcoi/api-keys').send({ login: 'wtr-login01' });
    expect(minted.status).toBe(201);
    const old = minted.body.apiKey as string;
    const check = (key: string) => api.get(`/public/api/v1/party/parties/${WATER.tin}/api-keys/check`).set(headers(key));
    expect((await check(old)).body).toEqual({ isTinCorrect: true, expiresOn: minted.body.expiresOn });
    s.advance(Date.parse(minted.body.expiresOn) - s.clock.nowMs());
    // Expired: anything but a 200 with isTinCorrect sends it to refresh_token.
    expect((await check(old)).status).toBe(401);
    const refreshed = await api.post(`/public/api/v1/party/parties/${WATER.tin}/api-keys/refresh`).set(headers(old)).send(JSON.stringify({ apiKey: old }));
    expect(refreshed.status, refreshed.text).toBe(200);
    const next = typeof refreshed.body === 'string' ? refreshed.body : (refreshed.body.apiKey ?? refreshed.body.token);
    expect(next).toEqual(expect.any(String));
    expect(next).not.toBe(old);
    expect((await check(next)).body.isTinCorrect).toBe(true);
    // The old key is retired: refreshing it again is refused (a retired key is not an expired one).
    expect((await api.post(`/public/api/v1/party/parties/${WATER.tin}/api-keys/refresh`).set(headers(old)).send(JSON.stringify({ apiKey: old }))).status).toBe(401);
  });
});

describe('an async AslBelgisiClient (xtrace OPEN API connector): key, product registry, owner-check, documents', () => {
  const headers = (key: string) => ({ Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', Accept: 'application/json' });

  it('runs its flow: check, refresh by {tin}, product cards, owner-check, verify, aggregation and disaggregation, their documents', async () => {
    const s = await setup();
    const auth = await s.login();
    const codes = await applied(s, auth, 4);
    const foreign = (await readyCodes(s, await s.login('water'), 1, WATER.gtin, { productGroup: 'water', businessPlaceId: WATER.place })).codes[0];
    const api = stand(s);
    let key = MAIN.key;
    // check_api_key, then refresh_api_key: {"tin"} in the body, data["apiKey"] read.
    expect((await api.get(`/public/api/v1/party/parties/${MAIN.tin}/api-keys/check`).set(headers(key))).body.isTinCorrect).toBe(true);
    const refreshed = await api.post(`/public/api/v1/party/parties/${MAIN.tin}/api-keys/refresh`).set(headers(key)).send({ tin: MAIN.tin });
    expect(refreshed.status, refreshed.text).toBe(200);
    key = refreshed.body.apiKey;
    expect((await api.get(`/public/api/v1/party/parties/${MAIN.tin}/api-keys/check`).set(headers(MAIN.key))).status).toBe(401);

    // search_product_by_gtin (gtin, limit, offset) → products; get_product_detail(id) → attributes with meta.
    const found = await api.get('/public/api/v1/product-registry/product/search-by-gtin').query({ gtin: '04899215122371', limit: 5, offset: 0 }).set(headers(key));
    expect(found.status, found.text).toBe(200);
    const [product] = found.body.products;
    expect(product).toMatchObject({ gtin: '04899215122371', name: { uz: expect.any(String), ru: expect.any(String), en: expect.any(String) }, status: expect.any(String), packageType: expect.any(String) });
    const detail = await api.get(`/public/api/v1/product-registry/product/${product.id}`).set(headers(key));
    expect(detail.status).toBe(200);
    expect(detail.body.attributes.every((a: { meta: { code: string; type: string } }) => typeof a.meta.code === 'string' && typeof a.meta.type === 'string')).toBe(true);
    // list_products(product_group) → data["products"]; product_by_gtin of a GTIN without a card: no products.
    expect((await api.get('/public/api/v1/product-registry/product').query({ productGroup: 'vegetableoil' }).set(headers(key))).body.products.map((p: { gtin: string }) => p.gtin)).toContain('04899215122371');
    const none = await api.get('/public/api/v1/product-registry/product/search-by-gtin').query({ gtin: '04999999999999' }).set(headers(key));
    expect(none.status === 404 || none.body.products.length === 0).toBe(true);

    // owner_check: ≤100 codes with ownerTin; results[] (code, packageType, status, issuerShortInfo.issuerTin,
    // children), forbiddenCodes, missingCodes.
    const unknown = '0104899215122371215UNKNOWN0000';
    const owner = await api.post('/public/api/cod/nested-codes/owner-check').set(headers(key)).send({ codes: [codes[0], foreign, unknown], ownerTin: MAIN.tin });
    expect(owner.status, owner.text).toBe(200);
    expect(owner.body.results).toEqual([expect.objectContaining({ code: codes[0], packageType: 'UNIT', status: 'APPLIED', issuerShortInfo: expect.objectContaining({ issuerTin: MAIN.tin }), children: [] })]);
    expect(owner.body.forbiddenCodes).toEqual([foreign]);
    expect(owner.body.missingCodes).toEqual([unknown]);
    // private_codes reads flat items (code, gtin, status…) where the other clients read results[].codeData: the
    // simulator serves the majority's shape (README fidelity table), so this client finds results but no flat code.
    const priv = await api.post('/public/api/cod/private/codes').set(headers(key)).send({ codes: [codes[0]] });
    expect(priv.body.results[0].codeData).toMatchObject({ code: codes[0], status: 'APPLIED', gtin: '04899215122371' });
    // verify_codes: {codes} → a list, one verdict a code.
    const verified = await api.post('/public/api/v1/code-verification/verify').set(headers(key)).send({ codes: [codes[1]] });
    expect(verified.status, verified.text).toBe(200);
    expect(verified.body).toHaveLength(1);

    // send_aggregation: the body compact, keys as built (unsorted), no signature key.
    const bare = codes.map((c) => c.split(GS)[0]);
    const inner = { businessPlaceId: MAIN.place, documentDate: '2026-03-02T10:00:00+05:00', aggregationUnits: [{ unitSerialNumber: SSCC(1), aggregationUnitCapacity: 4, aggregationItemsCount: 4, codes: bare }] };
    const agg = await api.post('/public/api/v1/doc/aggregation').set(headers(key)).send({ documentBody: b64(compact(inner)) });
    expect(agg.status, agg.text).toBe(200);
    s.advance(2_000);
    // get_doc, get_doc_codes(limit=30000): per-code SUCCESS/WARNING/ERROR; get_doc_errors.
    expect((await api.get(`/public/api/v1/doc/storage/docs/${agg.body.documentId}`).set(headers(key))).body.status).toBe('SUCCESS');
    const lines = await api.get(`/public/api/v1/doc/storage/docs/${agg.body.documentId}/codes`).query({ limit: 30000 }).set(headers(key));
    expect(lines.status).toBe(200);
    expect(new Set(lines.body.codes.map((c: { state: string }) => c.state))).toEqual(new Set(['SUCCESS']));
    expect((await api.get(`/public/api/v1/doc/storage/errors/${agg.body.documentId}`).set(headers(key))).status).toBe(200);
    // send_disaggregation: keys sorted A–Z before base64.
    const dis = await api.post('/public/api/v1/doc/transport-code-disaggregation').set(headers(key)).send({ documentBody: b64(compact({ codes: [SSCC(1)], businessDatetime: '2026-03-02T11:00:00+05:00' }, true)) });
    expect(dis.status, dis.text).toBe(200);
    s.advance(2_000);
    expect((await api.get(`/public/api/v1/doc/storage/docs/${dis.body.documentId}`).set(headers(key))).body).toMatchObject({ status: 'SUCCESS', type: 'TRANSPORT_CODE_DISAGGREGATION' });
  });
});

describe('Asadullayev06/aslbelgisi_project: the aggregation tool, and the stock tool over code exports', () => {
  it('asl_client.submit_project: sorted compact documentBody, "00" + SSCC, signature "", a Python-dumped wrapper', async () => {
    const s = await setup();
    const codes = (await applied(s, await s.login(), 6)).map((c) => c.split(GS)[0]);
    const units = [SSCC(7), SSCC(8)].map((sscc, i) => ({ aggregationItemsCount: 3, aggregationUnitCapacity: 3, codes: codes.slice(i * 3, i * 3 + 3), unitSerialNumber: `00${sscc}` }));
    const inner = { aggregationUnits: units, businessPlaceId: MAIN.place, documentDate: '2026-03-02T05:00:00+00:00' };
    const r = await stand(s)
      .post('/public/api/v1/doc/aggregation')
      .set({ Authorization: `Bearer ${MAIN.key}`, 'Content-Type': 'application/json;charset=UTF-8', Accept: 'application/json' })
      .send(pyDumps({ documentBody: b64(compact(inner, true)), signature: '' }));
    expect(r.status, r.text).toBe(200);
    // It reads documentId (or document_id) and counts the report done.
    expect(r.body.documentId).toEqual(expect.any(String));
    s.advance(2_000);
    const owner = await stand(s).post('/public/api/cod/nested-codes/owner-check').set('Authorization', `Bearer ${MAIN.key}`).send({ codes: [SSCC(7)], ownerTin: MAIN.tin });
    expect(owner.body.results[0].children).toEqual(codes.slice(0, 3));
  });

  it('asl_stock: the key checked with the word "tin" and ?tin=, an export registered, polled, and its ZIP read', async () => {
    const s = await setup();
    const mine = (await applied(s, await s.login(), 2)).map((c) => c.split(GS)[0]);
    const api = stand(s);
    const json = { Authorization: `Bearer ${MAIN.key}`, Accept: 'application/json', 'Content-Type': 'application/json;charset=UTF-8' };
    // verify_api_key_ownership: GET …/parties/tin/api-keys/check?tin=<inn>.
    const verify = await api.get('/public/api/v1/party/parties/tin/api-keys/check').query({ tin: MAIN.tin }).set(json);
    expect(verify.status, verify.text).toBe(200);
    expect(verify.body.isTinCorrect).toBe(true);
    // register_export: data=json.dumps(filter) (Python separators), the filter its page builds.
    const filter = { gtin: '04899215122371', packageType: ['UNIT'], status: ['APPLIED'], emissionType: ['LOCAL'], originalReleaseMethod: ['PRIMARY'], emissionDateFrom: '2020-01-01T00:00:00Z', emissionDateTo: '2030-12-31T23:59:59Z' };
    const reg = await api.post('/public/api/cod/exports').set(json).send(pyDumps(filter));
    expect(reg.status, reg.text).toBe(200);
    const id = String(reg.body.id);
    // extract_status_value: {status}; ready when SUCCESS.
    expect((await api.get(`/public/api/cod/exports/${id}/status`).set(json)).body.status).toBe('IN_PROGRESS');
    s.advance(3_000);
    expect((await api.get(`/public/api/cod/exports/${id}/status`).set(json)).body.status).toBe('SUCCESS');
    // get_export_result: Accept: application/zip, no Content-Type; the first .json of the ZIP; normalize_stock_rows.
    const zip = await zipOf(api.get(`/public/api/cod/exports/${id}/result`).set({ Authorization: `Bearer ${MAIN.key}`, Accept: 'application/zip' }));
    expect(zip.status).toBe(200);
    const files = unzipFiles(zip.body as Buffer);
    const name = Object.keys(files).find((n) => n.toLowerCase().endsWith('.json'))!;
    const rows = (JSON.parse(files[name].toString('utf8')).results as Record<string, Record<string, unknown>>[]).map((item) => ({
      code: item.codeData.code,
      status: item.codeData.status,
      packageType: item.packageData.packageType,
      gtin: item.productData.gtin,
      emissionType: item.markingData.emissionType,
      releaseMethod: item.turnoverData.originalReleaseMethod,
      ownerTin: (item.turnoverData.ownerInfo as Record<string, unknown>).ownerTin,
      ownerName: ((item.turnoverData.ownerInfo as Record<string, unknown>).ownerName as Record<string, string>).en,
    }));
    for (const c of mine) expect(rows.find((r) => r.code === c)).toMatchObject({ status: 'APPLIED', packageType: 'UNIT', gtin: '04899215122371', emissionType: 'LOCAL', releaseMethod: 'PRIMARY', ownerTin: MAIN.tin, ownerName: expect.any(String) });
  });
});

describe('a Flask proxy over xtrace.aslbelgisi.uz: public codes, history, receipts, documents, exports', () => {
  const headers = (token: string) => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json;charset=UTF-8' });

  it('reads public/codes as a bare array, a code\'s history, receipts page by page, documents by types and status', async () => {
    const s = await setup();
    const auth = await s.login();
    const codes = await applied(s, auth, 3);
    const api = stand(s);
    const h = headers(MAIN.key);
    // /api/info: {codes, addCodeHistory: false} in chunks of 1000 → results.extend(resp.json()).
    const info = await api.post('/public/api/cod/public/codes').set(h).send({ codes: codes.map((c) => c.split(GS)[0]), addCodeHistory: false });
    expect(info.status, info.text).toBe(200);
    expect(Array.isArray(info.body)).toBe(true);
    expect(info.body.map((x: { code: string; status: string }) => [x.code, x.status])).toEqual(codes.map((c) => [c.split(GS)[0], 'APPLIED']));
    // /api/history: one code with addCodeHistory: true → data[0].codeHistory.
    const history = await api.post('/public/api/cod/public/codes').set(h).send({ codes: [codes[0].split(GS)[0]], addCodeHistory: true });
    expect(history.body[0].codeHistory.map((e: { eventType: string }) => e.eventType)).toEqual(expect.arrayContaining(['EMISSION', 'UTILISATION']));
    // The same code with its crypto tail comes back as an empty array (what one client strips it for).
    expect((await api.post('/public/api/cod/public/codes').set(h).send({ codes: [codes[0]], addCodeHistory: false })).body).toEqual([]);

    // /api/rcp-sync: limit=100 and cursor until a short page; the list under "receipts"; the cursor from cursor or nextCursor.
    for (const [i, c] of codes.entries()) expect((await s.http.post('/__sim/mcoi/receipts').send({ tin: MAIN.tin, type: 'SALE', codes: [c], externalId: `cash-1/${i}` })).status).toBe(201);
    s.advance(2_000);
    const all: { receiptId: string; type: string; createdOn: string; externalId: string }[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await api.get('/api/rcp/receipts').query({ limit: '100', ...(cursor ? { cursor } : {}) }).set(h);
      expect(page.status, page.text).toBe(200);
      all.push(...page.body.receipts);
      cursor = page.body.cursor ?? page.body.nextCursor;
      if (!cursor || page.body.receipts.length < 100) break;
    }
    expect(all.map((r) => r.externalId).sort()).toEqual(['cash-1/0', 'cash-1/1', 'cash-1/2']);
    expect(all.every((r) => r.type === 'SALE' && typeof r.createdOn === 'string')).toBe(true);
    // /api/rcp-detail/<id>.
    const detail = await api.get(`/api/rcp/receipts/${all[0].receiptId}`).set(h);
    expect(detail.status).toBe(200);
    expect(detail.body.receiptId).toBe(all[0].receiptId);

    // /api/docs: dateFrom, dateTo, limit, then status and types repeated.
    const docs = await api.get('/public/api/v1/doc/storage/docs/search?dateFrom=2020-01-01T00:00:00Z&dateTo=2030-01-01T00:00:00Z&limit=50&status=SUCCESS&status=IN_PROCESSING&types=SALES_RECEIPT&types=REFUND_RECEIPT').set(h);
    expect(docs.status, docs.text).toBe(200);
    // It hands the JSON to its page as it is: documentInfos[].
    const receiptDocs = docs.body.documentInfos as { documentId: string; type: string; status: string }[];
    expect(receiptDocs.map((d) => `${d.type} ${d.status}`)).toEqual(['SALES_RECEIPT SUCCESS', 'SALES_RECEIPT SUCCESS', 'SALES_RECEIPT SUCCESS']);
    // /api/docs/<id>, /errors (limit 100), /codes (limit 200): lines read by state and errorCode.
    const id = receiptDocs[0].documentId;
    expect((await api.get(`/public/api/v1/doc/storage/docs/${id}`).set(h)).status).toBe(200);
    expect((await api.get(`/public/api/v1/doc/storage/errors/${id}`).query({ limit: 100 }).set(h)).status).toBe(200);
    const lines = await api.get(`/public/api/v1/doc/storage/docs/${id}/codes`).query({ limit: 200 }).set(h);
    expect(lines.body.codes[0]).toMatchObject({ state: 'SUCCESS' });
  });
});

describe('a FastAPI aggregation relay: the document re-encoded with businessPlaceId, {documentBody} only', () => {
  it('relays an aggregation and a utilisation, and reads the document and a preview of its errors', async () => {
    const s = await setup();
    const auth = await s.login();
    const { codes } = await readyCodes(s, auth, 2);
    const api = stand(s);
    const headers = { Authorization: `Bearer ${MAIN.key}`, 'Content-Type': 'application/json' };
    // /utilisation: businessPlaceId from its environment as an int, the product group in the query.
    const util = await api.post('/api/utilisation').query({ productGroup: 'vegetableoil' }).set(headers).send({ sntins: codes, businessPlaceId: MAIN.place, releaseType: 'PRODUCTION', manufacturerCountry: 'UZ' });
    expect(util.status, util.text).toBe(200);
    s.advance(2_000);
    // /aggregation: its caller's body decoded, businessPlaceId set as an int, sorted and compact, no signature; the
    // simple version adds an X-Business-Place-Id header.
    const fromCaller = { documentDate: '2026-03-02T10:00:00+05:00', aggregationUnits: [{ unitSerialNumber: SSCC(3), aggregationUnitCapacity: 2, aggregationItemsCount: 2, codes: codes.map((c) => c.split(GS)[0]) }] };
    const agg = await api
      .post('/public/api/v1/doc/aggregation')
      .set({ ...headers, 'X-Business-Place-Id': String(MAIN.place) })
      .send({ documentBody: b64(compact({ ...fromCaller, businessPlaceId: Number(String(MAIN.place)) }, true)) });
    expect(agg.status, agg.text).toBe(200);
    // /correction-status: the document, then errors with propertyName=code, lastIndex=0, limit=5.
    s.advance(2_000);
    const doc = await api.get(`/public/api/v1/doc/storage/docs/${agg.body.documentId}`).set({ Authorization: headers.Authorization, Accept: 'application/json' });
    expect(doc.body.status).toBe('SUCCESS');
    const preview = await api.get(`/public/api/v1/doc/storage/errors/${agg.body.documentId}`).query({ propertyName: 'code', lastIndex: 0, limit: 5 }).set({ Authorization: headers.Authorization, Accept: 'application/json' });
    expect(preview.status, preview.text).toBe(200);
  });
});

describe('baukaredteam/MarkSolutions: the read-only stand probes (login, then one GET)', () => {
  it('authenticate with Accept */*, then GET /api/orders, ?orderId, /api/codes?orderId and /api/utilisation/{id}', async () => {
    const s = await setup();
    const { orderId } = await readyCodes(s, await s.login(), 2);
    const api = stand(s);
    // Its login replaces the one above (one token a user): everything after goes with the probe's.
    const login = await api.post('/api/users/authenticate').set({ 'Content-Type': 'application/json', Accept: '*/*' }).send(JSON.stringify({ login: '6e8login23', password: '12345678' }));
    expect(login.status).toBe(200);
    const probe = (path: string) => api.get(path).set({ Accept: '*/*', Authorization: `Bearer ${login.body.accessToken}` });
    expect((await probe('/api/orders')).status).toBe(200);
    const one = await probe(`/api/orders?orderId=${encodeURIComponent(orderId)}`);
    expect(one.status).toBe(200);
    expect(one.body.orderInfos[0].orderId).toBe(orderId);
    // The codes probe sends orderId alone; §3.4 needs gtin and quantity too: a 400 naming the missing parameter, which
    // the probe prints as status=400 (it counts codes only on a 200).
    const codes = await probe(`/api/codes?orderId=${encodeURIComponent(orderId)}`);
    expect(codes.status).toBe(400);
    expect(JSON.stringify(codes.body)).toMatch(/gtin|quantity/);
    const util = await api.post('/api/utilisation?productGroup=vegetableoil').set('Authorization', `Bearer ${login.body.accessToken}`).send({ sntins: (await readyCodes(s, `Bearer ${login.body.accessToken}`, 1)).codes, businessPlaceId: MAIN.place, releaseType: 'PRODUCTION' });
    const report = await probe(`/api/utilisation/${encodeURIComponent(util.body.reportId)}`);
    expect(report.status).toBe(200);
    // §4.2 names the field reportStatus; the probe looks for "status", so it prints status=200 without its optional
    // report_status line — as it would against the stand.
    expect(['IN_PROCESS', 'SUCCESS', 'ERROR']).toContain(report.body.reportStatus);
    expect(report.body).not.toHaveProperty('status');
  });
});
