/** The shape of True API's state (one lowdb key). */
import type { Challenges } from '../../core/challenge.js';
import type { Batch } from './codes.js';
import type { TrueApiDocument } from './documents.js';
import type { CodeChanges } from './ledger.js';
import type { Acceptance, Shipment } from './shipments.js';
import type { PMap } from '../../core/pmap.js';
import type { PackageType, ProductGroup, Role } from './reference.js';

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
