/** Shared bits of the ID-issuer tests. */
import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import { HANDBOOK } from '../../simulator/systems/id-issuer/handbook.js';
import { renderProblem } from '../../simulator/systems/id-issuer/envelope.js';
import type { Setup } from '../helpers.js';

export const USER = 'Bearer sim-token-user-test-pl';
export const OTHER = 'Bearer sim-token-other-test-pl';
export const BASE = '/id-issuer/api/v3/identifiers/unit';

/** The document's example request body. */
export const EXAMPLE_REQUEST = {
  economicOperatorId: 'PWPK0000001',
  facilityId: 'PWPK0000002',
  processType: false,
  machineId: '',
  routeData: { intendedMarket: 'PL', intendedRoute: '', fromOutOfUE: false },
  productData: {
    cnCode: 'Code',
    productBrand: 'Brand',
    productType: 'Cigarette',
    productTypeDescription: '',
    productWeight: 15,
    euCegIdentifier: '12345-12-12345',
    euCegProductNumber: '12345678901',
    subTypeName: '',
    units: 10,
    optionalId: '',
  },
  reqQuantity: 15000,
  processImmediately: false,
};

export function requestBody(over: Record<string, unknown> = {}) {
  return { ...EXAMPLE_REQUEST, ...over };
}

export async function create(s: Setup, over: Record<string, unknown> = {}, auth = USER): Promise<number> {
  const res = await s.http.post(`${BASE}/requests`).set('Authorization', auth).send(requestBody(over));
  if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.requestId;
}

export async function details(s: Setup, id: number, auth = USER) {
  return (await s.http.get(`${BASE}/requests/${id}`).set('Authorization', auth)).body;
}

export async function identifiers(s: Setup, id: number, auth = USER) {
  return s.http.get(`${BASE}/${id}`).set('Authorization', auth);
}

/** Downloads a CSV as text (supertest buffers octet-streams as Buffers otherwise). */
export async function download(s: Setup, id: number, format = 'Full', auth = USER): Promise<Response & { text: string }> {
  const res = await s.http
    .get(`${BASE}/${id}/csv`)
    .query({ format })
    .set('Authorization', auth)
    .buffer(true)
    .parse((r, cb) => {
      let d = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (d += c));
      r.on('end', () => cb(null, d));
    });
  const text = typeof res.body === 'string' ? res.body : '';
  // Errors come back as problem details: parse them like any JSON response.
  if (/json/.test(res.headers['content-type'] ?? '')) return Object.assign(res, { text, body: JSON.parse(text) });
  return Object.assign(res, { text });
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A problem body without its per-response traceId, for toEqual. */
export function withoutTrace(body: Record<string, unknown>) {
  const { traceId: _t, ...rest } = body;
  return rest;
}

export function problem(key: keyof typeof HANDBOOK, args: unknown[] = [], fieldErrors?: Record<string, string[]>) {
  return withoutTrace(renderProblem(HANDBOOK[key], args, fieldErrors) as unknown as Record<string, unknown>);
}

/** Request processing, the cancellation window, generation and synchronization, in virtual ms. */
export const DAY = 24 * 3_600_000;
