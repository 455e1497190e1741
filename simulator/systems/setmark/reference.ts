/**
 * Reference data of the SetMark API for ERP integration (Crystal Service Integration, "SetMark ◾️ API для интеграции
 * с ERP", the 2023 public Confluence page): product types (§2.1), package statuses (§2.11), the product versions that
 * gate features (§1.2), the INN check digits, and the timings. The OpenAPI contract repeats the enumerations.
 */
import { progression, type Timing } from '../../core/progression.js';
import type { SwitchDecl, TimingDecl } from '../../core/system.js';

/** `productType` of /erp/add_mark (9 and 12–15 do not exist). */
export const PRODUCT_TYPES = {
  1: 'Акцизный алкоголь',
  2: 'Табак',
  3: 'Обувь',
  4: 'Парфюмерия',
  5: 'Легкая промышленность',
  6: 'Шины',
  7: 'Фото',
  8: 'Молоко',
  10: 'Упакованная вода в групповой и индивидуальной (потребительской) упаковке',
  11: 'Велосипеды',
  16: 'БАДы',
  17: 'Антисептики',
  18: 'Разливное пиво (в кегах)',
} as const;
export const ALL_PRODUCT_TYPES = Object.keys(PRODUCT_TYPES).map(Number);
/** /erp/add_rfid and /erp/add_excludes list only 1–8. */
export const RFID_PRODUCT_TYPES = [1, 2, 3, 4, 5, 6, 7, 8];
export const ALCOHOL = 1;
export const TOBACCO = 2;
export const BEER = 18;

/** The package kinds: the loading operations, by operationId. */
export const PACKAGE_KINDS = ['addMark', 'addRfid', 'addExcludes', 'addMrc', 'addAlcocodes'] as const;
export type PackageKind = (typeof PACKAGE_KINDS)[number];

/** §1.2: the product version that brought each gated feature (a lower version profile answers 404 for it). */
export const SINCE = { addRfid: '2.5', addAlcocodes: '1.5', precheck: '1.4', texts13: '1.3', mrcExport: '1.1' } as const;
export const VERSIONS = ['2.5', '1.5', '1.4', '1.3', '1.2', '1.1'] as const;
export const atLeast = (version: string, since: string) => {
  const [a, b] = version.split('.').map(Number);
  const [c, d] = since.split('.').map(Number);
  return a > c || (a === c && b >= d);
};

/** A Russian INN: 10 digits (a legal entity) or 12 (an individual entrepreneur), with their check digits. */
export function validInn(inn: string): boolean {
  if (!/^(\d{10}|\d{12})$/.test(inn)) return false;
  const d = [...inn].map(Number);
  const check = (weights: number[]) => (weights.reduce((s, w, i) => s + w * d[i], 0) % 11) % 10;
  if (d.length === 10) return check([2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[9];
  return check([7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[10] && check([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) === d[11];
}

/** SetMark's local time: Moscow, UTC+3 all year (the examples' "+0300"); crons and journal timestamps use it. */
export const UTC_OFFSET_MS = 3 * 3_600_000;

export const TIMINGS = {
  packageProcessingMs: { default: 2_000, polls: true, description: 'A loading package is "Документ обрабатывается" (status 2) for this long, then processed (3 or 4).' },
  journalReportMs: { default: 600_000, kind: 'period', description: 'setmark.error.report.timer: how often the violations journal is pushed to the ERP (default 10 min).' },
  pushRetryMs: { default: 30_000, kind: 'period', description: 'First retry of a push the ERP did not take (not 2xx); doubles each attempt, at most journalReportMs.' },
} as const satisfies Record<string, TimingDecl>;
export type SetmarkTimings = { packageProcessingMs: Timing; journalReportMs: number; pushRetryMs: number };

/**
 * §2.11 package statuses, as strings (the wire has numbers): 2 "Документ обрабатывается" while processed, then 3
 * (processed), 4 (processed with errors) or 5 (an internal error); 1 (refused) at once; 0 is an unknown id.
 */
export const PACKAGE_TRANSITIONS = { '0': [], '1': [], '2': ['3', '4', '5'], '3': [], '4': [], '5': [] } as const satisfies Record<string, readonly string[]>;
export const PACKAGE_PROGRESSION = progression('package', PACKAGE_TRANSITIONS, [{ status: '2', until: 'packageProcessingMs' }], ['3', '4', '5']);

/** §5.2: how a mark moves on the stock of a shop (a tobacco block's packs SOLD_IN_BLOCK, a sold pack's block DISBANDED). */
export const MARK_TRANSITIONS = {
  ACTIVE: ['SOLD', 'SOLD_IN_BLOCK', 'DISBANDED'],
  SOLD: ['RETURNED'],
  RETURNED: ['ACTIVE', 'SOLD', 'SOLD_IN_BLOCK', 'DISBANDED'],
  SOLD_IN_BLOCK: ['ACTIVE'],
  DISBANDED: [],
} as const satisfies Record<string, readonly string[]>;

export const SWITCHES = {
  checkInn: { env: 'SIM_SETMARK_CHECK_INN', values: ['on', 'off'], default: 'on', description: 'check.inn: inn is mandatory in add_mark, add_excludes and save, and the INN checks 18/19 are on. off: an INN is still checked when it was sent and stored with the mark.' },
  checkBarcode: { env: 'SIM_SETMARK_CHECK_BARCODE', values: ['off', 'on'], default: 'off', description: '"проверка ШК": cash/validate needs barcode and compares it with the mark\'s (6).' },
  checkItem: { env: 'SIM_SETMARK_CHECK_ITEM', values: ['off', 'on'], default: 'off', description: '"проверка по артикулу": cash/validate needs item and compares it with the mark\'s (12).' },
  checkAlcocode: { env: 'SIM_SETMARK_CHECK_ALCOCODE', values: ['off', 'on'], default: 'off', description: '"проверка алкокодов": cash/validate needs alcocode and compares it with the mark\'s and the article\'s alcocodes (1).' },
  strictCheck: { env: 'SIM_SETMARK_STRICT_CHECK', values: ['on', 'off'], default: 'on', description: 'The stock check when cash/validate sends no strictCheck: on refuses a mark not on stock (3), off sells it and writes 3 to the journal.' },
  productTypes: { env: 'SIM_SETMARK_PRODUCT_TYPES', values: ['all', 'alcohol'], default: 'all', description: 'Product types the installation takes: all of §2.1, or alcohol only (packages of other types get "должно быть между 1 и 1", as the erp/status example).' },
  version: { env: 'SIM_SETMARK_VERSION', values: [...VERSIONS], default: '2.5', description: 'SetMark product version: below 2.5 /erp/add_rfid is 404, below 1.5 add_alcocodes, below 1.4 the receipt pre-check codes 200–206 are not written, below 1.3 the journal uses the old texts, below 1.1 no MRC export.' },
  packageMessage: { env: 'SIM_SETMARK_PACKAGE_MESSAGE', values: ['table', 'example'], default: 'table', description: 'Text of package errorCode 504: the table\'s "Не корректное значение поля" or the erp/status example\'s "Неожиданное значение поля".' },
  precheckCode: { env: 'SIM_SETMARK_PRECHECK_CODE', values: [2, 200], default: 2, description: 'Code of the receipt pre-check "sold earlier" row, printed "2" before 201–206 (probably 200).' },
  tillDateUnit: { env: 'SIM_SETMARK_TILLDATE_UNIT', values: ['s', 'ms'], default: 's', description: 'Unit of /external/reserve tillDate: Unix seconds as documented, or milliseconds (what the error example\'s 19.01.1970 suggests the real service does).' },
  successType: { env: 'SIM_SETMARK_SUCCESS_TYPE', values: ['boolean', 'string'], default: 'boolean', description: '/external/* success: a boolean, or the string "true" of the success examples.' },
  duplicatePackage: { env: 'SIM_SETMARK_DUPLICATE_PACKAGE', values: ['overwrite', 'reject'], default: 'overwrite', description: 'A package id sent again for the same shop: the latest wins (real ERPs draw ids at random), or 400 with status 1/504.' },
} as const satisfies Record<string, SwitchDecl>;
