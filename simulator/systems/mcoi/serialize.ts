/**
 * Model → MCOI wire format, field by field, spelled as the document spells it. Never spreads internal objects.
 */
import type { McoiTimings } from './reference.js';
import {
  availableCodes,
  generatedAt,
  orderDocumentStatus,
  orderRejectionReason,
  orderStatus,
  reportStatus,
  subOrderStatus,
  unloaded,
} from './machine.js';
import type { CodeBook, CodeEvent, CodeEventType } from './codes.js';
import { productIdOf } from './products.js';
import type { Found } from './machine.js';
import type { UtilisationInput } from './reports.js';
import type { DocMeta, McoiState, Order, SubOrder, Unit } from './state.js';
import type { DocError } from './handbook.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** §3.2.2. createDate: the table says "epoch millis", the example shows ISO 8601; the simulator follows the example. */
export function orderInfo(o: Order, now: number, t: McoiTimings, polls = 0) {
  const out: Record<string, unknown> = {
    orderId: o.orderId,
    productGroup: o.productGroup,
    releaseMethodType: o.releaseMethodType,
    orderStatus: orderStatus(o, now, t, polls),
    createDate: iso(o.createdAt),
  };
  if (o.poNumber !== undefined) out.poNumber = o.poNumber;
  const reason = orderRejectionReason(o, now, t, polls);
  if (reason !== undefined) out.rejectionReason = reason;
  return out;
}

/** §3.3.2 */
export function subOrderInfo(o: Order, s: SubOrder, now: number, t: McoiTimings, polls = 0) {
  const status = subOrderStatus(o, s, now, t, polls);
  const available = availableCodes(o, s, now, t, polls);
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
export function utilisationStatus(d: DocMeta, now: number, t: McoiTimings, polls = 0) {
  const status = reportStatus(d, now, t, polls);
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

export function reportRow(d: DocMeta, now: number, t: McoiTimings, polls = 0): DocRow {
  return {
    documentId: d.documentId,
    type: d.type,
    status: reportStatus(d, now, t, polls),
    createdAt: d.createdAt,
    ownerId: d.orgId,
    agentId: d.agentOrgId,
    productGroup: d.productGroup,
    productionOrderId: d.productionOrderId,
  };
}

export function orderRow(o: Order, now: number, t: McoiTimings, contractorId?: number, polls = 0): DocRow {
  return {
    documentId: o.orderId,
    type: 'ORDER',
    status: orderDocumentStatus(o, now, t, polls),
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

// ---------------------------------------------------------------------------------------------------------------
// Observed extensions (not in v1.1.17): their shapes are those real clients read (observed #26–#31).

/** What the code-information views read besides the code itself. */
export interface CodeViewContext {
  state: McoiState;
  book: CodeBook;
  t: McoiTimings;
  /** The utilisation report that applied a code (its production data), by document id. */
  utilisation(docId: string): UtilisationInput | undefined;
}

/** Names are localised objects {en, ru, uz} (observed #31); the world keeps one name, given in all three. */
export const localised = (name: string) => ({ en: name, ru: name, uz: name });

function orgInfo(s: McoiState, orgId: number): { tin: string; name: string } {
  const o = s.world.organizations.find((x) => x.id === orgId);
  return { tin: o?.tin ?? '', name: o?.name ?? '' };
}

/** A package's status: APPLIED while it holds its contents, DISAGGREGATED once dissolved (observed #13, a client's labels). */
const unitStatus = (u: Unit) => (u.disaggregatedBy ? 'DISAGGREGATED' : 'APPLIED');

/** The document type behind each kind of a code's history (the real types, observed #35). */
const DOCUMENT_TYPE_OF: Record<CodeEventType, string> = {
  EMISSION: 'ORDER',
  RECEIVING: 'ORDER',
  CANCELLATION: 'ORDER',
  VALIDATION: 'VALIDATION',
  UTILISATION: 'UTILISATION',
  AGGREGATION: 'AGGREGATION',
  DISAGGREGATION: 'TRANSPORT_CODE_DISAGGREGATION',
  SALE: 'SALES_RECEIPT',
  RETURN: 'REFUND_RECEIPT',
};

/** One event of a code's history as clients read it (observed #34): eventType, senderTin, receiverTin besides the rest. */
function historyItem(e: CodeEvent, ownerTin: string) {
  return {
    eventDate: e.at,
    eventType: e.type,
    ...(e.by ? { eventSourceId: e.by } : {}),
    documentType: DOCUMENT_TYPE_OF[e.type],
    senderTin: ownerTin,
    receiverTin: ownerTin,
    ...(e.status ? { eventChangedCodeStatus: e.status } : {}),
    description: e.event,
  };
}

/**
 * One item of POST /public/api/cod/public/codes: a flat record of what anyone may know of a code (observed #34: four
 * clients read it this way), or of a package.
 */
export function publicCode(f: Found, ctx: CodeViewContext, withHistory: boolean) {
  const { state: s, book } = ctx;
  if (!f.code) {
    const u = f.unit!;
    const issuer = orgInfo(s, u.orgId);
    return {
      code: f.sent,
      packageType: u.packageType,
      status: unitStatus(u),
      issuerShortInfo: { issuerTin: issuer.tin, issuerName: localised(issuer.name) },
      emissionDate: iso(u.createdAt),
      aggregateProductGroups: [{ unitsNumber: u.codes.length }],
      ...(withHistory ? { codeHistory: [] } : {}),
    };
  }
  const { order, sub, mark, status } = f.code;
  const issuer = orgInfo(s, order.orgId);
  const applied = mark?.appliedBy ? ctx.utilisation(mark.appliedBy) : undefined;
  return {
    code: f.sent,
    packageType: f.unit ? f.unit.packageType : sub.cisType,
    status,
    issuerShortInfo: { issuerTin: issuer.tin, issuerName: localised(issuer.name) },
    gtin: sub.gtin,
    productId: productIdOf(sub.gtin),
    productGroup: order.productGroup,
    emissionDate: iso(generatedAt(order, ctx.t)),
    ...(applied?.productionDate !== undefined ? { productionDate: applied.productionDate } : {}),
    ...(applied?.expirationDate !== undefined ? { expirationDate: applied.expirationDate } : {}),
    ...(applied?.seriesNumber !== undefined ? { productSeries: applied.seriesNumber } : {}),
    ...(withHistory ? { codeHistory: book.history(f.code).map((e) => historyItem(e, issuer.tin)) } : {}),
  };
}

/** One result of POST /public/api/cod/private/codes (the owner's view): codeData, productData, packageData, markingData, turnoverData (observed #28, #31). */
export function codeInfo(f: Found, ctx: CodeViewContext, withHistory: boolean) {
  const { state: s, book } = ctx;
  if (!f.code) {
    const u = f.unit!;
    const owner = orgInfo(s, u.orgId);
    const parent = book.parentOf(u);
    return {
      codeData: { code: f.sent, status: unitStatus(u) },
      packageData: { packageType: u.packageType, ...(parent ? { parentCode: parent } : {}), children: book.contents(u) },
      markingData: { issuerInfo: { issuerTin: owner.tin, issuerName: localised(owner.name) }, emissionDate: iso(u.createdAt) },
      turnoverData: { ownerInfo: { ownerTin: owner.tin, ownerName: localised(owner.name) } },
    };
  }
  const { order, sub, ref, mark, status } = f.code;
  const card = s.world.products.find((p) => p.gtin === sub.gtin);
  const issuer = orgInfo(s, order.orgId);
  const applied = mark?.appliedBy ? ctx.utilisation(mark.appliedBy) : undefined;
  const productData: Record<string, unknown> = { gtin: sub.gtin, productId: productIdOf(sub.gtin), name: localised(card?.name ?? ''), productGroup: order.productGroup };
  if (card) productData.manufacturerCountry = card.manufacturerCountry;
  if (applied?.productionDate !== undefined) productData.productionDate = applied.productionDate;
  if (applied?.expirationDate !== undefined) productData.expirationDate = applied.expirationDate;
  if (applied?.seriesNumber !== undefined) productData.productSeries = applied.seriesNumber;
  const packageData: Record<string, unknown> = { packageType: f.unit ? f.unit.packageType : sub.cisType };
  if (mark?.parent) packageData.parentCode = mark.parent;
  if (f.unit) packageData.children = book.contents(f.unit);
  const out: Record<string, unknown> = {
    codeData: { code: f.sent, status, gtin: sub.gtin, serialNumber: book.serialOf(sub, ref.index) },
    productData,
    packageData,
    markingData: {
      issuerInfo: { issuerTin: issuer.tin, issuerName: localised(issuer.name) },
      emissionDate: iso(generatedAt(order, ctx.t)),
      emissionType: (card?.manufacturerCountry ?? 'UZ') === 'UZ' ? 'LOCAL' : 'FOREIGN',
      ...(mark?.appliedAt !== undefined ? { utilisationDate: iso(mark.appliedAt) } : {}),
    },
    turnoverData: {
      originalReleaseMethod: order.releaseMethodType,
      ownerInfo: { ownerTin: issuer.tin, ownerName: localised(issuer.name), ...(order.businessPlaceId !== undefined ? { ownerBusinessPlaceId: order.businessPlaceId } : {}) },
    },
  };
  if (withHistory) {
    out.codeHistory = book.history(f.code).map((e) => historyItem(e, issuer.tin));
  }
  return out;
}

/** One result of POST nested-codes/owner-check: the code, its package type, status, issuer, parent and children (observed #30). */
export function ownerCheckItem(f: Found, ctx: CodeViewContext) {
  const { state: s, book } = ctx;
  const u = f.unit;
  const issuer = orgInfo(s, f.code ? f.code.order.orgId : u!.orgId);
  const parent = f.code ? f.code.mark?.parent : book.parentOf(u!);
  const out: Record<string, unknown> = {
    code: f.sent,
    packageType: u ? u.packageType : f.code!.sub.cisType,
    status: f.code ? f.code.status : unitStatus(u!),
    issuerShortInfo: { issuerTin: issuer.tin, issuerName: localised(issuer.name) },
  };
  if (f.code) out.productGroup = f.code.order.productGroup;
  if (parent) out.parentCode = parent;
  out.children = u ? book.contents(u) : [];
  return out;
}

/** One line of GET storage/docs/{id}/codes: the code as the document names it and how it was processed. */
export interface DocCode {
  index: number;
  code: string;
  status: 'SUCCESS' | 'ERROR';
  errorCodes: string[];
}

/** Clients read a line as `state`, `result` and `errorCode` (observed #34); `status` and `errorCodes` stay. */
export function documentCodes(codes: DocCode[]) {
  return {
    codes: codes.map((c) => ({
      index: c.index,
      code: c.code,
      status: c.status,
      state: c.status,
      result: c.status === 'SUCCESS' ? 'OK' : c.errorCodes.join(', ') || 'report-error',
      ...(c.errorCodes.length ? { errorCode: c.errorCodes[0], errorCodes: c.errorCodes } : {}),
    })),
  };
}
