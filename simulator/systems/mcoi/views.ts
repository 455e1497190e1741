/**
 * MCOI's world as the dashboard shows it: orders (with sub-orders and packs), reports (with their errors), and the
 * timeline of a code. Read-only views of the committed state.
 */
import type { BlobReader } from '../../core/store.js';
import type { CodeTimeline, View, ViewRow } from '../../core/system.js';
import { pmap } from '../../core/pmap.js';
import type { CodeBook } from './codes.js';
import * as M from './machine.js';
import { reportCodes } from './reports.js';
import { DOCUMENT_STATUSES, ORDER_STATUSES, type McoiTimings } from './reference.js';
import { blobKey, type DocBlob, type McoiState } from './state.js';

export interface ViewDeps {
  state(): McoiState;
  book: CodeBook;
  blobs: BlobReader;
  now(): number;
  timings(): McoiTimings;
  /** How many times clients have read an entity (orderKey, documentKey). */
  polls(key: string): number;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** Codes a detail offers to open as timelines. */
const SHOWN_CODES = 20;

export function createViews(d: ViewDeps): { views: Record<string, View>; timeline(code: string): CodeTimeline | undefined } {
  const tinOf = (s: McoiState, orgId: number) => s.world.organizations.find((o) => o.id === orgId)?.tin ?? '';
  const orders: View = {
    title: 'Orders',
    columns: [
      { key: 'orderId', title: 'Order' },
      { key: 'owner', title: 'Owner TIN' },
      { key: 'productGroup', title: 'Product group' },
      { key: 'status', title: 'Status' },
      { key: 'subOrders', title: 'Sub-orders' },
      { key: 'codes', title: 'Codes' },
      { key: 'createdAt', title: 'Registered' },
    ],
    statuses: ORDER_STATUSES,
    count: () => pmap.size(d.state().orders),
    *rows() {
      const s = d.state();
      const now = d.now();
      const t = d.timings();
      const all = [...pmap.values(s.orders)].sort((a, b) => b.createdAt - a.createdAt || (a.orderId < b.orderId ? 1 : -1));
      for (const o of all) {
        const status = M.orderStatus(o, now, t, d.polls(M.orderKey(o.orderId)));
        yield { id: o.orderId, status, cells: { orderId: o.orderId, owner: tinOf(s, o.orgId), productGroup: o.productGroup, status, subOrders: o.subOrders.length, codes: o.subOrders.reduce((n, x) => n + x.quantity, 0), createdAt: iso(o.createdAt) } };
      }
    },
    detail(id) {
      const s = d.state();
      const o = pmap.get(s.orders, id);
      if (!o) return undefined;
      const now = d.now();
      const t = d.timings();
      const subs: ViewRow[] = o.subOrders.map((x) => {
        const status = M.subOrderStatus(o, x, now, t, d.polls(M.orderKey(o.orderId)));
        return { id: `${o.orderId}:${x.gtin}`, status, cells: { gtin: x.gtin, cisType: x.cisType, serialNumberType: x.serialNumberType, quantity: x.quantity, status, unloaded: M.unloaded(x), rejectionReason: x.rejectionReason ?? null } };
      });
      const packs: ViewRow[] = o.subOrders.flatMap((x) => x.packs.map((p) => ({ id: p.packId, cells: { packId: p.packId, gtin: x.gtin, from: p.from, quantity: p.quantity, at: iso(p.at) } })));
      const codes = o.subOrders.flatMap((x) => (M.unloaded(x) ? d.book.codes(x, 0, Math.min(M.unloaded(x), SHOWN_CODES)) : [])).slice(0, SHOWN_CODES);
      return {
        title: `Order ${o.orderId}`,
        fields: {
          status: M.orderStatus(o, now, t, d.polls(M.orderKey(o.orderId))),
          owner: tinOf(s, o.orgId),
          registeredBy: o.login,
          productGroup: o.productGroup,
          releaseMethodType: o.releaseMethodType,
          poNumber: o.poNumber ?? null,
          businessPlaceId: o.businessPlaceId ?? null,
          contractor: o.contractor?.tin ?? null,
          createdAt: iso(o.createdAt),
          closedAt: o.closedAt === undefined ? null : iso(o.closedAt),
          rejectionReason: M.orderRejectionReason(o, now, t, d.polls(M.orderKey(o.orderId))) ?? null,
        },
        sections: [
          {
            title: 'Sub-orders',
            columns: [
              { key: 'gtin', title: 'GTIN' },
              { key: 'cisType', title: 'cisType' },
              { key: 'serialNumberType', title: 'Serials' },
              { key: 'quantity', title: 'Quantity' },
              { key: 'status', title: 'Buffer status' },
              { key: 'unloaded', title: 'Unloaded' },
              { key: 'rejectionReason', title: 'Rejection' },
            ],
            rows: subs,
          },
          { title: 'Packs', columns: [{ key: 'packId', title: 'Pack' }, { key: 'gtin', title: 'GTIN' }, { key: 'from', title: 'First index' }, { key: 'quantity', title: 'Codes' }, { key: 'at', title: 'Unloaded at' }], rows: packs },
        ],
        codes,
      };
    },
  };
  const documents: View = {
    title: 'Reports and documents',
    columns: [
      { key: 'documentId', title: 'Document' },
      { key: 'type', title: 'Type' },
      { key: 'status', title: 'Status' },
      { key: 'owner', title: 'Owner TIN' },
      { key: 'errors', title: 'Errors' },
      { key: 'createdAt', title: 'Registered' },
    ],
    statuses: DOCUMENT_STATUSES,
    count: () => pmap.size(d.state().documents),
    *rows() {
      const s = d.state();
      const now = d.now();
      const t = d.timings();
      for (const x of [...pmap.values(s.documents)].sort((a, b) => b.seq - a.seq)) {
        const status = M.reportStatus(x, now, t, d.polls(M.documentKey(x.documentId)));
        yield { id: x.documentId, status, cells: { documentId: x.documentId, type: x.type, status, owner: tinOf(s, x.orgId), errors: status === 'IN_PROCESS' ? 0 : x.errorCount, createdAt: iso(x.createdAt) } };
      }
    },
    detail(id) {
      const s = d.state();
      const x = pmap.get(s.documents, id);
      if (!x) return undefined;
      const status = M.reportStatus(x, d.now(), d.timings(), d.polls(M.documentKey(x.documentId)));
      const blob = d.blobs.require<DocBlob>(blobKey.doc(id));
      const errors = status === 'IN_PROCESS' ? [] : blob.errors.slice(0, 500);
      return {
        title: `${x.type} ${x.documentId}`,
        fields: { status, type: x.type, owner: tinOf(s, x.orgId), registeredBy: x.login, productGroup: x.productGroup ?? null, createdAt: iso(x.createdAt), errors: status === 'IN_PROCESS' ? 0 : x.errorCount },
        sections: [
          {
            title: 'Errors (storage/errors)',
            columns: [{ key: 'index', title: '#' }, { key: 'propertyName', title: 'Property' }, { key: 'propertyValue', title: 'Value' }, { key: 'errorCode', title: 'Error' }],
            rows: errors.map((e) => ({ id: String(e.index), cells: { index: e.index, propertyName: e.propertyName, propertyValue: e.propertyValue ?? null, errorCode: e.errorCode } })),
          },
        ],
        codes: reportCodes(x.type, blob.body).slice(0, SHOWN_CODES),
      };
    },
  };
  return {
    views: { orders, documents },
    timeline(code) {
      const r = d.book.resolve(code);
      if ('missing' in r) return undefined;
      const s = d.state();
      return {
        code: d.book.codes(r.sub, r.ref.index, r.ref.index + 1)[0],
        status: r.status,
        fields: { gtin: r.sub.gtin, owner: tinOf(s, r.order.orgId), orderId: r.order.orderId, productGroup: r.order.productGroup, cisType: r.sub.cisType, parent: r.mark?.parent ?? null },
        events: d.book.history(r).map(({ type: _type, ...e }) => e),
      };
    },
  };
}
