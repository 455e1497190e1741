/** The shape of True API's state (one lowdb key). */
import type { Challenges } from '../../core/challenge.js';
import type { PMap } from '../../core/pmap.js';
import type { CodeStatus, DOCUMENT_TYPES, EDO_STATUSES, EDO_TYPES, EXPORT_STATUSES, PackageType, ProductGroup, Role } from './reference.js';

/** A participant's contract for one product group: its personal account and balance (§8). */
export interface Contract {
  productGroup: ProductGroup;
  /** "Идентификатор договора УОТ с ИС МПТ" (Number in §8.2, String in §8.1's request). */
  contractId: number;
  /** In tiyn (1/100 tenge). */
  balance: number;
}

/** A participant of goods turnover (УОТ). */
export interface Participant {
  bin: string;
  name: string;
  /** The token's `pid`: "Идентификатор организации УОТ в ИС МПТ". */
  organisationId: number;
  roles: Role[];
  /** Product groups with a valid contract; any other group answers 403 "Отсутствует действующий договор по ТГ". */
  contracts: Contract[];
  /** false: pre-registered only (cannot sign in; part 2's PRE_REGISTERED_* errors name it as a receiver). */
  registered: boolean;
  /** The person who signs for it (the subject of its certificates). */
  signer: { iin: string; name: string };
}

/** A product card of the national catalogue. */
export interface Product {
  gtin: string;
  name: string;
  brand: string;
  tnved: string;
  productGroup: ProductGroup;
  /** Whose product it is (the producer or importer that registered the card). */
  producerBin: string;
}

export interface World {
  /** The participant of a lenient sign-in whose data names nobody. */
  defaultParticipant: string;
  participants: Participant[];
  products: Product[];
  /** The code registry: every code derives from its batch (codes.ts). */
  batches: Batch[];
}

/** An invoice requested through /elk/crm-api/prequests (visible in the control plane's state view). */
export interface Prequest {
  id: number;
  bin: string;
  contractId: string;
  amount: string;
  sendto: string;
  createdAt: number;
}

/** A certificate the control plane issued (its serial never repeats). */
export interface IssuedCertificate {
  serialNumber: string;
  bin: string;
  notBefore: number;
  notAfter: number;
}

/** A code-list order of POST /cises/my (§5.1): its status follows the clock (machine: orderStatus). */
export interface CodesOrder {
  uuid: string;
  bin: string;
  gtin: string;
  packageType?: PackageType;
  /** yyyy-mm-dd of `producedDate`: codes applied that day. */
  producedDay?: string;
  createdAt: number;
  /** Decided when it was made: a GTIN the catalogue does not have fails validation; a scenario may force either. */
  failure?: 'VALIDATION_FAILED' | 'ERROR';
}

export interface TrueApiState {
  world: World;
  /** HS256 secret of the tokens (hex, from the seed). */
  jwtSecret: string;
  /** Open GET /auth/key challenges. */
  challenges: Challenges;
  /** The id (jti) of each participant's newest token: an older one answers "Access token expired". */
  sessions: Record<string, string>;
  /**
   * The UUID-form token of a participant's newest sign-in when it asked for one (`unitedToken: true`, observed #37),
   * with when it expires; absent when the newest sign-in did not ask (a world stored before it existed has none).
   */
  unitedTokens?: Record<string, { token: string; expiresAt: number }>;
  prequests: PMap<Prequest>;
  nextPrequestId: number;
  certificates: PMap<IssuedCertificate>;
  codesOrders: PMap<CodesOrder>;
  /** Documents by id (their fileId): notices, receipts. */
  documents: PMap<TrueApiDocument>;
  /** EDO documents' fileIds (used once each) → their document id. */
  fileIds: PMap<string>;
  /** Exports to the EAEU and incoming EAEU shipments (shipments.ts). */
  shipments: PMap<Shipment>;
  /** Acceptance notices of incoming shipments. */
  acceptances: PMap<Acceptance>;
  /** What documents did to codes, by code (ledger.ts): only changed codes are here. */
  codeChanges: PMap<CodeChanges>;
}

/** A batch of codes of the world: who made them, who owns them now, in what status. */
export interface Batch {
  /** 1..63: part of every serial of the batch. */
  id: number;
  productGroup: ProductGroup;
  /** `tobacco`: boxes of blocks of packs; `units`: single units with a crypto tail. */
  kind: 'tobacco' | 'units';
  /** The unit (pack) GTIN; for tobacco also the GTIN in box codes. */
  gtin: string;
  /** Tobacco: the block GTIN. */
  blockGtin?: string;
  /** Tobacco: boxes; units: units. */
  count: number;
  status: CodeStatus;
  producerBin: string;
  ownerBin: string;
  /** When the codes were emitted and applied (ms, set when the world is made). */
  emittedAt: number;
  producedAt: number;
  emissionType: 'LOCAL' | 'FOREIGN';
}

export type Level = 'unit' | 'block' | 'box';

/** One change a document made to a code. */
export interface CodeEvent {
  /** When it takes effect (ms): the end of the document's processing. */
  at: number;
  docId: string;
  docType: string;
  status: CodeStatus;
  ownerBin: string;
  /** The code left its aggregate (moved or withdrawn without its parent). */
  detached?: true;
  emissionType?: 'LOCAL' | 'FOREIGN';
}

/** A changed code: where it sits in the registry and what happened to it, oldest first. */
export interface CodeChanges {
  batch: number;
  level: Level;
  index: number;
  events: CodeEvent[];
}

/** A code a document names, as written, with the count of consumer units it claims (if it says). */
export interface NamedCode {
  code: string;
  count?: number;
}

/** A submitted document, as stored. */
export interface TrueApiDocument {
  /** The document's id: its fileId (§7.2, §7.5, §7.6: "ID документа наследуется от параметра fileId"). */
  id: string;
  /** The internal processing number the submission answers. */
  number: string;
  type: DocumentType;
  senderBin: string;
  receiverBin?: string;
  /** sendingDateTime (ms). */
  docDate: number;
  receivedAt: number;
  /** When processing ends: IN_PROGRESS before, the outcome after. */
  doneAt: number;
  outcome: 'CHECKED_OK' | 'CHECKED_NOT_OK';
  errors: string[];
  /** As submitted (the XML of a notice, the JSON of a receipt). */
  content: string;
  /** The product group of its codes (the first one's), for `pg` filters. */
  productGroup?: string;
  /** The JSON form (§7.1.5 `body`) besides the code list: `{document: {mainInfo, ...}, fileId, version, sendingDateTime}`. */
  fields: Record<string, unknown>;
  codes: NamedCode[];
  /** RECEIPT / RECEIPT_RETURN: the cash register's data (§7.12.4). */
  receipt?: Receipt;
  /** An EDO document (act, divergence notice, EAEU import notice): its workflow (edo.ts). */
  edo?: EdoWorkflow;
}

export interface Receipt {
  kktRegId: string;
  fiscalDocumentNumber: number;
  shiftNumber: number;
  /** Price per code, in tiyn. */
  prices: number[];
}

/** The §9.4 document types this simulator makes so far. */
export type DocumentType = Extract<(typeof DOCUMENT_TYPES)[number], 'KZ_INTRODUCE_GOODS' | 'MTTPS_90' | 'IMPORT' | 'IMPORT_TRANSIT' | 'KZ_UPD' | 'RECEIPT' | 'RECEIPT_RETURN'>;

export type EdoType = (typeof EDO_TYPES)[number];

export type EdoStatus = (typeof EDO_STATUSES)[number];

export type Decision = 'approve' | 'reject' | 'withdraw';

/** A title (§7.1 "Title XML"): made by step 1, signed by step 2. */
export interface Title {
  fileId: string;
  xml: string;
  createdAt: number;
  signedAt?: number;
}

/** The workflow of an EDO document. */
export interface EdoWorkflow {
  type: EdoType;
  fileId: string;
  supplierBin: string;
  consigneeBin: string;
  /** The sender's signature of the document (quoted in the receiver's title: sellerInfo/sign). */
  signature: string;
  /** What happened after registration, oldest first. */
  changes: { at: number; status: EdoStatus }[];
  titles: Partial<Record<Decision, Title>>;
  /** The document a divergence notice or a corrective document is about (its id). */
  relatesTo?: string;
  /** The divergence notice: each code's reviseStatusCode. */
  revise?: Record<string, string>;
}

export type EdoDocument = TrueApiDocument & { edo: EdoWorkflow };

export interface ShipmentProduct {
  cis: string;
  /** Price incl. VAT and VAT (export), or cost and tax (import), as sent. */
  price?: number;
  vat?: number;
  certificates: { certificateType: string; certificateNum: string; certificateDate: string }[];
}

export interface ShipmentError {
  errorCode: string;
  errorMessage: string;
}

/** An export (§7.7) or an incoming EAEU shipment (§7.9). */
export interface Shipment {
  id: string;
  direction: 'export' | 'import';
  /** Export: the KZ exporter; import: the foreign exporter's taxpayer id. */
  exporterInn: string;
  exporterName: string;
  /** Export: the foreign receiver's code; import: the KZ importer. */
  receiverInn: string;
  receiverName: string;
  /** Export: receiverCountryCode as sent; import: the sender's numeric country (643, 112, 417, 051). */
  countryCode: string;
  documentNumber: string;
  documentDate: string;
  transferDate: string;
  products: ShipmentProduct[];
  createdAt: number;
  /** Export: the processing errors (ERROR at the end of CHECKING). */
  errors: ShipmentError[];
  content: string;
  /** Import: the acceptance notice that answered it. */
  acceptanceId?: string;
}

/** An acceptance notice (LP_ACCEPT_GOODS, §7.10) of an incoming shipment. */
export interface Acceptance {
  id: string;
  shipmentId: string;
  importerBin: string;
  documentNumber: string;
  documentDate: string;
  acceptanceDate: string;
  accepted: Record<string, boolean>;
  receivedAt: number;
  doneAt: number;
  errors: ShipmentError[];
  content: string;
}

export type ExportStatus = (typeof EXPORT_STATUSES)[number];
