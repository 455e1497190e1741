/**
 * The shape of MCOI's state (one lowdb key, small) and of its runtime indexes (rebuilt from state and blobs).
 */
import type { Sessions } from '../../core/auth.js';
import type { PMap } from '../../core/pmap.js';
import type { CisType, OrgKind, ProductGroup, ReleaseMethodType, Role } from './reference.js';
import type { DocError } from './handbook.js';

export interface Organization {
  id: number;
  tin: string;
  name: string;
  kinds: OrgKind[];
  /** Product groups the organization works with; `issuer` lets it order codes (account model, 003). */
  productGroups: { productGroup: ProductGroup; issuer: boolean }[];
}

export interface User {
  login: string;
  password: string;
  orgId: number;
  name: string;
  roles: Role[];
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

export type ReportDocType = 'UTILISATION' | 'VALIDATION' | 'AGGREGATION';

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
  outcome: 'SUCCESS' | 'ERROR';
  errorCount: number;
  rejectReason?: string[];
}

export interface McoiState {
  world: World;
  codeKey: number;
  orders: PMap<Order>;
  nextSubSeq: number;
  documents: PMap<DocMeta>;
  nextDocSeq: number;
  sessions: Sessions;
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
  | { kind: 'aggregate'; units: { serial: string; capacity: number; codes: string[]; children: ({ ref: number[] } | { unit: string })[] }[] };

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
}

export interface Unit {
  serial: string;
  orgId: number;
  docId: string;
  createdAt: number;
  capacity: number;
  codes: string[];
  parent?: string;
}

export const blobKey = {
  doc: (id: string) => `mcoi/doc/${id}`,
  serials: (seq: number) => `mcoi/serials/${seq}`,
  orderBody: (id: string) => `mcoi/order/${id}`,
};
