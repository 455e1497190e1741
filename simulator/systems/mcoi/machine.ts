/**
 * MCOI's pure state machine. No express, no I/O, no real time: every function takes the state, a command and
 * `{ now, ids, timings, codes }` and returns a Result. Processing statuses are computed from the clock when read.
 *
 * @example
 * const r = registerOrder(state, { user, body }, env);
 * if (r.ok) state = r.value.state;
 */
import { fail, ok, type ErrorLocation, type Result, SimError } from '../../core/errors.js';
import { CSET82, isValidGtin14 } from '../../core/gs1.js';
import { parseCode, SSCC_SHAPE, ssccOf, unitKeyOf } from './generate.js';
import type { IdSource } from '../../core/ids.js';
import { pmap } from '../../core/pmap.js';
import { DOC_ERRORS, HANDBOOK, type DocError, type DocErrorKey, type McoiHandbookKey } from './handbook.js';
import {
  ACCEPTABLE_PRINT_QUALITY,
  LIMITS,
  PACKAGE_CAPACITY,
  RESTRICTED_KINDS,
  RESTRICTED_RELEASE_METHODS,
  type BufferStatus,
  type CodeStatus,
  type DocumentStatus,
  type McoiTimings,
  type OrderStatus,
  type PackageType,
  type ProductGroup,
  type ReleaseMethodType,
} from './reference.js';
import type { AggregateUnit, CodeRef, DocBlob, DocMeta, Effect, Mark, McoiState, Order, Organization, ReportDocType, SubOrder, Unit, User } from './state.js';

export interface CodeView {
  resolve(code: string): ResolvedCode | { missing: DocErrorKey };
  /** A package by its key (generate.ts unitKeyOf). */
  unit(key: string): Unit | undefined;
  /** The serial of the package a package is nested in, if any. */
  parentOf(unit: Unit): string | undefined;
  /** A code or package as a client names it; undefined when it was never issued or formed. */
  lookup(code: string): Found | undefined;
  /** True when a serial of this GTIN was already issued (SELF_MADE or OPERATOR). */
  serialTaken(gtin: string, serial: string): boolean;
}

/** A code or package found by code information or an owner check: as sent, and what it is. */
export interface Found {
  sent: string;
  code?: ResolvedCode;
  /** The package it names (an SSCC), or forms (a GROUP or SET code). */
  unit?: Unit;
}

export interface ResolvedCode {
  ref: CodeRef;
  order: Order;
  sub: SubOrder;
  status: CodeStatus;
  mark?: Mark;
  /** False when the code carried a verification code that does not match. */
  cryptoOk: boolean;
}

/** The business outcomes a scenario fault can force on MCOI (declared in index.ts `outcomes`). */
export interface McoiOutcome {
  orderRejected?: string;
  reportError?: { propertyName?: string; propertyValue?: string; errorCode: string; errorTags?: Record<string, unknown> }[];
  /** The codes at these positions of the report fail; the others take effect; the document is PARTIALLY_PROCESSED. */
  partiallyProcessed?: { at: number; errorCode: string; propertyName?: string; errorTags?: Record<string, unknown> }[];
  /** Document storage answers 404 for the new document for this long (observed #8). */
  notInStorageForMs?: number;
}

/** The lookups a transition makes without scanning the world (indexes.ts). */
export interface OrderView {
  /** How many of an organization's orders are active now. */
  activeCount(orgId: number, isActive: (o: Order) => boolean): number;
  /** Orders of an owner transferred to the service provider with this TIN. */
  outsourcedTo(s: McoiState, tin: string, ownerId: number): Order[];
}

export interface Env {
  now: number;
  /** Ids of this mutation (committed with it: never handed out twice). */
  ids: IdSource;
  timings: McoiTimings;
  codes: CodeView;
  orders: OrderView;
  /** A business outcome forced by a scenario fault. */
  forced?: McoiOutcome;
}

const err = (key: McoiHandbookKey, ...args: unknown[]) => fail(new SimError(HANDBOOK[key], args));
const errAt = (key: McoiHandbookKey, where: ErrorLocation, ...args: unknown[]) =>
  fail(new SimError(HANDBOOK[key], args, where));

// ---------------------------------------------------------------------------------------------------------------
// Statuses, computed from the clock (§6.6, §6.7, §6.9, §6.10)

export function orderStatus(o: Order, now: number, t: McoiTimings): OrderStatus {
  if (o.closedAt !== undefined && o.closedAt <= now) return 'CLOSED';
  const age = now - o.createdAt;
  if (age < t.orderPendingMs) return 'CREATED';
  if (age < t.orderReadyMs) return 'PENDING';
  if (o.subOrders.every((s) => s.rejectionReason !== undefined)) return 'REJECTED';
  return o.contractor ? 'OUTSOURCED' : 'READY';
}

export const unloaded = (s: SubOrder) => s.packs.reduce((n, p) => n + p.quantity, 0);

export function subOrderStatus(o: Order, s: SubOrder, now: number, t: McoiTimings): BufferStatus {
  if (s.closedAt !== undefined && s.closedAt <= now) return 'CLOSED';
  const os = orderStatus(o, now, t);
  if (os === 'CREATED' || os === 'PENDING') return s.closedAt !== undefined ? 'CLOSED' : 'PENDING';
  if (s.rejectionReason !== undefined) return 'REJECTED';
  if (os === 'CLOSED') return 'CLOSED';
  return unloaded(s) >= s.quantity ? 'EXHAUSTED' : 'ACTIVE';
}

/** Codes issued (generated) in the sub-order: none before the order is processed or when rejected. */
export function availableCodes(o: Order, s: SubOrder, now: number, t: McoiTimings): number {
  const os = orderStatus(o, now, t);
  if (os === 'CREATED' || os === 'PENDING' || s.rejectionReason !== undefined) return 0;
  if (os === 'CLOSED' && o.createdAt + t.orderReadyMs > (o.closedAt ?? now)) return 0;
  return s.quantity;
}

export function orderRejectionReason(o: Order, now: number, t: McoiTimings): string | undefined {
  const st = orderStatus(o, now, t);
  if (st === 'CREATED' || st === 'PENDING') return undefined;
  const reasons = o.subOrders.filter((s) => s.rejectionReason).map((s) => `${s.gtin}: ${s.rejectionReason}`);
  return reasons.length ? reasons.join('; ') : undefined;
}

/** An order is active while registered and not fully taken: not closed, rejected, outsourced or exhausted (§3.1). */
export function isActive(o: Order, now: number, t: McoiTimings): boolean {
  const st = orderStatus(o, now, t);
  if (st === 'CREATED' || st === 'PENDING') return true;
  if (st !== 'READY') return false;
  return o.subOrders.some((s) => subOrderStatus(o, s, now, t) === 'ACTIVE');
}

/** The status of a code, from its sub-order's state and its marks (reference.ts CODE_TRANSITIONS). */
export function codeStatus(o: Order, s: SubOrder, index: number, mark: Mark | undefined, now: number, t: McoiTimings): CodeStatus | null {
  if (availableCodes(o, s, now, t) === 0 && s.packs.length === 0) return null; // never generated
  if (mark?.appliedBy) return 'APPLIED';
  if (index < unloaded(s)) return 'RECEIVED';
  return subOrderStatus(o, s, now, t) === 'CLOSED' ? 'CANCELLED' : 'EMITTED';
}

export function reportStatus(d: DocMeta, now: number, t: McoiTimings): 'IN_PROCESS' | DocMeta['outcome'] {
  return now - d.createdAt < t.documentProcessingMs ? 'IN_PROCESS' : d.outcome;
}

export function orderDocumentStatus(o: Order, now: number, t: McoiTimings): DocumentStatus {
  const st = orderStatus(o, now, t);
  if (st === 'CREATED' || st === 'PENDING') return 'IN_PROCESS';
  return st === 'REJECTED' ? 'ERROR' : 'SUCCESS';
}

// ---------------------------------------------------------------------------------------------------------------
// Who may see what (tenancy)

export const orgOf = (s: McoiState, id: number) => s.world.organizations.find((o) => o.id === id);
export const orgByTin = (s: McoiState, tin: string) => s.world.organizations.find((o) => o.tin === tin);

/** The owner sees its orders; a service provider sees the orders transferred to it. */
export function canSeeOrder(s: McoiState, user: User, o: Order): boolean {
  if (o.orgId === user.orgId) return true;
  return o.contractor !== undefined && o.contractor.tin === orgOf(s, user.orgId)?.tin;
}

/** A report is seen by its owner and by the service provider that registered it. */
export const canSeeDocument = (user: User, d: DocMeta) => d.orgId === user.orgId || d.agentOrgId === user.orgId;

export function findReport(s: McoiState, user: User, id: string): Result<DocMeta, SimError> {
  const d = pmap.get(s.documents, id);
  if (!d || d.type !== 'UTILISATION' || !canSeeDocument(user, d)) return errAt('REPORT_NOT_FOUND', { path: 'reportId' }, id);
  return ok(d);
}

/** A sub-order (and its position) of an order the user may see. */
export function findSubOrder(s: McoiState, user: User, orderId: string, gtin: string): Result<{ order: Order; sub: SubOrder; index: number }, SimError> {
  const found = findOrder(s, user, orderId);
  if (!found.ok) return found;
  const index = found.value.subOrders.findIndex((x) => x.gtin === gtin);
  if (index < 0) return errAt('SUB_ORDER_NOT_FOUND', { query: 'gtin' }, orderId, gtin);
  return ok({ order: found.value, sub: found.value.subOrders[index], index });
}

/** The errors of an ORDER document: its rejected sub-orders, once the order is processed. */
export function orderErrors(o: Order, now: number, t: McoiTimings): DocError[] {
  const st = orderStatus(o, now, t);
  if (st === 'CREATED' || st === 'PENDING') return [];
  return o.subOrders
    .filter((x) => x.rejectionReason)
    .map((x, index) => ({ propertyName: DOC_ERRORS.SUB_ORDER_REJECTED.propertyName, propertyValue: x.gtin, errorCode: DOC_ERRORS.SUB_ORDER_REJECTED.errorCode, index, errorTags: { reason: x.rejectionReason } }));
}

export function findOrder(s: McoiState, user: User, orderId: string, where: { query?: string; body?: string } = { query: 'orderId' }): Result<Order, SimError> {
  const o = pmap.get(s.orders, orderId);
  if (!o || !canSeeOrder(s, user, o)) return errAt('ORDER_NOT_FOUND', where, orderId);
  return ok(o);
}

// ---------------------------------------------------------------------------------------------------------------
// §3.1 Register an order

export interface OrderProductInput {
  gtin: string;
  quantity: number;
  cisType: SubOrder['cisType'];
  serialNumberType: SubOrder['serialNumberType'];
  serialNumbers?: string[];
  isPaid?: boolean;
}

export interface RegisterOrderInput {
  productGroup: ProductGroup;
  releaseMethodType: ReleaseMethodType;
  products: OrderProductInput[];
  poNumber?: string;
  businessPlaceId?: number;
  contractorInfo?: { contractorTin: string; contractorCountryCode: string };
}

export function registerOrder(
  s: McoiState,
  user: User,
  input: RegisterOrderInput,
  env: Env,
): Result<{ state: McoiState; order: Order; serials: { seq: number; serials: string[] }[] }, SimError> {
  const org = orgOf(s, user.orgId) as Organization;
  const reg = org.productGroups.find((p) => p.productGroup === input.productGroup);
  if (!reg || !reg.issuer) return errAt('PRODUCT_GROUP_NOT_REGISTERED', { body: '$.productGroup' }, input.productGroup);
  if (org.kinds.some((k) => RESTRICTED_KINDS.includes(k)) && !org.kinds.some((k) => !RESTRICTED_KINDS.includes(k) && k !== 'SERVICE_PROVIDER')) {
    if (!RESTRICTED_RELEASE_METHODS.includes(input.releaseMethodType)) return errAt('RELEASE_METHOD_NOT_ALLOWED', { body: '$.releaseMethodType' }, input.releaseMethodType);
  }
  const hasPlace = input.businessPlaceId !== undefined;
  const hasContractor = input.contractorInfo !== undefined;
  if (hasPlace === hasContractor) return errAt('PLACE_OR_CONTRACTOR', { body: hasPlace ? '$.contractorInfo' : '$.businessPlaceId' });
  if (hasPlace && !s.world.businessPlaces.some((p) => p.id === input.businessPlaceId && p.orgId === org.id)) {
    return errAt('BUSINESS_PLACE_NOT_FOUND', { body: '$.businessPlaceId' }, input.businessPlaceId);
  }
  if (hasContractor) {
    const sp = orgByTin(s, input.contractorInfo!.contractorTin);
    if (!sp || !sp.kinds.includes('SERVICE_PROVIDER')) return errAt('CONTRACTOR_NOT_FOUND', { body: '$.contractorInfo.contractorTin' }, input.contractorInfo!.contractorTin);
  }
  if (input.products.length > LIMITS.subOrdersPerOrder) return errAt('SUB_ORDERS_LIMIT', { body: '$.products' }, LIMITS.subOrdersPerOrder, input.products.length);
  const total = input.products.reduce((n, p) => n + p.quantity, 0);
  if (total > LIMITS.codesPerOrder) return errAt('ORDER_CODES_LIMIT', { body: '$.products' }, LIMITS.codesPerOrder, total);
  const seenGtins = new Set<string>();
  for (const [i, p] of input.products.entries()) {
    const at = { body: `$.products[${i}].gtin` };
    if (!isValidGtin14(p.gtin)) return errAt('INVALID_GTIN', at, p.gtin);
    if (seenGtins.has(p.gtin)) return errAt('DUPLICATE_GTIN', at, p.gtin);
    seenGtins.add(p.gtin);
    const card = s.world.products.find((c) => c.gtin === p.gtin);
    if (!card || card.orgId !== org.id) return errAt('GTIN_NOT_OWNED', at, p.gtin);
    if (card.productGroup !== input.productGroup) return errAt('GTIN_PRODUCT_GROUP_MISMATCH', at, p.gtin, input.productGroup, card.productGroup);
    if (p.quantity > LIMITS.codesPerSubOrder) return errAt('SUB_ORDER_CODES_LIMIT', { body: `$.products[${i}].quantity` }, LIMITS.codesPerSubOrder, p.gtin, p.quantity);
    if (p.serialNumberType === 'SELF_MADE') {
      const sns = p.serialNumbers ?? [];
      if (sns.length !== p.quantity) return errAt('SERIAL_NUMBERS_COUNT', { body: `$.products[${i}].serialNumbers` }, p.gtin, p.quantity, sns.length);
      const seen = new Set<string>();
      for (const [j, sn] of sns.entries()) {
        if (sn.length !== LIMITS.serialLength || !CSET82.test(sn)) return errAt('SERIAL_NUMBER_INVALID', { body: `$.products[${i}].serialNumbers[${j}]` }, sn, LIMITS.serialLength);
        if (seen.has(sn)) return errAt('SERIAL_NUMBER_DUPLICATE', { body: `$.products[${i}].serialNumbers[${j}]` }, sn);
        seen.add(sn);
      }
    } else if (p.serialNumbers !== undefined) {
      return errAt('SERIAL_NUMBERS_NOT_ALLOWED', { body: `$.products[${i}].serialNumbers` }, p.gtin);
    }
  }
  const active = env.orders.activeCount(org.id, (o) => isActive(o, env.now, env.timings));
  if (active >= LIMITS.activeOrders) return err('ACTIVE_ORDERS_LIMIT', LIMITS.activeOrders);

  let seq = s.nextSubSeq;
  const serials: { seq: number; serials: string[] }[] = [];
  const subOrders: SubOrder[] = input.products.map((p) => {
    const sub: SubOrder = { seq: seq++, gtin: p.gtin, quantity: p.quantity, cisType: p.cisType, serialNumberType: p.serialNumberType, packs: [] };
    if (p.isPaid !== undefined) sub.isPaid = p.isPaid;
    if (p.serialNumberType === 'SELF_MADE') {
      serials.push({ seq: sub.seq, serials: p.serialNumbers! });
      // The issue server refuses serials it has issued before for this GTIN: the sub-order is rejected (§6.7).
      const taken = p.serialNumbers!.find((sn) => env.codes.serialTaken(p.gtin, sn));
      if (taken !== undefined) sub.rejectionReason = `Serial number ${JSON.stringify(taken)} was already issued for GTIN ${p.gtin}`;
    }
    if (env.forced?.orderRejected) sub.rejectionReason = env.forced.orderRejected;
    return sub;
  });
  const order: Order = {
    orderId: env.ids.uuid('order'),
    orgId: org.id,
    login: user.login,
    productGroup: input.productGroup,
    releaseMethodType: input.releaseMethodType,
    createdAt: env.now,
    subOrders,
  };
  if (input.poNumber !== undefined) order.poNumber = input.poNumber;
  if (hasPlace) order.businessPlaceId = input.businessPlaceId;
  if (hasContractor) order.contractor = { tin: input.contractorInfo!.contractorTin, countryCode: input.contractorInfo!.contractorCountryCode };
  return ok({ state: { ...s, orders: pmap.set(s.orders, order.orderId, order), nextSubSeq: seq }, order, serials });
}

// ---------------------------------------------------------------------------------------------------------------
// §3.4 Receive (unload) codes

export interface UnloadInput {
  orderId: string;
  gtin: string;
  quantity: number;
  lastPackId?: string;
}

export interface Unloaded {
  state: McoiState;
  packId: string;
  /** Indexes [from, to) of the codes to return. */
  from: number;
  to: number;
  sub: SubOrder;
}

export function unloadCodes(s: McoiState, user: User, input: UnloadInput, env: Env): Result<Unloaded, SimError> {
  const found = findSubOrder(s, user, input.orderId, input.gtin);
  if (!found.ok) return found;
  const { order: o, sub, index: subIdx } = found.value;
  const st = orderStatus(o, env.now, env.timings);
  if (o.contractor && o.orgId === user.orgId && orgOf(s, user.orgId)?.tin !== o.contractor.tin) return err('ORDER_OUTSOURCED', o.orderId);
  if (st === 'CREATED' || st === 'PENDING') return err('ORDER_NOT_READY', o.orderId, st);
  if (st === 'REJECTED' || sub.rejectionReason !== undefined) return err('ORDER_REJECTED', o.orderId);
  if (input.quantity > sub.quantity) return errAt('QUANTITY_TOO_LARGE', { query: 'quantity' }, input.quantity, sub.quantity);

  const last = sub.packs[sub.packs.length - 1];
  const lastPackId = input.lastPackId === undefined || input.lastPackId === '0' ? undefined : input.lastPackId;
  if (lastPackId !== undefined && !sub.packs.some((p) => p.packId === lastPackId)) return errAt('PACK_NOT_FOUND', { query: 'lastPackId' }, lastPackId);
  const total = unloaded(sub);
  // Re-unload: no pack given and some were received → all of them; a pack given that is not the last → all after it.
  if (last && lastPackId === undefined) return ok({ state: s, packId: last.packId, from: 0, to: total, sub });
  if (last && lastPackId !== last.packId) {
    const p = sub.packs.find((x) => x.packId === lastPackId)!;
    return ok({ state: s, packId: last.packId, from: p.from + p.quantity, to: total, sub });
  }
  // First unload, or the last pack given: a new pack from the issue server.
  const subSt = subOrderStatus(o, sub, env.now, env.timings);
  if (st === 'CLOSED' || subSt === 'CLOSED') return err('ORDER_CLOSED_REUNLOAD_ONLY', o.orderId);
  if (subSt === 'EXHAUSTED') return err('SUB_ORDER_EXHAUSTED', sub.gtin);
  const count = Math.min(input.quantity, sub.quantity - total);
  const pack = { packId: env.ids.uuid('pack'), from: total, quantity: count, at: env.now };
  const newSub = { ...sub, packs: [...sub.packs, pack] };
  const newOrder = { ...o, subOrders: o.subOrders.map((x, i) => (i === subIdx ? newSub : x)) };
  return ok({ state: { ...s, orders: pmap.set(s.orders, o.orderId, newOrder) }, packId: pack.packId, from: total, to: total + count, sub: newSub });
}

// ---------------------------------------------------------------------------------------------------------------
// §3.6 Close an order or a sub-order

export function closeOrder(s: McoiState, user: User, input: { orderId: string; gtin?: string }, env: Env): Result<{ state: McoiState; order: Order }, SimError> {
  const o = pmap.get(s.orders, input.orderId);
  if (!o || o.orgId !== user.orgId) return errAt('ORDER_NOT_FOUND', { query: 'orderId' }, input.orderId);
  const st = orderStatus(o, env.now, env.timings);
  if (st === 'CLOSED') return err('ORDER_ALREADY_CLOSED', o.orderId);
  if (st === 'REJECTED') return err('ORDER_REJECTED', o.orderId);
  const open = (x: SubOrder) => x.closedAt === undefined && x.rejectionReason === undefined;
  let subOrders: SubOrder[];
  if (input.gtin !== undefined) {
    const sub = o.subOrders.find((x) => x.gtin === input.gtin);
    if (!sub) return errAt('SUB_ORDER_NOT_FOUND', { query: 'gtin' }, o.orderId, input.gtin);
    if (sub.closedAt !== undefined) return err('SUB_ORDER_ALREADY_CLOSED', sub.gtin);
    if (sub.rejectionReason !== undefined) return err('ORDER_REJECTED', o.orderId);
    subOrders = o.subOrders.map((x) => (x === sub ? { ...x, closedAt: env.now } : x));
  } else {
    subOrders = o.subOrders.map((x) => (open(x) ? { ...x, closedAt: env.now } : x));
  }
  // Closing the last open sub-order closes the whole order (§3.6).
  const order: Order = { ...o, subOrders, ...(subOrders.some(open) ? {} : { closedAt: env.now }) };
  return ok({ state: { ...s, orders: pmap.set(s.orders, o.orderId, order) }, order });
}

// ---------------------------------------------------------------------------------------------------------------
// §4 Reports: checked as a whole; any error makes the report ERROR with no effect (§4.1)

class ErrorList {
  readonly items: DocError[] = [];
  readonly reasons: string[] = [];
  /** An error given as data (a scenario's forced outcome), not from the handbook. */
  addGiven(e: { propertyName?: string; propertyValue?: string; errorCode: string; errorTags?: Record<string, unknown> }): void {
    const item: DocError = { propertyName: e.propertyName ?? 'CODE', errorCode: e.errorCode, index: this.items.length, errorTags: e.errorTags ?? {} };
    if (e.propertyValue !== undefined) item.propertyValue = e.propertyValue;
    this.items.push(item);
    this.reasons.push(e.propertyValue !== undefined ? `${e.errorCode} (${e.propertyValue})` : e.errorCode);
  }

  add(key: DocErrorKey, value: string | undefined, tags: Record<string, unknown>, ...args: unknown[]): void {
    const e = DOC_ERRORS[key];
    const item: DocError = { propertyName: e.propertyName, errorCode: e.errorCode, index: this.items.length, errorTags: tags };
    if (value !== undefined) item.propertyValue = value;
    this.items.push(item);
    if (this.reasons.length < 100) {
      const text = (e.text as (...a: unknown[]) => string)(...args);
      this.reasons.push(value !== undefined ? `${e.errorCode} (${value}): ${text}` : `${e.errorCode}: ${text}`);
    }
  }
}

interface ReportOwner {
  owner: Organization;
  agent?: Organization;
}

/** ownerTin is filled only in a service provider's report (§4.3, §4.4): the owner must have outsourced to it. */
export function reportOwner(s: McoiState, user: User, ownerTin: string | undefined, env: Env, at = '$.documentBody.ownerTin'): Result<ReportOwner, SimError> {
  const me = orgOf(s, user.orgId) as Organization;
  if (ownerTin === undefined || ownerTin === me.tin) return ok({ owner: me });
  const owner = orgByTin(s, ownerTin);
  if (!owner) return errAt('OWNER_NOT_FOUND', { body: at }, ownerTin);
  const serves = me.kinds.includes('SERVICE_PROVIDER') && env.orders.outsourcedTo(s, me.tin, owner.id).length > 0;
  if (!serves) return errAt('OWNER_NOT_SERVED', { body: at });
  return ok({ owner, agent: me });
}

function checkPlace(s: McoiState, owner: Organization, placeId: number, at: string): Result<true, SimError> {
  if (!s.world.businessPlaces.some((p) => p.id === placeId && p.orgId === owner.id)) return errAt('BUSINESS_PLACE_NOT_FOUND', { body: at }, placeId);
  return ok(true);
}

function checkCount(n: number, at: string): Result<true, SimError> {
  if (n === 0) return errAt('EMPTY_REPORT', { body: at });
  if (n > LIMITS.codesPerReport) return errAt('REPORT_CODES_LIMIT', { body: at }, LIMITS.codesPerReport, n);
  return ok(true);
}

/** Resolves one code of a report for its owner, recording what is wrong with it. */
function resolveFor(
  code: string,
  owners: { owner: Organization; agent?: Organization },
  seen: Set<string>,
  errors: ErrorList,
  env: Env,
): ResolvedCode | undefined {
  const r = env.codes.resolve(code);
  if ('missing' in r) {
    errors.add(r.missing, code, {});
    return undefined;
  }
  const key = `${r.ref.seq}:${r.ref.index}`;
  if (seen.has(key)) {
    errors.add('DUPLICATE_CODE', code, {});
    return undefined;
  }
  seen.add(key);
  if (!r.cryptoOk) {
    errors.add('INVALID_VERIFICATION_CODE', code, {});
    return undefined;
  }
  const byAgent = owners.agent !== undefined && r.order.contractor?.tin === owners.agent.tin;
  if (r.order.orgId !== owners.owner.id && !(r.order.contractor && r.order.contractor.tin === owners.owner.tin)) {
    errors.add('INVALID_CODE_OWNER', code, {});
    return undefined;
  }
  if (owners.agent && !byAgent) {
    errors.add('INVALID_CODE_OWNER', code, {});
    return undefined;
  }
  return r;
}

export interface ReportOutcome {
  state: McoiState;
  doc: DocMeta;
  blob: DocBlob;
}

function recordReport(
  s: McoiState,
  env: Env,
  type: ReportDocType,
  owners: ReportOwner,
  user: User,
  extra: { productGroup?: string; productionOrderId?: string },
  body: unknown,
  errors: ErrorList,
  effects: Effect[],
  partial = false,
): ReportOutcome {
  for (const e of env.forced?.reportError ?? []) errors.addGiven(e);
  const outcome = !errors.items.length ? 'SUCCESS' : partial ? 'PARTIALLY_PROCESSED' : 'ERROR';
  const doc: DocMeta = {
    documentId: env.ids.uuid('document'),
    type,
    seq: s.nextDocSeq,
    orgId: owners.owner.id,
    login: user.login,
    createdAt: env.now,
    outcome,
    errorCount: errors.items.length,
  };
  if (env.forced?.notInStorageForMs) doc.hiddenUntil = env.now + env.forced.notInStorageForMs;
  if (owners.agent) doc.agentOrgId = owners.agent.id;
  if (extra.productGroup !== undefined) doc.productGroup = extra.productGroup;
  if (extra.productionOrderId !== undefined) doc.productionOrderId = extra.productionOrderId;
  if (errors.items.length) doc.rejectReason = errors.reasons;
  const blob: DocBlob = { body, errors: errors.items, effects: outcome === 'ERROR' ? [] : effects };
  return { state: { ...s, documents: pmap.set(s.documents, doc.documentId, doc), nextDocSeq: s.nextDocSeq + 1 }, doc, blob };
}

const flatRefs = (rs: ResolvedCode[]) => rs.flatMap((r) => [r.ref.seq, r.ref.index]);

/**
 * A scenario's partial processing (observed #12), once the report passed every check: the codes at the forced
 * positions of `codes` fail with the given errors. Positions past the end are ignored; the failed positions, or
 * undefined when none failed (the report is then processed as usual).
 */
function forcePartial(errors: ErrorList, codes: string[], env: Env): Set<number> | undefined {
  const forced = env.forced?.partiallyProcessed;
  if (!forced || errors.items.length) return undefined;
  const failed = new Set<number>();
  for (const f of forced) {
    if (f.at >= codes.length || failed.has(f.at)) continue;
    failed.add(f.at);
    errors.addGiven({ propertyName: f.propertyName ?? 'CODE', propertyValue: codes[f.at], errorCode: f.errorCode, errorTags: f.errorTags });
  }
  return failed.size ? failed : undefined;
}

function productCountry(s: McoiState, gtin: string): string | undefined {
  return s.world.products.find((c) => c.gtin === gtin)?.manufacturerCountry;
}

export interface UtilisationInput {
  sntins: string[];
  businessPlaceId: number;
  releaseType: 'PRODUCTION' | 'IMPORT' | 'CIRCULATION';
  manufacturerCountry?: string;
  productionOrderId?: string;
  productionDate?: string;
  expirationDate?: string;
  seriesNumber?: string;
}

/** §4.1 */
export function registerUtilisation(s: McoiState, user: User, productGroup: ProductGroup, input: UtilisationInput, env: Env): Result<ReportOutcome, SimError> {
  const owners: ReportOwner = { owner: orgOf(s, user.orgId) as Organization };
  const place = checkPlace(s, owners.owner, input.businessPlaceId, '$.businessPlaceId');
  if (!place.ok) return place;
  const count = checkCount(input.sntins.length, '$.sntins');
  if (!count.ok) return count;
  const errors = new ErrorList();
  if (input.productionDate !== undefined && Date.parse(input.productionDate) > env.now) errors.add('INVALID_PRODUCTION_DATE', input.productionDate, {});
  if (input.expirationDate !== undefined && Date.parse(input.expirationDate) < env.now) errors.add('INVALID_EXPIRATION_DATE', input.expirationDate, {});
  const seen = new Set<string>();
  const good: ResolvedCode[] = [];
  const countries = new Set<string>();
  for (const code of input.sntins) {
    const r = resolveFor(code, owners, seen, errors, env);
    if (!r) continue;
    if (r.order.productGroup !== productGroup) {
      errors.add('INVALID_PRODUCT_GROUP', code, { productGroup: r.order.productGroup }, r.order.productGroup);
      continue;
    }
    if (r.status !== 'RECEIVED') {
      errors.add('INVALID_CODE_STATUS', code, { status: r.status }, r.status, 'RECEIVED');
      continue;
    }
    const c = productCountry(s, r.sub.gtin);
    if (c) countries.add(c);
    good.push(r);
  }
  // The country of production comes from the product card; the request may repeat it (see README fidelity table).
  for (const c of countries) {
    if (input.manufacturerCountry !== undefined && input.manufacturerCountry !== c) errors.add('INVALID_MANUFACTURER_COUNTRY', input.manufacturerCountry, { manufacturerCountry: c }, c);
    if ((input.releaseType === 'PRODUCTION' && c !== 'UZ') || (input.releaseType === 'IMPORT' && c === 'UZ')) {
      errors.add('INVALID_RELEASE_TYPE', input.releaseType, { manufacturerCountry: c }, input.releaseType, c);
    }
  }
  return ok(recordReport(s, env, 'UTILISATION', owners, user, { productGroup, productionOrderId: input.productionOrderId }, input, errors, [{ kind: 'apply', refs: flatRefs(good) }]));
}

export interface ValidationReportInput {
  productGroup: ProductGroup;
  businessPlaceId: number;
  ownerId?: number;
  ownerTin?: string;
  ownerPartyKindId?: number;
  productionOrderId?: string;
  packageType: SubOrder['cisType'];
  documentDate: string;
  codes: { code: string; printQualityClass: string }[];
}

/** §4.3 */
export function registerValidation(s: McoiState, user: User, input: ValidationReportInput, env: Env): Result<ReportOutcome, SimError> {
  const who = reportOwner(s, user, input.ownerTin, env);
  if (!who.ok) return who;
  const place = checkPlace(s, who.value.owner, input.businessPlaceId, '$.documentBody.businessPlaceId');
  if (!place.ok) return place;
  const count = checkCount(input.codes.length, '$.documentBody.codes');
  if (!count.ok) return count;
  const errors = new ErrorList();
  const seen = new Set<string>();
  const good: ResolvedCode[] = [];
  const classes: string[] = [];
  const positions: number[] = [];
  for (const [at, { code, printQualityClass }] of input.codes.entries()) {
    const r = resolveFor(code, who.value, seen, errors, env);
    if (!r) continue;
    if (r.order.productGroup !== input.productGroup) errors.add('INVALID_PRODUCT_GROUP', code, { productGroup: r.order.productGroup }, r.order.productGroup);
    else if (r.sub.cisType !== input.packageType) errors.add('INVALID_PACKAGE_TYPE', code, { cisType: r.sub.cisType }, r.sub.cisType);
    else if (r.status !== 'RECEIVED' && r.status !== 'APPLIED') errors.add('INVALID_CODE_STATUS', code, { status: r.status }, r.status, 'RECEIVED or APPLIED');
    else if (!ACCEPTABLE_PRINT_QUALITY.includes(printQualityClass as never)) errors.add('UNACCEPTABLE_PRINT_QUALITY', code, { printQualityClass }, printQualityClass);
    else {
      good.push(r);
      classes.push(printQualityClass);
      positions.push(at);
    }
  }
  const failed = forcePartial(errors, input.codes.map((c) => c.code), env);
  const kept = (_: unknown, i: number) => !failed?.has(positions[i]);
  return ok(
    recordReport(
      s,
      env,
      'VALIDATION',
      who.value,
      user,
      { productGroup: input.productGroup, productionOrderId: input.productionOrderId },
      input,
      errors,
      [{ kind: 'validate', refs: flatRefs(good.filter(kept)), classes: classes.filter(kept) }],
      failed !== undefined,
    ),
  );
}

export interface AggregationUnitInput {
  unitSerialNumber: string;
  aggregationUnitCapacity: number;
  aggregationItemsCount: number;
  codes: string[];
  shouldBeUnbundled?: boolean;
}

export interface AggregationReportInput {
  ownerId?: number;
  ownerTin?: string;
  businessPlaceId: number;
  documentDate: string;
  productionOrderId?: string;
  shouldBeUnbundled?: boolean;
  aggregationUnits: AggregationUnitInput[];
}

/** The package a unitSerialNumber forms: an SSCC, or an applied GROUP or SET code of the owner (with its kind). */
function packageOf(serial: string, owners: ReportOwner, errors: ErrorList, env: Env): { key: string; kind: 'SSCC' | 'GROUP' | 'SET' } | undefined {
  const sscc = ssccOf(serial);
  if (sscc) return { key: sscc, kind: 'SSCC' };
  if (SSCC_SHAPE.test(serial) || !parseCode(serial)) {
    errors.add('INVALID_UNIT_SERIAL_NUMBER', serial, {});
    return undefined;
  }
  const r = resolveFor(serial, owners, new Set(), errors, env);
  if (!r) return undefined;
  if (r.sub.cisType === 'UNIT') errors.add('INVALID_PACKAGE_TYPE', serial, { cisType: r.sub.cisType }, r.sub.cisType);
  else if (r.status !== 'APPLIED') errors.add('INVALID_CODE_STATUS', serial, { status: r.status }, r.status, 'APPLIED');
  else return { key: unitKeyOf(serial)!, kind: r.sub.cisType };
  return undefined;
}

/**
 * §4.4: one or more packages, possibly several levels at once; nested items are applied codes or earlier packages.
 * A package is an SSCC (BOX_LV_1 holding codes, BOX_LV_2 holding packages) or a GROUP or SET code holding UNIT
 * codes; each type has its most (observed #11).
 */
export function registerAggregation(s: McoiState, user: User, input: AggregationReportInput, env: Env): Result<ReportOutcome, SimError> {
  const who = reportOwner(s, user, input.ownerTin, env);
  if (!who.ok) return who;
  const place = checkPlace(s, who.value.owner, input.businessPlaceId, '$.documentBody.businessPlaceId');
  if (!place.ok) return place;
  if (input.aggregationUnits.length > LIMITS.unitsPerAggregation) return errAt('AGGREGATION_UNITS_LIMIT', { body: '$.documentBody.aggregationUnits' }, LIMITS.unitsPerAggregation, input.aggregationUnits.length);
  const count = checkCount(
    input.aggregationUnits.reduce((n, u) => n + u.codes.length, 0),
    '$.documentBody.aggregationUnits',
  );
  if (!count.ok) return count;
  const errors = new ErrorList();
  const seen = new Set<string>();
  const formedHere = new Set(input.aggregationUnits.map((u) => ssccOf(u.unitSerialNumber)).filter((k) => k !== undefined));
  const nestedHere = new Set<string>();
  const units: (AggregateUnit & { positions: number[] })[] = [];
  let productGroup: string | undefined;
  let at = 0;
  for (const u of input.aggregationUnits) {
    const unbundle = u.shouldBeUnbundled ?? input.shouldBeUnbundled ?? false;
    const pkg = packageOf(u.unitSerialNumber, who.value, errors, env);
    let unitOk = pkg !== undefined;
    if (pkg && env.codes.unit(pkg.key)) {
      errors.add('UNIT_ALREADY_EXISTS', u.unitSerialNumber, {});
      unitOk = false;
    }
    const type: Exclude<PackageType, 'UNIT'> = !pkg || pkg.kind === 'SSCC' ? (u.codes.some((c) => SSCC_SHAPE.test(c)) ? 'BOX_LV_2' : 'BOX_LV_1') : pkg.kind;
    const most = PACKAGE_CAPACITY[type];
    if (pkg && u.aggregationUnitCapacity > most) {
      errors.add('CAPACITY_OVER_LIMIT', u.unitSerialNumber, { packageType: type, maxCapacity: most }, type, most, u.aggregationUnitCapacity);
      unitOk = false;
    }
    if (u.aggregationItemsCount > u.aggregationUnitCapacity) {
      errors.add('CAPACITY_EXCEEDED', u.unitSerialNumber, { aggregationUnitCapacity: u.aggregationUnitCapacity, aggregationItemsCount: u.aggregationItemsCount }, u.aggregationUnitCapacity, u.aggregationItemsCount);
      unitOk = false;
    }
    if (u.aggregationItemsCount !== u.codes.length) {
      errors.add('ITEMS_COUNT_MISMATCH', u.unitSerialNumber, { aggregationItemsCount: u.aggregationItemsCount, codes: u.codes.length }, u.aggregationItemsCount, u.codes.length);
      unitOk = false;
    }
    const children: AggregateUnit['children'] = [];
    const positions: number[] = [];
    const holdsUnits = pkg !== undefined && pkg.kind !== 'SSCC';
    for (const code of u.codes) {
      const here = at++;
      if (SSCC_SHAPE.test(code)) {
        const key = ssccOf(code) ?? code;
        const nested = env.codes.unit(key);
        if (holdsUnits) errors.add('INVALID_PACKAGE_TYPE', code, { packageType: type }, 'SSCC');
        else if (!nested && !formedHere.has(key)) errors.add('UNIT_NOT_FOUND', code, {});
        else if (nested?.disaggregatedBy) errors.add('UNIT_DISAGGREGATED', code, {});
        else if (nested && nested.orgId !== who.value.owner.id) errors.add('INVALID_CODE_OWNER', code, {});
        else if (nestedHere.has(key) || (nested?.parent && !unbundle)) errors.add('CODE_ALREADY_AGGREGATED', code, { parent: nested?.parent ?? '' }, nested?.parent ?? 'another package');
        else {
          nestedHere.add(key);
          children.push({ unit: key });
          positions.push(here);
        }
        continue;
      }
      const r = resolveFor(code, who.value, seen, errors, env);
      if (!r) continue;
      productGroup ??= r.order.productGroup;
      if (r.status !== 'APPLIED') errors.add('INVALID_CODE_STATUS', code, { status: r.status }, r.status, 'APPLIED');
      else if (holdsUnits && r.sub.cisType !== 'UNIT') errors.add('INVALID_PACKAGE_TYPE', code, { cisType: r.sub.cisType }, r.sub.cisType);
      else if (r.mark?.parent && !unbundle) errors.add('CODE_ALREADY_AGGREGATED', code, { parent: r.mark.parent }, r.mark.parent);
      else {
        children.push({ ref: [r.ref.seq, r.ref.index] });
        positions.push(here);
      }
    }
    if (unitOk && pkg) units.push({ serial: u.unitSerialNumber, key: pkg.key, packageType: type, capacity: u.aggregationUnitCapacity, codes: u.codes, children, positions });
  }
  const failed = forcePartial(errors, input.aggregationUnits.flatMap((u) => u.codes), env);
  const formed: AggregateUnit[] = units.map(({ positions, ...u }) => ({ ...u, children: u.children.filter((_, i) => !failed?.has(positions[i])) }));
  return ok(recordReport(s, env, 'AGGREGATION', who.value, user, { productGroup, productionOrderId: input.productionOrderId }, input, errors, [{ kind: 'aggregate', units: formed }], failed !== undefined));
}

export interface DisaggregationInput {
  businessDatetime: string;
  codes: string[];
  tin?: string;
  businessPlaceId?: number;
  childCodes?: string[];
}

/**
 * POST doc/transport-code-disaggregation (observed #27, not in v1.1.17): each named package (an SSCC, or a GROUP or
 * SET code) is dissolved and its contents lose their parent. A package nested in another is refused (the outer one
 * goes first); a dissolved SSCC is never formed again.
 */
export function registerDisaggregation(s: McoiState, user: User, input: DisaggregationInput, env: Env): Result<ReportOutcome, SimError> {
  const who = reportOwner(s, user, input.tin, env, '$.documentBody.tin');
  if (!who.ok) return who;
  if (input.businessPlaceId !== undefined) {
    const place = checkPlace(s, who.value.owner, input.businessPlaceId, '$.documentBody.businessPlaceId');
    if (!place.ok) return place;
  }
  const count = checkCount(input.codes.length, '$.documentBody.codes');
  if (!count.ok) return count;
  const errors = new ErrorList();
  const seen = new Set<string>();
  const keys: string[] = [];
  const positions: number[] = [];
  for (const [at, code] of input.codes.entries()) {
    const key = unitKeyOf(code);
    const unit = key === undefined ? undefined : env.codes.unit(key);
    if (!unit) errors.add('UNIT_NOT_FOUND', code, {});
    else if (seen.has(unit.key)) errors.add('DUPLICATE_CODE', code, {});
    else if (unit.orgId !== who.value.owner.id) errors.add('INVALID_CODE_OWNER', code, {});
    else if (unit.disaggregatedBy) errors.add('UNIT_DISAGGREGATED', code, {});
    else {
      const parent = env.codes.parentOf(unit);
      if (parent) errors.add('CODE_ALREADY_AGGREGATED', code, { parent }, parent);
      else {
        keys.push(unit.key);
        positions.push(at);
      }
    }
    if (unit) seen.add(unit.key);
  }
  const failed = forcePartial(errors, input.codes, env);
  const units = keys.filter((_, i) => !failed?.has(positions[i]));
  return ok(recordReport(s, env, 'DISAGGREGATION', who.value, user, {}, input, errors, [{ kind: 'disaggregate', units }], failed !== undefined));
}

// ---------------------------------------------------------------------------------------------------------------
// Code information and owner checks (observed #28–#30, not in v1.1.17)

export interface CodeLookup {
  found: Found[];
  /** Codes of another owner (observed #29). */
  forbiddenCodes: string[];
  /** Codes never issued, packages never formed. */
  missingCodes: string[];
}

/** Sorts the codes a client asks about into its own, another owner's, and unknown, in the order asked. */
export function lookupCodes(s: McoiState, user: User, codes: string[], view: CodeView): CodeLookup {
  const out: CodeLookup = { found: [], forbiddenCodes: [], missingCodes: [] };
  for (const code of codes) {
    const f = view.lookup(code);
    if (!f) out.missingCodes.push(code);
    else if (f.code ? !canSeeOrder(s, user, f.code.order) : f.unit!.orgId !== user.orgId) out.forbiddenCodes.push(code);
    else out.found.push(f);
  }
  return out;
}

/** An owner check names the caller's own organization (or none): another's TIN is refused (errorCode 201). */
export function checkOwnerTin(s: McoiState, user: User, ownerTin: string | undefined): Result<true, SimError> {
  if (ownerTin !== undefined && ownerTin !== orgOf(s, user.orgId)?.tin) return errAt('NO_PERMISSION', { body: '$.ownerTin' });
  return ok(true);
}

/** The codes a report names, in its order (GET storage/docs/{id}/codes, observed #26). */
export function reportCodes(type: ReportDocType, body: unknown): string[] {
  if (type === 'UTILISATION') return (body as UtilisationInput).sntins;
  if (type === 'VALIDATION') return (body as ValidationReportInput).codes.map((c) => c.code);
  if (type === 'AGGREGATION') return (body as AggregationReportInput).aggregationUnits.flatMap((u) => u.codes);
  return (body as DisaggregationInput).codes;
}

// ---------------------------------------------------------------------------------------------------------------
// Listings (§3.2, §3.3, §5.1): filters, date range, cursor paging

export function checkDateRange(dateFrom?: string, dateTo?: string): Result<{ from?: number; to?: number }, SimError> {
  const from = dateFrom === undefined ? undefined : Date.parse(dateFrom);
  const to = dateTo === undefined ? undefined : Date.parse(dateTo);
  if (from !== undefined && to !== undefined && to < from) return errAt('DATE_RANGE', { query: 'dateTo' }, dateFrom, dateTo);
  return ok({ from, to });
}

/** Records after the cursor (the id of the last record of the previous page), at most `limit` of them. */
export function pageAfter<T>(items: T[], idOf: (t: T) => string, cursor: string | undefined, limit: number): Result<T[], SimError> {
  let start = 0;
  if (cursor !== undefined) {
    const i = items.findIndex((t) => idOf(t) === cursor);
    if (i < 0) return errAt('CURSOR_NOT_FOUND', { query: 'cursor' }, cursor);
    start = i + 1;
  }
  return ok(items.slice(start, start + limit));
}

export const inRange = (t: number, r: { from?: number; to?: number }, now: number) => (r.from === undefined || t >= r.from) && t <= (r.to ?? now);

