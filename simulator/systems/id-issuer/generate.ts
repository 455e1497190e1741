/**
 * Unit level unique identifiers (EU TPD, Implementing Regulation 2018/574 Art. 8): the ID issuer identification
 * code, then a serial unique across every request, then (format Full) a product code. Derived from
 * (seed, requestId, index) by a keyed permutation, so a million identifiers cost nothing to store and the same
 * seed gives the same bytes on every download.
 *
 * @example
 * for (const chunk of csvChunks(ctx, 'Full')) out.write(chunk); // lines like "PWPW" + "0K7R2M9QX1ZTB" + "H4N8D2C"
 */
import { hash32, permute64, unpermute64 } from '../../core/random.js';
import type { Format } from './reference.js';
import type { IdIssuerState, UnitRequest } from './state.js';

/** Crockford's base 32: no I, L, O, U, so identifiers read back unambiguously. */
const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const B32_CODES = Uint8Array.from(B32, (ch) => ch.charCodeAt(0));
export const SERIAL_LENGTH = 13;

/**
 * Writes the 13-character serial of (requestId, index) into `out` at `at`: 64 permuted bits as base-32 characters
 * (injective: the first character carries the top 4 bits). Bytes, not strings: a million of them are written per CSV.
 */
function writeSerial(out: Uint8Array, at: number, key: number, requestId: number, index: number): void {
  const [hi, lo] = permute64(key, requestId, index);
  out[at] = B32_CODES[(hi >>> 28) | ((lo & 1) << 4)];
  let o = at + 1;
  for (let pos = 55; pos >= 0; pos -= 5) {
    const v = pos + 5 <= 32 ? lo >>> pos : pos >= 32 ? hi >>> (pos - 32) : (lo >>> pos) | (hi << (32 - pos));
    out[o++] = B32_CODES[v & 31];
  }
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

/** The identifiers of a request in a world: its key, the issuer's code, the request, its product code. */
export function identifierContext(s: IdIssuerState, r: UnitRequest): IdentifierContext {
  return { key: s.uiKey, iic: s.world.issuerIdentificationCode, request: r, productCode: productCode(s.uiKey, r) };
}

/**
 * The CSV as chunks of ASCII bytes: one identifier per line, LF-terminated, no header (simulator-defined layout).
 * Every line has the same length, so the size is known before the first byte (Content-Length).
 */
export function lineLength(c: IdentifierContext, format: Format): number {
  return c.iic.length + SERIAL_LENGTH + (format === 'Full' ? c.productCode.length : 0) + 1;
}

export function* csvChunks(c: IdentifierContext, format: Format, linesPerChunk = 16_384): Generator<Buffer> {
  const prefix = Buffer.from(c.iic, 'ascii');
  const suffix = Buffer.from(format === 'Full' ? c.productCode : '', 'ascii');
  const len = lineLength(c, format);
  const n = c.request.reqQuantity;
  for (let from = 0; from < n; from += linesPerChunk) {
    const to = Math.min(n, from + linesPerChunk);
    const buf = Buffer.allocUnsafe(len * (to - from));
    let o = 0;
    for (let i = from; i < to; i++) {
      for (let k = 0; k < prefix.length; k++) buf[o++] = prefix[k];
      writeSerial(buf, o, c.key, c.request.requestId, i);
      o += SERIAL_LENGTH;
      for (let k = 0; k < suffix.length; k++) buf[o++] = suffix[k];
      buf[o++] = 10;
    }
    yield buf;
  }
}

export function uiKeyFor(seed: number): number {
  return hash32(seed, 'id-issuer-ui');
}

/** The (requestId, index) a 13-character serial was made from, or undefined for one this issuer never wrote. */
export function decodeSerial(key: number, serial: string): { requestId: number; index: number } | undefined {
  if (serial.length !== SERIAL_LENGTH) return undefined;
  const v = [...serial].map((ch) => B32.indexOf(ch));
  if (v.some((x) => x < 0)) return undefined;
  let bits = BigInt(v[0] & 15) << 60n;
  for (let i = 1; i < SERIAL_LENGTH; i++) bits |= BigInt(v[i]) << BigInt(55 - 5 * (i - 1));
  const hi = Number(bits >> 32n);
  const lo = Number(bits & 0xffffffffn);
  if ((v[0] >> 4) !== (lo & 1)) return undefined;
  const [requestId, index] = unpermute64(key, hi, lo);
  return { requestId, index };
}

/** The first `n` identifiers of a request, as the CSV lists them (without the line ends). */
export function firstIdentifiers(c: IdentifierContext, format: Format, n: number): string[] {
  const first = csvChunks({ ...c, request: { ...c.request, reqQuantity: Math.min(n, c.request.reqQuantity) } }, format, n).next();
  return first.done ? [] : first.value.toString('ascii').split('\n').filter(Boolean);
}
