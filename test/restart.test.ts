/**
 * Restart, then mutate: every entity that carries an id, in every system, with the file store and a real process
 * stopped by SIGTERM and then by SIGKILL. What was acknowledged before a stop is there after it, and no id, token
 * or serial handed out before is handed out again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gs1CheckDigit } from '../simulator/core/gs1.js';
import { CodeBook } from '../simulator/systems/true-api/codes.js';
import { batchOf } from '../simulator/systems/true-api/world.js';
import fixture from '../fixtures/true-api/world.json' with { type: 'json' };
import { call, contractViolations, startServer, stop, type Running } from './process.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const violations = contractViolations();

const GTIN = '04899215122371';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
const sscc = (n: number) => {
  const body = `0307797292${String(n).padStart(7, '0')}`;
  return body + gs1CheckDigit(body);
};

/** Everything one round creates, each id as the simulator acknowledged it. */
interface Round {
  accessToken: string;
  refreshToken: string;
  orderId: string;
  packId: string;
  codes: string[];
  reportId: string;
  validationId: string;
  aggregationId: string;
  unit: string;
  /** A pallet (its SSCC in the AI (00) form) holding `unit`; the previous round's pallet dissolved in this one ('' in the first). */
  pallet: string;
  palletId: string;
  disaggregationId: string;
  requestId: number;
  idToken: string;
  /** True API: a GET /auth/key challenge left open (the next round signs in with it), a token, an invoice, a certificate. */
  taOpenKey: string;
  taToken: string;
  taUuidToken: string;
  taPrequest: number;
  taSerial: string;
  taOrder: string;
  /** True API: a withdrawal notice of box n (its fileId and processing number), and a receipt of one milk unit. */
  taNotice: string;
  taNumber: string;
  taBox: string;
  taReceipt: string;
  /** True API: an act (delivered, its approval title made, signed in the next round), an incoming EAEU shipment (accepted in the next round), an export. */
  taAct: string;
  taTitle: string;
  taActCode: string;
  taShipment: string;
  taShipmentCode: string;
  taExport: string;
  /** SetMark: a loaded package (reserved under an order the next round sells), and the id of a journal push. */
  smPackage: number;
  smMark: string;
  smPush: number;
  /** MCOI: the API key a refresh handed out (the previous round's key, or the world's, retired by it). */
  apiKey: string;
  /** MCOI: a code export of the round's codes, and a receipt selling one of them. */
  exportId: string;
  receiptId: string;
}

// True API codes of seed 1 (the server's default): the registry is derived from it.
const taBatches = fixture.batches.map((b) => batchOf(b as Parameters<typeof batchOf>[0], Date.now()));
const taBook = new CodeBook(1, taBatches);
const act = (n: number, code: string) =>
  Buffer.from(
    `<file sendingDateTime="2026-03-02T09:45:15Z" version="1.0" fileId="EEU_ACT_0000000${n}-1111-4222-8333-444455556666"><participants consigneeId="180340000025" supplierId="150140000012"/><document operationType="1" correctionFlag="false"><mainInfo><supplierInfo supplierIdentificationCode="150140000012"/><consigneeInfo consigneeIdentificationCode="180340000025"/></mainInfo><productList><iCode count="1">${code.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</iCode></productList><productTotals><gtin count="1">${taBatches.find((b) => b.id === 4)!.gtin}</gtin></productTotals></document></file>`,
  ).toString('base64');
const taCode = (batch: number, level: 'unit' | 'box', index: number) => taBook.cis({ batch: taBatches.find((b) => b.id === batch)!, level, index });
const writeOff = (fileId: string, code: string) =>
  Buffer.from(
    `<file fileId="${fileId}" version="1.0" sendingDateTime="2026-03-02T09:00:00Z"><document><mainInfo reason="4"><participantInfo participantIdentificationCode="150140000012"/><originalDocInfo docName="Акт" docNumber="1" docDate="01.03.2026"/></mainInfo><productList><iCode count="500">${code.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</iCode></productList></document></file>`,
  ).toString('base64');

async function round(s: Running, n: number, prev?: Round): Promise<Round> {
  const c = (method: string, path: string, opts: Parameters<typeof call>[4] = {}) => call(violations, s.base, method, path, opts);
  if (prev) {
    // What True API acknowledged before the stop: the token still works, the open challenge can still be signed.
    expect((await c('GET', '/true-api/elk/product-groups/balance/all', { token: prev.taToken })).status).toBe(200);
    expect((await c('POST', '/true-api/auth/simpleSignIn', { body: { uuid: prev.taOpenKey, data: 'x', inn: '180340000025' } })).status).toBe(200);
    expect((await c('GET', `/true-api/cises/orders/${prev.taOrder}/status`, { token: prev.taToken })).status).toBe(200);
    // The notice and what it did to the codes, the receipt.
    const doc = await c('GET', `/true-api/documents/${prev.taNumber}/info`, { token: prev.taToken });
    expect(doc.body).toMatchObject({ number: prev.taNotice, status: 'CHECKED_OK', type: 'MTTPS_90' });
    expect((await c('GET', `/__sim/state/true-api/codes/${encodeURIComponent(prev.taBox)}`)).body).toMatchObject({ status: 'WRITTEN_OFF', lastDocId: prev.taNotice });
    expect((await c('GET', `/true-api/receipt/${prev.taReceipt}/info`, { token: prev.taToken })).body).toMatchObject({ type: 'RECEIPT', status: 'CHECKED_OK' });
    // A fileId is used once, even across a restart.
    expect((await c('GET', '/true-api/elk/product-groups/balance/all', { token: prev.taUuidToken })).status).toBe(200);
    const again = await c('POST', '/true-api/documents/writeOff', { token: prev.taUuidToken, body: { document: writeOff(prev.taNotice, prev.taBox), signature: 'c2ln' } });
    expect(again.status).toBe(400);
    // The act awaiting its signed title: signed now by the consignee, the code passes to it.
    const buyer = (await c('POST', '/true-api/auth/simpleSignIn', { body: { uuid: (await c('GET', '/true-api/auth/key')).body.uuid, data: 'x', inn: '180340000025' } })).body.token;
    expect((await c('GET', `/true-api/edo-api/incoming-documents/${prev.taAct}/events/approve/base64`, { token: buyer })).body).toBe(prev.taTitle);
    expect((await c('POST', `/true-api/edo-api/incoming-documents/${prev.taAct}/events/approve/signature`, { token: buyer, body: 'c2ln', contentType: 'text/plain' })).status).toBe(201);
    expect((await c('GET', `/__sim/state/true-api/codes/${encodeURIComponent(prev.taActCode)}`)).body).toMatchObject({ ownerBin: '180340000025', lastDocId: prev.taAct });
    // The incoming shipment accepted now; the export still known.
    const importer = (await c('POST', '/true-api/auth/simpleSignIn', { body: { uuid: (await c('GET', '/true-api/auth/key')).body.uuid, data: 'x', inn: '201040000033' } })).body.token;
    const acceptance = { shipment_id: prev.taShipment, document_num: 'A', document_date: '2026-03-02', receiver_inn: '201040000033', exporter_taxpayer_id: '6317136467', exporter_name: 'X', sender_country_code: '643', request_type: 'ACCEPTANCE', acceptance_date: '2026-03-02', reject_all: false, products: [{ cis: prev.taShipmentCode, accepted: true }] };
    expect((await c('POST', '/true-api/documents/import/acceptancies', { token: importer, body: { document: b64(acceptance), signature: 'c2ln' } })).status).toBe(200);
    expect((await c('GET', `/true-api/edo-api/shipments/${prev.taExport}/status`, { token: importer })).body.status).toBe('ACCEPTED');
  }
  // MCOI API keys: the key refreshed before the stop is the one that works; the one it replaced stays retired.
  const keyBefore = prev?.apiKey ?? '2f6c1a3e-5b7d-4e90-8a1c-6e8a0b7c9d01';
  if (prev) expect((await c('GET', '/mcoi/public/api/v1/party/parties/301234567/api-keys/check', { token: prev.apiKey })).body).toMatchObject({ isTinCorrect: true });
  const refreshed = await c('POST', '/mcoi/public/api/v1/party/parties/301234567/api-keys/refresh', { token: keyBefore, body: { apiKey: keyBefore } });
  expect(refreshed.status).toBe(200);
  expect((await c('GET', '/mcoi/public/api/v1/party/parties/301234567/api-keys/check', { token: keyBefore })).status).toBe(401);
  const login = await c('POST', '/mcoi/api/users/authenticate', { body: { login: '6e8login23', password: '12345678' } });
  expect(login.status).toBe(200);
  const token = login.body.accessToken as string;
  const order = await c('POST', '/mcoi/api/orders', { token, body: { productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: GTIN, quantity: 4, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 } });
  expect(order.status).toBe(200);
  expect((await c('POST', '/__sim/clock', { body: { advanceMs: 3_000 } })).status).toBe(200);
  const pack = await c('GET', `/mcoi/api/codes?orderId=${order.body.orderId}&gtin=${GTIN}&quantity=4`, { token });
  expect(pack.status).toBe(200);
  const codes = pack.body.codes as string[];
  const report = await c('POST', '/mcoi/api/utilisation?productGroup=vegetableoil', { token, body: { sntins: codes, businessPlaceId: 27, releaseType: 'PRODUCTION' } });
  expect(report.status).toBe(200);
  const validation = await c('POST', '/mcoi/public/api/v1/doc/validation', {
    token,
    body: { documentBody: b64({ productGroup: 'vegetableoil', businessPlaceId: 27, packageType: 'UNIT', documentDate: '2026-03-02T08:00:00+05:00', codes: codes.map((code) => ({ code, printQualityClass: 'A' })) }) },
  });
  expect(validation.status).toBe(200);
  const unit = sscc(n);
  const aggregation = await c('POST', '/mcoi/public/api/v1/doc/aggregation', {
    token,
    body: { documentBody: b64({ businessPlaceId: 27, documentDate: '2026-03-02T08:00:00+05:00', aggregationUnits: [{ unitSerialNumber: unit, aggregationUnitCapacity: 10, aggregationItemsCount: 4, codes }] }) },
  });
  expect(aggregation.status).toBe(200);
  const pallet = `00${sscc(100 + n)}`;
  const palletDoc = await c('POST', '/mcoi/public/api/v1/doc/aggregation', {
    token,
    body: { documentBody: b64({ businessPlaceId: 27, documentDate: '2026-03-02T08:00:00+05:00', aggregationUnits: [{ unitSerialNumber: pallet, aggregationUnitCapacity: 1, aggregationItemsCount: 1, codes: [unit] }] }) },
  });
  expect(palletDoc.status).toBe(200);
  // An export of the caller's codes and a receipt selling the first of this round's (read back after the stop).
  const codeExport = await c('POST', '/mcoi/public/api/cod/exports', { token, body: { gtin: GTIN, status: ['APPLIED'] } });
  expect(codeExport.status).toBe(200);
  const sold = await c('POST', '/__sim/mcoi/receipts', { body: { tin: '301234567', type: 'SALE', codes: [codes[0]], externalId: `FN-${n}` } });
  expect(sold.body.outcome).toBe('SUCCESS');
  let disaggregationId = '';
  if (prev) {
    // The previous round's pallet, known after the restart only from the rebuilt package index, is dissolved now.
    const dissolved = await c('POST', '/mcoi/public/api/v1/doc/transport-code-disaggregation', { token, body: { documentBody: b64({ businessDatetime: '2026-03-02T09:00:00Z', codes: [prev.pallet] }) } });
    expect(dissolved.status).toBe(200);
    disaggregationId = dissolved.body.documentId;
  }
  const request = await c('POST', '/id-issuer/api/v3/identifiers/unit/requests', {
    token: 'sim-token-user-test-pl',
    body: {
      economicOperatorId: 'PWPK0000001', facilityId: 'PWPK0000002', processType: false, machineId: '',
      routeData: { intendedMarket: 'PL', intendedRoute: '', fromOutOfUE: false },
      productData: { cnCode: '24021000', productBrand: 'B', productType: '1', productTypeDescription: '', productWeight: 15, euCegIdentifier: 'X', euCegProductNumber: 'Y', subTypeName: '', units: 20, optionalId: '' },
      reqQuantity: 5, processImmediately: true,
    },
  });
  expect(request.status).toBe(201);
  const minted = await c('POST', '/__sim/id-issuer/tokens', { body: { user: 'user@test.pl' } });
  expect(minted.status).toBe(201);
  expect((await c('POST', '/__sim/clock', { body: { advanceMs: 2_000 } })).status).toBe(200); // reports processed
  const key = await c('GET', '/true-api/auth/key');
  // unitedToken: the same sign-in in UUID form too (observed #37), which must outlive the restart like the JWT.
  const signIn = await c('POST', '/true-api/auth/simpleSignIn', { body: { uuid: key.body.uuid, data: 'x', inn: '150140000012', unitedToken: true } });
  expect(signIn.status).toBe(200);
  expect(signIn.body.uuidToken).toEqual(expect.any(String));
  const prequest = await c('POST', '/true-api/elk/crm-api/prequests', { token: signIn.body.token, body: { contractId: '100000301', amount: '10', sendto: 'a@b.kz' } });
  expect(prequest.status).toBe(200);
  const certificate = await c('POST', '/__sim/true-api/certificates', { body: { bin: '150140000012' } });
  expect(certificate.status).toBe(201);
  const codesOrder = await c('POST', '/true-api/cises/my', { token: signIn.body.token, body: { gtin: '04606203084623', packageType: 'LEVEL2' } });
  expect(codesOrder.status).toBe(200);
  const taNotice = `0000000${n}-1111-4222-8333-444455556666`;
  const taBox = taCode(1, 'box', 10 + n);
  const notice = await c('POST', '/true-api/documents/writeOff', { token: signIn.body.token, body: { document: writeOff(taNotice, taBox), signature: 'c2ln' } });
  expect(notice.status).toBe(200);
  const receipt = await c('POST', '/__sim/true-api/receipts', { body: { bin: '150140000012', type: 'RECEIPT', codes: [taCode(4, 'unit', 1000 + n)] } });
  expect(receipt.status).toBe(201);
  const taActCode = taCode(4, 'unit', 2000 + n);
  const registered = await c('POST', '/true-api/edo-api/outgoing-documents/formal', { token: signIn.body.token, form: { content: act(n, taActCode), signature: 'c2ln' } });
  expect(registered.status).toBe(200);
  const taShipmentCode = taCode(19, 'unit', 100 + n);
  const shipment = await c('POST', '/__sim/true-api/shipments', { body: { receiverBin: '201040000033', exporterInn: '6317136467', exporterName: 'X', senderCountryCode: '643', products: [{ cis: taShipmentCode }] } });
  expect(shipment.status).toBe(201);
  const exporter = (await c('POST', '/true-api/auth/simpleSignIn', { body: { uuid: (await c('GET', '/true-api/auth/key')).body.uuid, data: 'x', inn: '201040000033' } })).body.token;
  const exported = await c('POST', '/true-api/edo-api/shipments', {
    token: exporter,
    body: { document: b64({ productGroup: 'shoes', exporterCode: '201040000033', receiverCountryCode: 'RU', receiverCode: '7731376812', receiverName: 'R', documentNumber: `E${n}`, documentDate: '2026-03-02', transferDate: '2026-03-02', productList: [{ cis: taCode(5, 'unit', 100 + n) }] }), signature: 'c2ln' },
  });
  expect(exported.status).toBe(200);
  expect((await c('POST', '/__sim/clock', { body: { advanceMs: 3_000 } })).status).toBe(200); // documents processed
  const buyer = (await c('POST', '/true-api/auth/simpleSignIn', { body: { uuid: (await c('GET', '/true-api/auth/key')).body.uuid, data: 'x', inn: '180340000025' } })).body.token;
  const title = await c('POST', `/true-api/edo-api/incoming-documents/${registered.body}/events/approve`, { token: buyer });
  expect(title.status).toBe(200);
  expect((await c('POST', '/__sim/clock', { body: { advanceMs: 15_000 } })).status).toBe(200); // the export accepted
  // SetMark: the previous round's reserve is sold by its order; a new package is loaded, reserved and journaled.
  if (prev) {
    const sold = await c('POST', '/setmark/external/save', { body: { id: n, version: 1, inn: '7701234560', shop: 1, cash: 1, checkNumber: `R${n}`, operationType: 0, orderNumbers: [`ORDER-${prev.smMark}`] } });
    expect(sold.body).toEqual({ id: n, success: true, message: 'OK' });
    expect((await c('GET', `/__sim/setmark/marks/${prev.smMark}`)).body).toMatchObject({ state: 'SOLD', sale: { checkNumber: `R${n}` } });
  }
  const smMark = `SM-RESTART-${n}`;
  expect((await c('PUT', '/__sim/setmark/erp', { body: { journalUrl: 'sim:erp' } })).status).toBe(200);
  expect((await c('POST', '/setmark/erp/add_mark', { body: { id: 900 + n, version: 1, inn: '7701234560', shop: 1, operationType: 1, productType: 3, data: [{ mark: smMark }] } })).status).toBe(200);
  expect((await c('POST', '/__sim/clock', { body: { advanceMs: 2_000 } })).status).toBe(200);
  const reserved = await c('POST', '/setmark/external/reserve', { body: { id: n, version: 1, orderNumber: `ORDER-${smMark}`, data: [{ mark: smMark, productType: 3 }] } });
  expect(reserved.body.success).toBe(true);
  expect((await c('POST', '/setmark/cash/validate', { body: { id: n, version: 1, inn: '7701234560', shop: 1, cash: 2, operationType: 0, productType: 3, mark: `NO-STOCK-${n}`, strictCheck: false } })).body.result).toBe(true);
  const pushed = await c('POST', '/__sim/setmark/push/journal');
  expect(pushed.body.attempts).toEqual([expect.objectContaining({ delivered: true })]);
  const open = await c('GET', '/true-api/auth/key');
  expect(open.status).toBe(200);
  return {
    accessToken: token,
    refreshToken: login.body.refreshToken,
    orderId: order.body.orderId,
    packId: pack.body.packId,
    codes,
    reportId: report.body.reportId,
    validationId: validation.body.documentId,
    aggregationId: aggregation.body.documentId,
    unit,
    pallet,
    palletId: palletDoc.body.documentId,
    disaggregationId,
    requestId: request.body.requestId,
    idToken: minted.body.token,
    taOpenKey: open.body.uuid,
    taToken: signIn.body.token,
    taUuidToken: signIn.body.uuidToken,
    taPrequest: prequest.body.response,
    taSerial: certificate.body.serialNumber,
    taOrder: codesOrder.body.uuid,
    taNotice,
    taNumber: notice.body as string,
    taBox,
    taReceipt: receipt.body.receiptId,
    taAct: registered.body as string,
    taTitle: title.body as string,
    taActCode,
    taShipment: shipment.body.shipmentId,
    taShipmentCode,
    taExport: exported.body.shipmentId,
    smPackage: 900 + n,
    smMark,
    smPush: pushed.body.attempts[0].id,
    apiKey: refreshed.body.apiKey,
    exportId: codeExport.body.id,
    receiptId: sold.body.receiptId,
  };
}

/** Everything a round acknowledged is still there (read with a fresh login: the round's token may be replaced). */
async function present(s: Running, r: Round): Promise<void> {
  const c = (method: string, path: string, opts: Parameters<typeof call>[4] = {}) => call(violations, s.base, method, path, opts);
  const token = (await c('POST', '/mcoi/api/users/authenticate', { body: { login: '6e8login23', password: '12345678' } })).body.accessToken;
  const orders = await c('GET', `/mcoi/api/orders?orderId=${r.orderId}`, { token });
  const keyed = await c('GET', '/mcoi/public/api/v1/party/parties/301234567/api-keys/check', { token: r.apiKey });
  expect([200, 401]).toContain(keyed.status); // the last round's key works; an earlier one was refreshed by the round after
  expect(orders.body.orderInfos.map((o: { orderId: string }) => o.orderId)).toEqual([r.orderId]);
  const again = await c('GET', `/mcoi/api/codes?orderId=${r.orderId}&gtin=${GTIN}&quantity=4`, { token });
  expect(again.body).toEqual({ packId: r.packId, codes: r.codes });
  expect((await c('GET', `/mcoi/api/utilisation/${r.reportId}`, { token })).body.reportStatus).toBe('SUCCESS');
  for (const id of [r.validationId, r.aggregationId, r.palletId, r.disaggregationId].filter(Boolean)) expect((await c('GET', `/mcoi/public/api/v1/doc/storage/docs/${id}`, { token })).body.status).toBe('SUCCESS');
  // A pallet stays formed until the next round dissolves it: the effect of a disaggregation survives a restart.
  const pallet = (await c('POST', '/mcoi/public/api/cod/nested-codes/owner-check', { token, body: { codes: [r.pallet] } })).body.results[0];
  if (pallet.status === 'APPLIED') expect(pallet).toMatchObject({ packageType: 'BOX_LV_2', children: [r.unit] });
  else expect(pallet).toMatchObject({ status: 'DISAGGREGATED', children: [] });
  for (const code of r.codes) {
    const state = await c('GET', `/__sim/state/mcoi/codes/${encodeURIComponent(code)}`);
    expect(state.body).toMatchObject({ status: code === r.codes[0] ? 'WITHDRAWN' : 'APPLIED', printQualityClass: 'A', parent: r.unit });
  }
  expect((await c('GET', `/mcoi/public/api/cod/exports/${r.exportId}/status`, { token })).body).toEqual({ id: r.exportId, status: 'SUCCESS' });
  expect((await c('GET', `/mcoi/api/rcp/receipts/${r.receiptId}`, { token })).body).toMatchObject({ externalId: expect.stringMatching(/^FN-/), status: 'SUCCESS', codes: [{ code: r.codes[0], state: 'SUCCESS' }] });
  const sm = await c('POST', '/setmark/erp/status', { body: { id: [r.smPackage], version: 1, shop: 1 } });
  expect(sm.body.packets[0]).toMatchObject({ id: r.smPackage, status: 3 });
  expect((await c('GET', '/__sim/setmark/erp')).body.sink.received.map((x: { body: { id: number } }) => x.body.id)).toContain(r.smPush);
  const request = await c('GET', `/id-issuer/api/v3/identifiers/unit/requests/${r.requestId}`, { token: r.idToken });
  expect(request.status).toBe(200);
  expect(request.body.requestId).toBe(r.requestId);
}

describe('restart, then mutate (file store, real process)', () => {
  it('keeps every acknowledged entity across SIGTERM and SIGKILL, and never hands out an id or token twice', async () => {
    const env = { SIM_DATA_DIR: dir, SIM_RATE_LIMITS: 'off' };
    const rounds: Round[] = [];
    let s = await startServer(env);
    rounds.push(await round(s, 1));
    expect(await stop(s, 'SIGTERM')).toBe(0);

    s = await startServer(env);
    await present(s, rounds[0]);
    rounds.push(await round(s, 2, rounds[0]));
    expect(await stop(s, 'SIGKILL')).toBe(null);

    s = await startServer(env);
    for (const r of rounds) await present(s, r);
    rounds.push(await round(s, 3, rounds[1]));
    await present(s, rounds[2]);
    const dissolved = await call(violations, s.base, 'POST', '/mcoi/public/api/cod/nested-codes/owner-check', { token: (await call(violations, s.base, 'POST', '/mcoi/api/users/authenticate', { body: { login: '6e8login23', password: '12345678' } })).body.accessToken, body: { codes: rounds.map((r) => r.pallet) } });
    expect(dissolved.body.results.map((x: { status: string }) => x.status)).toEqual(['DISAGGREGATED', 'DISAGGREGATED', 'APPLIED']);
    const owner = (await call(violations, s.base, 'POST', '/mcoi/api/users/authenticate', { body: { login: '6e8login23', password: '12345678' } })).body.accessToken;
    const all = await call(violations, s.base, 'GET', '/mcoi/api/orders', { token: owner });
    expect(all.body.orderInfos).toHaveLength(6 + 3); // the six orders of the default world, then one per round
    await stop(s, 'SIGKILL');

    for (const key of Object.keys(rounds[0]) as (keyof Round)[]) {
      if (key === 'codes') continue;
      const values = rounds.map((r) => JSON.stringify(r[key]));
      expect(new Set(values).size, `${key} repeated across restarts: ${values.join(', ')}`).toBe(rounds.length);
    }
    const codes = rounds.flatMap((r) => r.codes);
    expect(new Set(codes).size).toBe(codes.length);
    expect(rounds.map((r) => r.requestId)).toEqual([25, 26, 27]);
    expect(rounds.map((r) => r.taPrequest)).toEqual([1, 2, 3]);
  });
});
