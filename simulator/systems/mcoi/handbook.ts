/**
 * Every error MCOI can return: HTTP status, errorCode, symbolic code, text. The ONLY home of these values.
 *
 * §1.6 gives the envelope ({ globalErrors: [{ error, errorCode, code?, requestBodyJsonPath?, requestQueryJsonPath?,
 * requestPathJsonPath?, errorId?, service?, context? }] }) and two handbook rows: 1 and 201. Its other rows are
 * "..."; the simulator defines the rest from 1000 up (source: 'simulator-defined'). Symbolic codes follow those seen
 * on the real gateway (observed #2): user-incorrect-login-or-password, inactive-token, invalid-input-parameter,
 * invalid-format.
 */
import type { Handbook, HandbookEntry } from '../../core/errors.js';
import type { PropertyName } from './reference.js';

export interface McoiError extends HandbookEntry {
  readonly errorCode: number;
  readonly code?: string;
  /** Rendered with `error` and `errorCode` only: no code, errorId, service or paths (the real stage's 201). */
  readonly bare?: boolean;
}

const SIM = 'simulator-defined';

export const HANDBOOK = {
  SERVICE_UNAVAILABLE: { status: 503, errorCode: 1, code: 'service-unavailable', text: 'The service is temporarily unavailable. Please try again after a few seconds', source: '§1.6 handbook row 1' },
  NO_PERMISSION: { status: 403, errorCode: 201, code: 'no-permission', text: 'No permission for operation', source: '§1.6 example (handbook row 201: "Insufficient rights to perform the operation")' },
  /** The same refusal as the real stage answers it (SIM_MCOI_PERMISSION_STATUS=400): 400 and only `error` and `errorCode`. */
  NO_PERMISSION_STAGE: { status: 400, errorCode: 201, text: 'No permission for operation', bare: true, source: 'observed #1: {"globalErrors":[{"error":"No permission for operation","errorCode":201}]}' },
  UNAUTHORIZED: { status: 401, errorCode: 1001, code: 'unauthorized', text: (detail: string) => `Authorization is required for the request: ${detail}`, source: '§1.5 (401); context._cause from observed #2' },
  INCORRECT_LOGIN: { status: 401, errorCode: 1002, code: 'user-incorrect-login-or-password', text: 'Incorrect login or password', source: 'observed #2' },
  INVALID_INPUT: { status: 400, errorCode: 1003, code: 'invalid-input-parameter', text: (where: string, what: string) => `Invalid parameter ${where}: ${what}`, source: 'observed #2' },
  INVALID_FORMAT: { status: 400, errorCode: 1004, code: 'invalid-format', text: (what: string) => `Invalid format: ${what}`, source: 'observed #2' },
  PAYLOAD_TOO_LARGE: { status: 413, errorCode: 1005, code: 'payload-too-large', text: (limit: string) => `Request body is larger than ${limit}`, source: SIM },
  PATH_NOT_FOUND: { status: 404, errorCode: 1006, code: 'not-found', text: (method: string, path: string) => `No method ${method} ${path}`, source: '§1.5 (404)' },
  METHOD_NOT_ALLOWED: { status: 405, errorCode: 1007, code: 'method-not-allowed', text: (method: string, allowed: string) => `Request method '${method}' is not supported (allowed: ${allowed})`, source: SIM },
  TOO_MANY_REQUESTS: { status: 429, errorCode: 1008, code: 'too-many-requests', text: (limit: number) => `Limit exceeded: at most ${limit} requests per minute`, source: '§1.4, §1.5 (429 "Limit exceeded"); Retry-After from observed #10' },
  INTERNAL: { status: 500, errorCode: 1009, code: 'internal-error', text: 'Internal server error', source: '§1.5 (500)' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, errorCode: 1011, code: 'unsupported-media-type', text: (what: string) => `Content type not supported: ${what}`, source: 'simulator-defined (Spring answers 415 to a body it cannot read)' },
  UPSTREAM_STATUS: { status: 502, errorCode: 1010, code: 'upstream-error', text: (status: number, reason: string) => `${status} ${reason}`, source: 'simulator-defined (scenario status faults; its status is the fault\'s)' },

  ORDER_NOT_FOUND: { status: 404, errorCode: 1100, code: 'order-not-found', text: (id: string) => `MC issue order ${id} not found`, source: SIM },
  SUB_ORDER_NOT_FOUND: { status: 404, errorCode: 1101, code: 'sub-order-not-found', text: (id: string, gtin: string) => `Sub-order with GTIN ${gtin} not found in order ${id}`, source: SIM },
  PACK_NOT_FOUND: { status: 404, errorCode: 1102, code: 'pack-not-found', text: (packId: string) => `MC package ${packId} was not unloaded from this sub-order`, source: SIM },
  REPORT_NOT_FOUND: { status: 404, errorCode: 1103, code: 'report-not-found', text: (id: string) => `MC application report ${id} not found`, source: SIM },
  DOCUMENT_NOT_FOUND: { status: 404, errorCode: 1104, code: 'document-not-found', text: (id: string) => `Document ${id} not found`, source: SIM },

  ACTIVE_ORDERS_LIMIT: { status: 400, errorCode: 1110, code: 'active-orders-limit', text: (max: number) => `The number of active MC issue orders is limited to ${max}`, source: '§1.4, §3.1' },
  SUB_ORDERS_LIMIT: { status: 400, errorCode: 1111, code: 'sub-orders-limit', text: (max: number, got: number) => `The number of sub-orders in one order is limited to ${max} (got ${got})`, source: '§1.4' },
  ORDER_CODES_LIMIT: { status: 400, errorCode: 1112, code: 'order-codes-limit', text: (max: number, got: number) => `The number of codes in one order is limited to ${max} (got ${got})`, source: '§1.4' },
  SUB_ORDER_CODES_LIMIT: { status: 400, errorCode: 1113, code: 'sub-order-codes-limit', text: (max: number, gtin: string, got: number) => `The number of codes in one sub-order is limited to ${max} (GTIN ${gtin}: ${got})`, source: '§1.4' },
  REPORT_CODES_LIMIT: { status: 400, errorCode: 1114, code: 'report-codes-limit', text: (max: number, got: number) => `The number of codes in one report is limited to ${max} (got ${got})`, source: '§1.4' },
  AGGREGATION_UNITS_LIMIT: { status: 400, errorCode: 1116, code: 'aggregation-units-limit', text: (max: number, got: number) => `The number of packages formed by one aggregation report is limited to ${max} (got ${got})`, source: 'observed #11 (200 units per aggregation report)' },
  EMPTY_REPORT: { status: 400, errorCode: 1115, code: 'empty-report', text: 'The report contains no codes', source: SIM },

  INVALID_GTIN: { status: 400, errorCode: 1120, code: 'invalid-gtin', text: (gtin: string) => `GTIN ${gtin} is not a valid 14-digit GTIN (check digit)`, source: SIM },
  GTIN_NOT_OWNED: { status: 400, errorCode: 1121, code: 'gtin-not-owned', text: (gtin: string) => `GTIN ${gtin} does not belong to the organization`, source: '§3.1' },
  GTIN_PRODUCT_GROUP_MISMATCH: { status: 400, errorCode: 1122, code: 'gtin-product-group-mismatch', text: (gtin: string, pg: string, cardPg: string) => `GTIN ${gtin} does not belong to product group ${pg} (its product card is ${cardPg})`, source: '§3.1' },
  PRODUCT_GROUP_NOT_REGISTERED: { status: 400, errorCode: 1123, code: 'product-group-not-registered', text: (pg: string) => `The organization is not registered as an issuer for product group ${pg}`, source: 'account model (003): product groups with the Issuer attribute' },
  RELEASE_METHOD_NOT_ALLOWED: { status: 400, errorCode: 1124, code: 'release-method-not-allowed', text: (m: string) => `UOT with the role "Wholesale" or "Retail" can only register orders for the purpose of marking "Marking Remains" or "Commission Trading" (got ${m})`, source: '§3.1 note on releaseMethodType' },
  BUSINESS_PLACE_NOT_FOUND: { status: 400, errorCode: 1125, code: 'business-place-not-found', text: (id: number) => `Place of business ${id} not found in the organization`, source: SIM },
  CONTRACTOR_NOT_FOUND: { status: 400, errorCode: 1126, code: 'contractor-not-found', text: (tin: string) => `Service provider with TIN ${tin} not found`, source: SIM },
  PLACE_OR_CONTRACTOR: { status: 400, errorCode: 1127, code: 'place-or-contractor', text: 'Exactly one of businessPlaceId (own fulfilment) and contractorInfo (service provider) must be given', source: '§3.1 notes on businessPlaceId and contractorInfo' },
  SERIAL_NUMBERS_COUNT: { status: 400, errorCode: 1128, code: 'serial-numbers-count', text: (gtin: string, q: number, n: number) => `GTIN ${gtin}: quantity is ${q} but ${n} serial numbers were given`, source: '§3.1' },
  SERIAL_NUMBERS_NOT_ALLOWED: { status: 400, errorCode: 1129, code: 'serial-numbers-not-allowed', text: (gtin: string) => `GTIN ${gtin}: serialNumbers are filled only if serialNumberType = SELF_MADE`, source: '§3.1' },
  SERIAL_NUMBER_INVALID: { status: 400, errorCode: 1130, code: 'serial-number-invalid', text: (sn: string, len: number) => `Serial number ${JSON.stringify(sn)} must be ${len} characters of the GS1 character set 82`, source: SIM },
  SERIAL_NUMBER_DUPLICATE: { status: 400, errorCode: 1131, code: 'serial-number-duplicate', text: (sn: string) => `Serial number ${JSON.stringify(sn)} is repeated in the order`, source: SIM },
  DUPLICATE_GTIN: { status: 400, errorCode: 1132, code: 'duplicate-gtin', text: (gtin: string) => `GTIN ${gtin} appears in more than one sub-order`, source: SIM },
  AGREEMENT_NOT_ACTIVATED: { status: 400, errorCode: 1134, code: 'agreement-not-activated', text: 'The agreement with the Operator is not activated: marking codes cannot be ordered', source: 'account model (003): "Activation of the agreement with the Operator (for issuers)"' },
  NO_PRODUCT_CARD: { status: 400, errorCode: 1135, code: 'product-card-not-found', text: (gtin: string) => `GTIN ${gtin} has no product card: describe the product first`, source: 'account model (003): "To obtain marking codes, it is necessary to first describe the products"' },
  INSUFFICIENT_BALANCE: { status: 400, errorCode: 1136, code: 'insufficient-balance', text: (cost: number, balance: number) => `The order costs ${cost} UZS; the personal account holds ${balance} UZS`, source: 'account model (003): "Replenishing the personal account … to pay for marking code orders"' },
  CONTRACTOR_COUNTRY: { status: 400, errorCode: 1133, code: 'invalid-country-code', text: (c: string) => `Unknown country code ${c}`, source: '§6.16' },

  DATE_RANGE: { status: 400, errorCode: 1140, code: 'invalid-date-range', text: (from: string, to: string) => `dateTo (${to}) is earlier than dateFrom (${from})`, source: '§3.2, §3.3, §5.1 ("If dateTo < dateFrom, an error is returned")' },
  CURSOR_NOT_FOUND: { status: 400, errorCode: 1141, code: 'invalid-cursor', text: (c: string) => `Cursor ${c} does not identify a record of this listing`, source: SIM },

  ORDER_NOT_READY: { status: 400, errorCode: 1150, code: 'order-not-ready', text: (id: string, st: string) => `MC issue order ${id} is ${st}: codes can be unloaded from READY orders`, source: '§3.4' },
  ORDER_REJECTED: { status: 400, errorCode: 1151, code: 'order-rejected', text: (id: string) => `MC issue order ${id} (or this sub-order) was rejected`, source: '§3.4' },
  ORDER_CLOSED_REUNLOAD_ONLY: { status: 400, errorCode: 1152, code: 'order-closed', text: (id: string) => `MC issue order ${id} is CLOSED: only repeated unloading of previously received MCs is allowed`, source: '§3.4' },
  SUB_ORDER_EXHAUSTED: { status: 400, errorCode: 1153, code: 'sub-order-exhausted', text: (gtin: string) => `No MCs left in the sub-order for GTIN ${gtin}`, source: '§3.4, §6.7 (EXHAUSTED)' },
  QUANTITY_TOO_LARGE: { status: 400, errorCode: 1154, code: 'invalid-quantity', text: (q: number, max: number) => `quantity ${q} is more than the ${max} MCs of the sub-order`, source: '§3.4 note on quantity' },
  ORDER_OUTSOURCED: { status: 400, errorCode: 1155, code: 'order-outsourced', text: (id: string) => `MC issue order ${id} was transferred to the service provider: the service provider unloads its codes`, source: '§6.6 (OUTSOURCED)' },
  ORDER_ALREADY_CLOSED: { status: 400, errorCode: 1156, code: 'order-already-closed', text: (id: string) => `MC issue order ${id} is already closed`, source: '§3.6' },
  SUB_ORDER_ALREADY_CLOSED: { status: 400, errorCode: 1157, code: 'sub-order-already-closed', text: (gtin: string) => `Sub-order for GTIN ${gtin} is already closed`, source: '§3.6' },

  DOCUMENT_BODY_NOT_BASE64: { status: 400, errorCode: 1160, code: 'invalid-format', text: 'documentBody is not valid base64', source: '§4.3, §4.4' },
  DOCUMENT_BODY_NOT_JSON: { status: 400, errorCode: 1161, code: 'invalid-format', text: (why: string) => `documentBody does not decode to a JSON report: ${why}`, source: '§4.3, §4.4' },
  OWNER_NOT_FOUND: { status: 400, errorCode: 1162, code: 'owner-not-found', text: (tin: string) => `MC issuer with TIN ${tin} not found`, source: SIM },
  EXPORT_NOT_FOUND: { status: 404, errorCode: 1180, code: 'export-not-found', text: (id: string) => `Code export ${id} not found`, source: SIM },
  EXPORT_NOT_READY: { status: 400, errorCode: 1181, code: 'export-not-ready', text: (id: string) => `Code export ${id} is IN_PROGRESS: its result is ready once its status is SUCCESS`, source: SIM },
  EXPORT_TOO_LARGE: { status: 400, errorCode: 1182, code: 'export-too-large', text: (id: string, max: number) => `Code export ${id} holds more than ${max} codes: narrow the filter (GTIN, status, emission dates)`, source: 'observed: clients narrow an export that ends ERROR (a result is capped near 10 MB)' },
  RECEIPT_NOT_FOUND: { status: 404, errorCode: 1183, code: 'receipt-not-found', text: (id: string) => `Receipt ${id} not found`, source: SIM },
  PRODUCT_NOT_FOUND: { status: 404, errorCode: 1184, code: 'product-not-found', text: (id: string) => `Product card ${id} not found`, source: SIM },
  PARTY_NOT_FOUND: { status: 404, errorCode: 1170, code: 'party-not-found', text: (tin: string) => `No participant with TIN ${tin}`, source: SIM },
  OWNER_NOT_SERVED: { status: 403, errorCode: 201, code: 'no-permission', text: 'No permission for operation', source: '§4.3, §4.4 (ownerTin only in a service provider report)' },
} as const satisfies Record<string, McoiError>;

export type McoiHandbookKey = keyof typeof HANDBOOK;

/** Errors of MCOI's control-plane routes (rendered as the control plane's problem details). */
export const CONTROL_ERRORS = {
  UNKNOWN_CODE: { status: 404, text: (c: string) => `no marking code ${JSON.stringify(c)} was ever issued in this world`, source: 'simulator-defined' },
  UNKNOWN_USER: { status: 404, text: (login: string) => `no MCOI user ${JSON.stringify(login)} in this world`, source: 'simulator-defined' },
  UNKNOWN_API_KEY: { status: 404, text: 'no such API key in this world', source: 'simulator-defined' },
} as const satisfies Handbook;

/** A line of `storage/errors/{id}` (§5.4; observed #9 adds propertyValue). */
export interface DocErrorEntry {
  readonly propertyName: PropertyName;
  readonly errorCode: string;
  readonly text: (...args: never[]) => string;
  readonly source: string;
}

/**
 * Errors found while processing a report. They make the whole report ERROR (§4.1: "processed only in its entirety")
 * and are read from storage/errors/{documentId}. Only invalid-code-status is in the document (§5.4 example).
 */
export const DOC_ERRORS = {
  INVALID_CODE_STATUS: { propertyName: 'CODE', errorCode: 'invalid-code-status', text: (status: string, expected: string) => `status ${status}, expected ${expected}`, source: '§5.4 example' },
  INVALID_CODE_FORMAT: { propertyName: 'CODE', errorCode: 'invalid-code-format', text: () => 'not a marking code of the form 01<GTIN>21<serial>[GS 93<verification code>]', source: SIM },
  CODE_NOT_FOUND: { propertyName: 'CODE', errorCode: 'code-not-found', text: () => 'the code was never issued', source: SIM },
  INVALID_VERIFICATION_CODE: { propertyName: 'CODE', errorCode: 'invalid-verification-code', text: () => 'the verification code (93) does not match the issued code', source: SIM },
  DUPLICATE_CODE: { propertyName: 'CODE', errorCode: 'duplicate-code', text: () => 'the code appears more than once in the report', source: SIM },
  INVALID_CODE_OWNER: { propertyName: 'CODE', errorCode: 'invalid-code-owner', text: () => 'the code was not issued to this participant', source: SIM },
  INVALID_PRODUCT_GROUP: { propertyName: 'CODE', errorCode: 'invalid-product-group', text: (pg: string) => `the code belongs to product group ${pg}`, source: '§4.1 ("one report should include MCs related to one PG only")' },
  INVALID_PACKAGE_TYPE: { propertyName: 'CODE', errorCode: 'invalid-package-type', text: (t: string) => `the code was ordered for package type ${t}`, source: SIM },
  UNACCEPTABLE_PRINT_QUALITY: { propertyName: 'CODE', errorCode: 'unacceptable-print-quality', text: (c: string) => `print quality class ${c} does not provide reliable scanning`, source: '§6.15' },
  CODE_ALREADY_AGGREGATED: { propertyName: 'CODE', errorCode: 'code-already-aggregated', text: (parent: string) => `the code is already packed in ${parent}`, source: 'issue #2 (nested codes not already aggregated)' },
  UNIT_NOT_FOUND: { propertyName: 'CODE', errorCode: 'unit-not-found', text: () => 'nested package was never formed', source: SIM },
  CAPACITY_EXCEEDED: { propertyName: 'AGGREGATION_UNIT', errorCode: 'capacity-exceeded', text: (cap: number, n: number) => `${n} nested packages exceed the planned capacity ${cap}`, source: '§4.4 note on aggregationItemsCount' },
  ITEMS_COUNT_MISMATCH: { propertyName: 'AGGREGATION_UNIT', errorCode: 'items-count-mismatch', text: (n: number, codes: number) => `aggregationItemsCount ${n} differs from the ${codes} codes given`, source: '§4.4' },
  INVALID_UNIT_SERIAL_NUMBER: { propertyName: 'AGGREGATION_UNIT', errorCode: 'invalid-unit-serial-number', text: () => 'unitSerialNumber must be an SSCC with a valid check digit (18 digits, or 20 with the AI 00) or the code of a GROUP or SET package', source: 'simulator-defined; the AI (00) form from observed #25' },
  CAPACITY_OVER_LIMIT: { propertyName: 'AGGREGATION_UNIT', errorCode: 'capacity-over-limit', text: (type: string, max: number, cap: number) => `a ${type} package holds at most ${max} (planned capacity ${cap})`, source: 'observed #11 (GROUP 200, SET 200, BOX_LV_1 1500, BOX_LV_2 500)' },
  UNIT_DISAGGREGATED: { propertyName: 'CODE', errorCode: 'unit-disaggregated', text: () => 'the package was disaggregated; an SSCC is not reused (GS1 General Specifications)', source: SIM },
  UNIT_ALREADY_EXISTS: { propertyName: 'AGGREGATION_UNIT', errorCode: 'unit-already-exists', text: () => 'a package with this unitSerialNumber was already formed', source: SIM },
  INVALID_PRODUCTION_DATE: { propertyName: 'PRODUCTION_DATE', errorCode: 'invalid-production-date', text: () => 'the production date cannot be greater than the current system date/time', source: '§4.1 note on productionDate' },
  INVALID_EXPIRATION_DATE: { propertyName: 'EXPIRATION_DATE', errorCode: 'invalid-expiration-date', text: () => 'the expiration date cannot be less than the current system date/time', source: '§4.1 note on expirationDate' },
  INVALID_MANUFACTURER_COUNTRY: { propertyName: 'MANUFACTURER_COUNTRY', errorCode: 'invalid-manufacturer-country', text: (card: string) => `the product card gives country of production ${card}`, source: '§4.1 note on manufacturerCountry' },
  SUB_ORDER_REJECTED: { propertyName: 'GTIN', errorCode: 'sub-order-rejected', text: (reason: string) => reason, source: 'simulator-defined (errors of an ORDER document, §5.4)' },
  INVALID_RELEASE_TYPE: { propertyName: 'RELEASE_TYPE', errorCode: 'invalid-release-type', text: (rt: string, country: string) => `${rt} does not fit a product made in ${country}`, source: '§4.1 note on manufacturerCountry, §6.3' },
} as const satisfies Record<string, DocErrorEntry>;

export type DocErrorKey = keyof typeof DOC_ERRORS;

/** A detected error as stored and served (§5.4). */
export interface DocError {
  propertyName: string;
  propertyValue?: string;
  errorCode: string;
  index: number;
  errorTags: Record<string, unknown>;
}
