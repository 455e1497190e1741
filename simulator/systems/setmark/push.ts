/**
 * SetMark → ERP: the violations journal (every setmark.error.report.timer, §2.12) and the MRC export (cron, §2.6),
 * as pushes queued in the state and POSTed to the ERP's URLs. A push the ERP takes (2xx) is done; any other answer,
 * or none, keeps it and retries it later (pushRetryMs, doubling, at most journalReportMs), in order per kind.
 * The queue, pure; delivery.ts sends it.
 *
 * @example
 * const s2 = batchJournal(s, now, () => tx.ids.next('push')); // rows → a queued journal push
 */
import { pmap } from '../../core/pmap.js';
import { journalTimestamp } from './schedule.js';
import { outboxKey, queued, type Attempt, type MrcProduct, type Outgoing, type PushKind, type SetmarkState, type Violation } from './state.js';

/** Rows per journal push and products kept in one MRC package at most (bounded bodies). */
export const JOURNAL_BATCH = 1000;
export const MAX_DELIVERIES = 100;
export const MAX_RECEIVED = 50;
/** The built-in ERP recorder (scenarios, a try without a server): answers its statuses and keeps what it got. */
export const SINK = 'sim:erp';

/**
 * A push's id: negative and 32-bit like the document's examples (-1035917930), never the same twice — the push
 * counter through an odd multiplier modulo 2^31 (a bijection), so ids look random but cannot collide.
 */
export function pushId(n: number, seed: number): number {
  const x = (Math.imul(n ^ (seed & 0x7fff), 0x5bd1e995) + 0x2545f491) & 0x7fffffff;
  return -(x || 0x7fffffff);
}

const journalRow = (v: Violation) => ({
  packetId: v.packetId,
  productType: v.productType,
  ...(v.inn !== undefined ? { inn: v.inn } : {}),
  shop: v.shop,
  cash: v.cash,
  excise: v.excise,
  barcode: v.barcode,
  promoBarcode: v.promoBarcode,
  timestamp: journalTimestamp(v.at),
  errorCode: v.errorCode,
  message: v.message,
  ...(v.externalErrorCode !== undefined ? { externalErrorCode: v.externalErrorCode } : {}),
  ...(v.properties !== undefined ? { properties: v.properties } : {}),
});

/** The journal rows not yet pushed become queued pushes (at most JOURNAL_BATCH rows each). */
export function batchJournal(s: SetmarkState, now: number, nextId: () => number): SetmarkState {
  const rows = [...pmap.values(s.violations)].sort((a, b) => a.seq - b.seq);
  if (!rows.length) return s;
  let seq = s.seq;
  const outbox = pmap.batch(s.outbox, (b) => {
    for (let i = 0; i < rows.length; i += JOURNAL_BATCH) {
      const id = nextId();
      seq++;
      b.set(outboxKey(seq), { seq, kind: 'journal', id, body: { id, version: 1, data: rows.slice(i, i + JOURNAL_BATCH).map(journalRow) }, attempts: 0, nextAt: now, createdAt: now });
    }
  });
  return { ...s, outbox, seq, violations: pmap.empty() };
}

/** The MRC list of every shop that has one, as a queue of packages (packageNumber of packageCount) per shop. */
export function exportMrc(s: SetmarkState, now: number, nextId: () => number): SetmarkState {
  const byShop = new Map<number, MrcProduct[]>();
  for (const p of pmap.values(s.mrc)) {
    const list = byShop.get(p.shop);
    if (list) list.push(p);
    else byShop.set(p.shop, [p]);
  }
  if (!byShop.size) return s;
  // A fresh list supersedes the one still waiting for the ERP (it would only repeat it): the queue never grows per fire.
  let seq = s.seq;
  const out: Outgoing[] = [];
  const size = Math.max(1, s.erp.mrcPackageSize);
  for (const [shop, products] of [...byShop].sort((a, b) => a[0] - b[0])) {
    products.sort((a, b) => (a.barcode < b.barcode ? -1 : a.barcode > b.barcode ? 1 : 0));
    const count = Math.ceil(products.length / size);
    for (let i = 0; i < count; i++) {
      const id = nextId();
      const data = products.slice(i * size, (i + 1) * size).map((p) => ({
        barcode: p.barcode,
        ...(p.item !== undefined ? { item: p.item } : {}),
        ...(p.codeAP !== undefined ? { codeAP: p.codeAP } : {}),
        ...(p.volume !== undefined ? { volume: p.volume } : {}),
        ...(p.AbV !== undefined ? { AbV: p.AbV } : {}),
        mrc: p.mrc.map((m) => ({ beginDate: m.beginDate, endDate: m.endDate, price: m.price / 100 })),
      }));
      out.push({ seq: ++seq, kind: 'mrc', id, body: { id, version: 1, shop, packageNumber: i + 1, packageCount: count, data }, attempts: 0, nextAt: now, createdAt: now });
    }
  }
  const outbox = pmap.batch(s.outbox, (b) => {
    for (const o of pmap.values(s.outbox)) if (o.kind === 'mrc') b.delete(outboxKey(o.seq));
    for (const o of out) b.set(outboxKey(o.seq), o);
  });
  return { ...s, outbox, seq };
}

/** The pushes of a kind due now, in order: the first not yet due (or failing) holds back those behind it. */
export function duePushes(s: SetmarkState, kind: PushKind, now: number, all = false): Outgoing[] {
  const queue = queued(s.outbox).filter((o) => o.kind === kind);
  return queue.length && (all || queue[0].nextAt <= now) ? [queue[0]] : [];
}

/** The state after an attempt: delivered → out of the queue; else retried later (back-off). */
export function afterAttempt(s: SetmarkState, o: Outgoing, a: Attempt, retryMs: number, maxMs: number, received?: Record<string, unknown>): SetmarkState {
  const key = outboxKey(o.seq);
  const cur = pmap.get(s.outbox, key);
  const outbox = !cur ? s.outbox : a.delivered ? pmap.delete(s.outbox, key) : pmap.set(s.outbox, key, { ...cur, attempts: cur.attempts + 1, nextAt: a.at + Math.min(retryMs * 2 ** cur.attempts, Math.max(retryMs, maxMs)) });
  const deliveries = [...s.deliveries, a].slice(-MAX_DELIVERIES);
  const got = received ? [...s.received, { at: a.at, kind: o.kind, body: received }].slice(-MAX_RECEIVED) : s.received;
  return { ...s, outbox, deliveries, received: got };
}
