/**
 * True API's cross-border shipments with recognition (§7.7–§7.11, §5.8, §5.9): exports to the EAEU a KZ participant
 * declares (`/edo-api/shipments`), and imports from the EAEU a foreign exporter's operator sends (made by the control
 * plane, `POST /__sim/true-api/shipments`), which the importer accepts or rejects code by code.
 *
 * An export is CHECKING, SENT, WAITING_ACCEPTANCE, then ACCEPTED — each stage shipmentStepMs on the virtual clock —
 * or ERROR at the end of CHECKING with every error found (the codes not the exporter's, not in circulation, not
 * shoes). Accepted, its codes are EXPORTED (§5.8, inferred). An import waits for acceptance (WAIT_ACCEPTANCE); the
 * importer's acceptance notice (LP_ACCEPT_GOODS) is IN_PROGRESS for documentProcessingMs, then ACCEPTED — the codes it
 * accepts INTRODUCED, owned by the importer, FOREIGN — or CHECKED_NOT_OK with its errors and nothing changed.
 *
 * Foreign codes have a home in the registry: a batch of APPLIED codes owned by the importer (default world batch 19),
 * as for the other imports.
 */
import { SimError } from '../../core/errors.js';
import type { DomainEvent } from '../../core/system.js';
import type { IdSource } from '../../core/ids.js';
import { pmap } from '../../core/pmap.js';
import type { CodeBook, CodeRef } from './codes.js';
import { CONTROL_ERRORS, SHIPMENT_ERRORS } from './handbook.js';
import { checkDocument } from './documents.js';
import { record, type CodeView } from './ledger.js';
import type { Acceptance, CodeEvent, ExportStatus, Participant, Shipment, ShipmentError, ShipmentProduct, TrueApiState } from './state.js';






/** An export's status at a moment. */
export function exportStatus(x: Shipment, now: number, stepMs: number): ExportStatus {
  const step = Math.floor((now - x.createdAt) / stepMs);
  if (step < 1) return 'CHECKING';
  if (x.errors.length) return 'ERROR';
  return step < 2 ? 'SENT' : step < 3 ? 'WAITING_ACCEPTANCE' : 'ACCEPTED';
}

/** An incoming shipment's status (§7.9.1): waiting, then ACCEPTED once its acceptance is processed and passed. */
export function importStatus(x: Shipment, acceptance: Acceptance | undefined, now: number): 'WAIT_ACCEPTANCE' | 'ACCEPTED' {
  return acceptance && now >= acceptance.doneAt && !acceptance.errors.length ? 'ACCEPTED' : 'WAIT_ACCEPTANCE';
}

export const acceptanceStatus = (a: Acceptance, now: number) => (now < a.doneAt ? 'IN_PROGRESS' : a.errors.length ? 'CHECKED_NOT_OK' : 'ACCEPTED');

/** The documents' errors of a shipment's codes (§7.7: they make the export ERROR). */
export function exportErrors(codes: CodeView, exporter: string, list: string[]): ShipmentError[] {
  const errors: ShipmentError[] = [];
  const seen = new Set<string>();
  for (const c of list) {
    const ref = codes.book.find(c);
    if (!ref || !codes.canSee(ref, exporter)) {
      errors.push(SHIPMENT_ERRORS.UNKNOWN(c));
      continue;
    }
    const cis = codes.book.cis(ref);
    if (seen.has(cis)) continue;
    seen.add(cis);
    const now = codes.state(ref, Infinity);
    if (ref.batch.productGroup !== 'shoes') errors.push(SHIPMENT_ERRORS.GROUP(cis, ref.batch.productGroup));
    if (now.ownerBin !== exporter) errors.push(SHIPMENT_ERRORS.NOT_OWNER(cis, exporter));
    else if (now.status !== 'INTRODUCED' && now.status !== 'INTRODUCED_RETURNED') errors.push(SHIPMENT_ERRORS.STATUS(cis, now.status));
  }
  return errors;
}

/** The events of an accepted export: its codes and what is inside them EXPORTED when the receiver accepts. */
export function exportChanges(codes: CodeView, x: Shipment, at: number): { ref: CodeRef; event: CodeEvent }[] {
  const out: { ref: CodeRef; event: CodeEvent }[] = [];
  for (const p of x.products) {
    const ref = codes.book.find(p.cis);
    if (!ref) continue;
    for (const r of codes.withDescendants(ref, Infinity)) out.push({ ref: r, event: { at, docId: x.id, docType: 'EAS_CROSSBORDER', status: 'EXPORTED', ownerBin: codes.state(r, Infinity).ownerBin } });
  }
  return out;
}

/**
 * An acceptance filed now: its accepted codes checked like an import (the importer's, APPLIED), and in effect at the
 * end of processing (INTRODUCED, FOREIGN); rejected codes stay as they are.
 */
export function fileAcceptance(s: TrueApiState, codes: CodeView, importer: Participant, a: Omit<Acceptance, 'errors' | 'doneAt' | 'receivedAt'>, now: number, processingMs: number, forcedError?: string): { state: TrueApiState; acceptance: Acceptance; events: DomainEvent[] } {
  const at = now + processingMs;
  const accepted = Object.entries(a.accepted)
    .filter(([, ok]) => ok)
    .map(([code]) => ({ code }));
  const checked = forcedError !== undefined ? { errors: [forcedError], changes: [] } : accepted.length ? checkDocument(codes, importer, { id: a.id, type: 'IMPORT_TRANSIT', participant: importer.bin, codes: accepted, at }) : { errors: [], changes: [] };
  const acceptance: Acceptance = { ...a, receivedAt: now, doneAt: at, errors: checked.errors.map((e) => SHIPMENT_ERRORS.IMPORT(e)) };
  const x = pmap.get(s.shipments, a.shipmentId)!;
  return {
    state: {
      ...s,
      acceptances: pmap.set(s.acceptances, a.id, acceptance),
      shipments: pmap.set(s.shipments, x.id, { ...x, acceptanceId: a.id }),
      codeChanges: checked.errors.length ? s.codeChanges : record(s.codeChanges, codes.book, checked.changes.map((c) => ({ ...c, event: { ...c.event, docType: 'LP_ACCEPT_GOODS' } }))),
    },
    acceptance,
    events: [{ type: 'ShipmentAcceptanceFiled', shipmentId: x.id, acceptanceId: a.id, accepted: accepted.length, of: Object.keys(a.accepted).length, errors: acceptance.errors.length }],
  };
}

/** A base64 JSON document of the shipment family, or the family's refusal. */
export function readJsonDocument(base64: string, refuse: (why: string) => SimError): Record<string, unknown> {
  const text = Buffer.from(base64, 'base64').toString('utf8');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw refuse('document не является JSON в base64');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw refuse('document должен быть объектом JSON');
  return v as Record<string, unknown>;
}

const DATE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
const str = (v: unknown, max = 255) => typeof v === 'string' && v.trim().length > 0 && v.length <= max;

/** §7.7.1's fields, checked as its JSON schema would: every problem, in order. */
export function exportSchemaProblems(d: Record<string, unknown>, sender: string): string[] {
  const p: string[] = [];
  if (d.productGroup !== 'shoes') p.push(`productGroup: ${JSON.stringify(d.productGroup ?? null)} не входит в [shoes]`);
  if (typeof d.exporterCode !== 'string' || !/^[0-9]{12}$/.test(d.exporterCode)) p.push('exporterCode: должен состоять из 12 цифр');
  else if (d.exporterCode !== sender) p.push(`exporterCode: ${d.exporterCode} не совпадает с ИИН/БИН отправителя ${sender}`);
  if (!['AM', 'BY', 'KG', 'RU', '051', '112', '417', '643'].includes(String(d.receiverCountryCode))) p.push('receiverCountryCode: должен быть одним из AM, BY, KG, RU (051, 112, 417, 643)');
  for (const f of ['receiverCode', 'receiverName', 'documentNumber']) if (!str(d[f])) p.push(`${f}: обязательное поле (строка до 255 символов)`);
  for (const f of ['documentDate', 'transferDate']) if (typeof d[f] !== 'string' || !DATE.test(d[f] as string)) p.push(`${f}: обязательное поле в формате yyyy-MM-dd`);
  if (!Array.isArray(d.productList) || !d.productList.length || d.productList.length > 30_000) p.push('productList: от 1 до 30000 элементов');
  else
    d.productList.forEach((it: unknown, i) => {
      const x = (it ?? {}) as Record<string, unknown>;
      if (!str(x.cis, 200)) p.push(`productList[${i}].cis: обязательное поле`);
      for (const f of ['price', 'vat']) if (x[f] !== undefined && (typeof x[f] !== 'number' || (x[f] as number) < 0)) p.push(`productList[${i}].${f}: должно быть неотрицательным числом`);
      if (x.documentList !== undefined && (!Array.isArray(x.documentList) || x.documentList.length > 2)) p.push(`productList[${i}].documentList: не более 2 элементов`);
    });
  return p;
}

/** The export's products as stored. */
export const exportProducts = (d: Record<string, unknown>): ShipmentProduct[] =>
  (d.productList as Record<string, unknown>[]).map((x) => ({
    cis: String(x.cis),
    ...(typeof x.price === 'number' ? { price: x.price } : {}),
    ...(typeof x.vat === 'number' ? { vat: x.vat } : {}),
    certificates: ((x.documentList as Record<string, unknown>[] | undefined) ?? []).map((c) => ({
      certificateType: String(c.docKind ?? ''),
      certificateNum: String(c.docNumber ?? ''),
      certificateDate: String(c.docDate ?? ''),
    })),
  }));

/** Homoglyphs of §7.10's `request_type` ("АСCEPTANCE " with Cyrillic А and С and a trailing space, §6.3 #12). */
export const normalizeRequestType = (v: unknown) => (typeof v === 'string' ? v.trim().replace(/А/g, 'A').replace(/С/g, 'C').replace(/Е/g, 'E').replace(/Р/g, 'P').replace(/Т/g, 'T') : v);

/** §7.10.1's fields against the shipment they answer: every problem, in order. */
export function acceptanceProblems(d: Record<string, unknown>, x: Shipment | undefined, importer: string): string[] {
  const p: string[] = [];
  if (typeof d.shipment_id !== 'string' || !x) p.push(`shipment_id: отгрузка ${JSON.stringify(d.shipment_id ?? null)} не найдена`);
  if (!str(d.document_num)) p.push('document_num: обязательное поле (строка до 255 символов)');
  for (const f of ['document_date', 'acceptance_date']) if (typeof d[f] !== 'string' || !DATE.test(d[f] as string)) p.push(`${f}: обязательное поле в формате yyyy-MM-dd`);
  if (typeof d.receiver_inn !== 'string' || !/^[0-9]{12}$/.test(d.receiver_inn)) p.push('receiver_inn: должен состоять из 12 цифр');
  else if (d.receiver_inn !== importer) p.push(`receiver_inn: ${d.receiver_inn} не совпадает с ИИН/БИН отправителя ${importer}`);
  if (typeof d.exporter_taxpayer_id !== 'string' || !/^([0-9]{8}|[0-9]{9}|[0-9]{10}|[0-9]{12})$/.test(d.exporter_taxpayer_id)) p.push('exporter_taxpayer_id: 8, 9, 10 или 12 цифр');
  else if (x && d.exporter_taxpayer_id !== x.exporterInn) p.push(`exporter_taxpayer_id: ${d.exporter_taxpayer_id} не совпадает с экспортёром отгрузки ${x.exporterInn}`);
  if (!str(d.exporter_name)) p.push('exporter_name: обязательное поле (строка до 255 символов)');
  if (!['112', '417', '051', '643'].includes(String(d.sender_country_code))) p.push('sender_country_code: должен быть одним из 112, 417, 051, 643');
  if (normalizeRequestType(d.request_type) !== 'ACCEPTANCE') p.push('request_type: должен быть ACCEPTANCE');
  if (typeof d.reject_all !== 'boolean') p.push('reject_all: обязательное логическое поле');
  if (d.reject_all !== true) {
    if (!Array.isArray(d.products) || !d.products.length) p.push('products: обязательное поле, если reject_all не true');
    else {
      const inShipment = new Set(x?.products.map((q) => q.cis));
      d.products.forEach((it: unknown, i) => {
        const q = (it ?? {}) as Record<string, unknown>;
        if (typeof q.cis !== 'string' || (x && !inShipment.has(q.cis))) p.push(`products[${i}].cis: КИ ${JSON.stringify(q.cis ?? null)} не входит в отгрузку`);
        if (typeof q.accepted !== 'boolean') p.push(`products[${i}].accepted: обязательное логическое поле`);
      });
    }
  }
  return p;
}

export interface IncomingShipmentInput {
  receiverBin: string;
  exporterInn: string;
  exporterName: string;
  senderCountryCode: '643' | '112' | '417' | '051';
  documentNumber?: string;
  documentDate?: string;
  transferDate?: string;
  products: { cis: string; cost?: number; tax?: number; certificateType?: string; certificateNum?: string; certificateDate?: string }[];
}

/** §5.9 step 1: an EAEU exporter's shipment reaching the importer (the control plane plays the foreign operator). */
export function fileIncomingShipment(s: TrueApiState, book: CodeBook, receiver: Participant, b: IncomingShipmentInput, now: number, ids: IdSource): { state: TrueApiState; shipment: Shipment } {
  for (const p of b.products) if (!book.find(p.cis)) throw new SimError(CONTROL_ERRORS.UNKNOWN_CODE, [p.cis]);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const shipment: Shipment = {
    id: ids.uuid('shipment'),
    direction: 'import',
    exporterInn: b.exporterInn,
    exporterName: b.exporterName,
    receiverInn: receiver.bin,
    receiverName: receiver.name,
    countryCode: b.senderCountryCode,
    documentNumber: b.documentNumber ?? ids.hex('shipment-number', 16).toUpperCase(),
    documentDate: b.documentDate ?? day(now),
    transferDate: b.transferDate ?? day(now),
    products: b.products.map((p) => ({
      cis: book.cis(book.find(p.cis)!),
      ...(p.cost !== undefined ? { price: p.cost } : {}),
      ...(p.tax !== undefined ? { vat: p.tax } : {}),
      certificates: p.certificateType ? [{ certificateType: p.certificateType, certificateNum: p.certificateNum ?? '', certificateDate: p.certificateDate ?? '' }] : [],
    })),
    createdAt: now,
    errors: [],
    content: JSON.stringify(b),
  };
  return { state: { ...s, shipments: pmap.set(s.shipments, shipment.id, shipment) }, shipment };
}
