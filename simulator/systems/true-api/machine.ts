/**
 * True API's rules that follow the clock: a code-list order's status (§5.1–§5.3), and which codes its result holds.
 * Pure functions of the state and the time.
 */
import type { CodeBook, CodeRef, Level } from './codes.js';
import { PACKAGE_TYPE } from './codes.js';
import { ORDER_RESULT_LIMIT, type OrderStatus, type TrueApiTimings } from './reference.js';
import type { CodesOrder } from './state.js';

/** NEW → IN_PROGRESS → SUCCESS (or the failure decided when it was made) → RESULT_EXPIRED an hour after SUCCESS. */
export function orderStatus(o: CodesOrder, now: number, t: TrueApiTimings): OrderStatus {
  const age = now - o.createdAt;
  if (age < t.codesOrderStartMs) return 'NEW';
  if (age < t.codesOrderReadyMs) return 'IN_PROGRESS';
  if (o.failure) return o.failure;
  return age < t.codesOrderReadyMs + t.codesOrderResultTtlMs ? 'SUCCESS' : 'RESULT_EXPIRED';
}

/** When the order was done (the ZIP's timestamp). */
export const orderDoneAt = (o: CodesOrder, t: TrueApiTimings) => o.createdAt + t.codesOrderReadyMs;

const LEVEL_OF: Record<string, Level> = Object.fromEntries(Object.entries(PACKAGE_TYPE).map(([l, p]) => [p, l as Level]));

/**
 * The codes an order's result holds (at most 10,000, registry order): the caller's own, matching the GTIN — a pack
 * (`like 'gtin%'`) or a unit, a block (`like '(01)gtin(21)%'`), a box of the pack GTIN — the package type and the
 * day they were applied.
 */
export function orderCodes(book: CodeBook, o: CodesOrder): CodeRef[] {
  const out: CodeRef[] = [];
  const levels: Level[] = o.packageType ? (LEVEL_OF[o.packageType] ? [LEVEL_OF[o.packageType]] : []) : ['unit', 'block', 'box'];
  for (const b of book.batches) {
    if (b.ownerBin !== o.bin) continue;
    if (o.producedDay && new Date(b.producedAt).toISOString().slice(0, 10) !== o.producedDay) continue;
    for (const level of levels) {
      const gtin = level === 'block' ? b.blockGtin : b.gtin;
      if (gtin !== o.gtin) continue;
      for (const r of book.walk(b, level)) {
        if (out.length >= ORDER_RESULT_LIMIT) return out;
        out.push(r);
      }
    }
  }
  return out;
}

/** One CSV field (RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled, §1.6). */
const field = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export const RESULT_COLUMNS = ['requestedCis', 'cis', 'code', 'status', 'gtin', 'producedDate', 'packageType', 'child', 'parent'] as const;

/**
 * The result file: a header line, then one line per code. `requestedCis` is empty (an order asks by GTIN, not by
 * code), `code` the identification code as `cis`, `child` the children separated by commas.
 */
export function resultCsv(book: CodeBook, codes: CodeRef[]): string {
  const lines = [RESULT_COLUMNS.join(',')];
  const produced = new Map<number, string>();
  for (const r of codes) {
    const parent = book.parent(r);
    const cis = field(book.cis(r));
    let date = produced.get(r.batch.producedAt);
    if (date === undefined) produced.set(r.batch.producedAt, (date = new Date(r.batch.producedAt).toISOString()));
    const child = book.children(r);
    lines.push(`,${cis},${cis},${r.batch.status},${book.gtinOf(r)},${date},${PACKAGE_TYPE[r.level]},${child.length ? field(child.map((c) => book.emitted(c)).join(',')) : ''},${parent ? field(book.emitted(parent)) : ''}`);
  }
  return lines.join('\n') + '\n';
}
