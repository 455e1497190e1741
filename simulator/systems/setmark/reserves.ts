/**
 * Reserves (§2.8): marks held for an order until a date (/external/reserve POST appends, PUT replaces, an empty
 * orderNumber releases; /external/cancel_reserve drops an order). All or nothing; the answer is SetMark's
 * `{success, message, data}` (serialize.ts external).
 */
import { pmap } from '../../core/pmap.js';
import { RESERVE } from './handbook.js';
import { findMark, onStock, type Changed, type Env } from './machine.js';
import { dateTime } from './schedule.js';
import type { SetmarkState } from './state.js';

/** A reserve request, read (requests.ts readReserve). */
export interface ReserveInput {
  orderNumber: string;
  codes: string[];
  /** tillDate as sent (seconds, or ms with the tillDateUnit switch); null when none. */
  tillDate: number | null;
}

/** What a reserve or a cancellation comes to (serialize.ts external writes it). */
export interface ExternalAnswer {
  success: boolean;
  message: string;
  data?: { mark: string; errorCode: number; errorMessage: string }[];
}

/** /external/reserve: POST appends, PUT replaces, an empty orderNumber releases the marks. All or nothing. */
export function reserve(s: SetmarkState, b: ReserveInput, replace: boolean, env: Env): Changed & { answer: ExternalAnswer } {
  const { orderNumber, codes } = b;
  const now = env.now;
  const tillDate = b.tillDate === null ? null : env.profile.tillDateMs ? b.tillDate : b.tillDate * 1000;
  if (tillDate !== null && tillDate < now) return { state: s, events: [], answer: { success: false, message: RESERVE.PAST(dateTime(tillDate)) } };
  const live = (o: string) => {
    const r = pmap.get(s.reserves, o);
    return r && (r.tillDate === null || r.tillDate > now) ? r : undefined;
  };
  if (orderNumber === '') {
    let next = s;
    for (const code of codes) next = release(next, findMark(s.marks, code)?.code ?? code);
    return { state: next, events: [{ type: 'ReserveReleased', marks: codes.length }], answer: { success: true, message: RESERVE.OK } };
  }
  const errors: ExternalAnswer['data'] = [];
  for (const code of codes) {
    const m = findMark(s.marks, code);
    const other = pmap.get(s.reservedBy, m?.code ?? code);
    if (other !== undefined && other !== orderNumber && live(other)) errors.push({ mark: code, errorCode: RESERVE.OTHER_ORDER.code, errorMessage: RESERVE.OTHER_ORDER.text });
    else if (m?.state === 'SOLD' || m?.state === 'SOLD_IN_BLOCK') errors.push({ mark: code, errorCode: RESERVE.SOLD.code, errorMessage: RESERVE.SOLD.text });
    else if (!onStock(m, now)) errors.push({ mark: code, errorCode: RESERVE.NOT_ON_STOCK.code, errorMessage: RESERVE.NOT_ON_STOCK.text });
  }
  if (errors.length) return { state: s, events: [], answer: { success: false, message: RESERVE.MARKS_INVALID, data: errors } };
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
  return {
    state: { ...next, reservedBy, reserves: pmap.set(next.reserves, orderNumber, r) },
    events: [{ type: 'ReserveSet', orderNumber, marks: held.length, replaced: replace, ...(r.tillDate !== null ? { tillDate: new Date(r.tillDate).toISOString() } : {}) }],
    answer: { success: true, message: RESERVE.OK },
  };
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
export function dropOrder(s: SetmarkState, orderNumber: string): SetmarkState {
  const r = pmap.get(s.reserves, orderNumber);
  if (!r) return s;
  let reservedBy = s.reservedBy;
  for (const c of r.marks) if (pmap.get(reservedBy, c) === orderNumber) reservedBy = pmap.delete(reservedBy, c);
  return { ...s, reservedBy, reserves: pmap.delete(s.reserves, orderNumber) };
}

export function cancelReserve(s: SetmarkState, orderNumber: string, now: number): Changed & { answer: ExternalAnswer } {
  const r = pmap.get(s.reserves, orderNumber);
  if (!r || (r.tillDate !== null && r.tillDate <= now)) return { state: s, events: [], answer: { success: false, message: RESERVE.NO_ORDER(orderNumber) } };
  return { state: dropOrder(s, orderNumber), events: [{ type: 'ReserveCancelled', orderNumber }], answer: { success: true, message: RESERVE.OK } };
}
