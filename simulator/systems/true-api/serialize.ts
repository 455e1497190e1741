/**
 * True API response shapes for codes (§5.5, §5.8): what the caller may see of a code. The owner's BIN and name are
 * shown to the owner only, the producer's to the producer (§5.5: "текущий собственник в обороте – только
 * владельцу"; the example masks both as "*****").
 */
import type { CodeBook, CodeRef } from './codes.js';
import { documentStatus, receiptFields } from './documents.js';
import { PACKAGE_TYPE } from './codes.js';
import type { CodeView } from './ledger.js';
import { productGroupId } from './reference.js';
import type { Participant, Product, TrueApiDocument, World } from './state.js';

export const MASK = '*****';

/** Lookups of a world that every code answer needs (made once per world). */
export class Directory {
  private readonly products = new Map<string, Product>();
  private readonly participants = new Map<string, Participant>();

  constructor(readonly world: World) {
    for (const p of world.products) this.products.set(p.gtin, p);
    for (const p of world.participants) this.participants.set(p.bin, p);
  }

  product(gtin: string): Product | undefined {
    return this.products.get(gtin);
  }

  name(bin: string): string {
    return this.participants.get(bin)?.name ?? '';
  }
}

/** The fields /cises/info, /cises/list and the history share: the code as it is now. */
export function codeFields(codes: CodeView, dir: Directory, r: CodeRef, callerBin: string) {
  const book = codes.book;
  const gtin = book.gtinOf(r);
  const card = dir.product(gtin);
  const now = codes.state(r);
  const parent = codes.parent(r);
  const owner = now.ownerBin === callerBin;
  const producer = r.batch.producerBin === callerBin;
  return {
    cis: book.cis(r),
    gtin,
    productName: card?.name ?? '',
    productGroupId: productGroupId(r.batch.productGroup)!,
    productGroup: r.batch.productGroup,
    brand: card?.brand ?? '',
    producedDate: new Date(r.batch.producedAt).toISOString(),
    packageType: PACKAGE_TYPE[r.level],
    ownerBin: owner ? now.ownerBin : MASK,
    ownerName: owner ? dir.name(now.ownerBin) : MASK,
    status: now.status,
    child: codes.children(r).map((c) => book.emitted(c)),
    ...(parent ? { parent: book.emitted(parent) } : {}),
    producerBin: producer ? r.batch.producerBin : MASK,
    producerName: producer ? dir.name(r.batch.producerBin) : MASK,
  };
}

/** The serial part of a code (§5.9 `sgtin`): what follows the GTIN (and `21`). */
export function serialOf(book: CodeBook, r: CodeRef): string {
  const cis = book.cis(r);
  return cis.startsWith('01') && (r.level === 'block' || r.batch.kind === 'units') ? cis.slice(18) : cis.slice(14);
}

/**
 * A listing row (§5.9 LpCisInfo, §6.4): parties named `...Bin` for tobacco and `...Inn` for the others, as the
 * document's examples do; owner and producer fields masked as in /cises/info.
 */
export function listRow(codes: CodeView, dir: Directory, r: CodeRef, callerBin: string) {
  const book = codes.book;
  const f = codeFields(codes, dir, r, callerBin);
  const card = dir.product(f.gtin);
  const party = r.batch.productGroup === 'tobacco' ? 'Bin' : 'Inn';
  return {
    cis: f.cis,
    gtin: f.gtin,
    sgtin: serialOf(book, r),
    countChildren: f.child.length,
    tnvedGroup: (card?.tnved ?? '').slice(0, 4),
    tnVedCode10: card?.tnved ?? '',
    [`owner${party}`]: f.ownerBin,
    ownerName: f.ownerName,
    [`producer${party}`]: f.producerBin,
    producerName: f.producerName,
    productName: f.productName,
    name: f.productName,
    brand: f.brand,
    status: f.status,
    statusEx: f.status,
    emissionDate: new Date(r.batch.emittedAt).toISOString(),
    producedDate: f.producedDate,
    emissionType: codes.state(r).emissionType,
    packageType: f.packageType,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The JSON form of a document (§7.1.5 `body`): its fields with the codes as they are now. */
export function documentBody(d: TrueApiDocument, codes: CodeView, dir: Directory): Record<string, unknown> {
  if (d.receipt) return receiptFields(d);
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
