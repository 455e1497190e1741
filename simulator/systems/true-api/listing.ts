/**
 * Filtered, keyset-paged listings of the caller's codes (§5.9 /cises/listV2, §6.4 /products/listV2). Filters work on
 * whole batches (status, GTIN, dates, package type, parties...), so a listing walks only the matching (batch, level)
 * segments and its total is a sum of their sizes: the registry is never scanned code by code. Order: emission date
 * (the only orderColumn, `emd`), then registry position; `uit` + `orderedColumnValue` (the last code of a page and its
 * emission date) continue after it (NEXT) or before it (PREV).
 */
import { SimError } from '../../core/errors.js';
import type { CodeBook, CodeRef, Level } from './codes.js';
import { PACKAGE_TYPE } from './codes.js';
import { HANDBOOK } from './handbook.js';
import type { Directory } from './serialize.js';

export interface ListQuery {
  cis?: string;
  cisStatus?: string;
  gtin?: string;
  sn?: string;
  tnVed10?: string;
  emissionDateFrom?: string;
  emissionDateTo?: string;
  emissionType?: string;
  cisPackageType?: string;
  order?: 'ASC' | 'DESC';
  producerInn?: string;
  ownerInn?: string;
  uit?: string;
  orderedColumnValue?: string;
  orderColumn?: string;
  limit?: number;
  pageDir?: 'PREV' | 'NEXT';
}

interface Segment {
  level: Level;
  batchIndex: number;
  from: number;
  to: number;
}

const LEVELS: Level[] = ['unit', 'block', 'box'];

/** The caller's codes a query selects, a page of them, and how many there are in all. */
export function listCodes(book: CodeBook, dir: Directory, bin: string, q: ListQuery, defaultLimit: number): { page: CodeRef[]; total: number } {
  if ((q.uit === undefined) !== (q.orderedColumnValue === undefined)) throw new SimError(HANDBOOK.CURSOR_INCOMPLETE);
  const from = q.emissionDateFrom ? Date.parse(q.emissionDateFrom) : -Infinity;
  const to = q.emissionDateTo ? Date.parse(q.emissionDateTo) : Infinity;
  // One code asked for by cis (any form) or by serial: at most one segment of one position.
  const exact = q.cis !== undefined ? book.find(q.cis) : undefined;
  const segments: Segment[] = [];
  const batches = book.batches.map((b, i) => ({ b, i })).sort((x, y) => x.b.emittedAt - y.b.emittedAt || x.b.id - y.b.id);
  for (const { b, i } of batches) {
    if (b.producerBin !== bin && b.ownerBin !== bin) continue;
    if (q.cisStatus !== undefined && b.status !== q.cisStatus) continue;
    if (q.emissionType !== undefined && b.emissionType !== q.emissionType) continue;
    if (q.producerInn !== undefined && b.producerBin !== q.producerInn) continue;
    if (q.ownerInn !== undefined && b.ownerBin !== q.ownerInn) continue;
    if (b.emittedAt < from || b.emittedAt > to) continue;
    for (const level of LEVELS) {
      const size = book.size(b, level);
      if (!size) continue;
      if (q.cisPackageType !== undefined && PACKAGE_TYPE[level] !== q.cisPackageType) continue;
      const gtin = book.gtinOf({ batch: b, level, index: 0 });
      if (q.gtin !== undefined && gtin !== q.gtin) continue;
      if (q.tnVed10 !== undefined && dir.product(gtin)?.tnved !== q.tnVed10) continue;
      if (q.cis !== undefined) {
        if (exact && exact.batch === b && exact.level === level) segments.push({ level, batchIndex: i, from: exact.index, to: exact.index + 1 });
        continue;
      }
      segments.push({ level, batchIndex: i, from: 0, to: size });
    }
  }
  let all = segments;
  if (q.sn !== undefined) {
    // A serial is unique within a GTIN's codes: look it up in each segment's form.
    all = all.flatMap((s) => {
      const b = book.batches[s.batchIndex];
      const probe = book.find(`${s.level === 'block' ? `01${b.blockGtin}21` : s.level === 'unit' && b.kind === 'units' ? `01${b.gtin}21` : b.gtin}${q.sn}`);
      return probe && probe.batch === b && probe.level === s.level ? [{ ...s, from: probe.index, to: probe.index + 1 }] : [];
    });
  }
  if (q.order === 'DESC') all.reverse();
  const total = all.reduce((n, s) => n + (s.to - s.from), 0);
  const limit = q.limit ?? defaultLimit;
  // Positions in the listing's order: segment by segment, ascending or descending within each.
  const at = (k: number): CodeRef | undefined => {
    for (const s of all) {
      const n = s.to - s.from;
      if (k < n) return { batch: book.batches[s.batchIndex], level: s.level, index: q.order === 'DESC' ? s.to - 1 - k : s.from + k };
      k -= n;
    }
    return undefined;
  };
  let start = 0;
  if (q.uit !== undefined) {
    const cursor = book.find(q.uit);
    let pos = -1;
    let offset = 0;
    for (const s of all) {
      if (cursor && book.batches[s.batchIndex] === cursor.batch && s.level === cursor.level && cursor.index >= s.from && cursor.index < s.to) {
        pos = offset + (q.order === 'DESC' ? s.to - 1 - cursor.index : cursor.index - s.from);
        break;
      }
      offset += s.to - s.from;
    }
    if (pos < 0) throw new SimError(HANDBOOK.CURSOR_OUTSIDE, [q.uit]);
    start = q.pageDir === 'PREV' ? Math.max(0, pos - limit) : pos + 1;
    if (q.pageDir === 'PREV') return { page: range(at, start, pos), total };
  }
  return { page: range(at, start, Math.min(total, start + limit)), total };
}

function range(at: (k: number) => CodeRef | undefined, from: number, to: number): CodeRef[] {
  const out: CodeRef[] = [];
  for (let k = from; k < to; k++) out.push(at(k)!);
  return out;
}
