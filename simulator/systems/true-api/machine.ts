/**
 * True API's rules that follow the clock: a code-list order's status (§5.1–§5.3), and which codes its result holds.
 * Pure functions of the state and the time.
 */
import type { CodeRef } from './codes.js';
import type { CodesOrder, Level } from './state.js';
import { PACKAGE_TYPE } from './codes.js';
import type { CodeView } from './ledger.js';
import { selectSegments } from './listing.js';
import { clockMs } from '../../core/progression.js';
import { ORDER_PROGRESSION, ORDER_RESULT_LIMIT, type OrderStatus, type TrueApiTimings } from './reference.js';

/** The key an order's reads are counted under (progressions that wait for polls). */
export const orderKey = (o: Pick<CodesOrder, 'uuid'>) => `codes-order:${o.uuid}`;

/** When the order was done on the clock (the ZIP's timestamp; a processing that waits for polls counts 0 ms). */
export const orderDoneAt = (o: CodesOrder, t: TrueApiTimings) => o.createdAt + clockMs(t.codesOrderReadyMs);

/** NEW → IN_PROGRESS → SUCCESS (or the failure decided when it was made) → RESULT_EXPIRED an hour after SUCCESS. */
export function orderStatus(o: CodesOrder, now: number, t: TrueApiTimings, polls = 0): OrderStatus {
  const processing = ORDER_PROGRESSION.at({ since: o.createdAt, now, polls }, t);
  if (processing) return processing;
  if (o.failure) return o.failure;
  return now < orderDoneAt(o, t) + t.codesOrderResultTtlMs ? 'SUCCESS' : 'RESULT_EXPIRED';
}

const LEVEL_OF: Record<string, Level> = Object.fromEntries(Object.entries(PACKAGE_TYPE).map(([l, p]) => [p, l as Level]));

/**
 * The codes an order's result holds (at most 10,000, registry order): the caller's own now, matching the GTIN — a
 * pack (`like 'gtin%'`) or a unit, a block (`like '(01)gtin(21)%'`), a box of the pack GTIN — the package type and
 * the day they were applied.
 */
export function orderCodes(codes: CodeView, o: CodesOrder): CodeRef[] {
  const book = codes.book;
  const level = o.packageType ? (LEVEL_OF[o.packageType] ?? null) : undefined;
  const segments = selectSegments(
    codes,
    book.batches.map((_, i) => i),
    (b, l) => (level === undefined || l === level) && book.gtinOf({ batch: b, level: l, index: 0 }) === o.gtin && (!o.producedDay || new Date(b.producedAt).toISOString().slice(0, 10) === o.producedDay),
    (_b, now) => now.ownerBin === o.bin,
  );
  const out: CodeRef[] = [];
  for (const s of segments) {
    const batch = book.batches[s.batchIndex];
    for (let index = s.from; index < s.to; index++) {
      if (out.length >= ORDER_RESULT_LIMIT) return out;
      out.push({ batch, level: s.level, index });
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
export function resultCsv(view: CodeView, codes: CodeRef[]): string {
  const book = view.book;
  const lines = [RESULT_COLUMNS.join(',')];
  const produced = new Map<number, string>();
  for (const r of codes) {
    const parent = view.parent(r);
    const cis = field(book.cis(r));
    let date = produced.get(r.batch.producedAt);
    if (date === undefined) produced.set(r.batch.producedAt, (date = new Date(r.batch.producedAt).toISOString()));
    const child = view.children(r);
    lines.push(`,${cis},${cis},${view.status(r)},${book.gtinOf(r)},${date},${PACKAGE_TYPE[r.level]},${child.length ? field(child.map((c) => book.emitted(c)).join(',')) : ''},${parent ? field(book.emitted(parent)) : ''}`);
  }
  return lines.join('\n') + '\n';
}
