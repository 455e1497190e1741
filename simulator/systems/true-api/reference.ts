/**
 * Reference data of the Kazakhstan True API v2.22 (ИС МПТ): product groups (§9.1), package types (§9.2), code
 * statuses (§9.3), participant roles (the token's product_group_info), the IIN/BIN check digit, and the timings.
 * The OpenAPI contract repeats the enumerations; test/true-api/operations.test.ts compares.
 */
import { progression, type Timing } from '../../core/progression.js';
import type { TimingDecl } from '../../core/system.js';

/** §9.1 "Список поддерживаемых товарных групп": id and the name `pg` parameters use. `lp` is named by the token
 * example and the packaging notes but missing from the table; it gets 1, the id of light industry on the platform's
 * Russian twin (x-sim-interpretation). */
export const PRODUCT_GROUPS = [
  { id: 1, name: 'lp' },
  { id: 2, name: 'shoes' },
  { id: 3, name: 'tobacco' },
  { id: 7, name: 'pharma' },
  { id: 8, name: 'milk' },
  { id: 11, name: 'alcohol' },
] as const;
export type ProductGroup = (typeof PRODUCT_GROUPS)[number]['name'];
export const PRODUCT_GROUP_NAMES = PRODUCT_GROUPS.map((g) => g.name) as ProductGroup[];
export const productGroupId = (name: string): number | undefined => PRODUCT_GROUPS.find((g) => g.name === name)?.id;
export const productGroupName = (id: number): ProductGroup | undefined => PRODUCT_GROUPS.find((g) => g.id === id)?.name;

/** §9.2 "Типы упаковки". */
export const PACKAGE_TYPES = ['UNIT', 'LEVEL1', 'LEVEL2', 'LEVEL3', 'LEVEL4', 'LEVEL5', 'BUNDLE'] as const;
export type PackageType = (typeof PACKAGE_TYPES)[number];

/** §9.3 "Статусы КМ", by their numeric id (processing errors name a status by it). */
export const CODE_STATUSES = {
  EMITTED: 0,
  APPLIED: 1,
  INTRODUCED: 2,
  WRITTEN_OFF: 3,
  WITHDRAWN: 4,
  RESERVED_NOT_USED: 5,
  INTRODUCED_RETURNED: 6,
  DISAGGREGATED: 7,
  EXPORTED: 9,
  LOAN_RETIRED: 10,
  REMARK_RETIRED: 11,
  APPLIED_NOT_PAID: 12,
} as const;
export type CodeStatus = keyof typeof CODE_STATUSES;

/** §5.2 "Статусы заказа" (`IN PROGRESS` is printed with a space: IN_PROGRESS). PRODUCTION is listed, never produced. */
export const ORDER_STATUSES = ['NEW', 'PRODUCTION', 'VALIDATION_FAILED', 'IN_PROGRESS', 'SUCCESS', 'ERROR', 'RESULT_EXPIRED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** §9.4 document types (with those the methods name: LP_ACCEPT_GOODS, EAS_CROSSBORDER_GROUP). */
export const DOCUMENT_TYPES = ['KZ_INTRODUCE_GOODS', 'MTTPS_90', 'IMPORT', 'IMPORT_TRANSIT', 'WRITE_OFF', 'AGGREGATION_DOCUMENT', 'KZ_UPD', 'EAS_CROSSBORDER', 'EAS_CROSSBORDER_GROUP', 'LP_ACCEPT_GOODS', 'RECEIPT', 'RECEIPT_RETURN'] as const;

/** §9.5 document processing statuses. */
export const DOCUMENT_STATUSES = ['IN_PROGRESS', 'CHECKED_OK', 'CHECKED_NOT_OK', 'PROCESSING_ERROR', 'UNDEFINED'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** §5.1: at most 10,000 codes in a result. */
export const ORDER_RESULT_LIMIT = 10_000;

/** Participant roles, as the token example's `product_group_info[].types` lists them. */
export const ROLES = ['PRODUCER', 'IMPORTER', 'WHOLESALER', 'RETAIL', 'TRADE_PARTICIPANT'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The check digit of a Kazakh IIN/BIN (12 digits): the first 11 digits weighted 1..11, modulo 11; a remainder of 10
 * is weighted again with 3..11,1,2; a second 10 makes the number invalid.
 */
export function isValidBin(bin: string): boolean {
  if (!/^[0-9]{12}$/.test(bin)) return false;
  const d = [...bin].map(Number);
  const sum = (w: (i: number) => number) => d.slice(0, 11).reduce((s, x, i) => s + x * w(i), 0) % 11;
  let c = sum((i) => i + 1);
  if (c === 10) c = sum((i) => ((i + 2) % 11) + 1);
  return c !== 10 && c === d[11];
}

export const TIMINGS = {
  authKeyTtlMs: { default: 600_000, kind: 'lifetime', description: 'How long the data of GET /auth/key may be signed and sent to /auth/simpleSignIn (the document is silent).' },
  tokenLifetimeMs: { default: 36_000_000, kind: 'lifetime', description: 'How long a token of /auth/simpleSignIn lives (not stated by the document; 10 hours, what real clients assume).' },
  codesOrderStartMs: { default: 1_000, polls: true, description: 'A code-list order of POST /cises/my is NEW this long, then IN_PROGRESS.' },
  codesOrderReadyMs: { default: 5_000, polls: true, description: 'A code-list order is done (SUCCESS, or a forced VALIDATION_FAILED / ERROR) this long after it was made.' },
  documentProcessingMs: { default: 3_000, description: 'A submitted notice (withdrawal, re-introduction, import) or a receipt is IN_PROGRESS this long, then CHECKED_OK (its effect on the codes applied) or CHECKED_NOT_OK.' },
  shipmentStepMs: { default: 5_000, description: 'An export to the EAEU (/edo-api/shipments) is CHECKING, SENT and WAITING_ACCEPTANCE this long each, then ACCEPTED (or ERROR after CHECKING).' },
  codesOrderResultTtlMs: { default: 3_600_000, kind: 'lifetime', description: 'How long the ZIP of a done order can be downloaded, then RESULT_EXPIRED (§5.3: one hour).' },
} as const satisfies Record<string, TimingDecl>;
export type TrueApiTimings = { [K in keyof typeof TIMINGS]: K extends 'codesOrderStartMs' | 'codesOrderReadyMs' ? Timing : number };

/** §5.1–§5.3: a code-list order's statuses (PRODUCTION is listed, never reached). */
export const ORDER_TRANSITIONS = {
  NEW: ['IN_PROGRESS'],
  PRODUCTION: [],
  IN_PROGRESS: ['SUCCESS', 'VALIDATION_FAILED', 'ERROR'],
  SUCCESS: ['RESULT_EXPIRED'],
  VALIDATION_FAILED: [],
  ERROR: [],
  RESULT_EXPIRED: [],
} as const satisfies Record<OrderStatus, readonly OrderStatus[]>;
/** NEW, then IN_PROGRESS, then done: SUCCESS or the failure decided when the order was made. */
export const ORDER_PROGRESSION = progression('codes-order', ORDER_TRANSITIONS, [{ status: 'NEW', until: 'codesOrderStartMs' }, { status: 'IN_PROGRESS', until: 'codesOrderReadyMs' }], ['SUCCESS', 'VALIDATION_FAILED', 'ERROR']);

/** §9.7 numeric types. */
export const EDO_TYPES = [1000, 1005, 1100, 1200, 1300] as const;
/** §9.6 numeric statuses (61 and 62 are filter aliases of 4 and 10). */
export const EDO_STATUSES = [0, 1, 2, 3, 4, 5, 8, 10, 16, 17, 18, 19, 20] as const;
export const EXPORT_STATUSES = ['CHECKING', 'SENT', 'WAITING_ACCEPTANCE', 'ACCEPTED', 'ERROR'] as const;

/** The operations whose errors come in a family envelope of their own (§6.3 #16): the shipments' and the imports'. */
export const OPERATION_FAMILY: Readonly<Record<string, 'shipment' | 'import'>> = {
  exportShipment: 'shipment',
  shipmentStatus: 'shipment',
  shipmentView: 'shipment',
  importSearch: 'import',
  importShipment: 'import',
  importAcceptance: 'import',
  importDocumentStatus: 'import',
};
