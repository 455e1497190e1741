/**
 * MCOI test helpers shared by the report and extension tests: SSCCs, reports, and codes brought to APPLIED.
 */
import { expect } from 'vitest';
import { HANDBOOK, type McoiError } from '../../simulator/systems/mcoi/handbook.js';
import { renderError } from '../../simulator/systems/mcoi/envelope.js';
import { b64, setup as baseSetup, type Setup as BaseSetup } from '../helpers.js';

export const USERS = {
  main: { login: '6e8login23', password: '12345678' },
  ordersOnly: { login: '6e8orders01', password: 'orders-pass-01' },
  reportsOnly: { login: '6e8reports01', password: 'reports-pass-01' },
  noRole: { login: '6e8norole01', password: 'norole-pass-01' },
  wholesale: { login: 'whs-login01', password: 'wholesale-pass-01' },
  provider: { login: 'sp-login01', password: 'provider-pass-01' },
  water: { login: 'wtr-login01', password: 'water-pass-01' },
} as const;

/** A test app (test/helpers.ts setup) with an MCOI login at hand. */
export interface Setup extends BaseSetup {
  /** Logs in and returns the Authorization header value. */
  login(user?: keyof typeof USERS): Promise<string>;
}

export async function setup(deps: Parameters<typeof baseSetup>[0] = {}): Promise<Setup> {
  const s = await baseSetup(deps);
  return {
    ...s,
    async login(user = 'main') {
      const res = await s.http.post('/mcoi/api/users/authenticate').send(USERS[user]);
      expect(res.status).toBe(200);
      return `Bearer ${res.body.accessToken}`;
    },
  };
}


/** The exact envelope a handbook error renders to, without the per-response errorId. */
export function mcoiError(entry: McoiError, args: unknown[] = [], details: Parameters<typeof renderError>[2] = {}) {
  return renderError(entry, args, details).body;
}

/** Drops errorId (a per-response counter) so bodies compare with toEqual. */
export function withoutErrorId(body: { globalErrors: { errorId?: string }[] }) {
  return { globalErrors: body.globalErrors.map(({ errorId: _id, ...rest }) => rest) };
}

export { HANDBOOK };

/** Registers a small OPERATOR order for the main organization and returns its id. */
export async function registerOrder(s: Setup, auth: string, overrides: Record<string, unknown> = {}, products?: unknown[]): Promise<string> {
  const res = await s.http
    .post('/mcoi/api/orders')
    .set('Authorization', auth)
    .send({
      productGroup: 'vegetableoil',
      releaseMethodType: 'PRIMARY',
      products: products ?? [{ gtin: '04899215122371', quantity: 10, serialNumberType: 'OPERATOR', cisType: 'UNIT' }],
      businessPlaceId: 27,
      ...overrides,
    });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.orderId as string;
}

/** Registers an order, waits (virtual time) until READY and unloads `n` codes. */
export async function readyCodes(s: Setup, auth: string, n = 10, gtin = '04899215122371', order: Record<string, unknown> = {}): Promise<{ orderId: string; codes: string[]; packId: string }> {
  const orderId = await registerOrder(s, auth, order, [{ gtin, quantity: n, serialNumberType: 'OPERATOR', cisType: 'UNIT' }]);
  s.advance(3_000);
  const res = await s.http.get('/mcoi/api/codes').query({ orderId, gtin, quantity: n }).set('Authorization', auth);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { orderId, codes: res.body.codes, packId: res.body.packId };
}

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
