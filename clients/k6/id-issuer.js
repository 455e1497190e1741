// ID issuer (Poland, API v3): a request for unit identifiers → Synchronized → the CSV downloaded → confirmed with its
// SHA-256 (DownloadConfirmed).
//   k6 run -e BASE_URL=http://localhost:8080 -e VUS=10 clients/k6/id-issuer.js
import http from 'k6/http';
import { check } from 'k6';
import crypto from 'k6/crypto';
import { BASE, loadOptions, poll } from './lib.js';

export const options = loadOptions();
const API = `${BASE}/id-issuer/api/v3/identifiers/unit`;
const auth = { headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${__ENV.ID_TOKEN || 'sim-token-user-test-pl'}` } };
const REQUEST = {
  economicOperatorId: 'PWPK0000001',
  facilityId: 'PWPK0000002',
  processType: false,
  machineId: '',
  routeData: { intendedMarket: 'PL', intendedRoute: '', fromOutOfUE: false },
  productData: { cnCode: 'Code', productBrand: 'Brand', productType: 'Cigarette', productTypeDescription: '', productWeight: 15, euCegIdentifier: '12345-12-12345', euCegProductNumber: '12345678901', subTypeName: '', units: 10, optionalId: '' },
  reqQuantity: Number(__ENV.QUANTITY || 100),
  processImmediately: true,
};

export default function () {
  const made = http.post(`${API}/requests`, JSON.stringify(REQUEST), auth);
  if (!check(made, { 'request created': (r) => r.status === 201 && !!r.json('requestId') })) return;
  const id = made.json('requestId');
  const ids = poll(() => http.get(`${API}/${id}`, auth), (r) => r.status === 200 && r.json('status') === 'Synchronized');
  if (!check(ids, { 'identifiers Synchronized': (r) => r.json('status') === 'Synchronized' })) return;
  const file = http.get(`${API}/${id}/csv?format=Full`, auth);
  if (!check(file, { 'CSV downloaded': (r) => r.status === 200 && r.body.length > 0 })) return;
  const confirmed = http.put(`${API}/${id}/confirmation`, JSON.stringify({ checksum: crypto.sha256(file.body, 'hex'), format: 'Full' }), auth);
  check(confirmed, { 'download confirmed': (r) => r.status === 204 });
}
