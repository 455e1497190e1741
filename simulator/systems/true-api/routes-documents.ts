/**
 * Thin handlers of True API's documents (§7.1.5, §7.1.6, §7.2, §7.5, §7.6, §7.12): submission of notices, the
 * "Документы" views and listings, receipts. Parse → check → store → serialize; the rules are in documents.ts.
 */
import { SimError } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import type { Handler, SimRequest, SystemContext } from '../../core/system.js';
import { documentSignatureRefusal, type Caller } from './auth.js';
import { canSeeDocument, documentContent, documentFields, documentStatus, fileDocument, readImport, readNotice, readReintroduction, readWithdrawal, type Notice } from './documents.js';
import { HANDBOOK, type TrueApiError } from './handbook.js';
import { parseSearchDate } from './listing.js';
import type { TrueApiTimings } from './reference.js';
import type { Registry } from './registry.js';
import { documentBody, documentRow } from './serialize.js';
import type { DocumentType, Participant, TrueApiDocument, TrueApiState } from './state.js';

type Req = SimRequest<Caller>;
const callerOf = (req: Req) => (req.principal as Caller).participant;
const iso = (ms: number) => new Date(ms).toISOString();
const RECEIPT_TYPES: readonly string[] = ['RECEIPT', 'RECEIPT_RETURN'];

/** A document the caller may see, by its id (fileId) or its processing number; 404 otherwise. */
function visibleDocument(ctx: SystemContext<TrueApiState>, reg: Registry, req: Req, id: string, foreign: TrueApiError = HANDBOOK.DOCUMENT_NOT_FOUND): TrueApiDocument {
  const s = ctx.state();
  const d = pmap.get(s.documents, id) ?? pmap.get(s.documents, pmap.get(s.fileIds, id) ?? '') ?? [...pmap.values(s.documents)].find((x) => x.number === id);
  if (!d) throw new SimError(HANDBOOK.DOCUMENT_NOT_FOUND);
  if (!canSeeDocument(d, callerOf(req).bin)) throw new SimError(foreign);
  return d;
}

interface ListQuery {
  dateFrom?: string;
  dateTo?: string;
  did?: string;
  orderedColumnValue?: string;
  documentStatus?: string;
  documentType?: string[];
  documentFormat?: string;
  inputFormat?: boolean;
  limit?: number;
  number?: string;
  order?: 'ASC' | 'DESC';
  pageDir?: 'PREV' | 'NEXT';
  participantBin?: string;
  pg?: string;
}

/** §7.12.1 / §7.12.3: the caller's documents by filters, newest first unless asked, keyset-paged by `did`. */
function listDocuments(ctx: SystemContext<TrueApiState>, reg: Registry, req: Req, receipts: boolean) {
  const q = req.query as ListQuery;
  const p = callerOf(req);
  if ((q.did === undefined) !== (q.orderedColumnValue === undefined)) throw new SimError(HANDBOOK.LIST_CURSOR_INCOMPLETE);
  if (receipts && q.limit !== undefined && q.pg === undefined) throw new SimError(HANDBOOK.LIST_PG_REQUIRED);
  const from = q.dateFrom !== undefined ? Date.parse(q.dateFrom) : -Infinity;
  const to = q.dateTo !== undefined ? Date.parse(q.dateTo) : Infinity;
  const now = ctx.now();
  const desc = q.order !== 'ASC';
  const all = [...pmap.values(ctx.state().documents)]
    .filter(
      (d) =>
        canSeeDocument(d, p.bin) &&
        RECEIPT_TYPES.includes(d.type) === receipts &&
        d.docDate >= from &&
        d.docDate <= to &&
        (q.documentStatus === undefined || documentStatus(d, now) === q.documentStatus) &&
        (q.documentType === undefined || q.documentType.includes(d.type)) &&
        (q.documentFormat === undefined || q.documentFormat === (d.receipt ? 'MANUAL' : 'XML')) &&
        (q.inputFormat === undefined || (d.receiverBin === p.bin && d.senderBin !== p.bin) === q.inputFormat) &&
        (q.number === undefined || d.id === q.number || d.number === q.number) &&
        (q.participantBin === undefined || d.senderBin === q.participantBin) &&
        (q.pg === undefined || d.productGroup === q.pg),
    )
    .sort((a, b) => (a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) * (desc ? -1 : 1));
  const limit = q.limit ?? 100;
  let page = all.slice(0, limit);
  if (q.did !== undefined) {
    const at = all.findIndex((d) => d.id === q.did);
    if (at < 0) throw new SimError(HANDBOOK.LIST_CURSOR_OUTSIDE, [q.did]);
    page = q.pageDir === 'PREV' ? all.slice(Math.max(0, at - limit), at) : all.slice(at + 1, at + 1 + limit);
  }
  const { dir } = reg.view();
  return { body: { results: page.map((d) => documentRow(d, now, p.bin, dir)), total: all.length } };
}

/** A receipt a fiscal operator passes on (the control plane plays it, §5.10): a sale or a return of codes. */
export function createDocumentHandlers(ctx: SystemContext<TrueApiState>, reg: Registry): Record<string, Handler<Caller>> {
  /**
   * A notice of §7.2 / §7.5 / §7.6: read and checked at once (400 for the XML, 422 for the signature), stored
   * IN_PROGRESS, checked against the registry, and in effect at the end of its processing.
   */
  const submit = async (req: Req, type: DocumentType, read: (xml: string) => Notice): Promise<TrueApiDocument> => {
    const p = callerOf(req);
    const b = req.body as { document: string; signature: string };
    const notice = readNotice(read, b.document);
    if (pmap.has(ctx.state().documents, notice.fileId)) throw new SimError(HANDBOOK.DOCUMENT_EXISTS, [notice.fileId]);
    const refusal = await documentSignatureRefusal({ signature: b.signature, content: Buffer.from(b.document, 'base64'), base64: b.document, fileId: notice.fileId, signerBin: p.bin }, reg.signatures(), reg.pki, ctx.now());
    if (refusal) throw refusal;
    const forced = (req.forced as { documentRejected?: string } | undefined)?.documentRejected;
    const { book } = reg.view();
    const { doc } = await ctx.commit((s, tx) => {
      if (pmap.has(s.documents, notice.fileId)) throw new SimError(HANDBOOK.DOCUMENT_EXISTS, [notice.fileId]);
      const filing = {
        id: notice.fileId,
        number: tx.ids.uuid('document'),
        type,
        participant: notice.participant,
        reason: notice.reason,
        forcedError: forced,
        docDate: Date.parse(notice.sendingDateTime),
        content: Buffer.from(b.document, 'base64').toString('utf8'),
        fields: { document: notice.fields, fileId: notice.fileId, version: notice.version, sendingDateTime: notice.sendingDateTime },
        codes: notice.codes,
      };
      return fileDocument(s, book, p, filing, ctx.now(), (ctx.timings() as TrueApiTimings).documentProcessingMs);
    });
    return doc;
  };

  const infoEdo: Handler<Caller> = (req) => {
    const d = visibleDocument(ctx, reg, req, String(req.params.documentId));
    const { codes, dir } = reg.view();
    return { body: { status: documentStatus(d, ctx.now()), type: d.type, body: documentBody(d, codes, dir) } };
  };

  return {
    // §7.6 — answers the internal processing number; the document's id is its fileId.
    writeOff: async (req) => ({ contentType: 'text/plain', body: (await submit(req, 'MTTPS_90', readWithdrawal)).number }),

    // §7.2 — answers an empty content " "; the document's id is its fileId.
    introduceGoods: async (req) => {
      await submit(req, 'KZ_INTRODUCE_GOODS', readReintroduction);
      return { contentType: 'text/plain', body: ' ' };
    },

    // §7.5 — answers the internal processing number.
    importThirdCountries: async (req) => ({ contentType: 'text/plain', body: (await submit(req, 'IMPORT', readImport)).number }),

    // §7.1.5 — a completed notice: status, type and its JSON form (both paths of the document).
    documentInfoEdo: infoEdo,
    documentInfoEdoShort: infoEdo,

    // §7.12.2 — the row, the JSON form and the content as submitted; another participant's document is a 403.
    documentInfo: (req) => {
      const d = visibleDocument(ctx, reg, req, String(req.params.document_id), HANDBOOK.NO_ACCESS);
      const { codes, dir } = reg.view();
      return { body: { ...documentRow(d, ctx.now(), callerOf(req).bin, dir), body: documentBody(d, codes, dir), content: documentContent(d) } };
    },

    // §7.1.6 — completed documents ("Документы" tab) by type, status, dates and parties; 404 when none match.
    documentsSearch: (req) => {
      const b = req.body as { documentType?: string; documentStatus?: string; dateFrom: string; dateTo?: string; senderBin?: string; receiverBin?: string; pagination: { offset?: number | string; order?: 'ASC' | 'DESC'; limit?: number | string } };
      const from = parseSearchDate(b.dateFrom, false);
      const to = b.dateTo !== undefined ? parseSearchDate(b.dateTo, true) : Infinity;
      if (Number.isNaN(from)) throw new SimError(HANDBOOK.SEARCH_DATE, ['dateFrom', b.dateFrom]);
      if (Number.isNaN(to)) throw new SimError(HANDBOOK.SEARCH_DATE, ['dateTo', b.dateTo]);
      const offset = Number(b.pagination.offset ?? 0);
      const limit = b.pagination.limit === undefined ? Infinity : Number(b.pagination.limit);
      if (!Number.isInteger(offset) || offset < 0) throw new SimError(HANDBOOK.SEARCH_PAGINATION, ['offset']);
      if (limit !== Infinity && (!Number.isInteger(limit) || limit < 0)) throw new SimError(HANDBOOK.SEARCH_PAGINATION, ['limit']);
      const p = callerOf(req);
      const now = ctx.now();
      const found = [...pmap.values(ctx.state().documents)]
        .filter((d) => {
          const status = documentStatus(d, now);
          return (
            canSeeDocument(d, p.bin) &&
            status !== 'IN_PROGRESS' &&
            (b.documentType === undefined || d.type === b.documentType) &&
            (b.documentStatus === undefined || status === b.documentStatus) &&
            d.docDate >= from &&
            d.docDate <= to &&
            (b.senderBin === undefined || d.senderBin === b.senderBin) &&
            (b.receiverBin === undefined || d.receiverBin === b.receiverBin)
          );
        })
        .sort((x, y) => (x.docDate - y.docDate || (x.id < y.id ? -1 : 1)) * (b.pagination.order === 'ASC' ? 1 : -1))
        .slice(offset, offset + limit);
      if (!found.length) throw new SimError(HANDBOOK.SEARCH_NOT_FOUND);
      return { body: { documentsList: found.map((d) => ({ fileId: d.edo?.fileId ?? d.id, sendingDateTime: iso(d.docDate), status: documentStatus(d, now), type: d.type })) } };
    },

    docListV2: (req) => listDocuments(ctx, reg, req, false),
    receiptListV2: (req) => listDocuments(ctx, reg, req, true),

    // §7.12.4 — a receipt of the caller (it sold or took back the goods); another owner's is the document's 403.
    receiptInfo: (req) => {
      const id = String(req.params.receiptId);
      const d = pmap.get(ctx.state().documents, id);
      if (!d || !d.receipt) throw new SimError(HANDBOOK.RECEIPT_NOT_FOUND, [id]);
      if (d.senderBin !== callerOf(req).bin) throw new SimError(HANDBOOK.RECEIPT_FOREIGN, [id]);
      const { book, dir } = reg.view();
      const products = d.codes.map(({ code }, i) => {
        const ref = book.find(code);
        const gtin = ref ? book.gtinOf(ref) : '';
        const price = d.receipt!.prices[i];
        return { price, count: 1, sum: price, cis: ref ? book.cis(ref) : code, gtin, name: dir.product(gtin)?.name ?? '', packageType: 'pack', producerId: ref?.batch.producerBin ?? '', valid: ref !== undefined };
      });
      return {
        body: {
          body: documentFields(d),
          documentId: d.id,
          documentDate: iso(d.docDate),
          receivedAt: iso(d.receivedAt),
          type: d.type,
          status: documentStatus(d, ctx.now()),
          senderBin: d.senderBin,
          senderName: dir.name(d.senderBin),
          fiscalDocumentNumber: d.receipt.fiscalDocumentNumber,
          shiftNumber: d.receipt.shiftNumber,
          operationType: d.type === 'RECEIPT' ? 1 : 2,
          kktRegId: d.receipt.kktRegId,
          products,
        },
      };
    },
  };
}
