/**
 * Filtered, keyset-paged listings of the caller's codes (§5.9 /cises/listV2, §6.4 /products/listV2). Filters work on
 * whole batches (status, GTIN, dates, package type, parties...), so a listing walks only the matching (batch, level)
 * segments and its total is a sum of their sizes: the registry is never scanned code by code (codes documents changed
 * split their segment and are judged one by one, ledger.ts). Order: emission date
 * (the only orderColumn, `emd`), then registry position; `uit` + `orderedColumnValue` (the last code of a page and its
 * emission date) continue after it (NEXT) or before it (PREV).
 */
import { SimError } from '../../core/errors.js';
import type { CodeRef } from './codes.js';
import type { Batch, Level } from './state.js';
import { PACKAGE_TYPE } from './codes.js';
import { HANDBOOK } from './handbook.js';
import type { CodeNow, CodeView } from './ledger.js';
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

export interface Segment {
  level: Level;
  batchIndex: number;
  from: number;
  to: number;
}

const LEVELS: Level[] = ['unit', 'block', 'box'];

/** What a selection asks of a code's current state (status, owner, emission type) — the parts documents change. */
export type StateFilter = (b: Batch, now: CodeNow) => boolean;

/**
 * The runs of registry positions a selection holds, batch by batch (in the order given) and level by level: whole
 * (batch, level) segments where the batch's defaults match, split around the codes documents changed, and the changed
 * codes that match on their own where the defaults do not. `levelOk` filters on what cannot change (GTIN, package type).
 */
export function selectSegments(codes: CodeView, order: number[], levelOk: (b: Batch, level: Level) => boolean, stateOk: StateFilter): Segment[] {
  const book = codes.book;
  const segments: Segment[] = [];
  for (const i of order) {
    const b = book.batches[i];
    const base: CodeNow = { status: b.status, ownerBin: b.ownerBin, emissionType: b.emissionType, detached: false };
    const baseOk = stateOk(b, base);
    for (const level of LEVELS) {
      const size = book.size(b, level);
      if (!size || !levelOk(b, level)) continue;
      const changed = codes.changedIn(b, level);
      if (!changed.length) {
        if (baseOk) segments.push({ level, batchIndex: i, from: 0, to: size });
        continue;
      }
      let from = 0;
      for (const c of changed) {
        if (baseOk && c.index > from) segments.push({ level, batchIndex: i, from, to: c.index });
        if (stateOk(b, codes.stateOf(b, c.changes))) segments.push({ level, batchIndex: i, from: c.index, to: c.index + 1 });
        from = c.index + 1;
      }
      if (baseOk && from < size) segments.push({ level, batchIndex: i, from, to: size });
    }
  }
  return segments;
}

/** The caller's codes a query selects, a page of them, and how many there are in all. */
export function listCodes(codes: CodeView, dir: Directory, bin: string, q: ListQuery, defaultLimit: number): { page: CodeRef[]; total: number } {
  if ((q.uit === undefined) !== (q.orderedColumnValue === undefined)) throw new SimError(HANDBOOK.CURSOR_INCOMPLETE);
  const book = codes.book;
  const from = q.emissionDateFrom ? Date.parse(q.emissionDateFrom) : -Infinity;
  const to = q.emissionDateTo ? Date.parse(q.emissionDateTo) : Infinity;
  const order = book.batches
    .map((b, i) => ({ b, i }))
    .filter(({ b }) => (q.producerInn === undefined || b.producerBin === q.producerInn) && b.emittedAt >= from && b.emittedAt <= to)
    .sort((x, y) => x.b.emittedAt - y.b.emittedAt || x.b.id - y.b.id)
    .map(({ i }) => i);
  const segments = selectSegments(
    codes,
    order,
    (b, level) => {
      if (q.cisPackageType !== undefined && PACKAGE_TYPE[level] !== q.cisPackageType) return false;
      const gtin = book.gtinOf({ batch: b, level, index: 0 });
      return (q.gtin === undefined || gtin === q.gtin) && (q.tnVed10 === undefined || dir.product(gtin)?.tnved === q.tnVed10);
    },
    (b, now) =>
      (b.producerBin === bin || now.ownerBin === bin) &&
      (q.cisStatus === undefined || now.status === q.cisStatus) &&
      (q.emissionType === undefined || now.emissionType === q.emissionType) &&
      (q.ownerInn === undefined || now.ownerBin === q.ownerInn),
  );
  // One code asked for by cis (any form): at most one position.
  const exact = q.cis !== undefined ? book.find(q.cis) : undefined;
  let all = q.cis === undefined ? segments : exact ? segments.flatMap((s) => (book.batches[s.batchIndex] === exact.batch && s.level === exact.level && exact.index >= s.from && exact.index < s.to ? [{ ...s, from: exact.index, to: exact.index + 1 }] : [])) : [];
  if (q.sn !== undefined) {
    // A serial is unique within a GTIN's codes: look it up in each segment's form.
    all = all.flatMap((s) => {
      const b = book.batches[s.batchIndex];
      const probe = book.find(`${s.level === 'block' ? `01${b.blockGtin}21` : s.level === 'unit' && b.kind === 'units' ? `01${b.gtin}21` : b.gtin}${q.sn}`);
      return probe && probe.batch === b && probe.level === s.level && probe.index >= s.from && probe.index < s.to ? [{ ...s, from: probe.index, to: probe.index + 1 }] : [];
    });
  }
  if (q.order === 'DESC') all.reverse();
  const total = all.reduce((n, s) => n + (s.to - s.from), 0);
  const limit = q.limit ?? defaultLimit;
  // Positions in the listing's order: segment by segment, ascending or descending within each, in one walk.
  const range = (first: number, end: number): CodeRef[] => {
    const out: CodeRef[] = [];
    let k = first;
    for (const s of all) {
      if (k >= end) break;
      const n = s.to - s.from;
      if (k >= n) {
        k -= n;
        end -= n;
        continue;
      }
      const batch = book.batches[s.batchIndex];
      for (; k < n && k < end; k++) out.push({ batch, level: s.level, index: q.order === 'DESC' ? s.to - 1 - k : s.from + k });
      end -= n;
      k -= n;
    }
    return out;
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
    if (q.pageDir === 'PREV') return { page: range(start, pos), total };
  }
  return { page: range(start, Math.min(total, start + limit)), total };
}

/** Dates the document's searches take: yyyy-MM-dd, an ISO date-time, or MM/dd/yyyy (the §7.1.6 screenshot). */
export function parseSearchDate(v: string, endOfDay: boolean): number {
  const us = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v);
  const day = us ? `${us[3]}-${us[1]}-${us[2]}` : /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined;
  const ms = day ? Date.parse(`${day}T00:00:00.000Z`) + (endOfDay ? 86_399_999 : 0) : Date.parse(v);
  return ms;
}
