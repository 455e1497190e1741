/**
 * Reference data of the MCOI document (section 6), its limits (section 1.4) and its role table (section 2.4).
 * The OpenAPI contract repeats the enums; test/contract.test.ts checks both say the same.
 */
import { progression, type Timing, type Transitions } from '../../core/progression.js';
import type { TimingDecl } from '../../core/system.js';

/** §6.1 */
export const PRODUCT_GROUPS = ['vegetableoil', 'bio', 'tobacco', 'alcohol', 'beer', 'pharma', 'water', 'medicals', 'appliances', 'antiseptic'] as const;
export type ProductGroup = (typeof PRODUCT_GROUPS)[number];

/** §6.2 ("COMISSION" is spelled with one M in the document and on the wire). */
export const RELEASE_METHOD_TYPES = ['PRIMARY', 'REMAINS', 'COMISSION', 'REMARK'] as const;
export type ReleaseMethodType = (typeof RELEASE_METHOD_TYPES)[number];

/** §6.3 */
export const RELEASE_TYPES = ['PRODUCTION', 'IMPORT', 'CIRCULATION'] as const;
export type ReleaseType = (typeof RELEASE_TYPES)[number];

/** §6.4 (cisType and packageType) */
export const CIS_TYPES = ['UNIT', 'GROUP', 'SET'] as const;
export type CisType = (typeof CIS_TYPES)[number];

/**
 * Package types seen in real responses (observed #13) and the most each may hold (observed #11, the capacities real
 * clients state). An SSCC package holding codes is BOX_LV_1, one holding packages BOX_LV_2; a GROUP or SET code may
 * nest consumer units (UNIT codes).
 */
export const PACKAGE_TYPES = ['UNIT', 'GROUP', 'SET', 'BOX_LV_1', 'BOX_LV_2'] as const;
export type PackageType = (typeof PACKAGE_TYPES)[number];
export const PACKAGE_CAPACITY: Record<Exclude<PackageType, 'UNIT'>, number> = { GROUP: 200, SET: 200, BOX_LV_1: 1500, BOX_LV_2: 500 };

/** §6.5 */
export const SERIAL_NUMBER_TYPES = ['SELF_MADE', 'OPERATOR'] as const;

/** §6.6 */
export const ORDER_STATUSES = ['CREATED', 'PENDING', 'READY', 'REJECTED', 'CLOSED', 'OUTSOURCED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** §6.6 as a machine: statuses are data; an order's status is computed from it and the clock (machine.ts). */
export const ORDER_TRANSITIONS = {
  CREATED: ['PENDING', 'CLOSED'],
  PENDING: ['READY', 'OUTSOURCED', 'REJECTED', 'CLOSED'],
  READY: ['CLOSED'],
  OUTSOURCED: ['CLOSED'],
  REJECTED: [],
  CLOSED: [],
} as const satisfies Record<OrderStatus, readonly OrderStatus[]>;

/** §6.7 */
export const BUFFER_STATUSES = ['PENDING', 'ACTIVE', 'EXHAUSTED', 'REJECTED', 'CLOSED'] as const;
export type BufferStatus = (typeof BUFFER_STATUSES)[number];

export const BUFFER_TRANSITIONS = {
  PENDING: ['ACTIVE', 'REJECTED', 'CLOSED'],
  ACTIVE: ['EXHAUSTED', 'CLOSED'],
  EXHAUSTED: ['CLOSED'],
  REJECTED: [],
  CLOSED: [],
} as const satisfies Record<BufferStatus, readonly BufferStatus[]>;

/**
 * Marking-code statuses and how a code moves between them; the one place this is written down.
 * EMITTED: generated in a sub-order, not yet unloaded. RECEIVED: unloaded by GET /api/codes (§3.4).
 * APPLIED: in a successful utilisation report (§4.1). CANCELLED: not unloaded when its sub-order was closed (§3.6).
 * Aggregation (§4.4) does not change the status: an APPLIED code gains a parent package.
 * Print-quality validation (§4.3) records a class on a RECEIVED or APPLIED code without changing its status.
 */
export const CODE_STATUSES = ['EMITTED', 'RECEIVED', 'APPLIED', 'WITHDRAWN', 'CANCELLED'] as const;
export type CodeStatus = (typeof CODE_STATUSES)[number];
/** WITHDRAWN (observed #13): sold at a cash register (a sales receipt); a refund receipt brings it back to APPLIED. */
export const CODE_TRANSITIONS = {
  EMITTED: ['RECEIVED', 'CANCELLED'],
  RECEIVED: ['APPLIED'],
  APPLIED: ['WITHDRAWN'],
  WITHDRAWN: ['APPLIED'],
  CANCELLED: [],
} as const satisfies Record<CodeStatus, readonly CodeStatus[]>;

/** §6.9 */
export const REPORT_STATUSES = ['IN_PROCESS', 'SUCCESS', 'ERROR'] as const;

/** §6.10 */
export const DOCUMENT_STATUSES = ['CREATED', 'VALIDATING', 'IN_PROCESS', 'PARTIALLY_PROCESSED', 'SUCCESS', 'ERROR'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** A document is processed as a whole (§4.1): IN_PROCESS, then its outcome. CREATED and VALIDATING are never shown. */
export const DOCUMENT_TRANSITIONS = {
  CREATED: ['VALIDATING', 'IN_PROCESS'],
  VALIDATING: ['IN_PROCESS', 'ERROR'],
  IN_PROCESS: ['SUCCESS', 'ERROR', 'PARTIALLY_PROCESSED'],
  PARTIALLY_PROCESSED: [],
  SUCCESS: [],
  ERROR: [],
} as const satisfies Record<DocumentStatus, readonly DocumentStatus[]>;

/**
 * §6.11 (the document writes "WITHDRAWAL." with a stray full stop; the value is WITHDRAWAL), then the real types of
 * ASL BELGISI that clients filter by (observed #35): TRANSPORT_CODE_DISAGGREGATION is what the observed
 * transport-code-disaggregation makes, SALES_RECEIPT and REFUND_RECEIPT what a cash register sends.
 */
export const DOCUMENT_TYPES = [
  'WITHDRAWAL', 'AGGREGATION', 'UTILISATION', 'IMPORT', 'VALIDATION', 'TYPOGRAPHIC', 'ORDER', 'INVOICE',
  'TRANSPORT_CODE_DISAGGREGATION', 'SALES_RECEIPT', 'REFUND_RECEIPT', 'ORIGINAL_INVOICE', 'ADDITIONAL_INVOICE', 'CORRECTED_INVOICE',
  'CANCELLED_INVOICE', 'ORIGINAL_CUSTOMS_DECLARATION', 'CUSTOMS_CODE_WITHDRAWAL', 'CUSTOMS_CODE_REGISTRATION', 'TRANSFER_REQUEST', 'WRITE_OFF_NOTICE',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** §6.15: letter → numeric class. D and F do not give reliable scanning. */
export const PRINT_QUALITY_CLASSES = { A: 4, B: 3, C: 2, D: 1, F: 0 } as const;
export type PrintQualityClass = keyof typeof PRINT_QUALITY_CLASSES;
export const ACCEPTABLE_PRINT_QUALITY: readonly PrintQualityClass[] = ['A', 'B', 'C'];

/**
 * §6.16, ISO 3166-1 alpha-2 plus EU. The extracted document lists Cameroon as "MC" (Monaco's code, listed again
 * further down); the simulator uses CM for Cameroon.
 */
export const COUNTRY_CODES = [
  'AD','AE','AF','AG','AI','AL','AM','AO','AQ','AR','AS','AT','AU','AW','AX','AZ','BA','BB','BD','BE','BF','BG',
  'BH','BI','BJ','BL','BM','BN','BO','BQ','BR','BS','BT','BV','BW','BY','BZ','CA','CC','CD','CF','CG','CH','CI',
  'CK','CL','CM','CN','CO','CR','CU','CV','CW','CX','CY','CZ','DE','DJ','DK','DM','DO','DZ','EC','EE','EG','EH',
  'ER','ES','ET','EU','FI','FJ','FK','FM','FO','FR','GA','GB','GD','GE','GF','GG','GH','GI','GL','GM','GN','GP',
  'GQ','GR','GS','GT','GU','GW','GY','HK','HM','HN','HR','HT','HU','ID','IE','IL','IM','IN','IO','IQ','IR','IS',
  'IT','JE','JM','JO','JP','KE','KG','KH','KI','KM','KN','KP','KR','KW','KY','KZ','LA','LB','LC','LI','LK','LR',
  'LS','LT','LU','LV','LY','MA','MC','MD','ME','MF','MG','MH','MK','ML','MM','MN','MO','MP','MQ','MR','MS','MT',
  'MU','MV','MW','MX','MY','MZ','NA','NC','NE','NF','NG','NI','NL','NO','NP','NR','NU','NZ','OM','PA','PE','PF',
  'PG','PH','PK','PL','PM','PN','PR','PS','PT','PW','PY','QA','RE','RO','RS','RU','RW','SA','SB','SC','SD','SE',
  'SG','SH','SI','SJ','SK','SL','SM','SN','SO','SR','SS','ST','SV','SX','SY','SZ','TC','TD','TF','TG','TH','TJ',
  'TK','TL','TM','TN','TO','TR','TT','TV','TW','TZ','UA','UG','UM','US','UY','UZ','VA','VC','VE','VG','VI','VN',
  'VU','WF','WS','YE','YT','ZA','ZM','ZW',
] as const;

/** §1.4 */
export const LIMITS = {
  tokenLifetimeMs: 30 * 60_000,
  activeOrders: 100,
  codesPerOrder: 150_000,
  codesPerSubOrder: 100_000,
  subOrdersPerOrder: 10,
  codesPerReport: 30_000,
  /** Packages formed by one aggregation report (observed #11: "200 units per aggregation report"). */
  unitsPerAggregation: 200,
  /** Codes in one code-information request and in one owner check (observed #30). */
  codesPerInfoRequest: 1000,
  codesPerOwnerCheck: 100,
  requestsPerMinute: 100,
  /** §3.2, §3.3, §5.1: "default 100". */
  defaultPageSize: 100,
  /** §5.4: "default is 30000". */
  defaultErrorPageSize: 30_000,
  /** §4.1: seriesNumber "Length control from 1 to 20 characters". */
  seriesNumberMaxLength: 20,
  /** Documented form of a code (§3.4 example): 13-character serial, 4-character verification code. */
  serialLength: 13,
  cryptoLength: 4,
  /** Codes in one export's result: ASL caps a result at about 10 MB (observed: clients narrow the filter when an export ends ERROR); an item is ~800 bytes. */
  codesPerExport: 10_000,
  /** The price of one marking code, in UZS, charged to the personal account's balance (account model, 003: "Payment for marking codes"; the amount is the simulator's). */
  codePriceUzs: 50,
} as const;

/** Processing delays in virtual time (SIM_TIMINGS, scenarios' `timings.mcoi`); the names are the settings' names. */
export const TIMINGS = {
  orderPendingMs: { default: 1_000, polls: true, description: 'An order is CREATED until this age, then PENDING.' },
  orderReadyMs: { default: 3_000, polls: true, description: 'From this age an order is READY (or OUTSOURCED / REJECTED).' },
  documentProcessingMs: { default: 2_000, polls: true, description: 'Reports and documents are IN_PROCESS for this long, then SUCCESS or ERROR.' },
  exportProcessingMs: { default: 3_000, polls: true, description: 'A code export is IN_PROGRESS for this long, then SUCCESS (or ERROR when it holds too many codes).' },
  apiKeyLifetimeMs: { default: 365 * 86_400_000, kind: 'lifetime', description: 'An API key issued by a refresh or the control plane is valid this long (the world\'s own keys do not expire).' },
} as const satisfies Record<string, TimingDecl>;
export type McoiTimings = { -readonly [K in keyof typeof TIMINGS]: Timing };

/** §6.6: an order is CREATED, then PENDING, then READY, OUTSOURCED or REJECTED (CLOSED whenever it is closed). */
export const ORDER_PROGRESSION = progression('order', ORDER_TRANSITIONS, [{ status: 'CREATED', until: 'orderPendingMs' }, { status: 'PENDING', until: 'orderReadyMs' }], ['READY', 'OUTSOURCED', 'REJECTED']);
/** §6.7: a sub-order is PENDING while its order is processed, then ACTIVE or REJECTED. */
export const SUB_ORDER_PROGRESSION = progression('sub-order', BUFFER_TRANSITIONS, [{ status: 'PENDING', until: 'orderReadyMs' }], ['ACTIVE', 'REJECTED', 'CLOSED']);
/** §6.10: a report or document is IN_PROCESS, then SUCCESS, ERROR or PARTIALLY_PROCESSED. */
export const DOCUMENT_PROGRESSION = progression('document', DOCUMENT_TRANSITIONS, [{ status: 'IN_PROCESS', until: 'documentProcessingMs' }], ['SUCCESS', 'ERROR', 'PARTIALLY_PROCESSED']);

/** A code export (observed #33): IN_PROGRESS, then SUCCESS or ERROR (clients poll for SUCCESS; too large an export is ERROR). */
export const EXPORT_TRANSITIONS = { IN_PROGRESS: ['SUCCESS', 'ERROR'], SUCCESS: [], ERROR: [] } as const satisfies Transitions;
export const EXPORT_PROGRESSION = progression('export', EXPORT_TRANSITIONS, [{ status: 'IN_PROGRESS', until: 'exportProcessingMs' }], ['SUCCESS', 'ERROR']);

/** Roles a technical user can hold (§2.4); the document names them in prose, the simulator by these keys. */
export const ROLES = {
  API_INTEGRATOR: 'API Integrator',
  DOC_CREATOR_VALIDATION_APPLICATION: 'Creator of documents with the type "Documents of work with MC (Validation, Application)"',
  DOC_CREATOR_AGGREGATION: 'Creator of documents with the "Aggregation" type',
} as const;
export type Role = keyof typeof ROLES;

/** §2.4: the role each operation needs. Document-storage operations check the role of each document's type. */
export const ROLE_FOR_OPERATION: Record<string, Role | 'BY_DOCUMENT_TYPE' | null> = {
  authenticate: null,
  registerOrder: 'API_INTEGRATOR',
  listOrders: 'API_INTEGRATOR',
  listSubOrders: 'API_INTEGRATOR',
  unloadCodes: 'API_INTEGRATOR',
  listPacks: 'API_INTEGRATOR',
  closeOrder: 'API_INTEGRATOR',
  registerUtilisation: 'DOC_CREATOR_VALIDATION_APPLICATION',
  getUtilisationStatus: 'DOC_CREATOR_VALIDATION_APPLICATION',
  registerValidation: 'DOC_CREATOR_VALIDATION_APPLICATION',
  registerAggregation: 'DOC_CREATOR_AGGREGATION',
  searchDocuments: 'BY_DOCUMENT_TYPE',
  getDocument: 'BY_DOCUMENT_TYPE',
  getDocumentJson: 'BY_DOCUMENT_TYPE',
  getDocumentErrors: 'BY_DOCUMENT_TYPE',
  getDocumentCodes: 'BY_DOCUMENT_TYPE',
  registerDisaggregation: 'DOC_CREATOR_AGGREGATION',
  // Code information reads what the caller's organization owns; any user of it may ask.
  getPrivateCodes: null,
  getPublicCodes: null,
  ownerCheck: null,
  ownerCheckUnversioned: null,
  // The account (observed #32): any user checks and renews its own key and reads parties.
  checkApiKey: null,
  refreshApiKey: null,
  getPartyStatus: null,
  // What the caller's organization exported, sold, described: any user of it may ask; product cards are public.
  registerExport: null,
  getExportStatus: null,
  getExportResult: null,
  listReceipts: null,
  getReceipt: null,
  listProducts: null,
  searchProductByGtin: null,
  getProduct: null,
  verifyCodes: null,
};

/**
 * Operations real clients call that v1.1.17 does not list (observed #26–#30), served unless SIM_MCOI_EXTENSIONS=off.
 * The contract tags them `observed-extension` with `x-sim-source: observed`; a test keeps both lists equal.
 */
export const EXTENSION_OPERATIONS: readonly string[] = ['getDocumentCodes', 'registerDisaggregation', 'getPrivateCodes', 'getPublicCodes', 'ownerCheck', 'ownerCheckUnversioned', 'checkApiKey', 'refreshApiKey', 'getPartyStatus', 'registerExport', 'getExportStatus', 'getExportResult', 'listReceipts', 'getReceipt', 'listProducts', 'searchProductByGtin', 'getProduct', 'verifyCodes'];

/** Which role lets a user see documents of a type (§2.4 "Document creator, specifying the corresponding type"). */
export const ROLE_FOR_DOCUMENT_TYPE: Partial<Record<DocumentType, Role>> = {
  ORDER: 'API_INTEGRATOR',
  UTILISATION: 'DOC_CREATOR_VALIDATION_APPLICATION',
  VALIDATION: 'DOC_CREATOR_VALIDATION_APPLICATION',
  AGGREGATION: 'DOC_CREATOR_AGGREGATION',
  TRANSPORT_CODE_DISAGGREGATION: 'DOC_CREATOR_AGGREGATION',
};

/** Kinds of participant (UOT) an organization can be; §3.1 restricts Wholesale and Retail. */
export const ORG_KINDS = ['PRODUCER', 'IMPORTER', 'WHOLESALE', 'RETAIL', 'SERVICE_PROVIDER'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];
export const RESTRICTED_KINDS: readonly OrgKind[] = ['WHOLESALE', 'RETAIL'];
export const RESTRICTED_RELEASE_METHODS: readonly ReleaseMethodType[] = ['REMAINS', 'COMISSION'];

/** §5.4 propertyName values (§6.13 is empty in the document; these are simulator-defined). */
export const PROPERTY_NAMES = ['CODE', 'GTIN', 'PRODUCTION_DATE', 'EXPIRATION_DATE', 'MANUFACTURER_COUNTRY', 'RELEASE_TYPE', 'AGGREGATION_UNIT'] as const;
export type PropertyName = (typeof PROPERTY_NAMES)[number];
