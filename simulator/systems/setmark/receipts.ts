/**
 * Receipts (§2.9, §5): from a cash register (played by the control plane) or /external/save. A receipt passes the
 * pre-check (200–206, since 1.4) and is registered (100–110); every problem becomes a row of the violations journal.
 */
import { pmap } from '../../core/pmap.js';
import { violationText } from './handbook.js';
import { findMark, journal, markMoves, onStock, pre13, type Changed, type Env, type NewViolation } from './machine.js';
import { atLeast, SINCE, TOBACCO } from './reference.js';
import { dropOrder } from './reserves.js';
import { receiptKey, type Mark, type SetmarkState } from './state.js';

export interface ReceiptLine {
  code: string;
  productType: number;
  barcode?: string;
  promoBarcode?: string;
  /** What the POS reports instead of selling it: 4 (EGAIS refused), 17 (external error, e.g. OISM 18 with TAG_2106). */
  posError?: { errorCode: 4 | 17; externalErrorCode?: number; properties?: Record<string, string> };
}

export interface ReceiptInput {
  shop: number;
  cash: number;
  checkNumber: string;
  operation: 'sale' | 'return';
  inn?: string;
  lines: ReceiptLine[];
  offline: boolean;
  /** Skip the pre-check (a POS before 1.4, or an offline one). */
  precheck: boolean;
  /** Only opened at the cash register: its marks are held there (203/204 elsewhere); registered when sent without it. */
  open: boolean;
}

export interface ReceiptOutcome {
  registered: boolean;
  violations: { mark: string; errorCode: number; message: string }[];
}

/** A receipt from a cash register: pre-check (since 1.4), then registration; every problem is a journal row. */
export function registerReceipt(s: SetmarkState, r: ReceiptInput, env: Env): Changed & { outcome: ReceiptOutcome } {
  const p = env.profile;
  const sale = r.operation === 'sale';
  const rows: NewViolation[] = [];
  const row = (l: ReceiptLine, errorCode: number, extra: Partial<NewViolation> = {}) =>
    rows.push({ packetId: 0, productType: l.productType, ...(r.inn ? { inn: r.inn } : {}), shop: r.shop, cash: r.cash, excise: l.code, barcode: l.barcode ?? null, promoBarcode: l.promoBarcode ?? null, at: env.now, errorCode, ...extra });
  let marks = s.marks;
  const get = (code: string) => findMark(marks, code);
  const put = (m: Mark) => (marks = pmap.set(marks, m.code, m));
  const lines = r.lines.filter((l) => {
    if (!l.posError) return true;
    row(l, l.posError.errorCode, l.posError.errorCode === 17 ? { externalErrorCode: l.posError.externalErrorCode, properties: l.posError.properties } : {});
    return false;
  });
  const codes = new Set(lines.map((l) => get(l.code)?.code ?? l.code));

  const done = (registered: boolean) => {
    const next = journal({ ...s, marks }, rows, p);
    const events = [
      { type: registered ? 'ReceiptRegistered' : 'ReceiptRefused', shop: r.shop, cash: r.cash, checkNumber: r.checkNumber, operation: r.operation, marks: codes.size, ...(r.open ? { open: true } : {}) },
      ...markMoves(s.marks, marks, codes, `receipt ${r.checkNumber} of cash ${r.cash} (shop ${r.shop})`),
      ...(rows.length ? [{ type: 'ViolationsJournaled', codes: [...new Set(rows.map((x) => x.errorCode))], count: rows.length }] : []),
    ];
    return { state: next, events, outcome: { registered, violations: rows.map((x) => ({ mark: x.excise, errorCode: x.errorCode, message: x.message ?? violationText(x.errorCode, pre13(p)) })) } };
  };

  if (r.precheck && !r.offline && atLeast(p.version, SINCE.precheck)) {
    for (const l of lines) {
      const m = get(l.code);
      const withFamily = m && ((m.parent && codes.has(m.parent)) || (m.children ?? []).some((c) => codes.has(c)));
      if (withFamily && m.productType === TOBACCO) row(l, sale ? 205 : 206);
      else if (m?.hold && m.hold.cash !== r.cash) row(l, m.hold.operation === 'sale' ? 203 : 204);
      else if (sale && (m?.state === 'SOLD' || m?.state === 'SOLD_IN_BLOCK')) row(l, p.precheckCode, { message: violationText(200, pre13(p)) });
      else if (!sale && m?.state === 'RETURNED') row(l, 201);
      else if (!sale && (!m || !m.sale || m.sale.shop !== r.shop)) row(l, 202);
    }
    if (rows.length) return done(false);
  }
  const key = receiptKey(r.shop, r.cash, r.checkNumber, r.operation);
  if (r.open) {
    for (const l of lines) {
      const m = get(l.code);
      if (m) put({ ...m, hold: { cash: r.cash, operation: r.operation } });
    }
    const held = done(false);
    return { ...held, state: { ...held.state, receipts: pmap.set(s.receipts, key, { shop: r.shop, cash: r.cash, checkNumber: r.checkNumber, operation: r.operation, marks: [...codes], at: env.now, open: true }) } };
  }
  const prior = pmap.get(s.receipts, key);
  if (prior && !prior.open && sale) {
    // The same receipt again: a full duplicate changes nothing; a different one is 101 / 102.
    for (const l of lines) if (!prior.marks.includes(get(l.code)?.code ?? l.code)) row(l, 101);
    for (const c of prior.marks) if (!codes.has(c)) row({ code: c, productType: pmap.get(marks, c)?.productType ?? 0 }, 102);
    return done(false);
  }
  const at = { shop: r.shop, cash: r.cash, checkNumber: r.checkNumber, at: env.now, ...(r.inn ? { inn: r.inn } : {}) };
  for (const l of lines) {
    const m = get(l.code);
    const unheld = m ? (({ hold: _h, ...rest }) => rest)(m) : undefined;
    if (sale) {
      if (m?.state === 'SOLD') row(l, 100);
      else if (m?.state === 'SOLD_IN_BLOCK') row(l, 106);
      else if (m?.state === 'DISBANDED') row(l, 107);
      else {
        const stocked = onStock(m, env.now) && m.shop === r.shop;
        if (!stocked) row(l, r.offline ? 110 : 3);
        const sold: Mark = { ...(unheld ?? { code: l.code, productType: l.productType, shop: r.shop, from: env.now, packetId: 0 }), state: 'SOLD', sale: at, until: undefined };
        if (l.barcode && !sold.barcode) sold.barcode = l.barcode;
        delete sold.until;
        put(sold);
        for (const c of sold.children ?? []) {
          const pack = pmap.get(marks, c);
          if (pack && pack.state !== 'SOLD') put({ ...pack, state: 'SOLD_IN_BLOCK' });
        }
        const block = sold.parent ? pmap.get(marks, sold.parent) : undefined;
        if (block && (block.state === 'ACTIVE' || block.state === 'RETURNED')) put({ ...block, state: 'DISBANDED' });
      }
    } else if (m?.state === 'RETURNED') row(l, 103);
    else if (m?.state === 'SOLD_IN_BLOCK') row(l, 108);
    else if (m?.state === 'DISBANDED') row(l, 109);
    else if (m?.state !== 'SOLD') row(l, 104);
    else {
      put({ ...unheld!, state: 'RETURNED' });
      for (const c of m.children ?? []) {
        const pack = pmap.get(marks, c);
        if (pack?.state === 'SOLD_IN_BLOCK') put({ ...pack, state: 'ACTIVE' });
      }
    }
  }
  const next = done(true);
  return { ...next, state: { ...next.state, receipts: pmap.set(next.state.receipts, key, { shop: r.shop, cash: r.cash, checkNumber: r.checkNumber, operation: r.operation, marks: [...codes], at: env.now, open: false }) } };
}

/** An /external/save request, read (requests.ts readSave). */
export interface SaveInput {
  shop: number;
  cash: number;
  checkNumber: string;
  sale: boolean;
  inn?: string;
  /** The marks sold or returned, when the request lists them. */
  lines?: ReceiptLine[];
  orderNumbers: string[];
}

/** /external/save: the reserves' (or the listed) marks sold or returned with a receipt; the reserves are used up. */
export function save(s: SetmarkState, b: SaveInput, env: Env): Changed {
  const lines = b.lines ?? b.orderNumbers.flatMap((o) => pmap.get(s.reserves, o)?.marks ?? []).map((code) => ({ code, productType: pmap.get(s.marks, code)?.productType ?? 0 }));
  // The orders are used up: with data, their other marks go back on sale.
  const next = b.orderNumbers.reduce(dropOrder, s);
  return registerReceipt(next, { shop: b.shop, cash: b.cash, checkNumber: b.checkNumber, operation: b.sale ? 'sale' : 'return', inn: b.inn, lines, offline: false, precheck: false, open: false }, env);
}
