/**
 * True API's EDO documents (§7.1, §7.3, §7.4): the Act ПП (KZ_UPD, original 1000 and corrective 1100), the divergence
 * notice (1005) and the EAEU import notice (IMPORT_TRANSIT, original 1200 and corrective 1300), registered through
 * `/edo-api/outgoing-documents/formal`; their numeric statuses (§9.6) on the virtual clock; the titles of the
 * receiver's decision and of the sender's withdrawal, and what each step does to the registry.
 *
 * An EDO document is a stored document (documents.ts) with a workflow: registered (1) for documentProcessingMs, then
 * awaiting confirmation (3; 2 for a divergence notice) or a delivery error (10) with every error found; then whatever
 * its steps make of it (4 approved, 5 rejected, 8 divergence, 16 withdrawn, 17 annulled by a corrective document).
 *
 * Readings (x-sim-interpretation in the contract): an act changes nothing until the receiver approves it — then its
 * codes and what is inside them pass to the consignee, checked again at that moment; an EAEU import notice takes
 * effect at the end of its processing, like the other notices, and its withdrawal or correction puts its codes back
 * as they were (refused if they changed since).
 */
import { SimError } from '../../core/errors.js';
import type { DomainEvent } from '../../core/system.js';
import { pmap } from '../../core/pmap.js';
import { toXml } from '../../core/xml.js';
import type { CodeBook, CodeRef } from './codes.js';
import { checkDocument, edoStatus, parseDocumentXml, productList, type XmlReading } from './documents.js';
import type { CodeEvent, Decision, EdoDocument, EdoStatus, EdoType, NamedCode, Participant, Title, TrueApiDocument, TrueApiState } from './state.js';
import { DOCUMENT_ERRORS, HANDBOOK } from './handbook.js';
import { CodeView, record } from './ledger.js';
import type { DocumentStatus } from './reference.js';

export const EDO_STATUS_ALIASES: Record<number, EdoStatus> = { 61: 4, 62: 10 };

/** The kinds of formal documents, told apart by their fileId (§7.3.2's table). */
const KINDS: { prefix: RegExp; type: EdoType }[] = [
  { prefix: /^EEU_ACT_/, type: 1000 },
  { prefix: /^COR_ACT_/, type: 1100 },
  { prefix: /^IMPORT_TRANSIT_/, type: 1200 },
  { prefix: /^IM_TRANSIT_COR_/, type: 1300 },
  { prefix: /^DIVERG_?/, type: 1005 },
  { prefix: /^/, type: 1005 },
];
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;




export const isEdo = (d: TrueApiDocument): d is EdoDocument => d.edo !== undefined;

/** A formal document read from its XML. */
export interface FormalDocument {
  type: EdoType;
  fileId: string;
  version: string;
  sendingDateTime: string;
  supplierBin: string;
  consigneeBin: string;
  codes: NamedCode[];
  /** productTotals: consumer units per GTIN (acts and import notices). */
  totals?: Record<string, number>;
  /** The act a divergence notice or corrective act is about; the notice a corrective import notice replaces. */
  relatesTo?: string;
  revise?: Record<string, string>;
  fields: Record<string, unknown>;
}

const REVISE = ['NOT_FOUND', 'FOUND', 'EXCLUDED', 'ADDED'];
const COUNTRIES = ['AM', 'BY', 'KG', 'RU'];
const SUPPLIER_ID: Record<string, RegExp> = { RU: /^([0-9]{10}|[0-9]{12})$/, KG: /^[0-9]{14}$/, BY: /^[0-9]{9}$/, AM: /^[0-9]{8}$/ };

/** productTotals/gtin[@count]: required, consumer units per GTIN. */
function productTotals(r: XmlReading, doc: Record<string, unknown>): Record<string, number> {
  const totals: Record<string, number> = {};
  const items = r.many(r.child(doc, 'productTotals', 'document').gtin);
  if (!items.length) r.fail('document/productTotals: нет ни одного gtin');
  items.forEach((it, i) => {
    const gtin = r.textOf(it).trim();
    const count = it && typeof it === 'object' ? (it as Record<string, unknown>)['@_count'] : undefined;
    if (!/^[0-9]{14}$/.test(gtin)) r.fail(`productTotals/gtin[${i + 1}]: gtin должен состоять из 14 цифр`);
    if (typeof count !== 'string' || !/^[1-9][0-9]{0,8}$/.test(count)) r.fail(`productTotals/gtin[${i + 1}]: count должен быть целым числом больше 0`);
    if (totals[gtin] !== undefined) r.fail(`productTotals: gtin ${gtin} указан более одного раза`);
    totals[gtin] = Number(count);
  });
  return totals;
}

/**
 * §7.3.2 / §7.4.1: the XML of a formal document, by its fileId: an act (`participants{supplierId, consigneeId}`,
 * `document[operationType, correctionFlag, correctionDocId?, regNumber?, regDate?]{mainInfo{supplierInfo,
 * consigneeInfo, originalDocInfo?}, productList/iCode[@count], productTotals/gtin[@count]}`), a divergence notice
 * (`document[correctionDocId]{mainInfo, productList/iCode[@reviseStatusCode]}`) or an EAEU import notice
 * (`participants`, `document[correctionFlag, primaryDocId?...]{mainInfo{supplierInfo[supplierCountryCode], ...}}`).
 */
export function readFormal(xml: string): FormalDocument {
  return parseDocumentXml(xml, (r) => {
    const { file, fileId, version, sendingDateTime } = r.header();
    const kind = KINDS.find((k) => k.prefix.test(fileId))!;
    const uuid = fileId.replace(kind.prefix, '');
    if (!UUID.test(uuid)) r.fail(`file: fileId ${fileId} должен быть вида EEU_ACT_<UUID>, COR_ACT_<UUID>, DIVERG<UUID> (или <UUID>), IMPORT_TRANSIT_<UUID> или IM_TRANSIT_COR_<UUID>`);
    const doc = r.child(file, 'document', 'file');
    const main = r.child(doc, 'mainInfo', 'document');
    const si = r.child(main, 'supplierInfo', 'mainInfo');
    const ci = r.child(main, 'consigneeInfo', 'mainInfo');
    const supplierBin = r.required(si, 'supplierIdentificationCode', 'supplierInfo');
    const consigneeBin = r.required(ci, 'consigneeIdentificationCode', 'consigneeInfo');
    if (!/^[0-9]{12}$/.test(consigneeBin)) r.fail('consigneeInfo: consigneeIdentificationCode должен состоять из 12 цифр');
    const mainInfo: Record<string, unknown> = {
      supplierInfo: r.plain(si, ['supplierName', 'supplierIdentificationCode', 'supplierCountryCode']),
      consigneeInfo: r.plain(ci, ['consigneeName', 'consigneeIdentificationCode']),
    };
    const od = r.optionalChild(main, 'originalDocInfo');
    if (od) mainInfo.originalDocInfo = r.plain(od, ['docNumber', 'docDate']);
    const base = { fileId, version, sendingDateTime, supplierBin, consigneeBin };

    if (kind.type === 1005) {
      const relatesTo = r.required(doc, 'correctionDocId', 'document');
      const revise: Record<string, string> = {};
      const items = r.many(r.child(doc, 'productList', 'document').iCode);
      if (!items.length) r.fail('document/productList: нет ни одного iCode');
      const codes = items.map((it, i) => {
        const code = r.textOf(it).trim();
        const status = it && typeof it === 'object' ? (it as Record<string, unknown>)['@_reviseStatusCode'] : undefined;
        if (!code) r.fail(`document/productList/iCode[${i + 1}]: пустой код`);
        if (typeof status !== 'string' || !REVISE.includes(status)) r.fail(`document/productList/iCode[${i + 1}]: reviseStatusCode должен быть одним из ${REVISE.join(', ')}`);
        revise[code] = status as string;
        return { code };
      });
      return { ...base, type: 1005, relatesTo, revise, codes, fields: { document: { correctionDocId: relatesTo, mainInfo, productList: codes.map((c) => ({ iCode: c.code, reviseStatusCode: revise[c.code] })) } } };
    }

    const parts = r.child(file, 'participants', 'file');
    if (r.required(parts, 'supplierId', 'participants') !== supplierBin) r.fail('participants: supplierId не совпадает с supplierInfo/supplierIdentificationCode');
    if (r.required(parts, 'consigneeId', 'participants') !== consigneeBin) r.fail('participants: consigneeId не совпадает с consigneeInfo/consigneeIdentificationCode');
    const correction = r.required(doc, 'correctionFlag', 'document');
    if (correction !== 'true' && correction !== 'false') r.fail('document: correctionFlag должен быть true или false');
    const corrective = kind.type === 1100 || kind.type === 1300;
    if ((correction === 'true') !== corrective) r.fail(`document: correctionFlag=${correction} не соответствует fileId ${fileId}`);
    const docAttrs: Record<string, unknown> = { correctionFlag: correction === 'true' };
    let relatesTo: string | undefined;
    if (kind.type === 1000 || kind.type === 1100) {
      if (!/^[0-9]{12}$/.test(supplierBin)) r.fail('supplierInfo: supplierIdentificationCode должен состоять из 12 цифр');
      const op = r.required(doc, 'operationType', 'document');
      if (op !== '1' && op !== '2') r.fail('document: operationType должен быть 1 (продажа) или 2 (комиссия, агентский договор)');
      docAttrs.operationType = Number(op);
      if (corrective) {
        relatesTo = r.required(doc, 'correctionDocId', 'document');
        docAttrs.correctionDocId = relatesTo;
        docAttrs.regNumber = r.required(doc, 'regNumber', 'document');
        docAttrs.regDate = r.required(doc, 'regDate', 'document');
      }
    } else {
      const country = r.required(si, 'supplierCountryCode', 'supplierInfo');
      if (!COUNTRIES.includes(country)) r.fail(`supplierInfo: supplierCountryCode ${country} должен быть одним из ${COUNTRIES.join(', ')}`);
      if (!SUPPLIER_ID[country].test(supplierBin)) r.fail(`supplierInfo: supplierIdentificationCode ${supplierBin} не соответствует стране ${country} (RU: 10 или 12 цифр, KG: 14, BY: 9, AM: 8)`);
      const name = r.required(si, 'supplierName', 'supplierInfo');
      if (name.length > 255) r.fail('supplierInfo: supplierName длиннее 255 символов');
      if (corrective) {
        relatesTo = r.required(doc, 'primaryDocId', 'document');
        if (relatesTo.length > 36) r.fail('document: primaryDocId длиннее 36 символов');
        docAttrs.primaryDocId = relatesTo;
        docAttrs.primaryDocNumber = r.required(doc, 'primaryDocNumber', 'document');
        docAttrs.primaryDocDate = r.required(doc, 'primaryDocDate', 'document');
      }
      for (const name of ['exciseInfo', 'complianceInfo']) {
        const c = r.optionalChild(main, name);
        if (c) mainInfo[name] = c;
      }
    }
    const codes = productList(doc, 'document');
    if (kind.type !== 1200 && kind.type !== 1300) codes.forEach((c, i) => c.count === undefined && r.fail(`document/productList/iCode[${i + 1}]: нет обязательного атрибута count`));
    const totals = productTotals(r, doc);
    return { ...base, type: kind.type, relatesTo, codes, totals, fields: { document: { ...docAttrs, mainInfo, productTotals: totals } } };
  });
}

/** A formal document's totals against the consumer units of its codes (§7.3.2, change 2.14), per GTIN. */
export function totalsErrors(codes: CodeView, named: NamedCode[], totals: Record<string, number>): string[] {
  const actual: Record<string, number> = {};
  for (const { code } of named) {
    const ref = codes.book.find(code);
    if (ref) actual[ref.batch.gtin] = (actual[ref.batch.gtin] ?? 0) + codes.unitsInside(ref, Infinity);
  }
  const gtins = [...new Set([...Object.keys(totals), ...Object.keys(actual)])].sort();
  return gtins.filter((g) => totals[g] !== actual[g]).map((g) => DOCUMENT_ERRORS.TOTALS_MISMATCH.text(g, totals[g] ?? 0, actual[g] ?? 0));
}

/**
 * The checks a formal document gets when it is registered (the registry once everything in processing is done), with
 * the events it appends at `at` when it passes (an import notice; an act changes codes only when approved).
 */
export function checkFormal(codes: CodeView, sender: Participant, f: FormalDocument, id: string, at: number): { errors: string[]; changes: { ref: CodeRef; event: CodeEvent }[] } {
  if (f.type === 1005) return { errors: [], changes: [] };
  const importing = f.type === 1200 || f.type === 1300;
  const checked = checkDocument(codes, sender, { id, type: importing ? 'IMPORT_TRANSIT' : 'KZ_UPD', participant: importing ? f.consigneeBin : f.supplierBin, codes: f.codes, at, receiverBin: f.consigneeBin });
  const errors = [...checked.errors, ...totalsErrors(codes, f.codes, f.totals ?? {})];
  return errors.length ? { errors, changes: [] } : { errors, changes: importing ? checked.changes : [] };
}

/** The events that put back what a document did to its codes (refused, with the errors, if any changed since). */
export function revertDocument(codes: CodeView, d: TrueApiDocument, at: number): { errors: string[]; changes: { ref: CodeRef; event: CodeEvent }[] } {
  const book: CodeBook = codes.book;
  const errors: string[] = [];
  const changes: { ref: CodeRef; event: CodeEvent }[] = [];
  const seen = new Set<string>();
  for (const { code } of d.codes) {
    const ref = book.find(code);
    if (!ref) continue;
    for (const r of codes.withDescendants(ref, Infinity)) {
      const cis = book.cis(r);
      if (seen.has(cis)) continue;
      seen.add(cis);
      const events = codes.events(r, Infinity);
      // The document's own events are the latest ones of the code, or something changed it since.
      let mine = events.length;
      while (mine > 0 && events[mine - 1].docId === d.id) mine--;
      if (mine === events.length) {
        if (events.some((e) => e.docId === d.id)) errors.push(DOCUMENT_ERRORS.CHANGED_SINCE.text(cis, events[events.length - 1].docId));
        continue;
      }
      const before = codes.stateAfter(r, events.slice(0, mine));
      changes.push({ ref: r, event: { at, docId: d.id, docType: d.type, status: before.status, ownerBin: before.ownerBin, emissionType: before.emissionType } });
    }
  }
  return errors.length ? { errors, changes: [] } : { errors, changes };
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19);

/** The title's fileId (§7.1 "Title XML"): EEU_ACTPOK_… for a decision, EEU_ACT_WITHDRAW_… / EEU_IMPORTTRANSIT_WITHDRAW_… for a withdrawal. */
export function titleFileId(d: EdoDocument, decision: Decision, uuid: string, now: number): string {
  const { supplierBin, consigneeBin, type } = d.edo;
  if (decision !== 'withdraw') return `EEU_ACTPOK_${consigneeBin}_${supplierBin}_${day(now)}_${uuid}`;
  return `${type === 1200 || type === 1300 ? 'EEU_IMPORTTRANSIT_WITHDRAW' : 'EEU_ACT_WITHDRAW'}_${supplierBin}_${consigneeBin}_${day(now)}_${uuid}`;
}

/** The title XML of a decision or a withdrawal, signed by `signerName`. */
export function titleXml(d: EdoDocument, decision: Decision, fileId: string, signerName: string, now: number): string {
  return toXml(
    {
      file: {
        '@_fileId': fileId,
        '@_version': '1.0',
        '@_decision': decision.toUpperCase(),
        participants: { '@_consigneeIdNumber': d.edo.consigneeBin, '@_supplierIdNumber': d.edo.supplierBin },
        buyerInfo: {
          '@_purchaseTimestamp': stamp(now),
          sellerInfo: { '@_sellerFileId': d.edo.fileId, '@_sellerFileTimestamp': stamp(d.docDate), sign: d.edo.signature },
          signer: { '@_name': signerName },
        },
      },
    },
    { declaration: true },
  );
}

/** What a step needs the document to be in, with the handbook's refusal otherwise. */
export function requireStatus(d: EdoDocument, now: number, allowed: EdoStatus[], step: string): void {
  const s = edoStatus(d, now);
  if (!allowed.includes(s)) throw new SimError(HANDBOOK.EDO_WRONG_STATUS, [d.id, s, step]);
}

/** What a formal document needs besides its XML to be filed. */
export interface FormalFiling {
  id: string;
  number: string;
  doc: FormalDocument;
  content: string;
  signature: string;
  /** The document a divergence notice or corrective document is about (checked by the caller). */
  related?: EdoDocument;
  forcedError?: string;
}

/** The status a related document takes when the filed one passes: the act under divergence (8), the corrected one (17). */
const RELATED_STATUS: Partial<Record<EdoType, EdoStatus>> = { 1005: 8, 1100: 17, 1300: 17 };

/**
 * A formal document filed now by `sender`: checked against the registry once everything in processing is done,
 * stored registered (1), then 3 (2 for a divergence notice) or 10 at the end of processing; when it passes, the
 * document it relates to changes status then, and an import notice's codes (a corrective one's after the original's
 * are put back) change then too.
 */
export function fileFormal(s: TrueApiState, book: CodeBook, sender: Participant, f: FormalFiling, now: number, processingMs: number): { state: TrueApiState; doc: EdoDocument; events: DomainEvent[] } {
  const at = now + processingMs;
  const x = f.doc;
  let ledger = s.codeChanges;
  let checked: { errors: string[]; changes: { ref: CodeRef; event: CodeEvent }[] };
  if (f.forcedError !== undefined) checked = { errors: [f.forcedError], changes: [] };
  else {
    const reverted = x.type === 1300 && f.related ? revertDocument(new CodeView(book, ledger, now), f.related, at) : { errors: [], changes: [] };
    const afterRevert = record(ledger, book, reverted.changes);
    checked = reverted.errors.length ? reverted : checkFormal(new CodeView(book, afterRevert, now), sender, x, f.id, at);
    if (!checked.errors.length) ledger = record(afterRevert, book, checked.changes);
  }
  const ok = checked.errors.length === 0;
  const importing = x.type === 1200 || x.type === 1300;
  const first = x.codes.map((c) => book.find(c.code)).find((r) => r !== undefined);
  const doc: EdoDocument = {
    id: f.id,
    number: f.number,
    type: importing ? 'IMPORT_TRANSIT' : 'KZ_UPD',
    senderBin: sender.bin,
    ...(importing ? {} : { receiverBin: x.type === 1005 ? x.supplierBin : x.consigneeBin }),
    docDate: Date.parse(x.sendingDateTime),
    receivedAt: now,
    doneAt: at,
    outcome: ok ? 'CHECKED_OK' : 'CHECKED_NOT_OK',
    errors: checked.errors,
    content: f.content,
    ...(first ? { productGroup: first.batch.productGroup } : {}),
    fields: { ...x.fields, fileId: x.fileId, version: x.version, sendingDateTime: x.sendingDateTime },
    codes: x.codes,
    edo: { type: x.type, fileId: x.fileId, supplierBin: x.supplierBin, consigneeBin: x.consigneeBin, signature: f.signature, changes: [], titles: {}, ...(f.related ? { relatesTo: f.related.id } : {}), ...(x.revise ? { revise: x.revise } : {}) },
  };
  let documents = pmap.set(s.documents, doc.id, doc);
  const relatedStatus = RELATED_STATUS[x.type];
  if (ok && f.related && relatedStatus !== undefined) documents = pmap.set(documents, f.related.id, withStatus(f.related, at, relatedStatus));
  return {
    state: { ...s, documents, fileIds: pmap.set(s.fileIds, x.fileId, doc.id), codeChanges: ledger },
    doc,
    events: [{ type: 'EdoDocumentRegistered', documentId: doc.id, fileId: x.fileId, edoType: doc.edo.type, supplierBin: doc.edo.supplierBin, consigneeBin: doc.edo.consigneeBin, outcome: doc.outcome, codes: doc.codes.length }],
  };
}

/** The document with one more status change. */
export const withStatus = (d: EdoDocument, at: number, status: EdoStatus): EdoDocument => ({ ...d, edo: { ...d.edo, changes: [...d.edo.changes, { at, status }] } });

/** An EDO document by its id or its fileId (as a sender names it in correctionDocId / primaryDocId). */
export function edoByIdOrFileId(s: TrueApiState, id: string): EdoDocument | undefined {
  const d = pmap.get(s.documents, id) ?? pmap.get(s.documents, pmap.get(s.fileIds, id) ?? '');
  return d && isEdo(d) ? d : undefined;
}

/** What a divergence notice or corrective document may relate to: whose, of which type, in which status. */
const RELATED: Partial<Record<EdoType, { name: string; types: EdoType[]; side: 'receiver' | 'sender'; statuses: EdoStatus[]; step: string }>> = {
  1005: { name: 'correctionDocId', types: [1000, 1100], side: 'receiver', statuses: [3], step: 'уведомление о расхождениях' },
  1100: { name: 'correctionDocId', types: [1000, 1100], side: 'sender', statuses: [3, 5, 8], step: 'корректировка' },
  1300: { name: 'primaryDocId', types: [1200, 1300], side: 'sender', statuses: [3], step: 'корректировка' },
};

/** The document a divergence notice or a corrective document is about, in a status that allows it (once everything filed is done). */
export function relatedDocument(s: TrueApiState, f: FormalDocument, bin: string): EdoDocument | undefined {
  const w = RELATED[f.type];
  if (f.relatesTo === undefined || !w) return undefined;
  const d = edoByIdOrFileId(s, f.relatesTo);
  if (!d || !w.types.includes(d.edo.type) || (w.side === 'receiver' ? d.receiverBin : d.senderBin) !== bin) throw new SimError(HANDBOOK.RELATED_NOT_FOUND, [w.name, f.relatesTo]);
  requireStatus(d, Infinity, w.statuses, w.step);
  return d;
}

/** What each step is called in the refusal of a document in the wrong status. */
export const STEP: Record<Decision, string> = { approve: 'подписание', reject: 'отклонение', withdraw: 'отзыв' };

/**
 * A title signed now (§7.1.10, §7.1.12): the document takes its status (4, 5, 16). An approval moves the act's codes
 * and their contents to the consignee, checked again now; a withdrawn import notice puts its codes back. Codes that
 * changed since refuse the step (400) and nothing changes.
 */
export function signedTitle(s: TrueApiState, book: CodeBook, id: string, decision: Decision, now: number): { state: TrueApiState; events: DomainEvent[] } {
  const d = pmap.get(s.documents, id) as EdoDocument;
  const title = d.edo.titles[decision];
  if (!title) throw new SimError(HANDBOOK.TITLE_NOT_MADE, [d.id, decision]);
  requireStatus(d, now, [3], STEP[decision]);
  const codes = new CodeView(book, s.codeChanges, now);
  let effect: { errors: string[]; changes: { ref: CodeRef; event: CodeEvent }[] } = { errors: [], changes: [] };
  if (decision === 'approve') {
    const supplier = s.world.participants.find((p) => p.bin === d.edo.supplierBin)!;
    effect = checkDocument(codes, supplier, { id: d.id, type: 'KZ_UPD', participant: supplier.bin, codes: d.codes, at: now, receiverBin: d.edo.consigneeBin });
  } else if (decision === 'withdraw' && (d.edo.type === 1200 || d.edo.type === 1300)) effect = revertDocument(codes, d, now);
  if (effect.errors.length) throw new SimError(HANDBOOK.CODES_CHANGED, [d.id, effect.errors.join(', ')]);
  const status: EdoStatus = decision === 'approve' ? 4 : decision === 'reject' ? 5 : 16;
  const signed = withStatus({ ...d, edo: { ...d.edo, titles: { ...d.edo.titles, [decision]: { ...title, signedAt: now } } } }, now, status);
  return {
    state: { ...s, documents: pmap.set(s.documents, d.id, signed), codeChanges: record(s.codeChanges, book, effect.changes) },
    events: [{ type: 'TitleSigned', documentId: d.id, decision, edoStatus: status, codesChanged: effect.changes.length }],
  };
}
