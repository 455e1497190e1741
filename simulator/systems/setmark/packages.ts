/**
 * SetMark's loading packages (§2.2–§2.6): a package is checked when it arrives — a header the service cannot take is
 * status 1 (504) and a 400 — else each entity is processed (errors 501/503/504/507, MRC 201–205; the rest of the
 * package goes on) and the package is status 2 until `packageProcessingMs` passes, then 3, or 4 with its entity
 * errors. What it loads is on stock from the end of its processing (a processing that waits for polls ends on the
 * N-th erp/status read of the package: `settlePackage`).
 *
 * A package's entities are read as the service reads them, one by one with their raw values (an entity error names
 * the field and the value sent), so this module reads the `data` list itself.
 */
import { clockMs, isPolled } from '../../core/progression.js';
import { pmap } from '../../core/pmap.js';
import { ENTITY_CODES, FIELD_MESSAGES, PACKAGE_504_EXAMPLE, PACKAGE_CODES } from './handbook.js';
import { barcodeOf, nonEmpty, num, onStock, PENDING, record, shown, str, type Body, type Changed, type Env, type Profile } from './machine.js';
import { ALCOHOL, BEER, PACKAGE_PROGRESSION, RFID_PRODUCT_TYPES, TOBACCO, validInn, type PackageKind, type SetmarkTimings } from './reference.js';
import { dayOf } from './schedule.js';
import { excludeKey, itemKey, mrcKey, packageKey, type FieldError, type Mark, type MrcPeriod, type MrcProduct, type PackageRecord, type SetmarkState } from './state.js';

/** The key a package's erp/status reads are counted under. */
export const pollKey = (key: string) => `package:${key}`;

/** A package whose processing waited for polls and has just had its last one: it must be settled (settlePackage). */
export const endsByPolls = (r: PackageRecord, now: number, t: SetmarkTimings, polls: number): boolean =>
  r.status !== 1 && r.doneAt === PENDING && PACKAGE_PROGRESSION.at({ since: r.receivedAt, now, polls }, t) === undefined;

/**
 * A package's status now (§2.11, the one place "in processing" is decided): 2 until its processing ends, then the
 * status it was recorded with; a refused one (1) at once.
 */
export function packageStatus(r: PackageRecord, now: number, t: SetmarkTimings, polls = 0): PackageRecord['status'] | 2 {
  if (r.status === 1) return 1;
  if (r.doneAt === PENDING) return PACKAGE_PROGRESSION.at({ since: r.receivedAt, now, polls }, t) ? 2 : r.status;
  return now < r.doneAt ? 2 : r.status;
}

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

export const packageMessage = (code: 0 | 504 | 506 | 1000, p: Profile) => (code === 504 && p.packageMessage === 'example' ? PACKAGE_504_EXAMPLE : PACKAGE_CODES[code]);

/** A package the service refuses (status 1, 504): recorded when its id can be read, so erp/status tells why. */
export function refusePackage(s: SetmarkState, kind: PackageKind, b: Body, errors: FieldError[], env: Env): Changed {
  const id = num(b.id);
  if (id === undefined || !Number.isSafeInteger(id)) return { state: s, events: [] };
  const shop = kind === 'addRfid' ? null : (num(b.shop) ?? null);
  const key = packageKey(shop !== null && Number.isSafeInteger(shop) ? shop : null, id);
  const prior = pmap.get(s.packages, key);
  const record: PackageRecord = { id, kind, shop, receivedAt: env.now, doneAt: env.now, status: 1, errorCode: 504, data: errors, count: Array.isArray(b.data) ? b.data.length : 0, times: (prior?.times ?? 0) + 1 };
  return { state: { ...s, packages: pmap.set(s.packages, key, record) }, events: [{ type: 'PackageRefused', id, kind, shop, errors: errors.length }] };
}

export type Accepted = Changed & { record: PackageRecord };
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
  const processing = env.timings.packageProcessingMs;
  const doneAt = isPolled(processing) ? PENDING : env.now + clockMs(processing);
  const op = num(b.operationType) as 1 | 2;
  const data = b.data as unknown[];
  const errors: FieldError[] = [];
  let next = s;
  let count = data.length;
  if (!env.packageFailed) {
    const run = PROCESS[kind](next, { op, shop: shop ?? 0, productType: num(b.productType) ?? 0, inn: str(b.inn) || undefined, id, doneAt, now: env.now, key }, data, errors);
    next = run.state;
    count = run.count;
  }
  const status = env.packageFailed ? 5 : errors.length ? 4 : 3;
  const errorCode = env.packageFailed ? 1000 : errors.length ? 506 : 0;
  const rec: PackageRecord = { id, kind, shop, receivedAt: env.now, doneAt, status, errorCode, data: errors, count, times: (prior?.times ?? 0) + 1 };
  return {
    state: { ...next, packages: pmap.set(next.packages, key, rec) },
    record: rec,
    events: [{ type: 'PackageLoaded', entity: 'package', from: '2', to: String(status), id, kind, shop, operationType: op, count, errors: errors.length, ...(doneAt === PENDING ? {} : { processedAt: new Date(doneAt).toISOString() }) }],
  };
}

/**
 * The end of a processing that waited for polls (the N-th erp/status read): the package and what it loaded or took
 * off stock get this moment (they named PENDING until now).
 */
export function settlePackage(s: SetmarkState, key: string, now: number): Changed {
  const r = pmap.get(s.packages, key);
  if (!r || r.doneAt !== PENDING) return { state: s, events: [] };
  const marks = pmap.batch(s.marks, (b) => {
    for (const m of pmap.values(s.marks)) {
      if (m.pendingBy !== key) continue;
      const { pendingBy: _p, ...rest } = m;
      b.set(m.code, { ...rest, from: m.from === PENDING ? now : m.from, ...(m.until === PENDING ? { until: now } : {}) });
    }
  });
  return { state: { ...s, marks, packages: pmap.set(s.packages, key, { ...r, doneAt: now }) }, events: [{ type: 'PackageProcessed', id: r.id, shop: r.shop, status: r.status }] };
}

interface Ctx {
  op: 1 | 2;
  shop: number;
  productType: number;
  inn?: string;
  id: number;
  doneAt: number;
  now: number;
  /** The package's key (what a mark names while its processing waits for polls). */
  key: string;
}
type Process = (s: SetmarkState, c: Ctx, data: unknown[], errors: FieldError[]) => { state: SetmarkState; count: number };


const addMark: Process = (s, c, data, errors) => {
  let count = 0;
  const field = c.productType === ALCOHOL ? 'excise' : 'mark';
  // A mark belongs to a legal entity: its own INN, else its shop's. Another entity's mark on stock is not taken.
  const shopInn = new Map(s.world.shops.map((x) => [x.shop, x.inn]));
  const entityOf = (m: { inn?: string; shop: number }) => m.inn ?? shopInn.get(m.shop);
  const mine = entityOf({ inn: c.inn, shop: c.shop });
  // The fields a package repeats on every mark (barcode, article, customs declaration, country) are kept as one string
  // each, not one per mark: a million marks would otherwise hold several million copies.
  const pool = new Map<string, string>();
  const once = (v: string): string => {
    const known = pool.get(v);
    if (known !== undefined) return known;
    if (pool.size < 10_000) pool.set(v, v);
    return v;
  };
  const marks = pmap.batch(s.marks, (b) => {
    /** One mark of the package (a block's packs with `parent`): its errors, or the mark written. Returns the code taken. */
    const one = (r: Body, where: string, parent?: string): string | undefined => {
      count++;
      const code = nonEmpty(r[field]);
      if (!code) return void errors.push(fe(where, r[field] ?? '', 501, ENTITY_CODES[501]));
      const prior = b.get(code);
      if (c.op === 2) {
        if (prior && (prior.state === 'ACTIVE' || prior.state === 'RETURNED' || prior.state === 'DISBANDED') && prior.shop === c.shop) {
          const pending = c.doneAt === PENDING ? { pendingBy: c.key } : {};
          b.set(code, { ...prior, until: c.doneAt, ...pending });
          for (const child of prior.children ?? []) {
            const p = b.get(child);
            if (p && p.state !== 'SOLD') b.set(child, { ...p, until: c.doneAt, ...pending });
          }
        }
        return code;
      }
      if (prior && (prior.state === 'SOLD' || prior.state === 'SOLD_IN_BLOCK')) return void errors.push(fe(where, code, 507, ENTITY_CODES[507]));
      const held = prior && (prior.until === undefined || prior.until > c.now) && entityOf(prior) !== mine;
      if (held) return void errors.push(fe(where, code, 504, FIELD_MESSAGES.otherEntity));
      const stillOn = onStock(prior, c.now) && prior.shop === c.shop;
      const m: Mark = {
        code,
        productType: c.productType,
        shop: c.shop,
        state: prior?.state === 'DISBANDED' ? 'DISBANDED' : 'ACTIVE',
        from: stillOn ? prior.from : c.doneAt,
        packetId: c.id,
      };
      if (m.from === PENDING) m.pendingBy = c.key;
      if (c.inn) m.inn = c.inn;
      const barcode = barcodeOf(r);
      if (barcode !== undefined) m.barcode = once(barcode);
      for (const k of ['item', 'alcocode', 'gtd', 'rccw', 'country'] as const) {
        const v = str(r[k]);
        if (v !== undefined) m[k] = once(v);
      }
      if (c.productType === BEER && num(r.initialVolume) !== undefined) m.initialVolume = num(r.initialVolume);
      if (parent) m.parent = parent;
      if (prior?.sale && prior.state === 'RETURNED') m.sale = prior.sale;
      b.set(code, m);
      return code;
    };
    for (const x of data) {
      const r = record(x);
      const code = one(r, field);
      // A tobacco block's packs, once the block itself was taken.
      if (c.op !== 1 || c.productType !== TOBACCO || !Array.isArray(r.child) || !code || b.get(code)?.packetId !== c.id) continue;
      const children = r.child.map((ch) => one(record(ch), 'child.mark', code)).filter((k): k is string => !!k);
      b.set(code, { ...b.get(code)!, children });
    }
  });
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
