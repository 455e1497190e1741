/**
 * Reversible serial numbers: a 32-bit value (a batch and a position in it, say) in a fixed number of characters that
 * look random, decoded back without a lookup. So a registry of a million codes stores nothing per code: a code is
 * decoded to where it was made, and only what changed about it is kept.
 *
 * The value goes through a keyed 32-bit Feistel permutation, is written in base N (the alphabet's size) padded with
 * zeros, spread across every character by a reversible keyed chain, and closed by a check character; decoding a
 * string this key never made fails (null) but for a chance of 1/N times the padding.
 *
 * @example
 * const codec = new SerialCodec(hash32(seed, 'true-api/packs'), 7, ALPHABET);
 * codec.encode(12345);      // e.g. `q"4T&b8`
 * codec.decode(`q"4T&b8`);  // 12345
 */
import { hash32 } from './random.js';

const mask16 = 0xffff;

export class SerialCodec {
  private readonly n: number;
  private readonly digits: number;
  private readonly index: Map<string, number>;
  private readonly rounds: number[];
  private readonly stream: number[];

  constructor(
    private readonly key: number,
    readonly length: number,
    private readonly alphabet: string,
  ) {
    this.n = alphabet.length;
    this.digits = length - 1;
    if (new Set(alphabet).size !== this.n) throw new Error('serial alphabet has a character twice');
    if (this.n ** this.digits < 2 ** 32) throw new Error(`${this.digits} characters of ${this.n} cannot hold 32 bits`);
    this.index = new Map([...alphabet].map((c, i) => [c, i]));
    this.rounds = [0, 1, 2, 3].map((r) => hash32(key, `feistel${r}`));
    this.stream = Array.from({ length: this.digits }, (_, i) => hash32(key, `chain${i}`) % this.n);
  }

  private round(r: number, half: number): number {
    return hash32(this.rounds[r], String(half)) & mask16;
  }

  private permute(v: number): number {
    let l = v >>> 16;
    let r = v & mask16;
    for (let i = 0; i < 4; i++) [l, r] = [r, l ^ this.round(i, r)];
    return ((l << 16) | r) >>> 0;
  }

  private unpermute(v: number): number {
    let l = v >>> 16;
    let r = v & mask16;
    for (let i = 3; i >= 0; i--) [l, r] = [r ^ this.round(i, l), l];
    return ((l << 16) | r) >>> 0;
  }

  encode(value: number): string {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`serial value ${value} is not 32 bits`);
    let v = this.permute(value);
    const d: number[] = [];
    for (let i = 0; i < this.digits; i++) {
      d.push(v % this.n);
      v = Math.floor(v / this.n);
    }
    // e0 = d0 + d(last) + k0; ei = di + e(i-1) + ki: reversible, every character depends on those before it.
    const e: number[] = [];
    for (let i = 0; i < this.digits; i++) e.push((d[i] + (i === 0 ? d[this.digits - 1] : e[i - 1]) + this.stream[i]) % this.n);
    const body = e.map((x) => this.alphabet[x]).join('');
    return body + this.alphabet[hash32(this.key ^ 0x5bd1e995, body) % this.n];
  }

  /** The value a serial encodes, or null when this codec never made it. */
  decode(serial: string): number | null {
    if (serial.length !== this.length) return null;
    const body = serial.slice(0, this.digits);
    if (this.alphabet[hash32(this.key ^ 0x5bd1e995, body) % this.n] !== serial[this.digits]) return null;
    const e: number[] = [];
    for (const c of body) {
      const x = this.index.get(c);
      if (x === undefined) return null;
      e.push(x);
    }
    const d = new Array<number>(this.digits);
    for (let i = this.digits - 1; i >= 1; i--) d[i] = (((e[i] - e[i - 1] - this.stream[i]) % this.n) + this.n) % this.n;
    d[0] = (((e[0] - d[this.digits - 1] - this.stream[0]) % this.n) + 2 * this.n) % this.n;
    let v = 0;
    for (let i = this.digits - 1; i >= 0; i--) v = v * this.n + d[i];
    if (v > 0xffffffff) return null;
    return this.unpermute(v);
  }
}
