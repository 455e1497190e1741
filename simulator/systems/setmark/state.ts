/**
 * What SetMark keeps: shops and legal entities (the world), the marks on stock per shop and their sale history, the
 * packages the ERP loaded, MRCs, article alcocodes, exclusions, RFID links, reserves, receipts, the violations
 * journal not yet pushed, the pushes waiting for the ERP and the ERP's URLs. Large collections are persistent maps.
 */
import { pmap, type PMap } from '../../core/pmap.js';
import type { PackageStatus } from './handbook.js';
import type { PackageKind } from './reference.js';

export interface Shop {
  shop: number;
  inn: string;
  name: string;
}

export interface LegalEntity {
  inn: string;
  name: string;
}

/** §5.2: ACTIVE (on stock), SOLD, RETURNED (on stock again), SOLD_IN_BLOCK (a pack of a sold block), DISBANDED (a block with a pack sold). */
export type MarkState = 'ACTIVE' | 'SOLD' | 'RETURNED' | 'SOLD_IN_BLOCK' | 'DISBANDED';

export interface Sale {
  shop: number;
  cash: number;
  checkNumber: string;
  inn?: string;
  at: number;
}

export interface Mark {
  code: string;
  productType: number;
  shop: number;
  inn?: string;
  barcode?: string;
  item?: string;
  alcocode?: string;
  gtd?: string;
  rccw?: string;
  country?: string;
  initialVolume?: number;
  /** A pack's block; a block's packs. */
  parent?: string;
  children?: string[];
  state: MarkState;
  /** On stock from this moment: the end of the processing of the package that loaded it. */
  from: number;
  /** Taken off stock at this moment (a delete package's end of processing). */
  until?: number;
  /** The package that loaded it (0: the default world). */
  packetId: number;
  /** The package whose processing waits for polls and will set `from` or `until` (both PENDING until then). */
  pendingBy?: string;
  sale?: Sale;
  /** Held by an open receipt at a cash register (pre-check 203/204). */
  hold?: { cash: number; operation: 'sale' | 'return' };
}

export interface FieldError {
  field: string;
  value: string;
  errorCode: number;
  message: string;
}

export interface PackageRecord {
  id: number;
  kind: PackageKind;
  shop: number | null;
  receivedAt: number;
  /** The end of its processing (status 2 until then). */
  doneAt: number;
  /** The status it has once processed: 1 (refused), 3, 4 or 5. */
  status: Exclude<PackageStatus, 0 | 2>;
  errorCode: 0 | 504 | 506 | 1000;
  data: FieldError[];
  /** Marks (or products, items) in it. */
  count: number;
  /** How many times this id was sent for this shop (the latest wins). */
  times: number;
}

export interface MrcPeriod {
  beginDate: string;
  endDate: string;
  /** Kopecks. */
  price: number;
}

export interface MrcProduct {
  shop: number;
  barcode: string;
  item?: string;
  codeAP?: number;
  volume?: number;
  AbV?: number;
  mrc: MrcPeriod[];
}

export interface Reserve {
  orderNumber: string;
  marks: string[];
  /** Virtual ms; null: no end. */
  tillDate: number | null;
  at: number;
}

export interface Receipt {
  shop: number;
  cash: number;
  checkNumber: string;
  operation: 'sale' | 'return';
  marks: string[];
  at: number;
  open: boolean;
}

/** One row of the violations journal (§2.12), kept until it is pushed. */
export interface Violation {
  seq: number;
  packetId: number;
  productType: number;
  inn?: string;
  shop: number;
  cash: number;
  excise: string;
  barcode: string | null;
  promoBarcode: string | null;
  at: number;
  errorCode: number;
  message: string;
  externalErrorCode?: number;
  properties?: Record<string, string>;
}

export type PushKind = 'journal' | 'mrc';

/** A push waiting for the ERP to take it (2xx). */
export interface Outgoing {
  seq: number;
  kind: PushKind;
  id: number;
  body: Record<string, unknown>;
  attempts: number;
  nextAt: number;
  createdAt: number;
}

export interface Attempt {
  at: number;
  kind: PushKind;
  id: number;
  url: string;
  attempt: number;
  status: number;
  error?: string;
  delivered: boolean;
  packageNumber?: number;
  packageCount?: number;
}

export interface ErpConfig {
  /** Where the violations journal and the MRC export go (null: SIM_SETMARK_ERP_URL, else nowhere); `sim:erp` is the built-in recorder. */
  journalUrl: string | null;
  mrcUrl: string | null;
  /** setmark.alco.minprice.report.cron (Spring, six fields, Moscow time). */
  mrcCron: string;
  /** Products per MRC export package (the document gives no size). */
  mrcPackageSize: number;
  /** What the built-in recorder answers, attempt after attempt (the last repeats). */
  sinkStatuses: number[];
}

export interface SetmarkState {
  world: { entities: LegalEntity[]; shops: Shop[] };
  erp: ErpConfig;
  marks: PMap<Mark>;
  packages: PMap<PackageRecord>;
  mrc: PMap<MrcProduct>;
  alcocodes: PMap<{ shop: number; item: string; alcocodes: string[] }>;
  excludes: PMap<{ shop: number; productType: number; item: string }>;
  rfids: PMap<{ rfid: string; mark: string; productType: number }>;
  reserves: PMap<Reserve>;
  /** Which order holds a mark (the reserves' marks, by mark). */
  reservedBy: PMap<string>;
  receipts: PMap<Receipt>;
  violations: PMap<Violation>;
  /** Pushes waiting for the ERP, by seq (zero-padded: the queue order); a persistent map, so an attempt writes one entry. */
  outbox: PMap<Outgoing>;
  /** The last 100 delivery attempts, newest last. */
  deliveries: Attempt[];
  /** What the built-in recorder (sim:erp) received, newest last (the last 50). */
  received: { at: number; kind: PushKind; body: Record<string, unknown> }[];
  /** When the journal timer and the MRC cron last fired (or the world was made): the next firing is reckoned from it. */
  lastJournalAt: number;
  lastMrcAt: number;
  /** Attempts the built-in recorder has answered (its statuses are taken in turn). */
  sinkAttempts: number;
  /** Sequence of journal rows and pushes. */
  seq: number;
}

/** The key of a push in the outbox: its seq, zero-padded so that keys sort in queue order. */
export const outboxKey = (seq: number) => String(seq).padStart(12, '0');

/** The outbox in queue order (oldest first). */
export const queued = (outbox: PMap<Outgoing>): Outgoing[] => [...pmap.values(outbox)].sort((a, b) => a.seq - b.seq);

export const packageKey = (shop: number | null, id: number) => `${shop ?? '-'}:${id}`;
export const mrcKey = (shop: number, barcode: string) => `${shop}|${barcode}`;
export const itemKey = (shop: number, item: string) => `${shop}|${item}`;
export const excludeKey = (shop: number, productType: number, item: string) => `${shop}|${productType}|${item}`;
export const receiptKey = (shop: number, cash: number, checkNumber: string, operation: string) => `${shop}|${cash}|${checkNumber}|${operation}`;

export const emptyCollections = () => ({
  marks: pmap.empty<Mark>(),
  packages: pmap.empty<PackageRecord>(),
  mrc: pmap.empty<MrcProduct>(),
  alcocodes: pmap.empty<{ shop: number; item: string; alcocodes: string[] }>(),
  excludes: pmap.empty<{ shop: number; productType: number; item: string }>(),
  rfids: pmap.empty<{ rfid: string; mark: string; productType: number }>(),
  reserves: pmap.empty<Reserve>(),
  reservedBy: pmap.empty<string>(),
  receipts: pmap.empty<Receipt>(),
  violations: pmap.empty<Violation>(),
});
