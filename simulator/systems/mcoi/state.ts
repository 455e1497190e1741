/**
 * The shape of MCOI's state (one lowdb key, small) and of its runtime indexes (rebuilt from state and blobs).
 */
import type { Sessions } from '../../core/auth.js';
import type { PMap } from '../../core/pmap.js';
import type { CisType, OrgKind, PackageType, ProductGroup, ReleaseMethodType, Role } from './reference.js';
import type { DocError } from './handbook.js';

export interface Organization {
  id: number;
  tin: string;
  name: string;
  kinds: OrgKind[];
  /** Product groups the organization works with; `issuer` lets it order codes (account model, 003). */
  productGroups: { productGroup: ProductGroup; issuer: boolean }[];
  /** The agreement with the Operator is activated (account model, 003: issuers need it to order codes); absent: true. */
  agreementActivated?: boolean;
  /** The personal account's balance in UZS, paying for the codes ordered (account model, 003); absent: not checked. */
  balance?: number;
}

export interface User {
  login: string;
  password: string;
  orgId: number;
  name: string;
  roles: Role[];
  /** The user's API key in the default world or a scenario (kept in `apiKeys`, where it lives and is retired). */
  apiKey?: string;
}

/** A business user's API key (keys.ts). */
export interface ApiKey {
  key: string;
  login: string;
  /** Absent for the world's own keys, which do not expire. */
  issuedAt?: number;
  retiredAt?: number;
}

export interface BusinessPlace {
  id: number;
  orgId: number;
  address: string;
}

export interface ProductCard {
  gtin: string;
  orgId: number;
  productGroup: ProductGroup;
  name: string;
  /** Country of production on the card (§4.1 note on manufacturerCountry). */
  manufacturerCountry: string;
  /** The customs commodity code (TN VED) on the card, which the product registry is searched by (observed #33). */
  tnved?: string;
}

export interface World {
  organizations: Organization[];
  users: User[];
  businessPlaces: BusinessPlace[];
  products: ProductCard[];
}

export interface Pack {
  packId: string;
  /** Index of the first code of the pack in the sub-order. */
  from: number;
  quantity: number;
  at: number;
}

export interface SubOrder {
  /** World-wide sequence number: the codes of this sub-order are derived from it. */
  seq: number;
  gtin: string;
  quantity: number;
  cisType: CisType;
  serialNumberType: 'SELF_MADE' | 'OPERATOR';
  isPaid?: boolean;
  packs: Pack[];
  closedAt?: number;
  /** Decided when the order is registered, visible once it is processed. */
  rejectionReason?: string;
}

export interface Order {
  orderId: string;
  orgId: number;
  login: string;
  productGroup: ProductGroup;
  releaseMethodType: ReleaseMethodType;
  poNumber?: string;
  businessPlaceId?: number;
  contractor?: { tin: string; countryCode: string };
  createdAt: number;
  closedAt?: number;
  subOrders: SubOrder[];
}

/** TRANSPORT_CODE_DISAGGREGATION: POST doc/transport-code-disaggregation (an observed extension, not in v1.1.17). */
export type ReportDocType = 'UTILISATION' | 'VALIDATION' | 'AGGREGATION' | 'TRANSPORT_CODE_DISAGGREGATION' | 'SALES_RECEIPT' | 'REFUND_RECEIPT';

export interface DocMeta {
  documentId: string;
  type: ReportDocType;
  /** Sequence of registration: effects are replayed in this order. */
  seq: number;
  /** The UOT that owns the codes (ownerId). */
  orgId: number;
  /** The service provider that registered it on the owner's behalf (agentId). */
  agentOrgId?: number;
  login: string;
  productGroup?: string;
  productionOrderId?: string;
  createdAt: number;
  /** PARTIALLY_PROCESSED only when a scenario forces it (observed #12): the codes without errors took effect. */
  outcome: 'SUCCESS' | 'ERROR' | 'PARTIALLY_PROCESSED';
  errorCount: number;
  rejectReason?: string[];
  /** Until then document storage answers 404 for it, as the real storage does right after a post (observed #8). */
  hiddenUntil?: number;
}

export interface McoiState {
  world: World;
  codeKey: number;
  orders: PMap<Order>;
  nextSubSeq: number;
  documents: PMap<DocMeta>;
  nextDocSeq: number;
  sessions: Sessions;
  /** Business users' API keys, by key. */
  apiKeys: PMap<ApiKey>;
  /** Code exports (observed), by id. */
  exports: PMap<CodeExport>;
}

/** What a code export selects (POST /public/api/cod/exports, as a stock tool sends it). */
export interface ExportFilter {
  gtin?: string;
  productGroup?: string;
  packageType?: string[];
  status?: string[];
  emissionType?: string[];
  originalReleaseMethod?: string[];
  productSeries?: string;
  emissionDateFrom?: string;
  emissionDateTo?: string;
}

/** A code export: its filter, and what was found when it was registered (the result is read as the codes are then). */
export interface CodeExport {
  id: string;
  orgId: number;
  login: string;
  createdAt: number;
  filter: ExportFilter;
  /** Codes matching when registered (counted up to LIMITS.codesPerExport + 1). */
  count: number;
}

/** A code's position: sub-order sequence number and index inside it. */
export interface CodeRef {
  seq: number;
  index: number;
}

/** What a successful report changed; persisted in the document's blob and replayed at start-up. */
export type Effect =
  | { kind: 'apply'; refs: number[] }
  | { kind: 'validate'; refs: number[]; classes: string[] }
  | { kind: 'aggregate'; units: AggregateUnit[] }
  /** Packages (by key) whose contents leave them. */
  | { kind: 'disaggregate'; units: string[] }
  /** Codes sold at a cash register (SALES_RECEIPT): WITHDRAWN; returned (REFUND_RECEIPT): APPLIED again. */
  | { kind: 'sell'; refs: number[] }
  | { kind: 'return'; refs: number[] };

/** A package formed by an aggregation report; `key`/`packageType` are absent in blobs written before they existed. */
export interface AggregateUnit {
  serial: string;
  key?: string;
  packageType?: PackageType;
  capacity: number;
  codes: string[];
  /** A marking code by its position, or a nested package by its key. */
  children: ({ ref: number[] } | { unit: string })[];
}

export interface DocBlob {
  /** The source document as registered (§5.3). */
  body: unknown;
  errors: DocError[];
  effects: Effect[];
}

/** SELF_MADE (and fixture) serials of a sub-order; `cryptos[i]` null means derived. */
export interface SerialsBlob {
  serials: string[];
  cryptos?: (string | null)[];
}

export interface Mark {
  appliedBy?: string;
  appliedAt?: number;
  validatedBy?: string;
  validatedAt?: number;
  printQualityClass?: string;
  parent?: string;
  aggregatedBy?: string;
  aggregatedAt?: number;
  disaggregatedBy?: string;
  disaggregatedAt?: number;
  /** The last sales receipt that sold it, and the last refund receipt that brought it back. */
  soldBy?: string;
  soldAt?: number;
  returnedBy?: string;
  returnedAt?: number;
}

/** A package: an SSCC (BOX_LV_1, BOX_LV_2) or a GROUP or SET marking code that nests codes. */
export interface Unit {
  /** As the report gave it (18 or 20 digits, a code with or without its verification code). */
  serial: string;
  key: string;
  packageType: PackageType;
  orgId: number;
  docId: string;
  createdAt: number;
  capacity: number;
  codes: string[];
  children: AggregateUnit['children'];
  /** The serial of the package this one is nested in (SSCC packages; a GROUP's parent is on its code's mark). */
  parent?: string;
  disaggregatedBy?: string;
  disaggregatedAt?: number;
}

export const blobKey = {
  doc: (id: string) => `mcoi/doc/${id}`,
  serials: (seq: number) => `mcoi/serials/${seq}`,
  orderBody: (id: string) => `mcoi/order/${id}`,
};
