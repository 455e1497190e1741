/**
 * Reference data of the Polish ID issuer API v3 (ID issuer API v3 for EU TPD unit identifiers): statuses, rejection
 * and cancellation reasons, formats. The OpenAPI contract repeats them; test/id-issuer/contract.test.ts compares.
 */
import { progression, type Timing } from '../../core/progression.js';
import type { TimingDecl } from '../../core/system.js';

/** "Unit identifiers request states". */
export const REQUEST_STATUSES = ['New', 'Rejected', 'Accepted', 'CanceledByClient', 'PassedToGeneration'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const REQUEST_TRANSITIONS = {
  New: ['Rejected', 'Accepted', 'PassedToGeneration', 'CanceledByClient'],
  Accepted: ['PassedToGeneration', 'CanceledByClient'],
  Rejected: [],
  CanceledByClient: [],
  PassedToGeneration: [],
} as const satisfies Record<RequestStatus, readonly RequestStatus[]>;

/** "Identifiers states". */
export const IDENTIFIER_STATUSES = ['PassedToGeneration', 'Generated', 'Synchronized', 'CannotSynchronize', 'Downloaded', 'DownloadConfirmed'] as const;
export type IdentifierStatus = (typeof IDENTIFIER_STATUSES)[number];

export const IDENTIFIER_TRANSITIONS = {
  PassedToGeneration: ['Generated'],
  Generated: ['Synchronized', 'CannotSynchronize'],
  Synchronized: ['Downloaded'],
  CannotSynchronize: [],
  Downloaded: ['DownloadConfirmed'],
  DownloadConfirmed: [],
} as const satisfies Record<IdentifierStatus, readonly IdentifierStatus[]>;

/** "Unit identifiers rejection reasons", in the order the simulator checks them (see machine.ts). */
export const REJECTION_REASONS = [
  'ContractNotExisting',
  'ContractNotValid',
  'EONotActive',
  'UserHasNoAccessToEO',
  'FacilityNotActive',
  'UserHasNoAccessToFacility',
  'MachineNotActive',
  'FacilityNotAssignedToEO',
  'MachineNotAssignedToFacility',
  'EONotExistingInRouter',
  'FacilityNotExistingInRouter',
  'MachineNotExistingInRouter',
  'FacilityNotAssignedToEOInRouter',
  'MachineNotAssignedToFacilityInRouter',
  'SingleValueAddressExisting',
  'LegacyTechnicalError',
  'MachineIsRegisteredAsMachinePartInRouter',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** "Unit identifiers cancellation reasons". */
export const CANCELLATION_REASONS = ['EventNotMaterialise', 'ErroneousInformation', 'Other'] as const;

/** "Identifiers format". */
export const FORMATS = ['Full', 'WithoutProductCode'] as const;
export type Format = (typeof FORMATS)[number];

export const LIMITS = {
  /** "pageSize - amount of items per page (max 100)". */
  maxPageSize: 100,
  /** The search examples answer pageSize 25 when none is asked for. */
  defaultPageSize: 25,
  /** "awaiting 24 hours for cancellation". */
  cancellationWindowMs: 24 * 3_600_000,
  /** EU TPD (Regulation 2018/574, Art. 8): a unit level UI is at most 50 characters. */
  maxUiLength: 50,
} as const;

/** Processing delays in virtual time (SIM_TIMINGS, scenarios' `timings.id-issuer`); the names are the settings' names. */
export const TIMINGS = {
  requestProcessingMs: { default: 2_000, polls: true, description: 'A request is New for this long, then Rejected, Accepted or (processImmediately) PassedToGeneration.' },
  generationMs: { default: 5_000, polls: true, description: 'Identifiers PassedToGeneration → Generated.' },
  synchronizationMs: { default: 5_000, polls: true, description: 'Identifiers Generated → Synchronized (or CannotSynchronize).' },
} as const satisfies Record<string, TimingDecl>;
export type IdIssuerTimings = { -readonly [K in keyof typeof TIMINGS]: Timing };

/** A request is New while it is processed; then Rejected or Accepted (or at once PassedToGeneration). */
export const REQUEST_PROCESSING = progression('request', REQUEST_TRANSITIONS, [{ status: 'New', until: 'requestProcessingMs' }], ['Rejected', 'Accepted', 'PassedToGeneration']);
/** An accepted request waits 24 hours for a cancellation, then is passed to generation. */
export const REQUEST_WINDOW = progression('request', REQUEST_TRANSITIONS, [{ status: 'New', until: 'requestProcessingMs' }, { status: 'Accepted', until: LIMITS.cancellationWindowMs, from: 'previous' }], ['PassedToGeneration']);
/** Identifiers, from the moment their request is passed to generation. */
export const IDENTIFIER_PROGRESSION = progression('identifiers', IDENTIFIER_TRANSITIONS, [{ status: 'PassedToGeneration', until: 'generationMs' }, { status: 'Generated', until: 'synchronizationMs', from: 'previous' }], ['Synchronized', 'CannotSynchronize']);
