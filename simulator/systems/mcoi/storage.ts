/**
 * MCOI's document storage (§5) and what clients read of codes: which orders and documents a user sees, the rows of
 * storage (reports and orders as documents), one document's codes, a report body's base64, and the context the
 * code-information views read. The read side of the machine: pure functions over a `Reader` (one request's view).
 */
import { MAX_DEPTH, tooDeep } from '../../core/bounds.js';
import { SimError } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import type { BlobReader } from '../../core/store.js';
import type { CodeBook } from './codes.js';
import { HANDBOOK } from './handbook.js';
import type { McoiIndexes } from './indexes.js';
import { availableCodes, canSeeDocument, canSeeOrder, documentKey, orderErrors, orderKey, orgByTin, orgOf } from './machine.js';
import { reportCodes, type UtilisationInput } from './reports.js';
import { DOCUMENT_TYPES, ROLE_FOR_DOCUMENT_TYPE, type McoiTimings } from './reference.js';
import * as S from './serialize.js';
import { blobKey, type DocBlob, type McoiState, type Order, type ReportDocType, type User } from './state.js';
import type { DocError } from './handbook.js';

/** What one request reads: the committed state, as its user, now. */
export interface Reader {
  state: McoiState;
  user: User;
  now: number;
  t: McoiTimings;
  /** How many times clients have read an entity (orderKey, documentKey). */
  polls(key: string): number;
  index: McoiIndexes;
  book: CodeBook;
  blobs: BlobReader;
}

/** The document types a user's roles create, and so may see (§5.1). */
export function visibleTypes(user: User): Set<string> {
  const created = Object.entries(ROLE_FOR_DOCUMENT_TYPE).filter(([, role]) => role && user.roles.includes(role));
  // A user with none of the creating roles sees nothing; one with any also sees the types no MCOI role creates
  // (receipts, invoices, customs: its organization's, whoever sent them).
  if (!created.length) return new Set();
  return new Set([...created.map(([t]) => t), ...DOCUMENT_TYPES.filter((t) => !(t in ROLE_FOR_DOCUMENT_TYPE))]);
}

/** The orders a user may see (its organization's, and those transferred to it as a service provider); one by id. */
export function visibleOrders(r: Reader, orderId?: string): Order[] {
  const { state: s, user } = r;
  if (orderId !== undefined) {
    const o = pmap.get(s.orders, orderId);
    return o && canSeeOrder(s, user, o) ? [o] : [];
  }
  return r.index.visibleOrders(s, user.orgId, orgOf(s, user.orgId)?.tin).filter((o) => canSeeOrder(s, user, o));
}

/** The keys of what a storage listing looks at (its reads count for progressions that wait for polls). */
export function storageKeys(r: Reader): string[] {
  return [...r.index.visibleDocuments(r.state, r.user.orgId).map((d) => documentKey(d.documentId)), ...visibleOrders(r).map((o) => orderKey(o.orderId))];
}

/** Every document this user's organization may see, newest first, as storage rows. */
export function documentRows(r: Reader): S.DocRow[] {
  const { state: s, user, now, t } = r;
  const rows: S.DocRow[] = [];
  // A document a scenario keeps out of storage for a while is not found there yet (observed #8).
  for (const d of r.index.visibleDocuments(s, user.orgId)) if (canSeeDocument(user, d) && !(d.hiddenUntil! > now)) rows.push(S.reportRow(d, now, t, r.polls(documentKey(d.documentId))));
  for (const o of visibleOrders(r)) {
    const contractorId = o.contractor ? orgByTin(s, o.contractor.tin)?.id : undefined;
    rows.push(S.orderRow(o, now, t, contractorId, r.polls(orderKey(o.orderId))));
  }
  return rows.sort((a, b) => b.createdAt - a.createdAt || (a.documentId < b.documentId ? -1 : 1));
}

/** One document of storage by id: 404 when the user's organization has none, 403 when its type is not the user's. */
export function findDocumentRow(r: Reader, id: string): S.DocRow {
  const row = documentRows(r).find((x) => x.documentId === id);
  if (!row) throw new SimError(HANDBOOK.DOCUMENT_NOT_FOUND, [id], { path: 'documentId' });
  if (!visibleTypes(r.user).has(row.type)) throw new SimError(HANDBOOK.NO_PERMISSION);
  return row;
}

/** The body of a stored document as it was sent: an order's request, a report's decoded body. */
export function documentBody(r: Reader, row: S.DocRow): unknown {
  return row.type === 'ORDER' ? r.blobs.require(blobKey.orderBody(row.documentId)) : r.blobs.require<DocBlob>(blobKey.doc(row.documentId)).body;
}

/** A document's errors: an order's rejected sub-orders, a processed report's own. */
export function documentErrors(r: Reader, row: S.DocRow): DocError[] {
  if (row.type === 'ORDER') return orderErrors(pmap.get(r.state.orders, row.documentId)!, r.now, r.t, r.polls(orderKey(row.documentId)));
  return row.status !== 'IN_PROCESS' ? r.blobs.require<DocBlob>(blobKey.doc(row.documentId)).errors : [];
}

/**
 * The codes of a stored document from position `from`, at most `limit`: a report's as it names them, each SUCCESS or
 * ERROR with its own errors (in an ERROR report every code is ERROR: it is processed only in its entirety, §4.1); an
 * order's as generated, sub-order after sub-order. None while the document is in process.
 */
export function documentCodes(r: Reader, row: S.DocRow, from: number, limit: number): S.DocCode[] {
  if (row.status === 'IN_PROCESS') return [];
  const out: S.DocCode[] = [];
  if (row.type === 'ORDER') {
    const order = pmap.get(r.state.orders, row.documentId)!;
    let base = 0;
    for (const sub of order.subOrders) {
      const n = availableCodes(order, sub, r.now, r.t, r.polls(orderKey(order.orderId)));
      const lo = Math.max(from - base, 0);
      const hi = Math.min(n, from + limit - base);
      if (hi > lo) r.book.codes(sub, lo, hi).forEach((code, i) => out.push({ index: base + lo + i, code, status: 'SUCCESS', errorCodes: [] }));
      base += n;
    }
    return out;
  }
  const blob = r.blobs.require<DocBlob>(blobKey.doc(row.documentId));
  const failed = new Map<string, string[]>();
  for (const e of blob.errors) if (e.propertyValue !== undefined) failed.set(e.propertyValue, [...(failed.get(e.propertyValue) ?? []), e.errorCode]);
  const codes = reportCodes(row.type as ReportDocType, blob.body);
  for (let i = from; i < Math.min(codes.length, from + limit); i++) {
    const own = failed.get(codes[i]) ?? [];
    out.push({ index: i, code: codes[i], status: row.status === 'ERROR' || own.length ? 'ERROR' : 'SUCCESS', errorCodes: own });
  }
  return out;
}

/** What code information and owner checks read besides the code (the production data of the applying report). */
export function codeViewContext(r: Reader): S.CodeViewContext {
  const bodies = new Map<string, UtilisationInput | undefined>();
  return {
    state: r.state,
    book: r.book,
    t: r.t,
    utilisation: (id) => {
      if (!bodies.has(id)) bodies.set(id, r.blobs.require<DocBlob>(blobKey.doc(id)).body as UtilisationInput);
      return bodies.get(id);
    },
  };
}

/** A report's `documentBody`: base64 of JSON (§4.3, §4.4), at most MAX_DEPTH levels deep. */
export function decodeDocumentBody(b64: string): unknown {
  const clean = b64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) throw new SimError(HANDBOOK.DOCUMENT_BODY_NOT_BASE64, [], { body: '$.documentBody' });
  const text = Buffer.from(clean, 'base64').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SimError(HANDBOOK.DOCUMENT_BODY_NOT_JSON, [(e as Error).message], { body: '$.documentBody' });
  }
  if (tooDeep(value)) throw new SimError(HANDBOOK.DOCUMENT_BODY_NOT_JSON, [`it nests deeper than ${MAX_DEPTH} levels`], { body: '$.documentBody' });
  return value;
}
