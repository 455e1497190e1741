/**
 * Marking codes in the documented form (§3.4 example): `01` + GTIN + `21` + 13-character serial + GS + `93` +
 * 4-character verification code.
 *
 * OPERATOR serials are not stored: serial = encode(permute(key, subOrderSeq, index)), so any code can be decoded
 * back to its sub-order and position, and a world of a million codes stores only what changed about them.
 *
 * @example
 * const s = operatorSerial(key, 7, 0);       // e.g. "q>4Tz%b8Ka-Pk"
 * decodeOperatorSerial(key, s);              // { seq: 7, index: 0 }
 * formatCode('04899215122371', s, cryptoTail(key, '04899215122371', s));
 */
import { GS, isValidSscc, SERIAL_ALPHABET } from '../../core/gs1.js';
import { hash32, permute64, unpermute64 } from '../../core/random.js';
import { LIMITS } from './reference.js';

const N = SERIAL_ALPHABET.length; // 72: 72^6 > 2^32, so six characters hold one 32-bit half
const DIGITS_PER_HALF = 6;
const CHAR_INDEX = new Map([...SERIAL_ALPHABET].map((c, i) => [c, i]));

function toDigits(value: number, out: number[]): void {
  let v = value;
  for (let i = 0; i < DIGITS_PER_HALF; i++) {
    out.push(v % N);
    v = Math.floor(v / N);
  }
}

function fromDigits(d: number[], offset: number): number {
  let v = 0;
  for (let i = DIGITS_PER_HALF - 1; i >= 0; i--) v = v * N + d[offset + i];
  return v;
}

/** Key stream for the reversible diffusion across characters (so leading characters vary too). */
function keyDigits(key: number): number[] {
  return Array.from({ length: 12 }, (_, i) => hash32(key, `d${i}`) % N);
}

const keyCache = new Map<number, number[]>();
function kd(key: number): number[] {
  let k = keyCache.get(key);
  if (!k) {
    k = keyDigits(key);
    keyCache.set(key, k);
  }
  return k;
}

export function operatorSerial(key: number, seq: number, index: number): string {
  const [hi, lo] = permute64(key, seq, index);
  const d: number[] = [];
  toDigits(hi, d);
  toDigits(lo, d);
  const k = kd(key);
  // d'0 = d0 + d11 + k0; d'i = di + d'(i-1) + ki — reversible, and every character depends on the others.
  const e = new Array<number>(12);
  e[0] = (d[0] + d[11] + k[0]) % N;
  for (let i = 1; i < 12; i++) e[i] = (d[i] + e[i - 1] + k[i]) % N;
  let s = '';
  for (const x of e) s += SERIAL_ALPHABET[x];
  return s + SERIAL_ALPHABET[hash32(key ^ 0x5bd1e995, s) % N];
}

/** The (sub-order, index) an OPERATOR serial encodes, or null when it is not one this world could issue. */
export function decodeOperatorSerial(key: number, serial: string): { seq: number; index: number } | null {
  if (serial.length !== LIMITS.serialLength) return null;
  const e: number[] = [];
  for (const c of serial.slice(0, 12)) {
    const v = CHAR_INDEX.get(c);
    if (v === undefined) return null;
    e.push(v);
  }
  if (SERIAL_ALPHABET[hash32(key ^ 0x5bd1e995, serial.slice(0, 12)) % N] !== serial[12]) return null;
  const k = kd(key);
  const d = new Array<number>(12);
  for (let i = 11; i >= 1; i--) d[i] = (((e[i] - e[i - 1] - k[i]) % N) + 2 * N) % N;
  d[0] = (((e[0] - d[11] - k[0]) % N) + 2 * N) % N;
  const hi = fromDigits(d, 0);
  const lo = fromDigits(d, DIGITS_PER_HALF);
  if (hi > 0xffffffff || lo > 0xffffffff) return null;
  const [seq, index] = unpermute64(key, hi, lo);
  return { seq, index };
}

export function cryptoTail(key: number, gtin: string, serial: string): string {
  let h = hash32(key ^ 0x27d4eb2f, gtin + serial);
  let s = '';
  for (let i = 0; i < LIMITS.cryptoLength; i++) {
    s += SERIAL_ALPHABET[h % N];
    h = Math.floor(h / N);
  }
  return s;
}

export function formatCode(gtin: string, serial: string, crypto: string): string {
  return `01${gtin}21${serial}${GS}93${crypto}`;
}

export interface ParsedCode {
  gtin: string;
  serial: string;
  crypto?: string;
}

/**
 * Reads a code as clients send it: with GS and the crypto tail (sntins, observed #4), without the tail
 * (aggregation documents), or with the tail but the GS lost (as in §5.3's example).
 */
export function parseCode(code: string): ParsedCode | null {
  if (typeof code !== 'string' || !code.startsWith('01') || code.slice(16, 18) !== '21') return null;
  const gtin = code.slice(2, 16);
  if (!/^\d{14}$/.test(gtin)) return null;
  const serial = code.slice(18, 18 + LIMITS.serialLength);
  const rest = code.slice(18 + LIMITS.serialLength);
  if (serial.length !== LIMITS.serialLength) return null;
  if (rest === '') return { gtin, serial };
  const m = new RegExp(`^${GS}?93(.{${LIMITS.cryptoLength}})$`, 's').exec(rest);
  return m ? { gtin, serial, crypto: m[1] } : null;
}

/** The world's code key: derived from the seed once, stored with the world, so codes survive restarts. */
export function codeKeyFor(seed: number): number {
  return hash32(seed, 'mcoi-codes');
}

/**
 * The 18-digit SSCC of a unitSerialNumber given as 18 digits (§4.4 example) or in its GS1 AI (00) form of 20
 * (observed #25: "the form ASL wants"), with a valid check digit in both; undefined otherwise.
 */
export function ssccOf(s: string): string | undefined {
  const digits = s.length === 20 && s.startsWith('00') ? s.slice(2) : s;
  return isValidSscc(digits) ? digits : undefined;
}

/** Anything shaped like an SSCC (18 digits, or 20 starting with the AI 00), valid or not. */
export const SSCC_SHAPE = /^(00)?\d{18}$/;

/**
 * The key a package is known by, whatever form names it: an SSCC without its AI, a GROUP or SET code without its
 * verification code (01<GTIN>21<serial>). Undefined for what can name no package.
 */
export function unitKeyOf(s: string): string | undefined {
  if (SSCC_SHAPE.test(s)) return ssccOf(s) ?? s;
  const p = parseCode(s);
  return p ? `01${p.gtin}21${p.serial}` : undefined;
}
