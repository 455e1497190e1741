/**
 * Unit level unique identifiers (EU TPD, Implementing Regulation 2018/574 Art. 8): the ID issuer identification
 * code, then a serial unique across every request, then (format Full) a product code. Derived from
 * (seed, requestId, index) by a keyed permutation, so a million identifiers cost nothing to store and the same
 * seed gives the same bytes on every download.
 *
 * @example
 * identifier(ctx, 0, 'Full'); // "PWPW" + "0K7R2M9QX1ZTB" + "H4N8D2C"
 */
import { hash32, permute64 } from '../../core/random.js';
import type { Format } from './reference.js';
import type { UnitRequest } from './state.js';

/** Crockford's base 32: no I, L, O, U, so identifiers read back unambiguously. */
const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 64 bits → 13 base-32 characters (injective: the first character carries the top 4 bits). */
function serial(key: number, requestId: number, index: number): string {
  const [hi, lo] = permute64(key, requestId, index);
  let s = '';
  for (let pos = 55; pos >= 0; pos -= 5) {
    const v = pos + 5 <= 32 ? lo >>> pos : pos >= 32 ? hi >>> (pos - 32) : (lo >>> pos) | (hi << (32 - pos));
    s += B32[v & 31];
  }
  return B32[(hi >>> 28) | ((lo & 1) << 4)] + s;
}

/** A product code for the request's product and route (simulator-defined: the document gives none). */
export function productCode(key: number, r: UnitRequest): string {
  const p = r.productData;
  let h = hash32(key, [p.euCegIdentifier, p.euCegProductNumber, p.productBrand, p.productType, p.cnCode, p.units, r.routeData.intendedMarket, r.routeData.intendedRoute ?? '', r.routeData.fromOutOfUE].join('|'));
  let s = '';
  for (let i = 0; i < 7; i++) {
    s += B32[h & 31];
    h >>>= 5;
  }
  return s;
}

export interface IdentifierContext {
  key: number;
  iic: string;
  request: UnitRequest;
  productCode: string;
}

export function identifier(c: IdentifierContext, index: number, format: Format): string {
  const base = c.iic + serial(c.key, c.request.requestId, index);
  return format === 'Full' ? base + c.productCode : base;
}

/** The CSV as chunks of lines: one identifier per line, LF-terminated, no header (simulator-defined layout). */
export function* csvChunks(c: IdentifierContext, format: Format, linesPerChunk = 16_384): Generator<string> {
  const n = c.request.reqQuantity;
  for (let from = 0; from < n; from += linesPerChunk) {
    const to = Math.min(n, from + linesPerChunk);
    let chunk = '';
    for (let i = from; i < to; i++) chunk += identifier(c, i, format) + '\n';
    yield chunk;
  }
}

export function uiKeyFor(seed: number): number {
  return hash32(seed, 'id-issuer-ui');
}
