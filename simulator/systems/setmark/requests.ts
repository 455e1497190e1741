/**
 * SetMark's requests as its Spring controllers read them: the contract checked the shapes (types, with Jackson's
 * numeric strings); what a controller checks by hand (required fields, values, the installation's settings and
 * version) is here, and each request becomes the typed input its rule takes. Every refusal is a handbook entry.
 */
import { SimError, type ValidationIssue } from '../../core/errors.js';
import type { ValidateInput } from './checks.js';
import { FIELD_MESSAGES, HANDBOOK } from './handbook.js';
import { barcodeOf, num, record, str, strictOf, type Body, type Profile } from './machine.js';
import type { SaveInput } from './receipts.js';
import { ALCOHOL, ALL_PRODUCT_TYPES, atLeast, SINCE } from './reference.js';
import type { ReserveInput } from './reserves.js';
import type { FieldError } from './state.js';

/** The gated features of §1.2: an installation older than the version that brought one has no such endpoint (404). */
const GATES: Partial<Record<string, { since: string; path: string }>> = {
  addRfid: { since: SINCE.addRfid, path: '/erp/add_rfid' },
  addAlcocodes: { since: SINCE.addAlcocodes, path: '/erp/alco/add_alcocodes' },
};

/** An operation this installation's version does not have answers as Spring's 404. */
export function gate(operationId: string, p: Profile): void {
  const g = GATES[operationId];
  if (g && !atLeast(p.version, g.since)) throw new SimError(HANDBOOK.FEATURE_NOT_AVAILABLE, [g.path, g.since, p.version]);
}

const present = (x: unknown) => x !== undefined && x !== null && x !== '';

/** A Spring 400 naming what is missing (the controller's own checks). */
function requireFields(b: Body, fields: string[], where: string): void {
  const missing = fields.filter((f) => !present(b[f]));
  if (missing.length) throw new SimError(HANDBOOK.FIELDS_MISSING, [where, missing]);
}

function operationType(b: Body, where: string): 0 | 1 {
  const op = num(b.operationType);
  if (op !== 0 && op !== 1) throw new SimError(HANDBOOK.FIELD_OUT_OF_RANGE, [where, 'operationType', 0, 1]);
  return op;
}

/** Field errors of a request the contract refused, as erp/status shows them in a status-1 package. */
export function issuesAsFields(issues: ValidationIssue[], body: Body): FieldError[] {
  return issues.map((i) => {
    const field = i.path.replace(/^\$\.?/, '') || (i.name ?? '');
    let value: unknown = body;
    for (const part of field.split(/\.|\[(\d+)\]/).filter(Boolean)) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    const message = i.reason === 'required' ? FIELD_MESSAGES.notNull : FIELD_MESSAGES.type;
    return { field: i.reason === 'required' && i.name ? (field ? `${field}.${i.name}` : i.name) : field, value: value === undefined || value === null ? 'null' : typeof value === 'string' ? value : JSON.stringify(value).slice(0, 200), errorCode: 504, message };
  });
}

/** POST /cash/validate (§2.7). */
export function readValidate(b: Body, p: Profile): ValidateInput {
  requireFields(b, ['id', 'version', 'shop', 'cash', 'operationType', 'productType'], 'validate');
  const op = operationType(b, 'validate');
  const productType = num(b.productType)!;
  if (!ALL_PRODUCT_TYPES.includes(productType)) throw new SimError(HANDBOOK.FIELD_OUT_OF_RANGE, ['validate', 'productType', 1, 18]);
  const alcohol = productType === ALCOHOL;
  requireFields(b, [alcohol ? 'excise' : 'mark', ...(p.checkBarcode ? ['barcode'] : []), ...(p.checkItem ? ['item'] : [])], 'validate');
  const alcocodes = Array.isArray(b.alcocode) ? b.alcocode.map(str).filter((x): x is string => !!x) : str(b.alcocode) ? [str(b.alcocode)!] : [];
  if (alcohol && p.checkAlcocode && !(Array.isArray(b.alcocode) ? b.alcocode.length : present(b.alcocode))) throw new SimError(HANDBOOK.FIELD_EMPTY, ['validate', 'alcocode']);
  const strict = strictOf(b);
  return {
    id: num(b.id)!,
    shop: num(b.shop)!,
    cash: num(b.cash)!,
    productType,
    sale: op === 0,
    alcohol,
    code: (alcohol ? str(b.excise) : str(b.mark)) ?? '',
    inn: str(b.inn) || undefined,
    barcode: barcodeOf(b) || undefined,
    promoBarcode: str(b.promoBarcode) || undefined,
    item: str(b.item),
    strict: strict === undefined ? undefined : strict === true || strict === 'true',
    alcocodes,
    price: num(b.price),
    promoComponents: Array.isArray(b.promoComponents) ? b.promoComponents.map(record).map((x) => ({ barcodes: Array.isArray(x.barcode) ? x.barcode.map(str).filter((v): v is string => v !== undefined) : [], price: num(x.price) })) : [],
  };
}

/** POST and PUT /external/reserve (§2.8). */
export function readReserve(b: Body): ReserveInput {
  requireFields(b, ['id', 'version', 'data'], 'reserve');
  if (typeof b.orderNumber !== 'string') throw new SimError(HANDBOOK.FIELDS_MISSING, ['reserve', ['orderNumber']]);
  const data = (b.data as unknown[]).map(record);
  const bad = data.findIndex((x) => !present(x.mark));
  if (bad >= 0) throw new SimError(HANDBOOK.FIELD_EMPTY, ['reserve', `data[${bad}].mark`]);
  const till = num(b.tillDate);
  return { orderNumber: b.orderNumber, codes: data.map((x) => str(x.mark) ?? ''), tillDate: till === undefined ? null : till };
}

/** POST /external/cancel_reserve (§2.8). */
export function readCancel(b: Body): string {
  requireFields(b, ['id', 'version', 'orderNumber'], 'cancel_reserve');
  return String(b.orderNumber);
}

/** POST /external/save (§2.9). */
export function readSave(b: Body, p: Profile): SaveInput {
  requireFields(b, ['id', 'version', 'shop', 'cash', 'checkNumber', 'operationType', ...(p.checkInn ? ['inn'] : [])], 'save');
  const op = operationType(b, 'save');
  const data = Array.isArray(b.data) ? b.data.map(record) : [];
  const orderNumbers = Array.isArray(b.orderNumbers) ? b.orderNumbers.map(str).filter((x): x is string => x !== undefined) : [];
  if (!data.length && !(Array.isArray(b.orderNumbers) && b.orderNumbers.length)) throw new SimError(HANDBOOK.SAVE_NOTHING);
  if (!data.length && op === 1) throw new SimError(HANDBOOK.RETURN_BY_ORDER);
  const bad = data.findIndex((x) => !present(num(x.productType) === ALCOHOL ? x.excise : x.mark) || num(x.productType) === undefined);
  if (bad >= 0) throw new SimError(HANDBOOK.SAVE_ENTRY_INCOMPLETE, [bad, num(data[bad].productType) === ALCOHOL ? 'excise' : 'mark']);
  return {
    shop: num(b.shop)!,
    cash: num(b.cash)!,
    checkNumber: str(b.checkNumber)!,
    sale: op === 0,
    inn: str(b.inn) || undefined,
    orderNumbers,
    ...(data.length
      ? {
          lines: data.map((r) => {
            const productType = num(r.productType) ?? 0;
            return { code: str(productType === ALCOHOL ? r.excise : r.mark) ?? '', productType, barcode: barcodeOf(r), promoBarcode: str(r.promoBarcode) };
          }),
        }
      : {}),
  };
}

/** POST /erp/status (§2.11): the shop and the package ids, or undefined when the request cannot be read (504). */
export function readStatus(b: Body): { shop: number; ids: number[] } | undefined {
  const shop = num(b.shop);
  const ids = Array.isArray(b.id) ? b.id.map(num) : undefined;
  if (!ids || ids.some((x) => x === undefined || !Number.isSafeInteger(x))) return undefined;
  if (num(b.version) !== 1 || shop === undefined) return undefined;
  return { shop, ids: ids as number[] };
}
