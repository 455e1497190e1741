/**
 * True API notices (§7.2 re-introduction, §7.5 import from third countries, §7.6 withdrawal) and receipts: the XML a
 * client sends, read into a document; the checks a document gets against the registry; what it does to codes.
 *
 * A document is checked when it is submitted, against the registry as it will be once every document still in
 * processing is done, and takes effect at the end of its processing (documentProcessingMs on the virtual clock):
 * until then it is IN_PROGRESS and the codes are as they were. A document that fails any check is CHECKED_NOT_OK
 * with every error found, and changes nothing.
 *
 * Readings of the document (x-sim-interpretation in the contract): a field is read as an attribute or as a child
 * element (the act example uses attributes; the notices are described only as tables); a code names itself and what
 * is inside it (an aggregate's children follow it); a code taken out of its aggregate alone leaves the aggregate.
 */
import { SimError } from '../../core/errors.js';
import type { DomainEvent } from '../../core/system.js';
import type { IdSource } from '../../core/ids.js';
import { pmap } from '../../core/pmap.js';
import { parseXml, XmlInvalid } from '../../core/xml.js';
import type { CodeBook, CodeRef } from './codes.js';
import { DOCUMENT_ERRORS, HANDBOOK } from './handbook.js';
import { CodeView, record } from './ledger.js';
import type { CodeEvent, DocumentType, EdoDocument, EdoStatus, EdoWorkflow, NamedCode, Participant, TrueApiDocument, TrueApiState } from './state.js';
import { CODE_STATUSES, type CodeStatus, type DOCUMENT_TYPES, type DocumentStatus } from './reference.js';


/** §7.6 reasons of a withdrawal; 1–4 (defect, loss, damage, destruction) write the codes off, the rest withdraw them. */
export const WITHDRAWAL_REASONS = Array.from({ length: 18 }, (_, i) => String(i + 1));
const WRITE_OFF_REASONS = new Set(['1', '2', '3', '4']);
/** §7.2 reasons of a re-introduction. */
export const REINTRODUCTION_REASONS = ['1', '2', '3'];




/** An EDO document's §9.6 status at a moment (Infinity: once everything filed is done). */
export function edoStatus(d: EdoDocument, at: number): EdoStatus {
  if (at < d.doneAt) return 1;
  let s: EdoStatus = d.outcome === 'CHECKED_NOT_OK' ? 10 : d.edo.type === 1005 ? 2 : 3;
  for (const c of d.edo.changes) if (c.at <= at) s = c.status;
  return s;
}

/**
 * The "Документы" status of an EDO document (§7.1.6 lists acts there): an act is CHECKED_OK once approved, CHECKED_NOT_OK
 * when it failed, was rejected, withdrawn or annulled, IN_PROGRESS while its workflow runs; a notice (import,
 * divergence) is CHECKED_OK once registered.
 */
export function edoDocumentStatus(d: EdoDocument, at: number): DocumentStatus {
  const s = edoStatus(d, at);
  if (s === 1) return 'IN_PROGRESS';
  if (s === 4 || s === 2 || (s === 3 && (d.edo.type === 1200 || d.edo.type === 1300))) return 'CHECKED_OK';
  if (s === 3 || s === 8 || s === 18 || s === 19 || s === 20) return 'IN_PROGRESS';
  return 'CHECKED_NOT_OK';
}

export const documentStatus = (d: TrueApiDocument, now: number): DocumentStatus => (d.edo ? edoDocumentStatus(d as EdoDocument, now) : now < d.doneAt ? 'IN_PROGRESS' : d.outcome);

/** A notice read from its XML: the type-specific fields, the codes, the participant it names. */
export interface Notice {
  fileId: string;
  version: string;
  sendingDateTime: string;
  /** The participant the notice is for (participantIdentificationCode / importerCode). */
  participant: string;
  reason?: string;
  codes: NamedCode[];
  /** The JSON form (§7.1.5 body) without the code list. */
  fields: Record<string, unknown>;
}

type Node = Record<string, unknown>;

class Problem extends Error {}
const fail = (what: string): never => {
  throw new Problem(what);
};

/** A field written as an attribute (`@_name`) or a child element's text. */
function field(node: Node | undefined, name: string): string | undefined {
  if (!node) return undefined;
  const a = node[`@_${name}`];
  if (typeof a === 'string') return a;
  const c = node[name];
  if (typeof c === 'string') return c;
  if (c && typeof c === 'object' && !Array.isArray(c) && typeof (c as Node)['#text'] === 'string') return (c as Node)['#text'] as string;
  if (c && typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 0) return '';
  return undefined;
}
function required(node: Node | undefined, name: string, where: string): string {
  const v = field(node, name);
  if (v === undefined || v.trim() === '') fail(`${where}: нет обязательного поля ${name}`);
  return v!.trim();
}
function child(node: Node | undefined, name: string, where: string): Node {
  const c = node?.[name];
  if (!c || typeof c !== 'object' || Array.isArray(c)) return fail(`${where}: нет обязательного элемента ${name}`);
  return c as Node;
}
const optionalChild = (node: Node | undefined, name: string): Node | undefined => {
  const c = node?.[name];
  return c && typeof c === 'object' && !Array.isArray(c) ? (c as Node) : undefined;
};
const many = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const textOf = (v: unknown): string => (typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as Node)['#text'] === 'string' ? ((v as Node)['#text'] as string) : '');

/** Attributes and child elements of an element as plain JSON (the `body` form of §7.1.5). */
function plain(node: Node | undefined, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = field(node, n);
    if (v !== undefined) out[n] = v;
  }
  return out;
}

const DATE_DMY = /^(0[1-9]|[12][0-9]|3[01])\.(0[1-9]|1[0-2])\.[0-9]{4}$/;
const DATE_ISO = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The codes of a productList: `iCode` elements with an optional `count` (`Count` in §7.6's table). */
export function productList(doc: Node, where: string): NamedCode[] {
  const list = child(doc, 'productList', where);
  const items = many(list.iCode);
  if (!items.length) fail(`${where}/productList: нет ни одного iCode`);
  return items.map((it, i) => {
    const code = textOf(it).trim();
    if (!code) fail(`${where}/productList/iCode[${i + 1}]: пустой код`);
    const raw = it && typeof it === 'object' ? (((it as Node)['@_count'] ?? (it as Node)['@_Count']) as string | undefined) : undefined;
    if (raw === undefined) return { code };
    if (!/^[1-9][0-9]{0,6}$/.test(raw)) fail(`${where}/productList/iCode[${i + 1}]: count должен быть целым числом больше 0`);
    return { code, count: Number(raw) };
  });
}

/** The root `file` element and its header: fileId, version, sendingDateTime (UTC). */
function header(xml: string): { file: Node; fileId: string; version: string; sendingDateTime: string } {
  let parsed: Node;
  try {
    parsed = parseXml(xml);
  } catch (e) {
    if (e instanceof XmlInvalid) return fail(e.message);
    throw e;
  }
  const file = optionalChild(parsed, 'file') ?? fail('корневой элемент должен быть file');
  const fileId = required(file, 'fileId', 'file');
  if (fileId.length > 255) fail('file: fileId длиннее 255 символов');
  const sendingDateTime = required(file, 'sendingDateTime', 'file');
  if (Number.isNaN(Date.parse(sendingDateTime))) fail(`file: sendingDateTime ${sendingDateTime} не является датой и временем YYYY-MM-DDThh:mm:ssZ`);
  return { file, fileId, version: required(file, 'version', 'file'), sendingDateTime };
}

/**
 * §7.2 / §7.6: `file/document/mainInfo{reason, participantInfo{participantName?, participantIdentificationCode},
 * originalDocInfo{docName, docNumber, docDate dd.mm.yyyy}}` and `document/productList/iCode[@count]`.
 */
function readParticipantNotice(xml: string, reasons: string[]): Notice {
  const { file, fileId, version, sendingDateTime } = header(xml);
  const doc = child(file, 'document', 'file');
  const main = child(doc, 'mainInfo', 'document');
  const reason = required(main, 'reason', 'mainInfo');
  if (!reasons.includes(reason)) fail(`mainInfo: reason ${reason} не входит в справочник (${reasons.join(', ')})`);
  const pi = child(main, 'participantInfo', 'mainInfo');
  const participant = required(pi, 'participantIdentificationCode', 'participantInfo');
  const od = child(main, 'originalDocInfo', 'mainInfo');
  for (const f of ['docName', 'docNumber', 'docDate']) required(od, f, 'originalDocInfo');
  if (!DATE_DMY.test(field(od, 'docDate')!)) fail('originalDocInfo: docDate должна быть в формате dd.mm.yyyy');
  return {
    fileId,
    version,
    sendingDateTime,
    participant,
    reason,
    codes: productList(doc, 'document'),
    fields: { mainInfo: { participantInfo: plain(pi, ['participantName', 'participantIdentificationCode']), originalDocInfo: plain(od, ['docName', 'docNumber', 'docDate']), reason } },
  };
}

export const readWithdrawal = (xml: string) => readParticipantNotice(xml, WITHDRAWAL_REASONS);
export const readReintroduction = (xml: string) => readParticipantNotice(xml, REINTRODUCTION_REASONS);

/**
 * §7.5: fileId `IMPORT_<UUID>`; `document/mainInfo{importerInfo{importerName, importerCode}, exportCountry,
 * customDocument{docType, regNumber, regDate}, customDecisionInfo{decisionCode, decisionDateTime, customCode},
 * certificationInfo{docType, docNumber, docDate}, originalDocInfo?}` and `document/productItems/item[]
 * {iCodeFromDeclaration, product{tnved (trved), gtin, originCountry, itemNumber, iCode*}}`.
 */
export function readImport(xml: string): Notice {
  const { file, fileId, version, sendingDateTime } = header(xml);
  if (!/^IMPORT_/.test(fileId) || !UUID.test(fileId.slice(7))) fail(`file: fileId ${fileId} должен быть в формате IMPORT_<UUID>`);
  const doc = child(file, 'document', 'file');
  const main = child(doc, 'mainInfo', 'document');
  const imp = child(main, 'importerInfo', 'mainInfo');
  const importerName = required(imp, 'importerName', 'importerInfo');
  if (importerName.length > 100) fail('importerInfo: importerName длиннее 100 символов');
  const participant = required(imp, 'importerCode', 'importerInfo');
  const exportCountry = required(main, 'exportCountry', 'mainInfo');
  const cd = child(main, 'customDocument', 'mainInfo');
  const docType = required(cd, 'docType', 'customDocument');
  if (docType !== 'DECLARATION' && docType !== 'STATEMENT') fail(`customDocument: docType ${docType} должен быть DECLARATION или STATEMENT`);
  required(cd, 'regNumber', 'customDocument');
  if (!DATE_ISO.test(required(cd, 'regDate', 'customDocument'))) fail('customDocument: regDate должна быть в формате YYYY-MM-DD');
  const decision = child(main, 'customDecisionInfo', 'mainInfo');
  const decisionCode = required(decision, 'decisionCode', 'customDecisionInfo');
  if (!['10', '11', '12', '13', '14', '20'].includes(decisionCode)) fail(`customDecisionInfo: decisionCode ${decisionCode} не входит в справочник (10, 11, 12, 13, 14, 20)`);
  if (Number.isNaN(Date.parse(required(decision, 'decisionDateTime', 'customDecisionInfo')))) fail('customDecisionInfo: decisionDateTime должна быть в формате YYYY-MM-DDThh:mm:ssZ');
  if (!/^[0-9]{5}$/.test(required(decision, 'customCode', 'customDecisionInfo'))) fail('customDecisionInfo: customCode должен состоять из 5 цифр');
  const cert = child(main, 'certificationInfo', 'mainInfo');
  for (const f of ['docType', 'docNumber', 'docDate']) required(cert, f, 'certificationInfo');
  const od = optionalChild(main, 'originalDocInfo');
  const items = many(child(doc, 'productItems', 'document').item);
  if (!items.length) fail('productItems: нет ни одного item');
  const codes: NamedCode[] = [];
  const productItems = items.map((it, i) => {
    const where = `productItems/item[${i + 1}]`;
    if (!it || typeof it !== 'object') return fail(`${where}: пустой элемент`);
    const declared = required(it as Node, 'iCodeFromDeclaration', where);
    const product = child(it as Node, 'product', where);
    const tnved = field(product, 'tnved') ?? field(product, 'trved');
    if (!tnved || !/^[0-9]{10}$/.test(tnved)) fail(`${where}/product: tnved должен состоять из 10 цифр`);
    if (!/^[0-9]{14}$/.test(required(product, 'gtin', `${where}/product`))) fail(`${where}/product: gtin должен состоять из 14 цифр`);
    required(product, 'originCountry', `${where}/product`);
    if (!/^[0-9]+$/.test(required(product, 'itemNumber', `${where}/product`))) fail(`${where}/product: itemNumber должен быть числом`);
    const units = many(product.iCode).map((u) => textOf(u).trim());
    codes.push({ code: declared }, ...units.filter(Boolean).map((code) => ({ code })));
    return { iCodeFromDeclaration: declared, product: { ...plain(product, ['gtin', 'originCountry', 'itemNumber']), tnved: tnved!, ...(units.length ? { iCode: units } : {}) } };
  });
  return {
    fileId,
    version,
    sendingDateTime,
    participant,
    codes,
    fields: {
      mainInfo: {
        importerInfo: { importerName, importerCode: participant },
        exportCountry,
        customDocument: plain(cd, ['docType', 'regNumber', 'regDate']),
        customDecisionInfo: plain(decision, ['decisionCode', 'decisionDateTime', 'customCode']),
        certificationInfo: plain(cert, ['docType', 'docNumber', 'docDate']),
        ...(od ? { originalDocInfo: plain(od, ['docNumber', 'docDate']) } : {}),
      },
      productItems,
    },
  };
}

/** The XML readers' helpers, for the other document modules (edo.ts): a failure is the 400 of readNotice. */
export interface XmlReading {
  header(): ReturnType<typeof header>;
  fail: typeof fail;
  field: typeof field;
  required: typeof required;
  child: typeof child;
  optionalChild: typeof optionalChild;
  many: typeof many;
  textOf: typeof textOf;
  plain: typeof plain;
}
export const parseDocumentXml = <T>(xml: string, read: (r: XmlReading) => T): T => read({ header: () => header(xml), fail, field, required, child, optionalChild, many, textOf, plain });

/** Reads a document, or answers §7's 400 "Невалидный формат XML документа" with what is wrong. */
export function readNotice<T = Notice>(read: (xml: string) => T, base64: string): T {
  const bytes = Buffer.from(base64, 'base64');
  if (!bytes.length || bytes.toString('base64').replace(/=+$/, '') !== base64.replace(/\s+/g, '').replace(/=+$/, '')) throw new SimError(HANDBOOK.XML_INVALID, ['document не является строкой base64']);
  try {
    return read(bytes.toString('utf8'));
  } catch (e) {
    if (e instanceof Problem) throw new SimError(HANDBOOK.XML_INVALID, [e.message]);
    throw e;
  }
}

/** What a document type does to the codes it names: from which statuses, to which (default: unchanged). */
interface Effect {
  from: readonly CodeStatus[];
  to?: CodeStatus;
  /** The new owner (default: unchanged). */
  owner?: string;
  emissionType?: 'LOCAL' | 'FOREIGN';
}

/** §5 (inferred; x-sim-interpretation): the transitions of each notice. */
export function effectOf(type: DocumentType, reason: string | undefined, sender: string, receiver?: string): Effect {
  switch (type) {
    case 'KZ_UPD':
      return { from: ['INTRODUCED', 'INTRODUCED_RETURNED'], owner: receiver };
    case 'MTTPS_90':
      return { from: ['INTRODUCED', 'INTRODUCED_RETURNED'], to: WRITE_OFF_REASONS.has(reason ?? '') ? 'WRITTEN_OFF' : 'WITHDRAWN' };
    case 'KZ_INTRODUCE_GOODS':
      return reason === '2' ? { from: ['APPLIED'], to: 'INTRODUCED' } : { from: ['WITHDRAWN', 'WRITTEN_OFF'], to: 'INTRODUCED_RETURNED' };
    case 'IMPORT':
    case 'IMPORT_TRANSIT':
      return { from: ['APPLIED'], to: 'INTRODUCED', owner: sender, emissionType: 'FOREIGN' };
    case 'RECEIPT':
      return { from: ['INTRODUCED', 'INTRODUCED_RETURNED'], to: 'WITHDRAWN' };
    case 'RECEIPT_RETURN':
      return { from: ['WITHDRAWN'], to: 'INTRODUCED_RETURNED' };
  }
}

/**
 * The checks of a document against the registry once everything in processing is done, and — when it passes — the
 * events it appends. Every failing code is reported (the real service lists them all, §7.12.1's example).
 */
export function checkDocument(
  codes: CodeView,
  sender: Participant,
  d: { id: string; type: DocumentType; participant: string; reason?: string; codes: NamedCode[]; at: number; receiverBin?: string },
): { errors: string[]; changes: { ref: CodeRef; event: CodeEvent }[] } {
  const book: CodeBook = codes.book;
  const errors: string[] = [];
  if (d.participant !== sender.bin) errors.push(DOCUMENT_ERRORS.PARTICIPANT_MISMATCH.text(d.participant, sender.bin));
  const effect = effectOf(d.type, d.reason, sender.bin, d.receiverBin);
  const named = new Map<string, CodeRef>();
  for (const { code, count } of d.codes) {
    const ref = book.find(code);
    if (!ref || !codes.canSee(ref, sender.bin)) {
      errors.push(DOCUMENT_ERRORS.CODE_UNKNOWN.text(code));
      continue;
    }
    const cis = book.cis(ref);
    if (named.has(cis)) {
      errors.push(DOCUMENT_ERRORS.CODE_TWICE.text(cis));
      continue;
    }
    named.set(cis, ref);
    const now = codes.state(ref, Infinity);
    if (!sender.contracts.some((c) => c.productGroup === ref.batch.productGroup)) errors.push(DOCUMENT_ERRORS.NO_CONTRACT.text(ref.batch.productGroup, cis));
    if (now.ownerBin !== sender.bin) errors.push(DOCUMENT_ERRORS.NOT_OWNER.text(sender.bin, cis));
    else if (!effect.from.includes(now.status)) errors.push(DOCUMENT_ERRORS.STATUS_MISMATCH.text(CODE_STATUSES[now.status], cis));
    const units = codes.unitsInside(ref, Infinity);
    if (count !== undefined && count !== units) errors.push(DOCUMENT_ERRORS.COUNT_MISMATCH.text(count, cis, units));
  }
  if (errors.length) return { errors, changes: [] };
  const changes: { ref: CodeRef; event: CodeEvent }[] = [];
  const done = new Set<string>();
  for (const [cis, ref] of named) {
    const parent = codes.parent(ref, Infinity);
    // Taken out of an aggregate the document does not name: the code leaves it.
    const detached = parent !== undefined && !named.has(book.cis(parent));
    for (const r of codes.withDescendants(ref, Infinity)) {
      const key = r === ref ? cis : book.cis(r);
      if (done.has(key)) continue;
      done.add(key);
      const was = codes.state(r, Infinity);
      changes.push({ ref: r, event: { at: d.at, docId: d.id, docType: d.type, status: effect.to ?? was.status, ownerBin: effect.owner ?? was.ownerBin, ...(r === ref && detached ? { detached: true as const } : {}), ...(effect.emissionType ? { emissionType: effect.emissionType } : {}) } });
    }
  }
  return { errors, changes };
}

/** What a document is when it is filed, before the checks decide its outcome. */
export type Filing = Omit<TrueApiDocument, 'senderBin' | 'receivedAt' | 'doneAt' | 'outcome' | 'errors' | 'productGroup'> & {
  /** The participant the document names (it must be the sender). */
  participant: string;
  reason?: string;
  /** A scenario's forced outcome: CHECKED_NOT_OK with this error, whatever the codes. */
  forcedError?: string;
};

/**
 * A document filed now by `sender`: checked against the registry (or forced to fail), stored with its outcome, and —
 * when it passes — its events in the ledger, in effect at the end of processing.
 */
/** What documents without errors or without fields of their own share (the state is immutable: one of each will do). */
const NO_ERRORS: string[] = Object.freeze([]) as unknown as string[];
const NO_FIELDS: Record<string, unknown> = Object.freeze({});

export function fileDocument(s: TrueApiState, book: CodeBook, sender: Participant, f: Filing, now: number, processingMs: number): { state: TrueApiState; doc: TrueApiDocument; events: DomainEvent[] } {
  const { participant, reason, forcedError } = f;
  const at = now + processingMs;
  const checked = forcedError !== undefined ? { errors: [forcedError], changes: [] } : checkDocument(new CodeView(book, s.codeChanges, now), sender, { id: f.id, type: f.type, participant, reason, codes: f.codes, at });
  const first = f.codes.map((c) => book.find(c.code)).find((r) => r !== undefined);
  // Written out field by field, in one order, for every kind of document: a document is kept for good, and one built
  // by spreading a filing takes a hidden class of its own once frozen (some 200 bytes each).
  const doc: TrueApiDocument = {
    id: f.id,
    number: f.number,
    type: f.type,
    senderBin: sender.bin,
    receiverBin: f.receiverBin,
    docDate: f.docDate,
    receivedAt: now,
    doneAt: at,
    outcome: checked.errors.length ? 'CHECKED_NOT_OK' : 'CHECKED_OK',
    errors: checked.errors.length ? checked.errors : NO_ERRORS,
    content: f.content,
    productGroup: first?.batch.productGroup,
    fields: f.fields,
    codes: f.codes,
    receipt: f.receipt,
    edo: f.edo,
  };
  return {
    state: { ...s, documents: pmap.set(s.documents, doc.id, doc), codeChanges: record(s.codeChanges, book, checked.changes) },
    doc,
    events: [{ type: 'DocumentFiled', documentId: doc.id, documentType: doc.type, senderBin: doc.senderBin, outcome: doc.outcome, codes: doc.codes.length, codesChanged: checked.changes.length, processedAt: new Date(doc.doneAt).toISOString() }],
  };
}

/** Whether a participant may see a document: it sent it or it is addressed to it. */
export const canSeeDocument = (d: TrueApiDocument, bin: string) => d.senderBin === bin || d.receiverBin === bin;

const iso = (ms: number) => new Date(ms).toISOString();

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
export function fileReceipt(s: TrueApiState, book: CodeBook, seller: Participant, r: ReceiptInput, now: number, ids: IdSource, processingMs: number): ReturnType<typeof fileDocument> {
  const id = ids.uuid('receipt');
  const prices = r.codes.map((_, i) => r.prices?.[i] ?? 100_000);
  const fiscalDocumentNumber = [...pmap.values(s.documents)].filter((d) => d.receipt && d.senderBin === seller.bin).length + 1;
  const receipt = { kktRegId: r.kktRegId ?? '010101010101', fiscalDocumentNumber, shiftNumber: r.shiftNumber ?? 1, prices };
  const docDate = r.documentDate !== undefined ? Date.parse(r.documentDate) : now;
  // Its fields and content follow from the receipt, the codes and the seller: made when read (receiptFields), not kept.
  const filing = { id, number: id, type: r.type, participant: seller.bin, docDate, content: '', fields: NO_FIELDS, codes: r.codes.map((code) => ({ code })), receipt };
  return fileDocument(s, book, seller, filing, now, processingMs);
}

/** The JSON form of a receipt (§7.12.4): the cash register's data, the seller, its items. */
export function receiptFields(d: TrueApiDocument): Record<string, unknown> {
  const r = d.receipt!;
  return {
    kktRegId: r.kktRegId,
    fiscalDocumentNumber: r.fiscalDocumentNumber,
    shiftNumber: r.shiftNumber,
    prices: r.prices,
    operationType: d.type === 'RECEIPT' ? 1 : 2,
    userInn: d.senderBin,
    dateTime: iso(d.docDate),
    items: d.codes.map(({ code }, i) => ({ cis: code, price: r.prices[i], count: 1, sum: r.prices[i] })),
  };
}

/** A document's fields and its content as submitted (a receipt's made from what it keeps). */
export const documentFields = (d: TrueApiDocument): Record<string, unknown> => (d.receipt ? receiptFields(d) : d.fields);
export const documentContent = (d: TrueApiDocument): string => (d.receipt ? JSON.stringify(receiptFields(d)) : d.content);
