/** Model → SetMark wire format, field by field: erp/status packets, the /external/* answers, a mark for the control plane. */
import { pmap } from '../../core/pmap.js';
import { PACKAGE_CODES } from './handbook.js';
import { onStock, type Profile } from './machine.js';
import { packageMessage } from './packages.js';
import type { ExternalAnswer } from './reserves.js';
import type { Mark, PackageRecord, SetmarkState } from './state.js';

/** A package as erp/status shows it now (`status`: packages.ts packageStatus). */
export function packetView(r: PackageRecord | undefined, id: number, status: number, p: Profile) {
  if (!r) return { id, status: 0, errorCode: 502, message: PACKAGE_CODES[502] };
  if (status === 2) return { id, status: 2, errorCode: 0, message: PACKAGE_CODES[0] };
  return { id, status: r.status, errorCode: r.errorCode, message: packageMessage(r.errorCode, p), ...(r.data.length ? { data: r.data } : {}) };
}

/** An /external/* answer with the request's id; §6.3 #5: the success examples write the string "true", the error examples a boolean false. */
export function external(id: unknown, a: ExternalAnswer, p: Profile) {
  return { id, success: a.success && p.successString ? 'true' : a.success, message: a.message, ...(a.data ? { data: a.data } : {}) };
}

/** A mark as the control plane shows it: what the stock knows of it now. */
export function markView(s: SetmarkState, m: Mark, now: number) {
  return {
    code: m.code,
    productType: m.productType,
    shop: m.shop,
    ...(m.inn ? { inn: m.inn } : {}),
    state: m.state,
    onStock: onStock(m, now),
    ...(pmap.get(s.reservedBy, m.code) !== undefined ? { orderNumber: pmap.get(s.reservedBy, m.code) } : {}),
    ...(m.barcode !== undefined ? { barcode: m.barcode } : {}),
    ...(m.item !== undefined ? { item: m.item } : {}),
    ...(m.alcocode !== undefined ? { alcocode: m.alcocode } : {}),
    ...(m.parent ? { parent: m.parent } : {}),
    ...(m.children ? { children: m.children } : {}),
    packetId: m.packetId,
    ...(m.sale ? { sale: { ...m.sale, at: new Date(m.sale.at).toISOString() } } : {}),
    ...(m.hold ? { hold: m.hold } : {}),
  };
}
