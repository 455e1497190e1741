/**
 * MCOI test helpers shared by the report and extension tests: SSCCs, reports, and codes brought to APPLIED.
 */
import { expect } from 'vitest';
import { b64, readyCodes, type Setup } from '../helpers.js';

/** The n-th SSCC of the fixtures' company prefix, with its check digit. */
export const SSCC = (n: number) => {
  const body = `0307797292${String(n).padStart(7, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[16 - i]) * (i % 2 === 0 ? 3 : 1);
  return body + ((10 - (sum % 10)) % 10);
};

export const utilisation = (sntins: string[], over: Record<string, unknown> = {}) => ({ sntins, businessPlaceId: 27, releaseType: 'PRODUCTION', ...over });

export async function utilise(s: Setup, auth: string, body: unknown, productGroup = 'vegetableoil') {
  return s.http.post('/mcoi/api/utilisation').query({ productGroup }).set('Authorization', auth).send(body as object);
}

export async function postDoc(s: Setup, auth: string, kind: 'validation' | 'aggregation' | 'transport-code-disaggregation', report: unknown, extra: Record<string, unknown> = {}) {
  return s.http.post(`/mcoi/public/api/v1/doc/${kind}`).set('Authorization', auth).send({ documentBody: b64(report), ...extra });
}

export const unit = (serial: string, codes: string[], over: Record<string, unknown> = {}) => ({ unitSerialNumber: serial, aggregationUnitCapacity: 10, aggregationItemsCount: codes.length, codes, ...over });
export const aggregation = (units: unknown[], over: Record<string, unknown> = {}) => ({ businessPlaceId: 27, documentDate: '2026-03-02T08:00:00+05:00', aggregationUnits: units, ...over });

/** Unloads n codes and applies them with a utilisation report (processed). */
export async function applied(s: Setup, auth: string, n: number, gtin?: string) {
  const { codes } = await readyCodes(s, auth, n, gtin);
  const res = await utilise(s, auth, utilisation(codes));
  expect(res.status).toBe(200);
  s.advance(2_000);
  return codes;
}

export async function docStatus(s: Setup, auth: string, id: string) {
  return (await s.http.get(`/mcoi/public/api/v1/doc/storage/docs/${id}`).set('Authorization', auth)).body.status;
}

export async function errorsOf(s: Setup, auth: string, id: string, q: Record<string, unknown> = {}) {
  return (await s.http.get(`/mcoi/public/api/v1/doc/storage/errors/${id}`).query(q).set('Authorization', auth)).body.documentErrors;
}

export async function statusOfCode(s: Setup, code: string) {
  return (await s.http.get(`/__sim/state/mcoi/codes/${encodeURIComponent(code)}`)).body;
}
