/**
 * Thin handlers of True API's documents (§7.1.5, §7.1.6, §7.2, §7.5, §7.6, §7.12): submission of notices, the
 * "Документы" views and listings, receipts. Parse → check → store → serialize; the rules are in documents.ts.
 */
import { SimError } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import type { Handler, SimRequest } from '../../core/system.js';
import { documentSignatureRefusal } from './auth.js';
import { documentStatus, fileDocument, readImport, readNotice, readReintroduction, readWithdrawal, type DocumentType, type Notice, type TrueApiDocument } from './documents.js';
import { HANDBOOK, type TrueApiError } from './handbook.js';
import type { CodeView } from './ledger.js';
import type { Caller, TrueApiRuntime } from './routes.js';
import type { Directory } from './serialize.js';
import type { Participant } from './state.js';

type Req = SimRequest<Caller>;
const callerOf = (req: Req) => (req.principal as Caller).participant;
const iso = (ms: number) => new Date(ms).toISOString();
const RECEIPT_TYPES: readonly string[] = ['RECEIPT', 'RECEIPT_RETURN'];

/** Whether a participant may see a document: it sent it or it is addressed to it. */
export const canSeeDocument = (d: TrueApiDocument, bin: string) => d.senderBin === bin || d.receiverBin === bin;

/** The JSON form of a document (§7.1.5 `body`): its fields with the codes as they are now. */
export function documentBody(d: TrueApiDocument, codes: CodeView, dir: Directory): Record<string, unknown> {
  if (d.receipt) return d.fields;
  const book = codes.book;
  const cisList = d.codes.map(({ code }) => {
    const ref = book.find(code);
    return { value: ref ? book.cis(ref) : code, name: ref ? (dir.product(book.gtinOf(ref))?.name ?? '') : '', status: ref ? codes.status(ref) : '' };
  });
  const document = d.fields.document as Record<string, unknown>;
  if (d.type === 'IMPORT') return d.fields;
  // §7.1.5's IMPORT_TRANSIT example: productList and productTotals beside the document.
  if (d.type === 'IMPORT_TRANSIT') {
    const { productTotals, ...rest } = document;
    return { ...d.fields, document: rest, productList: cisList, productTotals };
  }
  return { ...d.fields, document: { ...document, cisList } };
}

/** A row of /doc/listV2 and /receipt/listV2, and the head of /documents/{id}/info (§7.12.1). */
export function documentRow(d: TrueApiDocument, now: number, callerBin: string, dir: Directory) {
  const status = documentStatus(d, now);
  const failed = status === 'CHECKED_NOT_OK' && d.errors.length > 0;
  return {
    number: d.id,
    docDate: iso(d.docDate),
    receivedAt: iso(d.receivedAt),
    type: d.type,
    status,
    senderBin: d.senderBin,
    senderName: dir.name(d.senderBin),
    ...(d.receiverBin ? { receiverBin: d.receiverBin, receiverName: dir.name(d.receiverBin) } : {}),
    total: d.receipt ? d.receipt.prices.reduce((a, b) => a + b, 0) : 0,
    vat: 0,
    downloadStatus: status,
    ...(failed ? { downloadDesc: d.errors.join(',') } : {}),
    input: d.receiverBin === callerBin && d.senderBin !== callerBin,
    pdfFile: '',
    ...(failed ? { errors: d.errors } : {}),
  };
}

/** A document the caller may see, by its id (fileId) or its processing number; 404 otherwise. */
function visibleDocument(rt: TrueApiRuntime, req: Req, id: string, foreign: TrueApiError = HANDBOOK.DOCUMENT_NOT_FOUND): TrueApiDocument {
  const s = rt.state();
  const d = pmap.get(s.documents, id) ?? pmap.get(s.documents, pmap.get(s.fileIds, id) ?? '') ?? [...pmap.values(s.documents)].find((x) => x.number === id);
  if (!d) throw new SimError(HANDBOOK.DOCUMENT_NOT_FOUND);
  if (!canSeeDocument(d, callerOf(req).bin)) throw new SimError(foreign);
  return d;
}

/** Dates the document's searches take: yyyy-MM-dd, an ISO date-time, or MM/dd/yyyy (the §7.1.6 screenshot). */
export function parseSearchDate(v: string, endOfDay: boolean): number {
  const us = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v);
  const day = us ? `${us[3]}-${us[1]}-${us[2]}` : /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined;
  const ms = day ? Date.parse(`${day}T00:00:00.000Z`) + (endOfDay ? 86_399_999 : 0) : Date.parse(v);
  return ms;
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
function listDocuments(rt: TrueApiRuntime, req: Req, receipts: boolean) {
  const q = req.query as ListQuery;
  const p = callerOf(req);
  if ((q.did === undefined) !== (q.orderedColumnValue === undefined)) throw new SimError(HANDBOOK.LIST_CURSOR_INCOMPLETE);
  if (receipts && q.limit !== undefined && q.pg === undefined) throw new SimError(HANDBOOK.LIST_PG_REQUIRED);
  const from = q.dateFrom !== undefined ? Date.parse(q.dateFrom) : -Infinity;
  const to = q.dateTo !== undefined ? Date.parse(q.dateTo) : Infinity;
  const now = rt.now();
  const desc = q.order !== 'ASC';
  const all = [...pmap.values(rt.state().documents)]
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
  const { dir } = rt.registry();
  return { body: { results: page.map((d) => documentRow(d, now, p.bin, dir)), total: all.length } };
}

/** A receipt a fiscal operator passes on (the control plane plays it, §5.10): a sale or a return of codes. */
export interface ReceiptInput {
  bin: string;
  type: 'RECEIPT' | 'RECEIPT_RETURN';
  codes: string[];
  /** Per code, in tiyn (default 100,000 each). */
  prices?: number[];
  kktRegId?: string;
  shiftNumber?: number;
  documentDate?: string;
}

/**
 * Files a receipt like any document: checked against the registry once everything in processing is done, in effect
 * at the end of its processing (a sale withdraws the codes, a return puts them back).
 */
export async function fileReceipt(rt: TrueApiRuntime, seller: Participant, r: ReceiptInput): Promise<TrueApiDocument> {
  const { book } = rt.registry();
  const { doc } = await rt.commit((s, tx) => {
    const now = rt.now();
    const id = tx.ids.uuid('receipt');
    const prices = r.codes.map((_, i) => r.prices?.[i] ?? 100_000);
    const fiscalDocumentNumber = [...pmap.values(s.documents)].filter((d) => d.receipt && d.senderBin === seller.bin).length + 1;
    const receipt = { kktRegId: r.kktRegId ?? '010101010101', fiscalDocumentNumber, shiftNumber: r.shiftNumber ?? 1, prices };
    const docDate = r.documentDate !== undefined ? Date.parse(r.documentDate) : now;
    const fields = { ...receipt, operationType: r.type === 'RECEIPT' ? 1 : 2, userInn: seller.bin, dateTime: iso(docDate), items: r.codes.map((code, i) => ({ cis: code, price: prices[i], count: 1, sum: prices[i] })) };
    const filing = { id, number: id, type: r.type, participant: seller.bin, docDate, content: JSON.stringify(fields), fields, codes: r.codes.map((code) => ({ code })), receipt };
    return fileDocument(s, book, seller, filing, now, rt.timings().documentProcessingMs);
  });
  return doc;
}

export function createDocumentHandlers(rt: TrueApiRuntime): Record<string, Handler<Caller>> {
  /**
   * A notice of §7.2 / §7.5 / §7.6: read and checked at once (400 for the XML, 422 for the signature), stored
   * IN_PROGRESS, checked against the registry, and in effect at the end of its processing.
   */
  const submit = async (req: Req, type: DocumentType, read: (xml: string) => Notice): Promise<TrueApiDocument> => {
    const p = callerOf(req);
    const b = req.body as { document: string; signature: string };
    const notice = readNotice(read, b.document);
    if (pmap.has(rt.state().documents, notice.fileId)) throw new SimError(HANDBOOK.DOCUMENT_EXISTS, [notice.fileId]);
    const refusal = await documentSignatureRefusal({ signature: b.signature, content: Buffer.from(b.document, 'base64'), base64: b.document, fileId: notice.fileId, signerBin: p.bin }, rt.profile(), rt.pki, rt.now());
    if (refusal) throw refusal;
    const forced = (req.forced as { documentRejected?: string } | undefined)?.documentRejected;
    const { book } = rt.registry();
    const { doc } = await rt.commit((s, tx) => {
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
      return fileDocument(s, book, p, filing, rt.now(), rt.timings().documentProcessingMs);
    });
    return doc;
  };

  const infoEdo: Handler<Caller> = (req) => {
    const d = visibleDocument(rt, req, String(req.params.documentId));
    const { codes, dir } = rt.registry();
    return { body: { status: documentStatus(d, rt.now()), type: d.type, body: documentBody(d, codes, dir) } };
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
      const d = visibleDocument(rt, req, String(req.params.document_id), HANDBOOK.NO_ACCESS);
      const { codes, dir } = rt.registry();
      return { body: { ...documentRow(d, rt.now(), callerOf(req).bin, dir), body: documentBody(d, codes, dir), content: d.content } };
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
      const now = rt.now();
      const found = [...pmap.values(rt.state().documents)]
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

    docListV2: (req) => listDocuments(rt, req, false),
    receiptListV2: (req) => listDocuments(rt, req, true),

    // §7.12.4 — a receipt of the caller (it sold or took back the goods); another owner's is the document's 403.
    receiptInfo: (req) => {
      const id = String(req.params.receiptId);
      const d = pmap.get(rt.state().documents, id);
      if (!d || !d.receipt) throw new SimError(HANDBOOK.RECEIPT_NOT_FOUND, [id]);
      if (d.senderBin !== callerOf(req).bin) throw new SimError(HANDBOOK.RECEIPT_FOREIGN, [id]);
      const { book, dir } = rt.registry();
      const products = d.codes.map(({ code }, i) => {
        const ref = book.find(code);
        const gtin = ref ? book.gtinOf(ref) : '';
        const price = d.receipt!.prices[i];
        return { price, count: 1, sum: price, cis: ref ? book.cis(ref) : code, gtin, name: dir.product(gtin)?.name ?? '', packageType: 'pack', producerId: ref?.batch.producerBin ?? '', valid: ref !== undefined };
      });
      return {
        body: {
          body: d.fields,
          documentId: d.id,
          documentDate: iso(d.docDate),
          receivedAt: iso(d.receivedAt),
          type: d.type,
          status: documentStatus(d, rt.now()),
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
