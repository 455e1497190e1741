/**
 * True API's world as the dashboard shows it: documents (notices, receipts, acts and their EDO workflow) with their
 * errors and codes, and the timeline of a code. Read-only views of the committed state.
 */
import { pmap } from '../../core/pmap.js';
import type { CodeTimeline, View } from '../../core/system.js';
import { documentStatus } from './documents.js';
import { CodeBook, LEVELS, PACKAGE_TYPE } from './codes.js';
import type { CodeView } from './ledger.js';
import { CODE_STATUSES, DOCUMENT_STATUSES } from './reference.js';
import type { TrueApiState } from './state.js';

export interface ViewDeps {
  state(): TrueApiState;
  now(): number;
  /** The code registry of the committed world and the ledger's view of it now. */
  registry(): { book: CodeBook; codes: CodeView };
  /** The control plane's view of one code (GET /__sim/state/true-api/codes/{code}). */
  codeState(code: string): { cis: string; status: string; gtin: string; productGroup: string; packageType: string; ownerBin: string; parent: string | null; history: { status: string; at: string; participant: string; docId?: string; docType?: string }[] } | undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function createViews(d: ViewDeps): { views: Record<string, View>; timeline(code: string): CodeTimeline | undefined } {
  const documents: View = {
    title: 'Documents and acts',
    columns: [
      { key: 'id', title: 'Document' },
      { key: 'type', title: 'Type' },
      { key: 'status', title: 'Status' },
      { key: 'sender', title: 'Sender BIN' },
      { key: 'receiver', title: 'Receiver BIN' },
      { key: 'codes', title: 'Codes' },
      { key: 'receivedAt', title: 'Received' },
    ],
    statuses: DOCUMENT_STATUSES,
    count: () => pmap.size(d.state().documents),
    *rows() {
      const now = d.now();
      for (const x of [...pmap.values(d.state().documents)].sort((a, b) => b.receivedAt - a.receivedAt || (a.id < b.id ? 1 : -1))) {
        const status = documentStatus(x, now);
        yield { id: x.id, status, cells: { id: x.id, type: x.type, status, sender: x.senderBin, receiver: x.receiverBin ?? null, codes: x.codes.length, receivedAt: iso(x.receivedAt) } };
      }
    },
    detail(id) {
      const x = pmap.get(d.state().documents, id);
      if (!x) return undefined;
      const status = documentStatus(x, d.now());
      return {
        title: `${x.type} ${x.id}`,
        fields: { status, type: x.type, number: x.number, sender: x.senderBin, receiver: x.receiverBin ?? null, productGroup: x.productGroup ?? null, receivedAt: iso(x.receivedAt), doneAt: iso(x.doneAt) },
        sections: [
          { title: 'Errors', columns: [{ key: 'error', title: 'Error' }], rows: (status === 'IN_PROGRESS' ? [] : x.errors).map((e, i) => ({ id: String(i), cells: { error: e } })) },
          { title: 'Codes', columns: [{ key: 'code', title: 'Code' }, { key: 'count', title: 'Count' }], rows: x.codes.slice(0, 200).map((c, i) => ({ id: String(i), cells: { code: c.code, count: c.count ?? null } })) },
        ],
        codes: x.codes.slice(0, 20).map((c) => c.code),
      };
    },
  };
  /** The registry's codes, batch after batch, packs then blocks then boxes: made as read, never stored. */
  const codes: View = {
    title: 'Codes',
    columns: [
      { key: 'cis', title: 'Code' },
      { key: 'gtin', title: 'GTIN' },
      { key: 'packageType', title: 'Package' },
      { key: 'status', title: 'Status' },
      { key: 'owner', title: 'Owner BIN' },
      { key: 'batch', title: 'Batch' },
    ],
    statuses: Object.keys(CODE_STATUSES),
    codeColumn: 'cis',
    count: () => {
      const { book } = d.registry();
      return d.state().world.batches.reduce((n, b) => n + book.total(b), 0);
    },
    *rows() {
      const { book, codes: ledger } = d.registry();
      for (const batch of d.state().world.batches) {
        for (const level of LEVELS) {
          const n = book.size(batch, level);
          for (let index = 0; index < n; index++) {
            const r = { batch, level, index };
            const now = ledger.state(r);
            const cis = book.emitted(r);
            yield { id: cis, status: now.status, cells: { cis, gtin: book.gtinOf(r), packageType: PACKAGE_TYPE[level], status: now.status, owner: now.ownerBin, batch: batch.id } };
          }
        }
      }
    },
  };
  return {
    views: { documents, codes },
    timeline(code) {
      const c = d.codeState(code);
      if (!c) return undefined;
      return {
        code: c.cis,
        status: c.status,
        fields: { gtin: c.gtin, productGroup: c.productGroup, packageType: c.packageType, ownerBin: c.ownerBin, parent: c.parent },
        events: c.history.map((e) => ({ at: e.at, status: e.status, event: e.docType ? `${e.docType} by ${e.participant}` : `by ${e.participant}`, ...(e.docId ? { by: e.docId } : {}) })),
      };
    },
  };
}
