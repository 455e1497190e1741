// MCOI (ASL BELGISI MCOI v1.1.17): an order → READY → its codes unloaded → their utilisation reported → SUCCESS →
// the order closed. One sign-in for all virtual users (a new sign-in replaces the user's token, §2).
//   k6 run -e BASE_URL=http://localhost:8080 -e VUS=10 clients/k6/mcoi.js
import http from 'k6/http';
import { check, fail } from 'k6';
import { BASE, bearer, json, loadOptions, poll } from './lib.js';

export const options = loadOptions();
const API = `${BASE}/mcoi/api`;
const GTIN = '04899215122371';

export function setup() {
  const res = http.post(`${API}/users/authenticate`, JSON.stringify({ login: __ENV.MCOI_LOGIN || '6e8login23', password: __ENV.MCOI_PASSWORD || '12345678' }), json);
  if (!check(res, { 'signed in': (r) => r.status === 200 })) fail(`sign-in answered ${res.status}`);
  return { token: res.json('accessToken') };
}

export default function ({ token }) {
  const auth = bearer(token);
  const order = http.post(`${API}/orders`, JSON.stringify({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', businessPlaceId: 27, products: [{ gtin: GTIN, quantity: 5, serialNumberType: 'OPERATOR', cisType: 'UNIT' }] }), auth);
  if (!check(order, { 'order registered': (r) => r.status === 200 && !!r.json('orderId') })) return;
  const orderId = order.json('orderId');
  const ready = poll(() => http.get(`${API}/orders?orderId=${orderId}`, auth), (r) => r.json('orderInfos.0.orderStatus') === 'READY');
  if (!check(ready, { 'order READY': (r) => r.json('orderInfos.0.orderStatus') === 'READY' })) return;
  const codes = http.get(`${API}/codes?orderId=${orderId}&gtin=${GTIN}&quantity=5`, auth);
  if (!check(codes, { '5 codes unloaded': (r) => r.status === 200 && r.json('codes').length === 5 })) return;
  const report = http.post(`${API}/utilisation?productGroup=vegetableoil`, JSON.stringify({ sntins: codes.json('codes'), businessPlaceId: 27, releaseType: 'PRODUCTION', productionDate: '2026-03-01T08:00:00Z' }), auth);
  if (!check(report, { 'utilisation reported': (r) => r.status === 200 && !!r.json('reportId') })) return;
  const done = poll(() => http.get(`${API}/utilisation/${report.json('reportId')}`, auth), (r) => r.json('reportStatus') !== 'IN_PROCESS');
  check(done, { 'utilisation SUCCESS': (r) => r.json('reportStatus') === 'SUCCESS' });
  check(http.post(`${API}/order/close?orderId=${orderId}`, null, auth), { 'order closed': (r) => r.status === 200 });
}
