/**
 * MCOI orders (§3): register an order of codes, receive (unload) them in packs, close an order or a sub-order. Pure:
 * (state, user, input, env) → Result<{ state, events, ... }>.
 */
import { ok, type Result, SimError } from '../../core/errors.js';
import { CSET82, isValidGtin14 } from '../../core/gs1.js';
import { pmap } from '../../core/pmap.js';
import {
  availableCodes,
  err,
  errAt,
  findSubOrder,
  isActive,
  orderKey,
  orderStatus,
  orgByTin,
  orgOf,
  subOrderStatus,
  unloaded,
  type Changed,
  type Env,
} from './machine.js';
import { CIS_TYPES, LIMITS, RELEASE_METHOD_TYPES, RESTRICTED_KINDS, RESTRICTED_RELEASE_METHODS, SERIAL_NUMBER_TYPES, type ProductGroup, type ReleaseMethodType } from './reference.js';
import type { McoiState, Order, Organization, SubOrder, User } from './state.js';

/** The enumeration's own string for a value the contract let through (one string for all, not one per request). */
const known = <T extends string>(list: readonly T[], v: T): T => list.find((x) => x === v) ?? v;

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
): Result<Changed & { order: Order; serials: { seq: number; serials: string[] }[] }, SimError> {
  const org = orgOf(s, user.orgId) as Organization;
  if (org.agreementActivated === false) return err('AGREEMENT_NOT_ACTIVATED');
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
    if (!card) return errAt('NO_PRODUCT_CARD', at, p.gtin);
    if (card.orgId !== org.id) return errAt('GTIN_NOT_OWNED', at, p.gtin);
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
  const active = env.orders.activeCount(org.id, (o) => isActive(o, env.now, env.timings, env.polls?.(orderKey(o.orderId))));
  if (active >= LIMITS.activeOrders) return err('ACTIVE_ORDERS_LIMIT', LIMITS.activeOrders);
  // The codes are paid from the personal account (003), a sub-order with isPaid false excepted (§3.1: "an indication of the charge").
  const cost = input.products.reduce((n, p) => n + (p.isPaid === false ? 0 : p.quantity * LIMITS.codePriceUzs), 0);
  if (org.balance !== undefined && org.balance < cost) return err('INSUFFICIENT_BALANCE', cost, org.balance);

  let seq = s.nextSubSeq;
  const serials: { seq: number; serials: string[] }[] = [];
  const subOrders: SubOrder[] = input.products.map((p) => {
    // Values the world already holds (the card's GTIN, the enumerations') rather than the request's copies: an order
    // is kept for good, and a million of them should not each carry their own "vegetableoil".
    const card = s.world.products.find((c) => c.gtin === p.gtin)!;
    const sub: SubOrder = { seq: seq++, gtin: card.gtin, quantity: p.quantity, cisType: known(CIS_TYPES, p.cisType), serialNumberType: known(SERIAL_NUMBER_TYPES, p.serialNumberType), packs: [] };
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
    productGroup: reg.productGroup,
    releaseMethodType: known(RELEASE_METHOD_TYPES, input.releaseMethodType),
    createdAt: env.now,
    subOrders,
  };
  if (input.poNumber !== undefined) order.poNumber = input.poNumber;
  if (hasPlace) order.businessPlaceId = input.businessPlaceId;
  if (hasContractor) order.contractor = { tin: input.contractorInfo!.contractorTin, countryCode: input.contractorInfo!.contractorCountryCode };
  return ok({
    state: {
      ...s,
      orders: pmap.set(s.orders, order.orderId, order),
      nextSubSeq: seq,
      ...(org.balance !== undefined && cost > 0 ? { world: { ...s.world, organizations: s.world.organizations.map((o) => (o.id === org.id ? { ...o, balance: org.balance! - cost } : o)) } } : {}),
    },
    order,
    serials,
    events: [
      {
        type: 'OrderRegistered',
        orderId: order.orderId,
        productGroup: order.productGroup,
        releaseMethodType: order.releaseMethodType,
        subOrders: subOrders.map((x) => ({ gtin: x.gtin, quantity: x.quantity, ...(x.rejectionReason ? { rejectionReason: x.rejectionReason } : {}) })),
        ...(org.balance !== undefined && cost > 0 ? { chargedUzs: cost } : {}),
        ...(order.contractor ? { contractorTin: order.contractor.tin } : {}),
      },
    ],
  });
}

// ---------------------------------------------------------------------------------------------------------------
// §3.4 Receive (unload) codes

export interface UnloadInput {
  orderId: string;
  gtin: string;
  quantity: number;
  lastPackId?: string;
}

export interface Unloaded extends Changed {
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
  const polls = env.polls?.(orderKey(o.orderId));
  const st = orderStatus(o, env.now, env.timings, polls);
  if (o.contractor && o.orgId === user.orgId && orgOf(s, user.orgId)?.tin !== o.contractor.tin) return err('ORDER_OUTSOURCED', o.orderId);
  if (st === 'CREATED' || st === 'PENDING') return err('ORDER_NOT_READY', o.orderId, st);
  if (st === 'REJECTED' || sub.rejectionReason !== undefined) return err('ORDER_REJECTED', o.orderId);
  if (input.quantity > sub.quantity) return errAt('QUANTITY_TOO_LARGE', { query: 'quantity' }, input.quantity, sub.quantity);

  const last = sub.packs[sub.packs.length - 1];
  const lastPackId = input.lastPackId === undefined || input.lastPackId === '0' ? undefined : input.lastPackId;
  if (lastPackId !== undefined && !sub.packs.some((p) => p.packId === lastPackId)) return errAt('PACK_NOT_FOUND', { query: 'lastPackId' }, lastPackId);
  const total = unloaded(sub);
  // Re-unload: no pack given and some were received → all of them; a pack given that is not the last → all after it.
  if (last && lastPackId === undefined) return ok({ state: s, events: [], packId: last.packId, from: 0, to: total, sub });
  if (last && lastPackId !== last.packId) {
    const p = sub.packs.find((x) => x.packId === lastPackId)!;
    return ok({ state: s, events: [], packId: last.packId, from: p.from + p.quantity, to: total, sub });
  }
  // First unload, or the last pack given: a new pack from the issue server.
  const subSt = subOrderStatus(o, sub, env.now, env.timings, polls);
  if (st === 'CLOSED' || subSt === 'CLOSED') return err('ORDER_CLOSED_REUNLOAD_ONLY', o.orderId);
  if (subSt === 'EXHAUSTED') return err('SUB_ORDER_EXHAUSTED', sub.gtin);
  const count = Math.min(input.quantity, sub.quantity - total);
  const pack = { packId: env.ids.uuid('pack'), from: total, quantity: count, at: env.now };
  const newSub = { ...sub, packs: [...sub.packs, pack] };
  const newOrder = { ...o, subOrders: o.subOrders.map((x, i) => (i === subIdx ? newSub : x)) };
  return ok({
    state: { ...s, orders: pmap.set(s.orders, o.orderId, newOrder) },
    // `orderLeft`: codes of the order's open sub-orders still to unload (0: all unloaded, the order is to be closed).
    events: [{ type: 'CodesReceived', entity: 'code', from: 'EMITTED', to: 'RECEIVED', why: `unloaded in pack ${pack.packId}`, orderId: o.orderId, gtin: sub.gtin, packId: pack.packId, count, orderLeft: newOrder.subOrders.reduce((n, x) => (x.closedAt === undefined && x.rejectionReason === undefined ? n + x.quantity - unloaded(x) : n), 0) }],
    packId: pack.packId,
    from: total,
    to: total + count,
    sub: newSub,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// §3.6 Close an order or a sub-order

export function closeOrder(s: McoiState, user: User, input: { orderId: string; gtin?: string }, env: Env): Result<Changed & { order: Order }, SimError> {
  const o = pmap.get(s.orders, input.orderId);
  if (!o || o.orgId !== user.orgId) return errAt('ORDER_NOT_FOUND', { query: 'orderId' }, input.orderId);
  const polls = env.polls?.(orderKey(o.orderId));
  const st = orderStatus(o, env.now, env.timings, polls);
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
  // The codes generated and not unloaded are cancelled (§3.6).
  const cancelled = o.subOrders.reduce((n, x, i) => (x.closedAt === undefined && subOrders[i].closedAt !== undefined ? n + Math.max(0, availableCodes(o, x, env.now, env.timings, polls) - unloaded(x)) : n), 0);
  const events: Changed['events'] = [{ type: 'OrderClosed', orderId: o.orderId, ...(input.gtin !== undefined ? { gtin: input.gtin } : {}), wholeOrder: order.closedAt !== undefined }];
  if (cancelled) events.push({ type: 'CodesCancelled', entity: 'code', from: 'EMITTED', to: 'CANCELLED', why: 'closed before they were unloaded', orderId: o.orderId, count: cancelled });
  return ok({ state: { ...s, orders: pmap.set(s.orders, o.orderId, order) }, order, events });
}

