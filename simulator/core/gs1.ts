/**
 * GS1 helpers: check digits, element strings, the GS separator, the serial alphabet.
 *
 * @example
 * gtinCheckDigit('0489921512237'); // 1  →  GTIN 04899215122371
 */

/** ASCII 29, the FNC1 group separator between variable-length element strings. */
export const GS = '\u001d';

/** Mod-10 check digit of a GS1 key (GTIN, SSCC) given without its last digit. */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const d = body.charCodeAt(body.length - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidGtin14(gtin: string): boolean {
  return /^\d{14}$/.test(gtin) && gs1CheckDigit(gtin.slice(0, 13)) === Number(gtin[13]);
}

/** An SSCC (the 18-digit content of AI 00) with a correct check digit. */
export function isValidSscc(sscc: string): boolean {
  return /^\d{18}$/.test(sscc) && gs1CheckDigit(sscc.slice(0, 17)) === Number(sscc[17]);
}

/**
 * Characters a generated serial is drawn from: a subset of GS1's 82-character set (CSET 82) including some of the
 * punctuation seen in real ASL BELGISI codes, so clients that mishandle `<`, `&` or `+` are caught here.
 */
export const SERIAL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!%&*+-<=>_';

/** GS1 CSET 82: every character a serial (AI 21) may contain. */
export const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/;
