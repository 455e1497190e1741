/**
 * What real clients call beyond v1.1.17 and the account (observed #31, #33): code exports, receipts of cash
 * registers, the product registry, code verification. Thin handlers: parse → machine (exports.ts, products.ts,
 * storage.ts) → serialize; tenancy as everywhere (the caller's organization's exports and receipts; product cards
 * and code verification are public).
 */
import { SimError } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import type { Handler, SimRequest, SystemContext } from '../../core/system.js';
import { zipFiles } from '../../core/zip.js';
import type { CodeBook } from './codes.js';
import { exportedCodes, exportKey, exportStatus, registerExport } from './exports.js';
import { HANDBOOK } from './handbook.js';
import type { McoiIndexes } from './indexes.js';
import { canSeeDocument, documentKey, reportStatus } from './machine.js';
import { cardById, registryDetail, registryItem } from './products.js';
import type { ReceiptBody } from './receipts.js';
import { LIMITS, type McoiTimings } from './reference.js';
import * as S from './serialize.js';
import { blobKey, type DocBlob, type DocMeta, type ExportFilter, type McoiState, type User } from './state.js';
import * as D from './storage.js';

type Req = SimRequest<User>;
const userOf = (req: Req) => req.principal as User;
const iso = (ms: number) => new Date(ms).toISOString();
const RECEIPT_TYPES = { SALES_RECEIPT: 'SALE', REFUND_RECEIPT: 'RETURN' } as const;

export function createObservedHandlers(ctx: SystemContext<McoiState>, book: CodeBook, index: McoiIndexes): Record<string, Handler<User>> {
  const timings = () => ctx.timings() as McoiTimings;
  const reader = (req: Req): D.Reader => ({ state: ctx.state(), user: userOf(req), now: ctx.now(), t: timings(), polls: (k) => ctx.polls(k), index, book, blobs: ctx.blobs });

  /** The caller's organization's export by id (another's is not found). */
  const ownExport = (req: Req) => {
    const id = String(req.params.exportId);
    const x = pmap.get(ctx.state().exports, id);
    if (!x || x.orgId !== userOf(req).orgId) throw new SimError(HANDBOOK.EXPORT_NOT_FOUND, [id], { path: 'exportId' });
    return x;
  };

  /** The caller's organization's receipts, newest first. */
  const receipts = (req: Req): DocMeta[] =>
    [...pmap.values(ctx.state().documents)]
      .filter((d) => (d.type === 'SALES_RECEIPT' || d.type === 'REFUND_RECEIPT') && canSeeDocument(userOf(req), d))
      .sort((a, b) => b.createdAt - a.createdAt || (a.documentId < b.documentId ? -1 : 1));
  const receiptRow = (d: DocMeta) => {
    const s = ctx.state();
    const body = ctx.blobs.require<DocBlob>(blobKey.doc(d.documentId)).body as ReceiptBody;
    const seller = s.world.organizations.find((o) => o.id === d.orgId);
    return {
      receiptId: d.documentId,
      id: d.documentId,
      ...(body.externalId !== undefined ? { externalId: body.externalId } : {}),
      type: RECEIPT_TYPES[d.type as keyof typeof RECEIPT_TYPES],
      status: reportStatus(d, ctx.now(), timings(), ctx.polls(documentKey(d.documentId))),
      createdOn: iso(d.createdAt),
      receiptDate: body.receiptDate,
      seller: { tin: seller?.tin ?? '', name: S.localised(seller?.name ?? '') },
      codesCount: body.codes.length,
    };
  };

  return {
    // POST /public/api/cod/exports: the filter is kept; what matches is counted now, listed when the result is read.
    registerExport: async (req) => {
      const filter = req.body as ExportFilter;
      const r = reader(req);
      const count = exportedCodes(r.state, r.user, filter, book, D.codeViewContext(r).utilisation, r.t, LIMITS.codesPerExport + 1).length;
      const { x } = await ctx.commit((s, tx) => registerExport(s, userOf(req), filter, count, tx.ids.uuid('export'), ctx.now()));
      return { body: { id: x.id } };
    },

    getExportStatus: async (req) => {
      const x = ownExport(req);
      await ctx.poll([exportKey(x.id)]);
      return { body: { id: x.id, status: exportStatus(x, ctx.now(), timings(), ctx.polls(exportKey(x.id))) } };
    },

    // The result: a ZIP holding export.json, {"results": [...]} in the owner's view of codes, as they are now.
    getExportResult: (req) => {
      const x = ownExport(req);
      const status = exportStatus(x, ctx.now(), timings(), ctx.polls(exportKey(x.id)));
      if (status === 'IN_PROGRESS') throw new SimError(HANDBOOK.EXPORT_NOT_READY, [x.id]);
      if (status === 'ERROR') throw new SimError(HANDBOOK.EXPORT_TOO_LARGE, [x.id, LIMITS.codesPerExport]);
      const r = reader(req);
      const view = D.codeViewContext(r);
      const results = exportedCodes(r.state, r.user, x.filter, book, view.utilisation, r.t, LIMITS.codesPerExport).map((f) => S.codeInfo(f, view, false));
      const data = Buffer.from(JSON.stringify({ results }));
      return { contentType: 'application/zip', headers: { 'Content-Disposition': `attachment; filename="export-${x.id}.zip"` }, body: zipFiles([{ name: 'export.json', data }], { mtimeMs: x.createdAt }) };
    },

    // GET /api/rcp/receipts: the caller's organization's receipts, newest first, a page at a time (cursor: the last id).
    listReceipts: (req) => {
      const q = req.query as { limit?: number; cursor?: string; type?: string; status?: string; createdOnFrom?: string; createdOnTo?: string };
      const from = q.createdOnFrom !== undefined ? Date.parse(q.createdOnFrom) : -Infinity;
      const to = q.createdOnTo !== undefined ? Date.parse(q.createdOnTo) : Infinity;
      const rows = receipts(req)
        .filter((d) => d.createdAt >= from && d.createdAt <= to)
        .map(receiptRow)
        .filter((x) => (q.type === undefined || x.type === q.type) && (q.status === undefined || x.status === q.status));
      let start = 0;
      if (q.cursor !== undefined) {
        const at = rows.findIndex((x) => x.receiptId === q.cursor);
        if (at < 0) throw new SimError(HANDBOOK.CURSOR_NOT_FOUND, [q.cursor], { query: 'cursor' });
        start = at + 1;
      }
      const limit = q.limit ?? LIMITS.defaultPageSize;
      const page = rows.slice(start, start + limit);
      const more = start + limit < rows.length;
      return { body: { receipts: page, ...(more ? { nextCursor: page[page.length - 1].receiptId } : {}) } };
    },

    getReceipt: (req) => {
      const id = String(req.params.receiptId);
      const d = receipts(req).find((x) => x.documentId === id);
      if (!d) throw new SimError(HANDBOOK.RECEIPT_NOT_FOUND, [id], { path: 'receiptId' });
      const r = reader(req);
      const lines = D.documentCodes(r, S.reportRow(d, r.now, r.t, r.polls(documentKey(d.documentId))), 0, LIMITS.codesPerReport);
      const codes = lines.map((c) => {
        const found = book.lookup(c.code);
        return { code: c.code, ...(found?.code ? { gtin: found.code.sub.gtin } : {}), state: c.status, ...(c.errorCodes.length ? { errorCode: c.errorCodes[0] } : {}) };
      });
      return { body: { ...receiptRow(d), codes } };
    },

    // The product registry: cards by product group and TN VED, by GTIN, by id (public: any participant reads them).
    listProducts: (req) => {
      const q = req.query as { productGroup?: string; tnved?: string; gtin?: string; limit?: number; offset?: number };
      const s = ctx.state();
      const all = s.world.products.filter((c) => (q.productGroup === undefined || c.productGroup === q.productGroup) && (q.tnved === undefined || (c.tnved ?? '').startsWith(q.tnved)) && (q.gtin === undefined || c.gtin === q.gtin));
      return { body: pageOf(all.map((c) => registryItem(s, c)), q.offset ?? 0, q.limit ?? 20) };
    },
    searchProductByGtin: (req) => {
      const q = req.query as { gtin: string; limit?: number; offset?: number };
      const s = ctx.state();
      // A GTIN of fewer digits (an EAN-13) names the same product as its 14-digit form.
      const gtin = q.gtin.padStart(14, '0');
      return { body: pageOf(s.world.products.filter((c) => c.gtin === gtin).map((c) => registryItem(s, c)), q.offset ?? 0, q.limit ?? 20) };
    },
    getProduct: (req) => {
      const id = String(req.params.productId);
      const s = ctx.state();
      const card = cardById(s, id);
      if (!card) throw new SimError(HANDBOOK.PRODUCT_NOT_FOUND, [id], { path: 'productId' });
      return { body: registryDetail(s, card) };
    },

    // Whether codes are ones the system issued, with the right verification code; any owner's.
    verifyCodes: (req) => {
      const { codes } = req.body as { codes: string[] };
      return {
        body: codes.map((code) => {
          const r = book.resolve(code);
          if ('missing' in r) return { code, isValid: false, errorCode: r.missing === 'CODE_NOT_FOUND' ? 'code-not-found' : 'invalid-code-format' };
          if (!r.cryptoOk) return { code, isValid: false, errorCode: 'invalid-verification-code', status: r.status, gtin: r.sub.gtin };
          return { code, isValid: true, status: r.status, gtin: r.sub.gtin, productGroup: r.order.productGroup };
        }),
      };
    },
  };
}

/** A page of the registry: its products and whether there are more. */
function pageOf<T>(items: T[], offset: number, limit: number): { hasNextPage: boolean; products: T[] } {
  return { hasNextPage: offset + limit < items.length, products: items.slice(offset, offset + limit) };
}
