/** The shape of the ID issuer's state (one lowdb key; identifiers are derived, never stored). */
import type { PMap } from '../../core/pmap.js';
import type { Format, RejectionReason } from './reference.js';

export interface EconomicOperator {
  id: string;
  name: string;
  active: boolean;
  /** Absent: ContractNotExisting. Outside validFrom..validTo on the clock: ContractNotValid. */
  contract?: { validFrom: string; validTo: string };
  /** Known to the EU secondary-repository router (false: EONotExistingInRouter). */
  inRouter: boolean;
  /** The operator's record in the legacy system is broken (LegacyTechnicalError). */
  legacyTechnicalError?: boolean;
}

export interface Facility {
  id: string;
  economicOperatorId: string;
  name: string;
  active: boolean;
  inRouter: boolean;
  /** The operator the router has this facility under, when it differs (FacilityNotAssignedToEOInRouter). */
  routerEconomicOperatorId?: string;
  /** The facility's address is registered as a single unstructured value (SingleValueAddressExisting). */
  singleValueAddress?: boolean;
  /** Identifiers of this facility fail to synchronize with the router (CannotSynchronize). */
  synchronizationFails?: boolean;
}

export interface Machine {
  id: string;
  facilityId: string;
  active: boolean;
  inRouter: boolean;
  routerFacilityId?: string;
  /** Registered in the router as a part of another machine (MachineIsRegisteredAsMachinePartInRouter). */
  isMachinePart?: boolean;
}

export interface User {
  email: string;
  name: string;
  economicOperators: string[];
  facilities: string[];
}

export interface Token {
  token: string;
  user: string;
  /** null: does not expire. */
  expiresAt: number | null;
  revoked?: boolean;
}

export interface World {
  /** The ID issuer identification code that starts every unit level UI (simulator-defined). */
  issuerIdentificationCode: string;
  economicOperators: EconomicOperator[];
  facilities: Facility[];
  machines: Machine[];
  users: User[];
}

export interface RouteData {
  intendedMarket: string;
  intendedRoute: string | null;
  fromOutOfUE: boolean;
}

export interface ProductData {
  cnCode: string;
  productBrand: string;
  productType: string;
  productTypeDescription: string | null;
  productWeight: number;
  euCegIdentifier: string;
  euCegProductNumber: string;
  subTypeName: string | null;
  units: number;
  optionalId: string | null;
}

export interface UnitRequest {
  requestId: number;
  economicOperatorId: string;
  facilityId: string;
  processType: boolean;
  machineId: string | null;
  routeData: RouteData;
  productData: ProductData;
  reqQuantity: number;
  processImmediately: boolean;
  createdAt: number;
  createdBy: string;
  /** Decided at registration, visible once the request leaves New. */
  rejectionReason?: RejectionReason;
  /** Made for an operator its creator may not act for: seen by its creator only (and Rejected, UserHasNoAccessToEO). */
  creatorOnly?: true;
  canceledAt?: number;
  cancellation?: { cancellationReason: string; cancellationDescription?: string; cancellationAdditionalDescription?: string };
  /** SHA-256 (hex) of each format downloaded. */
  downloads: Partial<Record<Format, string>>;
  downloadedAt?: number;
  confirmedAt?: number;
  /** Forced by a scenario: the identifiers cannot be synchronized. */
  cannotSynchronize?: boolean;
}

export interface IdIssuerState {
  world: World;
  uiKey: number;
  requests: PMap<UnitRequest>;
  nextRequestId: number;
  tokens: PMap<Token>;
}
