/**
 * Model → MCOI wire format, field by field, spelled as the document spells it. Never spreads internal objects.
 */
import type { McoiTimings } from './reference.js';
import {
  availableCodes,
  orderDocumentStatus,
  orderRejectionReason,
  orderStatus,
  reportStatus,
  subOrderStatus,
  unloaded,
} from './machine.js';
import type { DocMeta, Order, SubOrder } from './state.js';
import type { DocError } from './handbook.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** §3.2.2. createDate: the table says "epoch millis", the example shows ISO 8601; the simulator follows the example. */
export function orderInfo(o: Order, now: number, t: McoiTimings) {
  const out: Record<string, unknown> = {
    orderId: o.orderId,
    productGroup: o.productGroup,
    releaseMethodType: o.releaseMethodType,
    orderStatus: orderStatus(o, now, t),
    createDate: iso(o.createdAt),
  };
  if (o.poNumber !== undefined) out.poNumber = o.poNumber;
  const reason = orderRejectionReason(o, now, t);
  if (reason !== undefined) out.rejectionReason = reason;
  return out;
}

/** §3.3.2 */
export function subOrderInfo(o: Order, s: SubOrder, now: number, t: McoiTimings) {
  const status = subOrderStatus(o, s, now, t);
  const available = availableCodes(o, s, now, t);
  const passed = unloaded(s);
  const out: Record<string, unknown> = {
    parentOrderId: o.orderId,
    bufferStatus: status,
    gtin: s.gtin,
    cisType: s.cisType,
    availableCodes: available,
    // Codes not unloaded are cancelled when the sub-order is closed (§3.6): nothing is left in the buffer.
    leftInBuffer: status === 'CLOSED' ? 0 : Math.max(available - passed, 0),
    totalPassed: passed,
    createDate: iso(o.createdAt),
  };
  if (s.packs.length) out.lastPackId = s.packs[s.packs.length - 1].packId;
  if (status === 'REJECTED' && s.rejectionReason) out.rejectionReason = s.rejectionReason;
  return out;
}

/** §3.5.2 */
export function packsInfo(o: Order, s: SubOrder) {
  return {
    orderId: o.orderId,
    gtin: s.gtin,
    packs: s.packs.map((p) => ({ packId: p.packId, quantity: p.quantity, packDateTime: iso(p.at) })),
  };
}

/** §3.6.2 */
export function closedInfo(orderId: string, gtin: string | undefined) {
  return gtin === undefined ? { orderId } : { orderId, gtin };
}

/** §4.2.2 */
export function utilisationStatus(d: DocMeta, now: number, t: McoiTimings) {
  const status = reportStatus(d, now, t);
  const out: Record<string, unknown> = { reportId: d.documentId, reportStatus: status, createdTimestamp: iso(d.createdAt) };
  if (status === 'ERROR' && d.rejectReason) out.rejectReason = d.rejectReason;
  return out;
}

/** A row of the document storage: a report, or an order seen as a document of type ORDER (§5.2 example). */
export interface DocRow {
  documentId: string;
  type: string;
  status: string;
  createdAt: number;
  ownerId: number;
  agentId?: number;
  productGroup?: string;
  productionOrderId?: string;
}

export function reportRow(d: DocMeta, now: number, t: McoiTimings): DocRow {
  return {
    documentId: d.documentId,
    type: d.type,
    status: reportStatus(d, now, t),
    createdAt: d.createdAt,
    ownerId: d.orgId,
    agentId: d.agentOrgId,
    productGroup: d.productGroup,
    productionOrderId: d.productionOrderId,
  };
}

export function orderRow(o: Order, now: number, t: McoiTimings, contractorId?: number): DocRow {
  return {
    documentId: o.orderId,
    type: 'ORDER',
    status: orderDocumentStatus(o, now, t),
    createdAt: o.createdAt,
    ownerId: o.orgId,
    agentId: contractorId,
    productGroup: o.productGroup,
    productionOrderId: o.poNumber,
  };
}

/** §5.1.2 */
export function documentInfo(r: DocRow) {
  const out: Record<string, unknown> = { documentId: r.documentId, type: r.type, status: r.status, createDate: iso(r.createdAt), ownerId: r.ownerId };
  if (r.agentId !== undefined) out.agentId = r.agentId;
  if (r.productGroup !== undefined) out.productGroup = r.productGroup;
  if (r.productionOrderId !== undefined) out.productionOrderId = r.productionOrderId;
  return out;
}

/** §5.2.2 — the example answers the fields at the top level (the table wraps them in documentInfos). */
export function documentCard(r: DocRow) {
  const out: Record<string, unknown> = { documentId: r.documentId, type: r.type, status: r.status, createDate: iso(r.createdAt), originalDocId: null };
  if (r.productGroup !== undefined) out.productGroup = r.productGroup;
  return out;
}

/** §5.4.2 */
export function documentErrors(errors: DocError[]) {
  return {
    documentErrors: errors.map((e) => {
      const out: Record<string, unknown> = { propertyName: e.propertyName };
      if (e.propertyValue !== undefined) out.propertyValue = e.propertyValue;
      out.errorCode = e.errorCode;
      out.index = e.index;
      out.errorTags = e.errorTags;
      return out;
    }),
  };
}
