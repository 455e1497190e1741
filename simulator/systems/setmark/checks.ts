/**
 * cash/validate (§2.7): the check matrix in the digest's order — 11, 2/13/14 (5/15/16, 19), 3/18, 1/6/12, 9/10, 8/7 —
 * over a request already read (requests.ts). A problem is a row of the violations journal.
 */
import { pmap } from '../../core/pmap.js';
import { violationText } from './handbook.js';
import { findMark, onStock, pre13, visible, type Env, type NewViolation } from './machine.js';
import { dayOf, today } from './schedule.js';
import { excludeKey, itemKey, mrcKey, type SetmarkState } from './state.js';

/** A cash/validate request, read (requests.ts readValidate). */
export interface ValidateInput {
  id: number;
  shop: number;
  cash: number;
  productType: number;
  /** operationType 0 (a sale) or 1 (a return). */
  sale: boolean;
  alcohol: boolean;
  /** `excise` for alcohol, else `mark`. */
  code: string;
  inn?: string;
  barcode?: string;
  promoBarcode?: string;
  item?: string;
  /** strictCheck as sent (undefined: the installation's setting). */
  strict?: boolean;
  alcocodes: string[];
  price?: number;
  /** A promo's components: the barcodes of each and its price. */
  promoComponents: { barcodes: string[]; price?: number }[];
}

export interface ValidateResult {
  body: { id: number; result: boolean; message: string; barcode?: string; alcocode?: string; amrc?: number };
  rows: NewViolation[];
}

/** An alcohol excise stamp's format (11): Latin letters and digits, 8 to 200 of them (a scan in a Cyrillic layout fails). */
const AM_FORMAT = /^[0-9A-Za-z]{8,200}$/;

/** The MRC of a barcode in a shop on a day (kopecks), if one is loaded. */
export function mrcOn(s: SetmarkState, shop: number, barcode: string | undefined, day: number): number | undefined {
  if (!barcode) return undefined;
  const p = pmap.get(s.mrc, mrcKey(shop, barcode));
  return p?.mrc.find((x) => dayOf(x.beginDate)! <= day && day <= dayOf(x.endDate)!)?.price;
}

/** cash/validate: the check matrix in the digest's order; the request's shape was checked before. */
export function validate(s: SetmarkState, b: ValidateInput, env: Env): ValidateResult {
  const p = env.profile;
  const { id, shop, cash, productType, sale, alcohol, code, inn, barcode, promoBarcode } = b;
  const m = findMark(s.marks, code);
  const row = (errorCode: number): NewViolation => ({ packetId: 0, productType, ...(inn ? { inn } : {}), shop, cash, excise: code, barcode: barcode ?? null, promoBarcode: promoBarcode ?? null, at: env.now, errorCode });
  const refuse = (errorCode: number): ValidateResult => ({ body: { id, result: false, message: violationText(errorCode, pre13(p)) }, rows: [row(errorCode)] });

  if (alcohol && !AM_FORMAT.test(code)) return refuse(11);
  const here = m && m.shop === shop && visible(m, env.now);
  // 18/19: with INN control on, or off but an INN sent and stored with the mark — either way both must be known.
  const innControl = !alcohol && inn !== undefined && m?.inn !== undefined;
  if (!sale) {
    if (m?.state === 'SOLD_IN_BLOCK' && m.parent && findMark(s.marks, m.parent)?.sale?.shop === shop) return refuse(15);
    if (m?.state === 'DISBANDED' && m.shop === shop) return refuse(16);
    if (innControl && m?.state === 'SOLD' && m.sale?.shop === shop && m.sale.inn !== undefined && m.sale.inn !== inn) return refuse(19);
    if (m?.state !== 'SOLD' || m.sale?.shop !== shop) return refuse(5);
    return { body: { id, result: true, message: 'OK', ...(m.barcode ? { barcode: m.barcode } : {}), ...(alcohol && m.alcocode ? { alcocode: m.alcocode } : {}) }, rows: [] };
  }
  if (m?.state === 'SOLD') return refuse(2);
  if (m?.state === 'SOLD_IN_BLOCK') return refuse(13);
  if (here && m.state === 'DISBANDED') return refuse(14);
  const rows: NewViolation[] = [];
  const stocked = onStock(m, env.now) && m.shop === shop;
  if (!stocked) {
    const excluded = b.item !== undefined && pmap.has(s.excludes, excludeKey(shop, productType, b.item));
    const strict = b.strict ?? p.strictCheck;
    if (!excluded) {
      if (strict) return refuse(3);
      rows.push(row(3));
    }
  } else if (innControl && m.inn !== inn) return refuse(18);
  if (stocked && alcohol) {
    const { alcocodes, item } = b;
    const byItem = item !== undefined ? pmap.get(s.alcocodes, itemKey(shop, item))?.alcocodes : undefined;
    if (p.checkAlcocode && m.alcocode && (alcocodes.length || byItem) && !alcocodes.includes(m.alcocode) && !(byItem ?? []).includes(m.alcocode)) return refuse(1);
    if (p.checkBarcode && m.barcode && barcode !== undefined && m.barcode !== barcode && m.barcode !== promoBarcode) return refuse(6);
    if (p.checkItem && m.item && item !== undefined && m.item !== item) return refuse(12);
  }
  let price = b.price;
  let mrcBarcode = (stocked ? m.barcode : undefined) ?? barcode;
  if (alcohol && promoBarcode && b.promoComponents.length) {
    if (!barcode) return refuse(9);
    const component = b.promoComponents.find((x) => x.barcodes.includes(barcode));
    if (!component) return refuse(10);
    price = component.price;
    mrcBarcode = barcode;
  }
  let amrc: number | undefined;
  if (alcohol) {
    amrc = mrcOn(s, shop, mrcBarcode, today(env.now));
    if (amrc === undefined) return refuse(8);
    if (price !== undefined && price < amrc) return refuse(7);
  }
  const body: ValidateResult['body'] = { id, result: true, message: 'OK' };
  if (stocked && m.barcode) body.barcode = m.barcode;
  if (alcohol && stocked && m.alcocode) body.alcocode = m.alcocode;
  if (amrc !== undefined) body.amrc = amrc;
  return { body, rows };
}
