/**
 * MCOI's pure state machine: what its commands share — the environment they run in, the statuses computed from the
 * clock (the progressions of reference.ts), who may see what, and listing. The commands live by resource:
 * orders.ts (§3), reports.ts (§4 and the observed disaggregation), lookups.ts (code information, owner checks).
 * No express, no I/O, no real time: every function takes the state, a command and an `Env` and returns a Result.
 *
 * @example
 * orderStatus(order, now, timings, polls); // 'CREATED' | 'PENDING' | 'READY' | ...
 */
import { fail, ok, type ErrorLocation, type Result, SimError } from '../../core/errors.js';
import type { IdSource } from '../../core/ids.js';
import { pmap } from '../../core/pmap.js';
import { clockMs } from '../../core/progression.js';
import type { DomainEvent } from '../../core/system.js';
import { DOC_ERRORS, HANDBOOK, type DocError, type DocErrorKey, type McoiHandbookKey } from './handbook.js';
import { DOCUMENT_PROGRESSION, ORDER_PROGRESSION, SUB_ORDER_PROGRESSION, type BufferStatus, type CodeStatus, type DocumentStatus, type McoiTimings, type OrderStatus } from './reference.js';
import type { CodeRef, DocMeta, Mark, McoiState, Order, SubOrder, Unit, User } from './state.js';

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
  /** How many times clients have read an entity, by key (orderKey, documentKey): progressions that wait for polls. */
  polls?(key: string): number;
  /** Ids of this mutation (committed with it: never handed out twice). */
  ids: IdSource;
  timings: McoiTimings;
  codes: CodeView;
  orders: OrderView;
  /** A business outcome forced by a scenario fault. */
  forced?: McoiOutcome;
}

/** A state and what happened (MCOI's domain events). */
export interface Changed {
  state: McoiState;
  events: DomainEvent[];
}

/** The keys an order's and a document's reads are counted under. */
export const orderKey = (orderId: string) => `order:${orderId}`;
export const documentKey = (documentId: string) => `document:${documentId}`;

export const err = (key: McoiHandbookKey, ...args: unknown[]) => fail(new SimError(HANDBOOK[key], args));
export const errAt = (key: McoiHandbookKey, where: ErrorLocation, ...args: unknown[]) =>
  fail(new SimError(HANDBOOK[key], args, where));


// ---------------------------------------------------------------------------------------------------------------
// Statuses, computed from the clock (§6.6, §6.7, §6.9, §6.10); `polls`: how many times clients read the entity

export function orderStatus(o: Order, now: number, t: McoiTimings, polls = 0): OrderStatus {
  if (o.closedAt !== undefined && o.closedAt <= now) return 'CLOSED';
  const processing = ORDER_PROGRESSION.at({ since: o.createdAt, now, polls }, t);
  if (processing) return processing;
  if (o.subOrders.every((s) => s.rejectionReason !== undefined)) return 'REJECTED';
  return o.contractor ? 'OUTSOURCED' : 'READY';
}

/** Whether an order is still being processed (CREATED or PENDING). */
const inProcess = (st: OrderStatus) => st === 'CREATED' || st === 'PENDING';

/** When an order's codes were generated, on the clock (a processing that waits for polls counts 0 ms). */
export const generatedAt = (o: Order, t: McoiTimings): number => o.createdAt + clockMs(t.orderReadyMs);

export const unloaded = (s: SubOrder) => s.packs.reduce((n, p) => n + p.quantity, 0);

export function subOrderStatus(o: Order, s: SubOrder, now: number, t: McoiTimings, polls = 0): BufferStatus {
  if (s.closedAt !== undefined && s.closedAt <= now) return 'CLOSED';
  const os = orderStatus(o, now, t, polls);
  if (inProcess(os)) return s.closedAt !== undefined ? 'CLOSED' : (SUB_ORDER_PROGRESSION.at({ since: o.createdAt, now, polls }, t) ?? 'PENDING');
  if (s.rejectionReason !== undefined) return 'REJECTED';
  if (os === 'CLOSED') return 'CLOSED';
  return unloaded(s) >= s.quantity ? 'EXHAUSTED' : 'ACTIVE';
}

/** Codes issued (generated) in the sub-order: none before the order is processed or when rejected. */
export function availableCodes(o: Order, s: SubOrder, now: number, t: McoiTimings, polls = 0): number {
  const os = orderStatus(o, now, t, polls);
  if (inProcess(os) || s.rejectionReason !== undefined) return 0;
  // Closed before it was processed: it never generated any (the moment it would have been, on the clock).
  if (os === 'CLOSED' && ORDER_PROGRESSION.doneAt({ since: o.createdAt, polls }, t) > (o.closedAt ?? now)) return 0;
  return s.quantity;
}

export function orderRejectionReason(o: Order, now: number, t: McoiTimings, polls = 0): string | undefined {
  if (inProcess(orderStatus(o, now, t, polls))) return undefined;
  const reasons = o.subOrders.filter((s) => s.rejectionReason).map((s) => `${s.gtin}: ${s.rejectionReason}`);
  return reasons.length ? reasons.join('; ') : undefined;
}

/** An order is active while registered and not fully taken: not closed, rejected, outsourced or exhausted (§3.1). */
export function isActive(o: Order, now: number, t: McoiTimings, polls = 0): boolean {
  const st = orderStatus(o, now, t, polls);
  if (inProcess(st)) return true;
  if (st !== 'READY') return false;
  return o.subOrders.some((s) => subOrderStatus(o, s, now, t, polls) === 'ACTIVE');
}

/** The status of a code, from its sub-order's state and its marks (reference.ts CODE_TRANSITIONS). */
export function codeStatus(o: Order, s: SubOrder, index: number, mark: Mark | undefined, now: number, t: McoiTimings, polls = 0): CodeStatus | null {
  if (availableCodes(o, s, now, t, polls) === 0 && s.packs.length === 0) return null; // never generated
  if (mark?.soldAt !== undefined && !(mark.returnedAt !== undefined && mark.returnedAt >= mark.soldAt)) return 'WITHDRAWN';
  if (mark?.appliedBy) return 'APPLIED';
  if (index < unloaded(s)) return 'RECEIVED';
  return subOrderStatus(o, s, now, t, polls) === 'CLOSED' ? 'CANCELLED' : 'EMITTED';
}

export function reportStatus(d: DocMeta, now: number, t: McoiTimings, polls = 0): 'IN_PROCESS' | DocMeta['outcome'] {
  return DOCUMENT_PROGRESSION.at({ since: d.createdAt, now, polls }, t) === 'IN_PROCESS' ? 'IN_PROCESS' : d.outcome;
}

export function orderDocumentStatus(o: Order, now: number, t: McoiTimings, polls = 0): DocumentStatus {
  const st = orderStatus(o, now, t, polls);
  if (inProcess(st)) return 'IN_PROCESS';
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
export function orderErrors(o: Order, now: number, t: McoiTimings, polls = 0): DocError[] {
  if (inProcess(orderStatus(o, now, t, polls))) return [];
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

