/** Model → ID issuer wire format, field by field, in the order the document's examples show. */
import type { IdIssuerTimings } from './reference.js';
import { identifierStatus, passedAt, requestStatus } from './machine.js';
import type { UnitRequest, World } from './state.js';

/** .NET's round-trip format, as in the examples: 2024-01-11T14:14:31.5626684+00:00 (seven fractional digits). */
export const dotnetDate = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000+00:00');

function common(r: UnitRequest) {
  return {
    requestId: r.requestId,
    economicOperatorId: r.economicOperatorId,
    facilityId: r.facilityId,
    processType: r.processType,
    machineId: r.machineId,
    routeData: { intendedMarket: r.routeData.intendedMarket, intendedRoute: r.routeData.intendedRoute, fromOutOfUE: r.routeData.fromOutOfUE },
    productData: {
      cnCode: r.productData.cnCode,
      productBrand: r.productData.productBrand,
      productType: r.productData.productType,
      productTypeDescription: r.productData.productTypeDescription,
      productWeight: r.productData.productWeight,
      euCegIdentifier: r.productData.euCegIdentifier,
      euCegProductNumber: r.productData.euCegProductNumber,
      subTypeName: r.productData.subTypeName,
      units: r.productData.units,
      optionalId: r.productData.optionalId,
    },
    reqQuantity: r.reqQuantity,
    processImmediately: r.processImmediately,
  };
}

/** "Get details of request for unit identifiers". */
export function requestDetails(r: UnitRequest, now: number, t: IdIssuerTimings, polls = 0) {
  const status = requestStatus(r, now, t, polls);
  return { ...common(r), createdOn: dotnetDate(r.createdAt), status, rejectionReason: status === 'Rejected' ? (r.rejectionReason ?? null) : null, createdBy: r.createdBy };
}

/** An item of "Search requests for unit identifiers" (the example's items carry no rejectionReason). */
export function requestItem(r: UnitRequest, now: number, t: IdIssuerTimings, polls = 0) {
  return { ...common(r), createdBy: r.createdBy, createdOn: dotnetDate(r.createdAt), status: requestStatus(r, now, t, polls) };
}

/** "Get details of unit identifiers" (createdOn in the example's ISO form: 2023-12-21T09:00:00.000Z). */
export function identifiersDetails(r: UnitRequest, world: World, now: number, t: IdIssuerTimings, polls = 0) {
  return { requestId: r.requestId, quantity: r.reqQuantity, createdOn: new Date(passedAt(r, t)).toISOString(), createdBy: r.createdBy, status: identifierStatus(r, world, now, t, polls)! };
}
