/**
 * SetMark's rules, pure: (state, request, env) → new state and what to answer. No HTTP, no I/O.
 *
 * - A loading package is checked when it arrives: a header the service cannot take is status 1 (504) and a 400; else
 *   each entity is processed (errors 501/503/504/507, MRC 201–205 — the rest of the package goes on) and the
 *   package is status 2 until `packageProcessingMs` passes, then 3, or 4 with its entity errors. What it loads is on
 *   stock from the end of its processing.
 * - The stock per shop (and INN) follows §5.2: ACTIVE → SOLD → RETURNED, tobacco blocks SOLD_IN_BLOCK / DISBANDED.
 * - cash/validate checks in the order the digest gives: 11, 2/13/14 (5/15/16, 19), 3/18, 1/6/12, 9/10, 8/7.
 * - Receipts (the POS, played by the control plane, and /external/save) pass the pre-check (200–206, since 1.4) and
 *   are registered (100–110); every problem becomes a row of the violations journal.
 */
import { pmap, type PMap } from '../../core/pmap.js';
import { ENTITY_CODES, FIELD_MESSAGES, PACKAGE_504_EXAMPLE, PACKAGE_CODES, RESERVE, violationText } from './handbook.js';
import { ALCOHOL, atLeast, BEER, RFID_PRODUCT_TYPES, SINCE, TOBACCO, validInn, type PackageKind, type SetmarkTimings } from './reference.js';
import { dateTime, dayOf, today } from './schedule.js';
import {
  excludeKey,
  itemKey,
  mrcKey,
  packageKey,
  receiptKey,
  type FieldError,
  type Mark,
  type MrcPeriod,
  type MrcProduct,
  type PackageRecord,
  type SetmarkState,
  type Violation,
} from './state.js';

export interface Profile {
  checkInn: boolean;
  checkBarcode: boolean;
  checkItem: boolean;
  checkAlcocode: boolean;
  strictCheck: boolean;
  productTypes: number[];
  version: string;
  packageMessage: 'table' | 'example';
  precheckCode: number;
  tillDateMs: boolean;
  successString: boolean;
  duplicate: 'overwrite' | 'reject';
}

export interface Env {
  now: number;
  timings: SetmarkTimings;
  profile: Profile;
  /** A forced outcome: the package ends in status 5 (1000). */
  packageFailed?: boolean;
}

type Body = Record<string, unknown>;

/** A number as Jackson reads one: a JSON number, or a string of digits ("cash": "5"). */
export function num(x: unknown): number | undefined {
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  if (typeof x === 'string' && /^-?\d{1,18}(\.\d+)?$/.test(x.trim())) return Number(x.trim());
  return undefined;
}
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : typeof x === 'number' ? String(x) : undefined);
const shown = (x: unknown): string => (x === undefined || x === null ? 'null' : typeof x === 'string' ? x : JSON.stringify(x));
/** The document prints `barсode` and `strictСheck` with a Cyrillic letter in its field tables: both spellings are read. */
export const barcodeOf = (r: Body): string | undefined => str(r.barcode ?? r['barсode']);
const strictOf = (r: Body): unknown => r.strictCheck ?? r['strictСheck'];

/** The stock key of a code: as sent, or without a symbology prefix and what follows a GS (a crypto-tail). */
export function codeKeys(code: string): string[] {
  const bare = code.replace(/^\](d2|C1|Q3|e0)/, '').split('\u001d')[0];
  return bare && bare !== code ? [code, bare] : [code];
}
export function findMark(marks: PMap<Mark>, code: string): Mark | undefined {
  for (const k of codeKeys(code)) {
    const m = pmap.get(marks, k);
    if (m) return m;
  }
  return undefined;
}

const visible = (m: Mark | undefined, now: number): m is Mark => !!m && m.from <= now && (m.until === undefined || m.until > now);
/** On the stock of a shop now: loaded (processing over), not removed, and ACTIVE or RETURNED. */
export const onStock = (m: Mark | undefined, now: number): m is Mark => visible(m, now) && (m.state === 'ACTIVE' || m.state === 'RETURNED');

export const pre13 = (p: Profile) => !atLeast(p.version, SINCE.texts13);

// ---------------------------------------------------------------- packages

const fe = (field: string, value: unknown, errorCode: number, message: string): FieldError => ({ field, value: shown(value), errorCode, message });

/** Field errors of a package's header (any: status 1, package 504, HTTP 400). */
export function headerErrors(s: SetmarkState, kind: PackageKind, b: Body, p: Profile): FieldError[] {
  const out: FieldError[] = [];
  const need = (f: string) => {
    if (b[f] === undefined || b[f] === null) out.push(fe(f, b[f], 504, FIELD_MESSAGES.notNull));
    return b[f] !== undefined && b[f] !== null;
  };
  if (need('version') && num(b.version) !== 1) out.push(fe('version', b.version, 504, FIELD_MESSAGES.range(1, 1)));
  if (need('operationType') && ![1, 2].includes(num(b.operationType)!)) out.push(fe('operationType', b.operationType, 503, ENTITY_CODES[503]));
  if (kind === 'addMark' || kind === 'addRfid' || kind === 'addExcludes') {
    const allowed = kind === 'addMark' ? p.productTypes : RFID_PRODUCT_TYPES.filter((t) => p.productTypes.includes(t));
    if (need('productType') && !allowed.includes(num(b.productType)!)) out.push(fe('productType', b.productType, 504, FIELD_MESSAGES.range(Math.min(...allowed), Math.max(...allowed))));
  }
  if (kind !== 'addRfid' && need('shop') && !s.world.shops.some((x) => x.shop === num(b.shop))) out.push(fe('shop', b.shop, 504, FIELD_MESSAGES.unknownShop(shown(b.shop))));
  if (kind === 'addMark' || kind === 'addExcludes') {
    if (b.inn === undefined || b.inn === null || b.inn === '') {
      if (p.checkInn) out.push(fe('inn', b.inn, 504, FIELD_MESSAGES.notNull));
    } else if (!validInn(String(b.inn))) out.push(fe('inn', b.inn, 504, FIELD_MESSAGES.inn));
  }
  if (need('data') && !Array.isArray(b.data)) out.push(fe('data', b.data, 504, FIELD_MESSAGES.type));
  return out;
}

const packageMessage = (code: 0 | 504 | 506 | 1000, p: Profile) => (code === 504 && p.packageMessage === 'example' ? PACKAGE_504_EXAMPLE : PACKAGE_CODES[code]);

/** A package the service refuses (status 1, 504): recorded when its id can be read, so erp/status tells why. */
export function refusePackage(s: SetmarkState, kind: PackageKind, b: Body, errors: FieldError[], env: Env): SetmarkState {
  const id = num(b.id);
  if (id === undefined || !Number.isSafeInteger(id)) return s;
  const shop = kind === 'addRfid' ? null : (num(b.shop) ?? null);
  const key = packageKey(shop !== null && Number.isSafeInteger(shop) ? shop : null, id);
  const prior = pmap.get(s.packages, key);
  const record: PackageRecord = { id, kind, shop, receivedAt: env.now, doneAt: env.now, status: 1, errorCode: 504, data: errors, count: Array.isArray(b.data) ? b.data.length : 0, times: (prior?.times ?? 0) + 1 };
  return { ...s, packages: pmap.set(s.packages, key, record) };
}

export type Accepted = { state: SetmarkState; record: PackageRecord };
export type Refused = { refused: FieldError[] };

/** Takes a package: its header checked (else refused), its entities processed, the package recorded. */
export function acceptPackage(s: SetmarkState, kind: PackageKind, b: Body, env: Env): Accepted | Refused {
  const header = headerErrors(s, kind, b, env.profile);
  const id = num(b.id)!;
  const shop = kind === 'addRfid' ? null : num(b.shop)!;
  const key = packageKey(shop, id);
  const prior = pmap.get(s.packages, key);
  if (!header.length && prior && env.profile.duplicate === 'reject') header.push(fe('id', b.id, 504, FIELD_MESSAGES.duplicate(String(id))));
  if (header.length) return { refused: header };
  const doneAt = env.now + env.timings.packageProcessingMs;
  const op = num(b.operationType) as 1 | 2;
  const data = b.data as unknown[];
  const errors: FieldError[] = [];
  let next = s;
  let count = data.length;
  if (!env.packageFailed) {
    const run = PROCESS[kind](next, { op, shop: shop ?? 0, productType: num(b.productType) ?? 0, inn: str(b.inn) || undefined, id, doneAt, now: env.now }, data, errors);
    next = run.state;
    count = run.count;
  }
  const status = env.packageFailed ? 5 : errors.length ? 4 : 3;
  const errorCode = env.packageFailed ? 1000 : errors.length ? 506 : 0;
  const record: PackageRecord = { id, kind, shop, receivedAt: env.now, doneAt, status, errorCode, data: errors, count, times: (prior?.times ?? 0) + 1 };
  return { state: { ...next, packages: pmap.set(next.packages, key, record) }, record };
}

interface Ctx {
  op: 1 | 2;
  shop: number;
  productType: number;
  inn?: string;
  id: number;
  doneAt: number;
  now: number;
}
type Process = (s: SetmarkState, c: Ctx, data: unknown[], errors: FieldError[]) => { state: SetmarkState; count: number };

const record = (x: unknown): Body => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Body) : {});
const nonEmpty = (x: unknown): string | undefined => {
  const v = str(x);
  return v && v.trim() ? v : undefined;
};

const addMark: Process = (s, c, data, errors) => {
  let marks = s.marks;
  let count = 0;
  const field = c.productType === ALCOHOL ? 'excise' : 'mark';
  /** One mark of the package (a block's packs with `parent`): its errors, or the mark written. Returns the code taken. */
  const one = (r: Body, where: string, parent?: string): string | undefined => {
    count++;
    const code = nonEmpty(r[field]);
    if (!code) return void errors.push(fe(where, r[field] ?? '', 501, ENTITY_CODES[501]));
    const prior = pmap.get(marks, code);
    if (c.op === 2) {
      if (prior && (prior.state === 'ACTIVE' || prior.state === 'RETURNED' || prior.state === 'DISBANDED') && prior.shop === c.shop) {
        marks = pmap.set(marks, code, { ...prior, until: c.doneAt });
        for (const child of prior.children ?? []) {
          const p = pmap.get(marks, child);
          if (p && p.state !== 'SOLD') marks = pmap.set(marks, child, { ...p, until: c.doneAt });
        }
      }
      return code;
    }
    if (prior && (prior.state === 'SOLD' || prior.state === 'SOLD_IN_BLOCK')) return void errors.push(fe(where, code, 507, ENTITY_CODES[507]));
    const stillOn = onStock(prior, c.now) && prior.shop === c.shop;
    const m: Mark = {
      code,
      productType: c.productType,
      shop: c.shop,
      state: prior?.state === 'DISBANDED' ? 'DISBANDED' : 'ACTIVE',
      from: stillOn ? prior.from : c.doneAt,
      packetId: c.id,
    };
    if (c.inn) m.inn = c.inn;
    const barcode = barcodeOf(r);
    if (barcode !== undefined) m.barcode = barcode;
    for (const k of ['item', 'alcocode', 'gtd', 'rccw', 'country'] as const) {
      const v = str(r[k]);
      if (v !== undefined) m[k] = v;
    }
    if (c.productType === BEER && num(r.initialVolume) !== undefined) m.initialVolume = num(r.initialVolume);
    if (parent) m.parent = parent;
    if (prior?.sale && prior.state === 'RETURNED') m.sale = prior.sale;
    marks = pmap.set(marks, code, m);
    return code;
  };
  for (const x of data) {
    const r = record(x);
    const code = one(r, field);
    // A tobacco block's packs, once the block itself was taken.
    if (c.op !== 1 || c.productType !== TOBACCO || !Array.isArray(r.child) || !code || pmap.get(marks, code)?.packetId !== c.id) continue;
    const children = r.child.map((ch) => one(record(ch), 'child.mark', code)).filter((k): k is string => !!k);
    marks = pmap.set(marks, code, { ...pmap.get(marks, code)!, children });
  }
  return { state: { ...s, marks }, count };
};

const addRfid: Process = (s, c, data, errors) => {
  let rfids = s.rfids;
  for (const x of data) {
    const r = record(x);
    const mark = nonEmpty(r.mark);
    const rfid = nonEmpty(r.rfid);
    if (!mark) errors.push(fe('mark', r.mark ?? '', 501, ENTITY_CODES[501]));
    else if (!rfid) errors.push(fe('rfid', r.rfid ?? '', 504, FIELD_MESSAGES.notEmpty));
    else if (c.op === 1) rfids = pmap.set(rfids, rfid, { rfid, mark, productType: c.productType });
    else if (pmap.get(rfids, rfid)?.mark === mark) rfids = pmap.delete(rfids, rfid);
  }
  return { state: { ...s, rfids }, count: data.length };
};

const addExcludes: Process = (s, c, data, errors) => {
  let excludes = s.excludes;
  for (const x of data) {
    const item = nonEmpty(record(x).item);
    if (!item) errors.push(fe('item', record(x).item ?? '', 504, FIELD_MESSAGES.notEmpty));
    else if (c.op === 1) excludes = pmap.set(excludes, excludeKey(c.shop, c.productType, item), { shop: c.shop, productType: c.productType, item });
    else excludes = pmap.delete(excludes, excludeKey(c.shop, c.productType, item));
  }
  return { state: { ...s, excludes }, count: data.length };
};

/** §2.4: 201 empty barcode, 202 no MRC, 203 a price missing, 205 an end before its begin, 204 periods that overlap. */
export function mrcErrors(r: Body): { errors: FieldError[]; periods: MrcPeriod[] } {
  const barcode = nonEmpty(barcodeOf(r));
  if (!barcode) return { errors: [fe('barcode', barcodeOf(r) ?? '', 201, ENTITY_CODES[201])], periods: [] };
  if (!Array.isArray(r.mrc) || !r.mrc.length) return { errors: [fe('mrc', r.mrc ?? null, 202, ENTITY_CODES[202])], periods: [] };
  const periods: (MrcPeriod & { b: number; e: number })[] = [];
  for (const x of r.mrc) {
    const p = record(x);
    const price = num(p.price);
    if (price === undefined) return { errors: [fe('mrc.price', p.price ?? null, 203, ENTITY_CODES[203])], periods: [] };
    const b = dayOf(p.beginDate);
    const e = dayOf(p.endDate);
    if (b === undefined) return { errors: [fe('mrc.beginDate', p.beginDate ?? null, 504, ENTITY_CODES[504])], periods: [] };
    if (e === undefined) return { errors: [fe('mrc.endDate', p.endDate ?? null, 504, ENTITY_CODES[504])], periods: [] };
    if (e < b) return { errors: [fe('mrc.endDate', p.endDate, 205, ENTITY_CODES[205])], periods: [] };
    if (price < 0) return { errors: [fe('mrc.price', p.price, 504, ENTITY_CODES[504])], periods: [] };
    periods.push({ beginDate: p.beginDate as string, endDate: p.endDate as string, price: Math.round(price * 100), b, e });
  }
  const byBegin = [...periods].sort((x, y) => x.b - y.b);
  for (let i = 1; i < byBegin.length; i++) if (byBegin[i].b <= byBegin[i - 1].e) return { errors: [fe('mrc.beginDate', byBegin[i].beginDate, 204, ENTITY_CODES[204])], periods: [] };
  return { errors: [], periods: periods.map(({ beginDate, endDate, price }) => ({ beginDate, endDate, price })) };
}

const addMrc: Process = (s, c, data, errors) => {
  let mrc = s.mrc;
  for (const x of data) {
    const r = record(x);
    const barcode = nonEmpty(barcodeOf(r));
    if (c.op === 2) {
      if (!barcode) errors.push(fe('barcode', barcodeOf(r) ?? '', 201, ENTITY_CODES[201]));
      else mrc = pmap.delete(mrc, mrcKey(c.shop, barcode));
      continue;
    }
    const checked = mrcErrors(r);
    if (checked.errors.length) {
      errors.push(...checked.errors);
      continue;
    }
    const p: MrcProduct = { shop: c.shop, barcode: barcode!, mrc: checked.periods };
    if (str(r.item) !== undefined) p.item = str(r.item);
    for (const k of ['codeAP', 'volume', 'AbV'] as const) if (num(r[k]) !== undefined) p[k] = num(r[k]);
    mrc = pmap.set(mrc, mrcKey(c.shop, p.barcode), p);
  }
  return { state: { ...s, mrc }, count: data.length };
};

const addAlcocodes: Process = (s, c, data, errors) => {
  let alcocodes = s.alcocodes;
  for (const x of data) {
    const r = record(x);
    const item = nonEmpty(r.item);
    // The template says alcocodes, the example alcoCodes: both are read.
    const list = (Array.isArray(r.alcocodes) ? r.alcocodes : Array.isArray(r.alcoCodes) ? r.alcoCodes : []).map(str).filter((v): v is string => !!v);
    if (!item) errors.push(fe('item', r.item ?? '', 504, FIELD_MESSAGES.notEmpty));
    else if (c.op === 1) alcocodes = pmap.set(alcocodes, itemKey(c.shop, item), { shop: c.shop, item, alcocodes: list });
    else alcocodes = pmap.delete(alcocodes, itemKey(c.shop, item));
  }
  return { state: { ...s, alcocodes }, count: data.length };
};

const PROCESS: Record<PackageKind, Process> = { addMark, addRfid, addExcludes, addMrc, addAlcocodes };

/** A package as erp/status shows it now. */
export function packetView(r: PackageRecord | undefined, id: number, now: number, p: Profile) {
  if (!r) return { id, status: 0, errorCode: 502, message: PACKAGE_CODES[502] };
  if (r.status !== 1 && now < r.doneAt) return { id, status: 2, errorCode: 0, message: PACKAGE_CODES[0] };
  return { id, status: r.status, errorCode: r.errorCode, message: packageMessage(r.errorCode, p), ...(r.data.length ? { data: r.data } : {}) };
}

// ---------------------------------------------------------------- the violations journal

export type NewViolation = Omit<Violation, 'seq' | 'message'> & { message?: string };

/** Rows appended to the journal (texts by the version profile). */
export function journal(s: SetmarkState, rows: NewViolation[], p: Profile): SetmarkState {
  if (!rows.length) return s;
  let violations = s.violations;
  let seq = s.seq;
  for (const r of rows) {
    seq++;
    violations = pmap.set(violations, String(seq), { ...r, seq, message: r.message ?? violationText(r.errorCode, pre13(p)) });
  }
  return { ...s, violations, seq };
}

// ---------------------------------------------------------------- cash/validate

export interface ValidateResult {
  body: { id: number; result: boolean; message: string; barcode?: string; alcocode?: string; amrc?: number };
  rows: NewViolation[];
}

/** An alcohol excise stamp's format (11): Latin letters and digits, 8 to 200 of them (a scan in a Cyrillic layout fails). */
const AM_FORMAT = /^[0-9A-Za-z]{8,200}$/;

/** The MRC of a barcode in a shop on a day (kopecks), if one is loaded. */
export function mrcOn(s: SetmarkState, shop: number, barcode: string | undefined, day: number): number | undefined {
  if (!barcode) return undefined;
  const p = pmap.get(s.mrc, mrcKey(shop, barcode));
  return p?.mrc.find((x) => dayOf(x.beginDate)! <= day && day <= dayOf(x.endDate)!)?.price;
}

/** cash/validate: the check matrix in the digest's order; the request's shape was checked before. */
export function validate(s: SetmarkState, b: Body, env: Env): ValidateResult {
  const p = env.profile;
  const id = num(b.id)!;
  const shop = num(b.shop)!;
  const cash = num(b.cash)!;
  const productType = num(b.productType)!;
  const sale = num(b.operationType) === 0;
  const alcohol = productType === ALCOHOL;
  const code = (alcohol ? str(b.excise) : str(b.mark)) ?? '';
  const inn = str(b.inn) || undefined;
  const barcode = barcodeOf(b) || undefined;
  const promoBarcode = str(b.promoBarcode) || undefined;
  const m = findMark(s.marks, code);
  const row = (errorCode: number): NewViolation => ({ packetId: 0, productType, ...(inn ? { inn } : {}), shop, cash, excise: code, barcode: barcode ?? null, promoBarcode: promoBarcode ?? null, at: env.now, errorCode });
  const refuse = (errorCode: number): ValidateResult => ({ body: { id, result: false, message: violationText(errorCode, pre13(p)) }, rows: [row(errorCode)] });

  if (alcohol && !AM_FORMAT.test(code)) return refuse(11);
  const here = m && m.shop === shop && visible(m, env.now);
  // 18/19: with INN control on, or off but an INN sent and stored with the mark — either way both must be known.
  const innControl = !alcohol && inn !== undefined && m?.inn !== undefined;
  if (!sale) {
    if (m?.state === 'SOLD_IN_BLOCK' && m.parent && findMark(s.marks, m.parent)?.sale?.shop === shop) return refuse(15);
    if (m?.state === 'DISBANDED' && m.shop === shop) return refuse(16);
    if (innControl && m?.state === 'SOLD' && m.sale?.shop === shop && m.sale.inn !== undefined && m.sale.inn !== inn) return refuse(19);
    if (m?.state !== 'SOLD' || m.sale?.shop !== shop) return refuse(5);
    return { body: { id, result: true, message: 'OK', ...(m.barcode ? { barcode: m.barcode } : {}), ...(alcohol && m.alcocode ? { alcocode: m.alcocode } : {}) }, rows: [] };
  }
  if (m?.state === 'SOLD') return refuse(2);
  if (m?.state === 'SOLD_IN_BLOCK') return refuse(13);
  if (here && m.state === 'DISBANDED') return refuse(14);
  const rows: NewViolation[] = [];
  const stocked = onStock(m, env.now) && m.shop === shop;
  if (!stocked) {
    const item = str(b.item);
    const excluded = item !== undefined && pmap.has(s.excludes, excludeKey(shop, productType, item));
    const strict = strictOf(b) === undefined ? p.strictCheck : strictOf(b) === true || strictOf(b) === 'true';
    if (!excluded) {
      if (strict) return refuse(3);
      rows.push(row(3));
    }
  } else if (innControl && m.inn !== inn) return refuse(18);
  if (stocked && alcohol) {
    const alcocodes = Array.isArray(b.alcocode) ? b.alcocode.map(str).filter((x): x is string => !!x) : str(b.alcocode) ? [str(b.alcocode)!] : [];
    const item = str(b.item);
    const byItem = item !== undefined ? pmap.get(s.alcocodes, itemKey(shop, item))?.alcocodes : undefined;
    if (p.checkAlcocode && m.alcocode && (alcocodes.length || byItem) && !alcocodes.includes(m.alcocode) && !(byItem ?? []).includes(m.alcocode)) return refuse(1);
    if (p.checkBarcode && m.barcode && barcode !== undefined && m.barcode !== barcode && m.barcode !== promoBarcode) return refuse(6);
    if (p.checkItem && m.item && item !== undefined && m.item !== item) return refuse(12);
  }
  let price = num(b.price);
  let mrcBarcode = (stocked ? m.barcode : undefined) ?? barcode;
  if (alcohol && promoBarcode && Array.isArray(b.promoComponents) && b.promoComponents.length) {
    if (!barcode) return refuse(9);
    const component = b.promoComponents.map(record).find((x) => Array.isArray(x.barcode) && x.barcode.map(str).includes(barcode));
    if (!component) return refuse(10);
    price = num(component.price);
    mrcBarcode = barcode;
  }
  let amrc: number | undefined;
  if (alcohol) {
    amrc = mrcOn(s, shop, mrcBarcode, today(env.now));
    if (amrc === undefined) return refuse(8);
    if (price !== undefined && price < amrc) return refuse(7);
  }
  const body: ValidateResult['body'] = { id, result: true, message: 'OK' };
  if (stocked && m.barcode) body.barcode = m.barcode;
  if (alcohol && stocked && m.alcocode) body.alcocode = m.alcocode;
  if (amrc !== undefined) body.amrc = amrc;
  return { body, rows };
}

// ---------------------------------------------------------------- receipts (POS, /external/save)

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
export function registerReceipt(s: SetmarkState, r: ReceiptInput, env: Env): { state: SetmarkState; outcome: ReceiptOutcome } {
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
    return { state: next, outcome: { registered, violations: rows.map((x) => ({ mark: x.excise, errorCode: x.errorCode, message: x.message ?? violationText(x.errorCode, pre13(p)) })) } };
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

// ---------------------------------------------------------------- reserves

export interface ExternalAnswer {
  success: boolean;
  message: string;
  data?: { mark: string; errorCode: number; errorMessage: string }[];
}

/** /external/reserve: POST appends, PUT replaces, an empty orderNumber releases the marks. All or nothing. */
export function reserve(s: SetmarkState, b: Body, replace: boolean, env: Env): { state: SetmarkState; answer: ExternalAnswer } {
  const orderNumber = str(b.orderNumber) ?? '';
  const codes = (b.data as unknown[]).map((x) => str(record(x).mark) ?? '');
  const now = env.now;
  const tillRaw = num(b.tillDate);
  const tillDate = tillRaw === undefined ? null : env.profile.tillDateMs ? tillRaw : tillRaw * 1000;
  if (tillDate !== null && tillDate < now) return { state: s, answer: { success: false, message: RESERVE.PAST(dateTime(tillDate)) } };
  const live = (o: string) => {
    const r = pmap.get(s.reserves, o);
    return r && (r.tillDate === null || r.tillDate > now) ? r : undefined;
  };
  if (orderNumber === '') {
    let next = s;
    for (const code of codes) next = release(next, findMark(s.marks, code)?.code ?? code);
    return { state: next, answer: { success: true, message: RESERVE.OK } };
  }
  const errors: ExternalAnswer['data'] = [];
  for (const code of codes) {
    const m = findMark(s.marks, code);
    const other = pmap.get(s.reservedBy, m?.code ?? code);
    if (other !== undefined && other !== orderNumber && live(other)) errors.push({ mark: code, errorCode: RESERVE.OTHER_ORDER.code, errorMessage: RESERVE.OTHER_ORDER.text });
    else if (m?.state === 'SOLD' || m?.state === 'SOLD_IN_BLOCK') errors.push({ mark: code, errorCode: RESERVE.SOLD.code, errorMessage: RESERVE.SOLD.text });
    else if (!onStock(m, now)) errors.push({ mark: code, errorCode: RESERVE.NOT_ON_STOCK.code, errorMessage: RESERVE.NOT_ON_STOCK.text });
  }
  if (errors.length) return { state: s, answer: { success: false, message: RESERVE.MARKS_INVALID, data: errors } };
  const prior = live(orderNumber);
  const keys = [...new Set(codes.map((c) => findMark(s.marks, c)!.code))];
  let next = s;
  // PUT overwrites: what the order held and the request does not name goes back on sale.
  if (prior && replace) for (const c of prior.marks) if (!keys.includes(c)) next = release(next, c);
  // A mark of an expired order is free: it leaves that order.
  for (const c of keys) {
    const o = pmap.get(next.reservedBy, c);
    if (o !== undefined && o !== orderNumber) next = release(next, c);
  }
  const held = replace || !prior ? keys : [...new Set([...(pmap.get(next.reserves, orderNumber)?.marks ?? []), ...keys])];
  let reservedBy = next.reservedBy;
  for (const c of keys) reservedBy = pmap.set(reservedBy, c, orderNumber);
  const r = { orderNumber, marks: held, tillDate: tillDate ?? prior?.tillDate ?? null, at: now };
  return { state: { ...next, reservedBy, reserves: pmap.set(next.reserves, orderNumber, r) }, answer: { success: true, message: RESERVE.OK } };
}

/** A mark out of its order (the order stays, smaller). */
function release(s: SetmarkState, code: string): SetmarkState {
  const o = pmap.get(s.reservedBy, code);
  if (o === undefined) return s;
  const r = pmap.get(s.reserves, o);
  const reserves = r ? pmap.set(s.reserves, o, { ...r, marks: r.marks.filter((c) => c !== code) }) : s.reserves;
  return { ...s, reserves, reservedBy: pmap.delete(s.reservedBy, code) };
}

/** A whole order out (its marks back on sale). */
function dropOrder(s: SetmarkState, orderNumber: string): SetmarkState {
  const r = pmap.get(s.reserves, orderNumber);
  if (!r) return s;
  let reservedBy = s.reservedBy;
  for (const c of r.marks) if (pmap.get(reservedBy, c) === orderNumber) reservedBy = pmap.delete(reservedBy, c);
  return { ...s, reservedBy, reserves: pmap.delete(s.reserves, orderNumber) };
}

export function cancelReserve(s: SetmarkState, orderNumber: string, now: number): { state: SetmarkState; answer: ExternalAnswer } {
  const r = pmap.get(s.reserves, orderNumber);
  if (!r || (r.tillDate !== null && r.tillDate <= now)) return { state: s, answer: { success: false, message: RESERVE.NO_ORDER(orderNumber) } };
  return { state: dropOrder(s, orderNumber), answer: { success: true, message: RESERVE.OK } };
}

/** /external/save: the reserves' (or the listed) marks sold or returned with a receipt; the reserves are used up. */
export function save(s: SetmarkState, b: Body, env: Env): SetmarkState {
  const orders = Array.isArray(b.orderNumbers) ? b.orderNumbers.map(str).filter((x): x is string => x !== undefined) : [];
  const sale = num(b.operationType) === 0;
  let lines: ReceiptLine[];
  if (Array.isArray(b.data) && b.data.length) {
    lines = b.data.map(record).map((r) => {
      const productType = num(r.productType) ?? 0;
      return { code: str(productType === ALCOHOL ? r.excise : r.mark) ?? '', productType, barcode: barcodeOf(r), promoBarcode: str(r.promoBarcode) };
    });
  } else {
    lines = orders.flatMap((o) => pmap.get(s.reserves, o)?.marks ?? []).map((code) => ({ code, productType: pmap.get(s.marks, code)?.productType ?? 0 }));
  }
  // The orders are used up: with data, their other marks go back on sale.
  const next = orders.reduce(dropOrder, s);
  const r = registerReceipt(next, { shop: num(b.shop)!, cash: num(b.cash)!, checkNumber: str(b.checkNumber)!, operation: sale ? 'sale' : 'return', inn: str(b.inn) || undefined, lines, offline: false, precheck: false, open: false }, env);
  return r.state;
}

