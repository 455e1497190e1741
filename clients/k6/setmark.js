// SetMark API for ERP integration: the ERP loads a mark into a shop's stock (§2.1 erp/add_mark), follows the package
// with erp/status (§2.11) until processed, and the shop's cash register checks the mark (§2.10 cash/validate).
//   k6 run -e BASE_URL=http://localhost:8080 -e VUS=10 clients/k6/setmark.js
import http from 'k6/http';
import { check } from 'k6';
import { BASE, json, loadOptions, poll } from './lib.js';

export const options = loadOptions();
const API = `${BASE}/setmark`;
const SHOP = Number(__ENV.SHOP || 1);
const INN = __ENV.INN || '7701234560';

export default function () {
  // A mark and a package id of this user and iteration alone (shoes: 01 + GTIN + 21 + a 13-character serial).
  const serial = `K6${String(__VU).padStart(4, '0')}${String(__ITER).padStart(7, '0')}`;
  const mark = `0104630074092609${'21'}${serial}`;
  const id = __VU * 1_000_000 + __ITER;
  const loaded = http.post(`${API}/erp/add_mark`, JSON.stringify({ id, version: 1, inn: INN, shop: SHOP, operationType: 1, productType: 3, data: [{ mark, barcode: '4630074092609', item: '2201' }] }), json);
  if (!check(loaded, { 'package accepted': (r) => r.status === 200 })) return;
  const status = poll(() => http.post(`${API}/erp/status`, JSON.stringify({ id: [id], version: 1, shop: SHOP }), json), (r) => r.json('packets.0.status') !== 2);
  if (!check(status, { 'package processed': (r) => r.json('packets.0.status') === 3 })) return;
  const checked = http.post(`${API}/cash/validate`, JSON.stringify({ id: __ITER + 1, version: 1, inn: INN, shop: SHOP, cash: 5, operationType: 0, productType: 3, mark }), json);
  check(checked, { 'mark on sale': (r) => r.status === 200 && r.json('result') === true });
}
