/**
 * True API's code registry. Codes are derived, not stored: a batch of the world (a GTIN, a count, a status, an owner)
 * and a position in it give a serial through a reversible codec, and any code decodes back to its batch and
 * position. A registry of a million codes is the few batches that make it.
 *
 * Forms (§1.9, the document's examples):
 * - tobacco pack (UNIT): GTIN + 7-character serial, e.g. `04606203084623hL?SYvG`;
 * - tobacco block (LEVEL1, 10 packs): `01` + GTIN + `21` + 7-character serial, emitted as `(01)GTIN(21)serial`;
 * - tobacco box (LEVEL2, 50 blocks): GTIN + 24-character serial, e.g. `00000046210654900v1s0Xz1zIFDjtcXJjz5cB`;
 * - other units: `01` + GTIN + `21` + 13-character serial, with a crypto tail `<GS>91` + 4 + `<GS>92` + 44 characters
 *   that is stripped before anything is looked up.
 * Serials use capital and small letters, digits and `"%&'*+-<=>?_\!`: many codes carry the characters §1.6 says need
 * escaping.
 *
 * @example
 * const book = new CodeBook(seed, batches);
 * const ref = book.find('(01)04606203084630(21)-ix%BFn'); // { batch, level: 'block', index } or undefined
 * book.cis(ref); book.parent(ref); book.children(ref);
 */
import { GS } from '../../core/gs1.js';
import { hash32 } from '../../core/random.js';
import { SerialCodec } from '../../core/serials.js';
import type { CodeStatus, PackageType, ProductGroup } from './reference.js';
import type { Batch, Level } from './state.js';

export const SERIAL_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"%&\'*+-<=>?_\\!';

/** How many packs a block holds and blocks a box (tobacco). */
export const PACKS_PER_BLOCK = 10;
export const BLOCKS_PER_BOX = 50;


export const LEVELS: readonly Level[] = ['unit', 'block', 'box'];
export const PACKAGE_TYPE: Record<Level, PackageType> = { unit: 'UNIT', block: 'LEVEL1', box: 'LEVEL2' };

/** One code of the registry: its batch, level and position. */
export interface CodeRef {
  batch: Batch;
  level: Level;
  index: number;
}

/** The code without its crypto tail, brackets normalised away: what is looked up (§1.9). */
export function normalize(code: string): string {
  let c = code.split(GS)[0];
  const m = /^\(01\)([0-9]{14})\(21\)(.*)$/.exec(c);
  if (m) c = `01${m[1]}21${m[2]}`;
  return c;
}

export class CodeBook {
  private readonly unitCodec7: SerialCodec;
  private readonly blockCodec: SerialCodec;
  private readonly boxCodec: SerialCodec;
  private readonly unitCodec13: SerialCodec;
  private readonly tailKey: number;
  private readonly byGtin = new Map<string, Batch[]>();
  private readonly byBlockGtin = new Map<string, Batch[]>();
  private readonly byId = new Map<number, Batch>();

  constructor(
    seed: number,
    readonly batches: Batch[],
  ) {
    const key = (what: string) => hash32(seed, `true-api/codes/${what}`);
    this.unitCodec7 = new SerialCodec(key('pack'), 7, SERIAL_CHARS);
    this.blockCodec = new SerialCodec(key('block'), 7, SERIAL_CHARS);
    this.boxCodec = new SerialCodec(key('box'), 24, SERIAL_CHARS);
    this.unitCodec13 = new SerialCodec(key('unit'), 13, SERIAL_CHARS);
    this.tailKey = key('crypto');
    for (const b of batches) {
      if (b.id < 1 || b.id > 63 || this.byId.has(b.id)) throw new Error(`batch id ${b.id}: 1..63, once`);
      this.byId.set(b.id, b);
      const add = (m: Map<string, Batch[]>, g: string) => m.set(g, [...(m.get(g) ?? []), b]);
      add(this.byGtin, b.gtin);
      if (b.blockGtin) add(this.byBlockGtin, b.blockGtin);
    }
  }

  /** How many positions a level of a batch has. */
  size(b: Batch, level: Level): number {
    if (b.kind === 'units') return level === 'unit' ? b.count : 0;
    return level === 'box' ? b.count : level === 'block' ? b.count * BLOCKS_PER_BOX : b.count * BLOCKS_PER_BOX * PACKS_PER_BLOCK;
  }

  /** Every code of a batch counts: packs, blocks and boxes. */
  total(b: Batch): number {
    return LEVELS.reduce((n, l) => n + this.size(b, l), 0);
  }

  private value(r: CodeRef): number {
    return ((r.batch.id << 26) | (LEVELS.indexOf(r.level) << 24) | r.index) >>> 0;
  }

  private refOf(value: number | null, level: Level, candidates: Batch[] | undefined): CodeRef | undefined {
    if (value === null || !candidates) return undefined;
    const batch = this.byId.get(value >>> 26);
    const index = value & 0xffffff;
    if (!batch || !candidates.includes(batch) || LEVELS[(value >>> 24) & 3] !== level || index >= this.size(batch, level)) return undefined;
    return { batch, level, index };
  }

  /** The code as it is emitted (blocks with brackets), without a crypto tail. */
  emitted(r: CodeRef): string {
    const v = this.value(r);
    if (r.level === 'block') return `(01)${r.batch.blockGtin}(21)${this.blockCodec.encode(v)}`;
    if (r.level === 'box') return r.batch.gtin + this.boxCodec.encode(v);
    return r.batch.kind === 'tobacco' ? r.batch.gtin + this.unitCodec7.encode(v) : `01${r.batch.gtin}21${this.unitCodec13.encode(v)}`;
  }

  /** The identification code (КИ) without brackets: what `cis` fields carry. */
  cis(r: CodeRef): string {
    return normalize(this.emitted(r));
  }

  /** The full marking code (КМ) of a unit with a crypto tail (`<GS>91` key + `<GS>92` check), as printed. */
  withTail(r: CodeRef): string {
    const cis = this.cis(r);
    if (r.batch.kind !== 'units') return cis;
    let h = hash32(this.tailKey, cis);
    let tail = '';
    for (let i = 0; i < 48; i++) {
      tail += SERIAL_CHARS[h % 62]; // letters and digits only in the check part
      h = hash32(h, String(i));
    }
    return `${cis}${GS}91${tail.slice(0, 4)}${GS}92${tail.slice(4)}`;
  }

  /** The registry's code a client sent (any form: brackets or not, with or without a crypto tail), or undefined. */
  find(code: string): CodeRef | undefined {
    const c = normalize(code);
    if (c.startsWith('01') && c.slice(16, 18) === '21') {
      const gtin = c.slice(2, 16);
      const serial = c.slice(18);
      const blocks = this.byBlockGtin.get(gtin);
      if (blocks && serial.length === 7) return this.refOf(this.blockCodec.decode(serial), 'block', blocks);
      // A unit with its tail cut at 13 characters when no GS separates it.
      const units = this.byGtin.get(gtin)?.filter((b) => b.kind === 'units');
      if (units?.length && serial.length >= 13) return this.refOf(this.unitCodec13.decode(serial.slice(0, 13)), 'unit', units);
    }
    const gtin = c.slice(0, 14);
    const tobacco = this.byGtin.get(gtin)?.filter((b) => b.kind === 'tobacco');
    if (!tobacco?.length) return undefined;
    if (c.length === 21) return this.refOf(this.unitCodec7.decode(c.slice(14)), 'unit', tobacco);
    if (c.length === 38) return this.refOf(this.boxCodec.decode(c.slice(14)), 'box', tobacco);
    return undefined;
  }

  parent(r: CodeRef): CodeRef | undefined {
    if (r.batch.kind !== 'tobacco' || r.level === 'box') return undefined;
    return r.level === 'unit' ? { batch: r.batch, level: 'block', index: Math.floor(r.index / PACKS_PER_BLOCK) } : { batch: r.batch, level: 'box', index: Math.floor(r.index / BLOCKS_PER_BOX) };
  }

  children(r: CodeRef): CodeRef[] {
    if (r.batch.kind !== 'tobacco' || r.level === 'unit') return [];
    const [level, per]: [Level, number] = r.level === 'box' ? ['block', BLOCKS_PER_BOX] : ['unit', PACKS_PER_BLOCK];
    return Array.from({ length: per }, (_, i) => ({ batch: r.batch, level, index: r.index * per + i }));
  }

  /** Consumer units inside a code (a box 500 packs, a block 10, a unit 1). */
  unitsInside(r: CodeRef): number {
    return r.level === 'box' ? BLOCKS_PER_BOX * PACKS_PER_BLOCK : r.level === 'block' ? PACKS_PER_BLOCK : 1;
  }

  /** The GTIN of the product a code is: blocks carry the block GTIN, packs and boxes the pack GTIN. */
  gtinOf(r: CodeRef): string {
    return r.level === 'block' ? r.batch.blockGtin! : r.batch.gtin;
  }

  /** Codes of a batch at a level from a position on (for listings). */
  *walk(b: Batch, level: Level, from = 0): Generator<CodeRef> {
    for (let index = from; index < this.size(b, level); index++) yield { batch: b, level, index };
  }
}
