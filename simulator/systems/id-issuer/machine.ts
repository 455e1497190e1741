/**
 * The ID issuer's pure state machine: request and identifier statuses computed from the clock, and transitions
 * (create, cancel, record a download, confirm) as (state, command, env) → Result.
 */
import { fail, ok, type Result, SimError } from '../../core/errors.js';
import { clockMs } from '../../core/progression.js';
import { pmap } from '../../core/pmap.js';
import type { DomainEvent } from '../../core/system.js';
import { HANDBOOK } from './handbook.js';
import { IDENTIFIER_PROGRESSION, LIMITS, REQUEST_PROCESSING, REQUEST_WINDOW, type Format, type IdentifierStatus, type IdIssuerTimings, type RejectionReason, type RequestStatus } from './reference.js';
import type { IdIssuerState, ProductData, RouteData, UnitRequest, User, World } from './state.js';

/** The business outcomes a scenario fault can force on the ID issuer (declared in index.ts `outcomes`). */
export interface IdIssuerOutcome {
  requestRejected?: RejectionReason;
  cannotSynchronize?: true;
}

export interface Env {
  now: number;
  timings: IdIssuerTimings;
  /** How many times clients have read a request (progressions that wait for polls). */
  polls?(r: UnitRequest): number;
  /** A business outcome forced by a scenario fault. */
  forced?: IdIssuerOutcome;
}

/** The key a request's reads are counted under. */
export const pollKey = (r: Pick<UnitRequest, 'requestId'>) => `request:${r.requestId}`;

/** A state and what happened (the ID issuer's domain events). */
export interface Changed {
  state: IdIssuerState;
  events: DomainEvent[];
}

const err = (key: keyof typeof HANDBOOK, ...args: unknown[]) => fail(new SimError(HANDBOOK[key], args));

/** When the request leaves New on the clock (a processing that waits for polls counts 0 ms). */
export const processedAt = (r: UnitRequest, t: IdIssuerTimings) => r.createdAt + clockMs(t.requestProcessingMs);

/** When an accepted request is passed to generation: at once with processImmediately, else after 24 hours. */
export const passedAt = (r: UnitRequest, t: IdIssuerTimings) => processedAt(r, t) + (r.processImmediately ? 0 : LIMITS.cancellationWindowMs);

/** The request's status now (`polls`: how many times clients have read it, for timings that wait for polls). */
export function requestStatus(r: UnitRequest, now: number, t: IdIssuerTimings, polls = 0): RequestStatus {
  if (r.canceledAt !== undefined) return 'CanceledByClient';
  const m = { since: r.createdAt, now, polls };
  const processing = REQUEST_PROCESSING.at(m, t);
  if (processing) return processing;
  if (r.rejectionReason) return 'Rejected';
  return r.processImmediately ? 'PassedToGeneration' : (REQUEST_WINDOW.at(m, t) ?? 'PassedToGeneration');
}

/** null while the request has no identifiers (before PassedToGeneration, or rejected / cancelled). */
export function identifierStatus(r: UnitRequest, world: World, now: number, t: IdIssuerTimings, polls = 0): IdentifierStatus | null {
  if (requestStatus(r, now, t, polls) !== 'PassedToGeneration') return null;
  if (r.confirmedAt !== undefined) return 'DownloadConfirmed';
  if (r.downloadedAt !== undefined) return 'Downloaded';
  const generating = IDENTIFIER_PROGRESSION.at({ since: passedAt(r, t), now, polls }, t);
  if (generating) return generating;
  const facility = world.facilities.find((f) => f.id === r.facilityId);
  return r.cannotSynchronize || facility?.synchronizationFails ? 'CannotSynchronize' : 'Synchronized';
}

/**
 * Who sees a request: the users of its economic operator. A request made for an operator its creator may not act for
 * is rejected (UserHasNoAccessToEO) and stays its creator's alone: it never shows in that operator's lists.
 */
export function canSee(user: User, r: UnitRequest): boolean {
  return r.creatorOnly ? r.createdBy === user.email : user.economicOperators.includes(r.economicOperatorId);
}

export function findRequest(s: IdIssuerState, user: User, id: number): Result<UnitRequest, SimError> {
  const r = pmap.get(s.requests, String(id));
  if (!r || !canSee(user, r)) return err('REQUEST_NOT_FOUND', String(id));
  return ok(r);
}

/**
 * Why a request would be rejected, checked in a fixed order: the operator, then the facility, then the machine;
 * for each, access and activity before contracts and the router. undefined: accepted.
 */
export function rejectionFor(w: World, user: User, input: { economicOperatorId: string; facilityId: string; processType: boolean; machineId: string | null }, now: number): RejectionReason | undefined {
  const eo = w.economicOperators.find((e) => e.id === input.economicOperatorId);
  if (!eo || !user.economicOperators.includes(eo.id)) return 'UserHasNoAccessToEO';
  if (!eo.contract) return 'ContractNotExisting';
  if (now < Date.parse(eo.contract.validFrom) || now > Date.parse(eo.contract.validTo)) return 'ContractNotValid';
  if (!eo.active) return 'EONotActive';
  const fac = w.facilities.find((f) => f.id === input.facilityId);
  if (!fac || !user.facilities.includes(fac.id)) return 'UserHasNoAccessToFacility';
  if (!fac.active) return 'FacilityNotActive';
  if (fac.economicOperatorId !== eo.id) return 'FacilityNotAssignedToEO';
  if (input.processType) {
    const m = w.machines.find((x) => x.id === input.machineId);
    if (!m || !m.active) return 'MachineNotActive';
    if (m.facilityId !== fac.id) return 'MachineNotAssignedToFacility';
  }
  if (!eo.inRouter) return 'EONotExistingInRouter';
  if (!fac.inRouter) return 'FacilityNotExistingInRouter';
  if ((fac.routerEconomicOperatorId ?? fac.economicOperatorId) !== eo.id) return 'FacilityNotAssignedToEOInRouter';
  if (input.processType) {
    const m = w.machines.find((x) => x.id === input.machineId)!;
    if (!m.inRouter) return 'MachineNotExistingInRouter';
    if ((m.routerFacilityId ?? m.facilityId) !== fac.id) return 'MachineNotAssignedToFacilityInRouter';
    if (m.isMachinePart) return 'MachineIsRegisteredAsMachinePartInRouter';
  }
  if (fac.singleValueAddress) return 'SingleValueAddressExisting';
  if (eo.legacyTechnicalError) return 'LegacyTechnicalError';
  return undefined;
}

export interface CreateInput {
  economicOperatorId: string;
  facilityId: string;
  processType: boolean;
  machineId?: string | null;
  routeData: { intendedMarket: string; intendedRoute?: string | null; fromOutOfUE: boolean };
  productData: Omit<ProductData, 'productTypeDescription' | 'subTypeName' | 'optionalId'> & { productTypeDescription?: string | null; subTypeName?: string | null; optionalId?: string | null };
  reqQuantity: number;
  processImmediately?: boolean;
}

/** As the document's details example shows: empty machineId, intendedRoute and subTypeName come back as null. */
const emptyToNull = (v: string | null | undefined) => (v === undefined || v === null || v === '' ? null : v);

export function createRequest(s: IdIssuerState, user: User, input: CreateInput, env: Env): Result<Changed & { request: UnitRequest }, SimError> {
  const machineId = emptyToNull(input.machineId);
  if (input.processType && machineId === null) {
    return err('MACHINE_REQUIRED');
  }
  const routeData: RouteData = { intendedMarket: input.routeData.intendedMarket, intendedRoute: emptyToNull(input.routeData.intendedRoute), fromOutOfUE: input.routeData.fromOutOfUE };
  const p = input.productData;
  const productData: ProductData = {
    cnCode: p.cnCode,
    productBrand: p.productBrand,
    productType: p.productType,
    productTypeDescription: p.productTypeDescription ?? null,
    productWeight: p.productWeight,
    euCegIdentifier: p.euCegIdentifier,
    euCegProductNumber: p.euCegProductNumber,
    subTypeName: emptyToNull(p.subTypeName),
    units: p.units,
    optionalId: p.optionalId ?? null,
  };
  const request: UnitRequest = {
    requestId: s.nextRequestId,
    economicOperatorId: input.economicOperatorId,
    facilityId: input.facilityId,
    processType: input.processType,
    machineId,
    routeData,
    productData,
    reqQuantity: input.reqQuantity,
    processImmediately: input.processImmediately ?? false,
    createdAt: env.now,
    createdBy: user.email,
    downloads: {},
  };
  const reason = env.forced?.requestRejected ?? rejectionFor(s.world, user, { ...input, machineId }, env.now);
  if (reason) request.rejectionReason = reason;
  if (!user.economicOperators.includes(input.economicOperatorId)) request.creatorOnly = true;
  if (env.forced?.cannotSynchronize) request.cannotSynchronize = true;
  return ok({
    state: { ...s, requests: pmap.set(s.requests, String(request.requestId), request), nextRequestId: s.nextRequestId + 1 },
    request,
    events: [{ type: 'UnitRequestCreated', requestId: request.requestId, economicOperatorId: request.economicOperatorId, facilityId: request.facilityId, reqQuantity: request.reqQuantity, ...(reason ? { rejectionReason: reason } : {}) }],
  });
}

export interface CancelInput {
  economicOperatorId: string;
  cancellationReason: string;
  cancellationDescription?: string;
  cancellationAdditionalDescription?: string;
}

export function cancelRequest(s: IdIssuerState, user: User, id: number, input: CancelInput, env: Env): Result<Changed, SimError> {
  const found = findRequest(s, user, id);
  if (!found.ok) return found;
  const r = found.value;
  if (input.economicOperatorId !== r.economicOperatorId) return err('CANCEL_EO_MISMATCH', r.economicOperatorId);
  const st = requestStatus(r, env.now, env.timings, env.polls?.(r));
  if (st === 'PassedToGeneration' && !r.processImmediately) return err('CANCEL_WINDOW_CLOSED', String(id), new Date(passedAt(r, env.timings)).toISOString());
  if (st !== 'New' && st !== 'Accepted') return err('CANCEL_WRONG_STATE', String(id), st);
  const cancellation: UnitRequest['cancellation'] = { cancellationReason: input.cancellationReason };
  if (input.cancellationDescription !== undefined) cancellation.cancellationDescription = input.cancellationDescription;
  if (input.cancellationAdditionalDescription !== undefined) cancellation.cancellationAdditionalDescription = input.cancellationAdditionalDescription;
  return ok({
    state: { ...s, requests: pmap.set(s.requests, String(id), { ...r, canceledAt: env.now, cancellation }) },
    events: [{ type: 'UnitRequestCancelled', entity: 'request', requestId: id, from: st, to: 'CanceledByClient', why: input.cancellationReason }],
  });
}

/** A request whose identifiers exist (it reached PassedToGeneration), with their status. */
export function findIdentifiers(s: IdIssuerState, user: User, id: number, env: Env): Result<{ request: UnitRequest; status: IdentifierStatus }, SimError> {
  const found = findRequest(s, user, id);
  if (!found.ok) return found;
  const polls = env.polls?.(found.value);
  const status = identifierStatus(found.value, s.world, env.now, env.timings, polls);
  if (status === null) return err('IDENTIFIERS_NOT_FOUND', String(id), requestStatus(found.value, env.now, env.timings, polls));
  return ok({ request: found.value, status });
}

/** Identifiers that may be downloaded: Synchronized or later (not CannotSynchronize). */
export function checkDownloadable(s: IdIssuerState, user: User, id: number, env: Env): Result<UnitRequest, SimError> {
  const found = findIdentifiers(s, user, id, env);
  if (!found.ok) return found;
  const st = found.value.status;
  if (st !== 'Synchronized' && st !== 'Downloaded' && st !== 'DownloadConfirmed') return err('NOT_READY_FOR_DOWNLOAD', String(id), st);
  return ok(found.value.request);
}

/**
 * After a complete download: remember the file's checksum; the identifiers become Downloaded. A request that is gone
 * (the world was reset while the file streamed) has nothing to record.
 */
export function recordDownload(s: IdIssuerState, id: number, format: Format, sha256: string, now: number): Changed {
  const r = pmap.get(s.requests, String(id));
  if (!r) return { state: s, events: [] };
  const from = r.confirmedAt !== undefined ? 'DownloadConfirmed' : r.downloadedAt !== undefined ? 'Downloaded' : 'Synchronized';
  return {
    state: { ...s, requests: pmap.set(s.requests, String(id), { ...r, downloads: { ...r.downloads, [format]: sha256 }, downloadedAt: r.downloadedAt ?? now }) },
    events: [{ type: 'IdentifiersDownloaded', entity: 'identifiers', requestId: id, from, to: from === 'Synchronized' ? 'Downloaded' : from, format, sha256 }],
  };
}

export function confirm(s: IdIssuerState, user: User, id: number, input: { checksum: string; format: Format }, env: Env): Result<Changed, SimError> {
  const found = findIdentifiers(s, user, id, env);
  if (!found.ok) return found;
  const r = found.value.request;
  const expected = r.downloads[input.format];
  if (!expected) return err('NOT_DOWNLOADED', String(id), input.format);
  if (input.checksum.toLowerCase() !== expected) return err('CHECKSUM_MISMATCH', input.format);
  // Confirming again with the right checksum changes nothing (a client retrying after a lost response).
  if (r.confirmedAt !== undefined) return ok({ state: s, events: [] });
  return ok({
    state: { ...s, requests: pmap.set(s.requests, String(id), { ...r, confirmedAt: env.now }) },
    events: [{ type: 'IdentifiersConfirmed', entity: 'identifiers', requestId: id, from: 'Downloaded', to: 'DownloadConfirmed', format: input.format }],
  });
}

/** Page `pageNumber` (from 1) of `pageSize` items. */
export function page<T>(items: T[], pageNumber: number, pageSize: number) {
  return {
    items: items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
    pagesCount: Math.ceil(items.length / pageSize),
    totalItemsCount: items.length,
    pageNumber,
    pageSize,
  };
}
