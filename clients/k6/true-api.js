// True API (Kazakhstan, v2.22): sign-in (§4: /auth/key, the data signed, /auth/simpleSignIn) → information about a
// code (§5.5) → a code-list order (§5.1) polled to SUCCESS (§5.2) and its result taken (§5.3).
//   k6 run -e BASE_URL=http://localhost:8080 -e VUS=10 clients/k6/true-api.js
// The simulator's default (lenient) profile takes any signed data; against a strict one give SIGNED_DATA.
import http from 'k6/http';
import { check, fail } from 'k6';
import { BASE, bearer, json, loadOptions, poll } from './lib.js';

export const options = loadOptions();
const API = `${BASE}/true-api`;
const CIS = __ENV.CIS || "010487000387002521y1k6nv-Q1u+9'";

export function setup() {
  const key = http.get(`${API}/auth/key`);
  if (!check(key, { 'data to sign': (r) => r.status === 200 })) fail(`auth/key answered ${key.status}`);
  const res = http.post(`${API}/auth/simpleSignIn`, JSON.stringify({ uuid: key.json('uuid'), data: __ENV.SIGNED_DATA || 'c2lnbmVk', inn: __ENV.BIN || '150140000012' }), json);
  if (!check(res, { 'signed in': (r) => r.status === 200 })) fail(`simpleSignIn answered ${res.status}`);
  return { token: res.json('token') };
}

export default function ({ token }) {
  const auth = bearer(token);
  check(http.post(`${API}/cises/info`, JSON.stringify([CIS]), auth), { 'code information': (r) => r.status === 200 && r.json('0.cisInfo.requestedCis') === CIS });
  const order = http.post(`${API}/cises/my`, JSON.stringify({ gtin: __ENV.GTIN || '04606203084630', packageType: 'LEVEL1' }), auth);
  if (!check(order, { 'code list ordered': (r) => r.status === 200 && !!r.json('uuid') })) return;
  const uuid = order.json('uuid');
  const done = poll(() => http.get(`${API}/cises/orders/${uuid}/status`, auth), (r) => !['NEW', 'IN_PROGRESS', 'PRODUCTION'].includes(r.json()));
  if (!check(done, { 'order SUCCESS': (r) => r.json() === 'SUCCESS' })) return;
  const result = http.get(`${API}/cises/orders/${uuid}/result`, { headers: { Authorization: `Bearer ${token}`, Accept: '*/*' }, responseType: 'binary' });
  check(result, { 'result downloaded (ZIP)': (r) => r.status === 200 && (r.headers['Content-Type'] || '').startsWith('application/zip') });
}
