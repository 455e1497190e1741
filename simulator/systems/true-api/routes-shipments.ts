/**
 * Thin handlers of True API's export and import with recognition (§7.7–§7.11); the rules are in shipments.ts.
 */
import { SimError } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import type { Handler, SimRequest, SystemContext } from '../../core/system.js';
import { documentSignatureRefusal, type Caller } from './auth.js';
import { HANDBOOK } from './handbook.js';
import { CodeView, record } from './ledger.js';
import { parseSearchDate } from './listing.js';
import type { TrueApiTimings } from './reference.js';
import type { Registry } from './registry.js';
import { acceptanceProblems, acceptanceStatus, exportChanges, exportErrors, exportProducts, exportSchemaProblems, exportStatus, fileAcceptance, importStatus, readJsonDocument } from './shipments.js';
import type { Acceptance, Participant, Shipment, TrueApiState } from './state.js';

type Req = SimRequest<Caller>;
const callerOf = (req: Req) => (req.principal as Caller).participant;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** An incoming EAEU shipment as the control plane makes it (a foreign operator passes it on, §5.9 step 1). */
/** The products of a shipment as §7.9.1 shows them, with the acceptance's answer per code once it is in effect. */
function productsOf(x: Shipment, a: Acceptance | undefined, now: number) {
  const decided = a && now >= a.doneAt && !a.errors.length;
  return x.products.map((p) => ({
    cis: p.cis,
    accepted: decided ? (a!.accepted[p.cis] ?? false) : null,
    ...(p.price !== undefined ? { productCost: p.price } : {}),
    ...(p.vat !== undefined ? { productTax: p.vat } : {}),
    certificateDocumentData: p.certificates,
  }));
}

export function createShipmentHandlers(ctx: SystemContext<TrueApiState>, reg: Registry): Record<string, Handler<Caller>> {
  const step = () => (ctx.timings() as TrueApiTimings).shipmentStepMs;
  const ownExport = (req: Req): Shipment => {
    const id = String(req.params.shipmentId);
    const x = pmap.get(ctx.state().shipments, id);
    if (!x || x.direction !== 'export' || x.exporterInn !== callerOf(req).bin) throw new SimError(HANDBOOK.SHIPMENT_NOT_FOUND, [id]);
    return x;
  };
  const ownImport = (id: string, bin: string): Shipment => {
    const x = pmap.get(ctx.state().shipments, id);
    if (!x || x.direction !== 'import' || x.receiverInn !== bin) throw new SimError(HANDBOOK.IMPORT_NOT_FOUND, [id]);
    return x;
  };
  const acceptanceOf = (x: Shipment) => (x.acceptanceId ? pmap.get(ctx.state().acceptances, x.acceptanceId) : undefined);

  return {
    // §7.7.1 — the export notice: validated at once (its schema), then processed on the clock.
    exportShipment: async (req) => {
      const p = callerOf(req);
      const b = req.body as { document?: string; signature?: string };
      for (const f of ['document', 'signature'] as const) if (!b[f]?.trim()) throw new SimError(HANDBOOK.SHIPMENT_EMPTY, [f]);
      const d = readJsonDocument(b.document!, (why) => new SimError(HANDBOOK.SHIPMENT_SCHEMA, [why]));
      const problems = exportSchemaProblems(d, p.bin);
      if (problems.length) throw new SimError(HANDBOOK.SHIPMENT_SCHEMA, [problems.join('; ')]);
      const refusal = await documentSignatureRefusal({ signature: b.signature!, content: Buffer.from(b.document!, 'base64'), base64: b.document!, fileId: String(d.documentNumber), signerBin: p.bin }, reg.signatures(), reg.pki, ctx.now());
      if (refusal) throw new SimError(HANDBOOK.SHIPMENT_SIGNATURE, [refusal.message]);
      const { book } = reg.view();
      const { shipment } = await ctx.commit((s, tx) => {
        const now = ctx.now();
        const codes = new CodeView(book, s.codeChanges, now);
        const products = exportProducts(d);
        const x: Shipment = {
          id: tx.ids.uuid('shipment'),
          direction: 'export',
          exporterInn: p.bin,
          exporterName: p.name,
          receiverInn: String(d.receiverCode),
          receiverName: String(d.receiverName),
          countryCode: String(d.receiverCountryCode),
          documentNumber: String(d.documentNumber),
          documentDate: String(d.documentDate),
          transferDate: String(d.transferDate),
          products,
          createdAt: now,
          errors: exportErrors(codes, p.bin, products.map((q) => q.cis)),
          content: Buffer.from(b.document!, 'base64').toString('utf8'),
        };
        const changes = x.errors.length ? [] : exportChanges(codes, x, now + 3 * step());
        return { state: { ...s, shipments: pmap.set(s.shipments, x.id, x), codeChanges: record(s.codeChanges, book, changes) }, shipment: x, events: [{ type: 'ExportFiled', shipmentId: x.id, codes: products.length, errors: x.errors.length }] };
      });
      return { body: { shipmentId: shipment.id, errors: [{ code: '0', message: 'Документ провалидирован' }] } };
    },

    // §7.7.2 — 200 even when processing failed (the errors in the body).
    shipmentStatus: (req) => {
      const x = ownExport(req);
      const status = exportStatus(x, ctx.now(), step());
      return { body: { documentId: x.id, documentDate: x.documentDate, status, ...(status === 'ERROR' ? { errors: x.errors } : {}) } };
    },

    // §7.7.3 — the body with the acceptance data; the schema is lost, so it mirrors §7.9.1.
    shipmentView: (req) => {
      const x = ownExport(req);
      const now = ctx.now();
      const status = exportStatus(x, now, step());
      const accepted = status === 'ACCEPTED';
      return {
        body: {
          documentId: x.id,
          status,
          type: 'EAS_CROSSBORDER',
          documentNum: x.documentNumber,
          documentDate: x.documentDate,
          exporter: x.exporterName,
          exporterInn: x.exporterInn,
          receiver: x.receiverName,
          receiverInn: x.receiverInn,
          receiverCountryCode: x.countryCode,
          transferDate: x.transferDate,
          receivedAt: new Date(x.createdAt).toISOString(),
          ...(accepted ? { acceptanceDate: day(x.createdAt + 3 * step()) } : {}),
          products: x.products.map((q) => ({ cis: q.cis, accepted: accepted ? true : null, ...(q.price !== undefined ? { productCost: q.price } : {}), ...(q.vat !== undefined ? { productTax: q.vat } : {}), certificateDocumentData: q.certificates })),
          documentErrors: status === 'ERROR' ? x.errors.map((e) => ({ errorCode: e.errorCode, errorDescription: e.errorMessage })) : [],
        },
      };
    },

    // §7.8.1 — incoming shipments (EAS_CROSSBORDER) or acceptance notices (LP_ACCEPT_GOODS) of the caller.
    importSearch: (req) => {
      const b = req.body as { documentType: string; documentStatus?: string; dateFrom?: string; dateTo?: string; senderBin?: string | number; receiverBin?: string | number; pagination?: { offset?: number; order?: 'ASC' | 'DESC'; limit?: number } };
      const from = b.dateFrom !== undefined ? parseSearchDate(b.dateFrom, false) : -Infinity;
      const to = b.dateTo !== undefined ? parseSearchDate(b.dateTo, true) : Infinity;
      if (Number.isNaN(from) || Number.isNaN(to)) throw new SimError(HANDBOOK.IMPORT_INVALID, [`dateFrom/dateTo: ${b.dateFrom ?? ''} ${b.dateTo ?? ''} не является датой`]);
      const p = callerOf(req);
      const now = ctx.now();
      const s = ctx.state();
      const rows =
        b.documentType === 'LP_ACCEPT_GOODS'
          ? [...pmap.values(s.acceptances)]
              .filter((a) => a.importerBin === p.bin)
              .map((a) => {
                const x = pmap.get(s.shipments, a.shipmentId)!;
                return { at: a.receivedAt, row: { registrationNum: a.id, registrationDate: day(a.receivedAt), status: acceptanceStatus(a, now), documentType: 'LP_ACCEPT_GOODS', exporter: x.exporterInn, senderCountry: x.countryCode, receiver: p.bin } };
              })
          : b.documentType === 'EAS_CROSSBORDER'
            ? [...pmap.values(s.shipments)]
                .filter((x) => x.direction === 'import' && x.receiverInn === p.bin)
                .map((x) => ({ at: x.createdAt, row: { registrationNum: x.id, registrationDate: day(x.createdAt), status: importStatus(x, acceptanceOf(x), now), documentType: 'EAS_CROSSBORDER', exporter: x.exporterInn, senderCountry: x.countryCode, receiver: p.bin } }))
            : []; // EAS_CROSSBORDER_GROUP: groups are not formed by this simulator
      const found = rows
        .filter(({ at, row }) => at >= from && at <= to && (b.documentStatus === undefined || row.status === b.documentStatus) && (b.senderBin === undefined || row.exporter === String(b.senderBin)) && (b.receiverBin === undefined || row.receiver === String(b.receiverBin)))
        .sort((x, y) => (x.at - y.at) * (b.pagination?.order === 'DESC' ? -1 : 1));
      const offset = b.pagination?.offset ?? 0;
      const limit = b.pagination?.limit ?? found.length;
      return { body: { documentsList: found.slice(offset, offset + limit).map((r) => r.row) } };
    },

    // §7.9.1 — an incoming shipment with the acceptance's results once in effect.
    importShipment: (req) => {
      const x = ownImport(String(req.params.shipment_id), callerOf(req).bin);
      const a = acceptanceOf(x);
      const now = ctx.now();
      const inEffect = a && now >= a.doneAt && !a.errors.length;
      return {
        body: {
          status: importStatus(x, a, now),
          type: 'EAS_CROSSBORDER',
          documentNum: x.documentNumber,
          documentDate: x.documentDate,
          exporter: x.exporterName,
          exporterInn: x.exporterInn,
          senderInn: x.exporterInn,
          senderName: x.exporterName,
          senderCountryCode: x.countryCode,
          receiver: x.receiverName,
          receiverName: x.receiverName,
          receiverInn: x.receiverInn,
          receivedAt: new Date(x.createdAt).toISOString(),
          transferDate: x.transferDate,
          ...(inEffect ? { acceptanceDate: a.acceptanceDate } : {}),
          products: productsOf(x, a, now),
          linkedDocs: a ? [{ docType: 'LP_ACCEPT_GOODS', docId: a.id, docDate: a.documentDate }] : [],
          documentErrors: [],
        },
      };
    },

    // §7.10.1 — the acceptance notice: validated at once (422), processed on the clock.
    importAcceptance: async (req) => {
      const p = callerOf(req);
      const b = req.body as { document?: string; signature?: string };
      for (const f of ['document', 'signature'] as const) if (!b[f]?.trim()) throw new SimError(HANDBOOK.IMPORT_INVALID, [`${f}: обязательное поле`]);
      const d = readJsonDocument(b.document!, (why) => new SimError(HANDBOOK.IMPORT_INVALID, [why]));
      const x = typeof d.shipment_id === 'string' ? pmap.get(ctx.state().shipments, d.shipment_id) : undefined;
      const mine = x && x.direction === 'import' && x.receiverInn === p.bin ? x : undefined;
      const problems = acceptanceProblems(d, mine, p.bin);
      if (problems.length) throw new SimError(HANDBOOK.IMPORT_INVALID, [problems.join('; ')]);
      const refusal = await documentSignatureRefusal({ signature: b.signature!, content: Buffer.from(b.document!, 'base64'), base64: b.document!, fileId: String(d.document_num), signerBin: p.bin }, reg.signatures(), reg.pki, ctx.now());
      if (refusal) throw new SimError(HANDBOOK.IMPORT_INVALID, [refusal.message]);
      const forced = (req.forced as { documentRejected?: string } | undefined)?.documentRejected;
      const { book } = reg.view();
      const { acceptance } = await ctx.commit((s, tx) => {
        const now = ctx.now();
        const cur = pmap.get(s.shipments, mine!.id)!;
        const prior = cur.acceptanceId ? pmap.get(s.acceptances, cur.acceptanceId) : undefined;
        // Another acceptance in processing or in effect answers for it already (a failed one may be sent again).
        if (prior && (now < prior.doneAt || !prior.errors.length)) throw new SimError(HANDBOOK.IMPORT_NOT_WAITING, [cur.id, acceptanceStatus(prior, now) === 'IN_PROGRESS' ? 'IN_PROGRESS' : importStatus(cur, prior, now)]);
        const listed = new Map(((d.products as { cis: string; accepted: boolean }[] | undefined) ?? []).map((q) => [q.cis, q.accepted]));
        const accepted = Object.fromEntries(cur.products.map((q) => [q.cis, d.reject_all === true ? false : (listed.get(q.cis) ?? false)]));
        const a = { id: tx.ids.uuid('acceptance'), shipmentId: cur.id, importerBin: p.bin, documentNumber: String(d.document_num), documentDate: String(d.document_date), acceptanceDate: String(d.acceptance_date), accepted, content: Buffer.from(b.document!, 'base64').toString('utf8') };
        return fileAcceptance(s, new CodeView(book, s.codeChanges, now), p, a, now, (ctx.timings() as TrueApiTimings).documentProcessingMs, forced);
      });
      return { body: { acceptationId: acceptance.id, errors: [] } };
    },

    // §7.11.1 — the status of an incoming shipment or of an acceptance.
    importDocumentStatus: (req) => {
      const id = String(req.params.doc_id);
      const s = ctx.state();
      const bin = callerOf(req).bin;
      const now = ctx.now();
      const a = pmap.get(s.acceptances, id);
      if (a && a.importerBin === bin) return { body: { documentId: a.id, status: acceptanceStatus(a, now), documentType: 'LP_ACCEPT_GOODS', documentErrors: a.errors.map((e) => ({ errorCode: e.errorCode, errorDescription: e.errorMessage })) } };
      const x = ownImport(id, bin);
      return { body: { documentId: x.id, status: importStatus(x, acceptanceOf(x), now), documentType: 'EAS_CROSSBORDER', documentErrors: [] } };
    },
  };
}
