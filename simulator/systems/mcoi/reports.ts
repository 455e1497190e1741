/**
 * MCOI reports (§4): utilisation, validation, aggregation, and the observed disaggregation. A report is checked as a
 * whole when it is registered; any error makes it ERROR with no effect (§4.1), else its effects (codes applied,
 * validated, packed, packages dissolved) take place at once and it reads IN_PROCESS until processed.
 */
import { ok, type Result, SimError } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import { parseCode, SSCC_SHAPE, ssccOf, unitKeyOf } from './generate.js';
import { DOC_ERRORS, type DocError, type DocErrorKey } from './handbook.js';
import { errAt, orgByTin, orgOf, type Changed, type Env, type ResolvedCode } from './machine.js';
import { ACCEPTABLE_PRINT_QUALITY, LIMITS, PACKAGE_CAPACITY, type PackageType, type ProductGroup } from './reference.js';
import type { AggregateUnit, DocBlob, DocMeta, Effect, McoiState, Organization, ReportDocType, SubOrder, User } from './state.js';

export class ErrorList {
  readonly items: DocError[] = [];
  readonly reasons: string[] = [];
  /** An error given as data (a scenario's forced outcome), not from the handbook. */
  addGiven(e: { propertyName?: string; propertyValue?: string; errorCode: string; errorTags?: Record<string, unknown> }): void {
    const item: DocError = { propertyName: e.propertyName ?? 'CODE', errorCode: e.errorCode, index: this.items.length, errorTags: e.errorTags ?? {} };
    if (e.propertyValue !== undefined) item.propertyValue = e.propertyValue;
    this.items.push(item);
    this.reasons.push(e.propertyValue !== undefined ? `${e.errorCode} (${e.propertyValue})` : e.errorCode);
  }

  add(key: DocErrorKey, value: string | undefined, tags: Record<string, unknown>, ...args: unknown[]): void {
    const e = DOC_ERRORS[key];
    const item: DocError = { propertyName: e.propertyName, errorCode: e.errorCode, index: this.items.length, errorTags: tags };
    if (value !== undefined) item.propertyValue = value;
    this.items.push(item);
    if (this.reasons.length < 100) {
      const text = (e.text as (...a: unknown[]) => string)(...args);
      this.reasons.push(value !== undefined ? `${e.errorCode} (${value}): ${text}` : `${e.errorCode}: ${text}`);
    }
  }
}

export interface ReportOwner {
  owner: Organization;
  agent?: Organization;
}

/** ownerTin is filled only in a service provider's report (§4.3, §4.4): the owner must have outsourced to it. */
export function reportOwner(s: McoiState, user: User, ownerTin: string | undefined, env: Env, at = '$.documentBody.ownerTin'): Result<ReportOwner, SimError> {
  const me = orgOf(s, user.orgId) as Organization;
  if (ownerTin === undefined || ownerTin === me.tin) return ok({ owner: me });
  const owner = orgByTin(s, ownerTin);
  if (!owner) return errAt('OWNER_NOT_FOUND', { body: at }, ownerTin);
  const serves = me.kinds.includes('SERVICE_PROVIDER') && env.orders.outsourcedTo(s, me.tin, owner.id).length > 0;
  if (!serves) return errAt('OWNER_NOT_SERVED', { body: at });
  return ok({ owner, agent: me });
}

function checkPlace(s: McoiState, owner: Organization, placeId: number, at: string): Result<true, SimError> {
  if (!s.world.businessPlaces.some((p) => p.id === placeId && p.orgId === owner.id)) return errAt('BUSINESS_PLACE_NOT_FOUND', { body: at }, placeId);
  return ok(true);
}

function checkCount(n: number, at: string): Result<true, SimError> {
  if (n === 0) return errAt('EMPTY_REPORT', { body: at });
  if (n > LIMITS.codesPerReport) return errAt('REPORT_CODES_LIMIT', { body: at }, LIMITS.codesPerReport, n);
  return ok(true);
}

/** Resolves one code of a report for its owner, recording what is wrong with it. */
export function resolveFor(
  code: string,
  owners: { owner: Organization; agent?: Organization },
  seen: Set<string>,
  errors: ErrorList,
  env: Env,
): ResolvedCode | undefined {
  const r = env.codes.resolve(code);
  if ('missing' in r) {
    errors.add(r.missing, code, {});
    return undefined;
  }
  const key = `${r.ref.seq}:${r.ref.index}`;
  if (seen.has(key)) {
    errors.add('DUPLICATE_CODE', code, {});
    return undefined;
  }
  seen.add(key);
  if (!r.cryptoOk) {
    errors.add('INVALID_VERIFICATION_CODE', code, {});
    return undefined;
  }
  const byAgent = owners.agent !== undefined && r.order.contractor?.tin === owners.agent.tin;
  if (r.order.orgId !== owners.owner.id && !(r.order.contractor && r.order.contractor.tin === owners.owner.tin)) {
    errors.add('INVALID_CODE_OWNER', code, {});
    return undefined;
  }
  if (owners.agent && !byAgent) {
    errors.add('INVALID_CODE_OWNER', code, {});
    return undefined;
  }
  return r;
}

export interface ReportOutcome extends Changed {
  doc: DocMeta;
  blob: DocBlob;
}

/** What a report's effects do, in the document's terms (no effect when it is ERROR). */
function effectEvents(doc: DocMeta, effects: Effect[]): Changed['events'] {
  const events: Changed['events'] = [];
  for (const e of effects) {
    if (e.kind === 'apply' && e.refs.length) events.push({ type: 'CodesApplied', entity: 'code', from: 'RECEIVED', to: 'APPLIED', why: `utilisation report ${doc.documentId}`, documentId: doc.documentId, count: e.refs.length / 2 });
    else if (e.kind === 'validate' && e.refs.length) events.push({ type: 'CodesValidated', documentId: doc.documentId, count: e.refs.length / 2 });
    else if (e.kind === 'aggregate' && e.units.length) events.push({ type: 'PackagesFormed', documentId: doc.documentId, packages: e.units.slice(0, 10).map((u) => u.serial), count: e.units.length });
    else if (e.kind === 'disaggregate' && e.units.length) events.push({ type: 'PackagesDissolved', documentId: doc.documentId, packages: e.units.slice(0, 10), count: e.units.length });
    else if (e.kind === 'sell' && e.refs.length) events.push({ type: 'CodesSold', entity: 'code', from: 'APPLIED', to: 'WITHDRAWN', why: `sales receipt ${doc.documentId}`, documentId: doc.documentId, count: e.refs.length / 2 });
    else if (e.kind === 'return' && e.refs.length) events.push({ type: 'CodesReturned', entity: 'code', from: 'WITHDRAWN', to: 'APPLIED', why: `refund receipt ${doc.documentId}`, documentId: doc.documentId, count: e.refs.length / 2 });
  }
  return events;
}

export function recordReport(
  s: McoiState,
  env: Env,
  type: ReportDocType,
  owners: ReportOwner,
  user: User,
  extra: { productGroup?: string; productionOrderId?: string },
  body: unknown,
  errors: ErrorList,
  effects: Effect[],
  partial = false,
): ReportOutcome {
  for (const e of env.forced?.reportError ?? []) errors.addGiven(e);
  const outcome = !errors.items.length ? 'SUCCESS' : partial ? 'PARTIALLY_PROCESSED' : 'ERROR';
  const doc: DocMeta = {
    documentId: env.ids.uuid('document'),
    type,
    seq: s.nextDocSeq,
    orgId: owners.owner.id,
    login: user.login,
    createdAt: env.now,
    outcome,
    errorCount: errors.items.length,
  };
  if (env.forced?.notInStorageForMs) doc.hiddenUntil = env.now + env.forced.notInStorageForMs;
  if (owners.agent) doc.agentOrgId = owners.agent.id;
  if (extra.productGroup !== undefined) doc.productGroup = extra.productGroup;
  if (extra.productionOrderId !== undefined) doc.productionOrderId = extra.productionOrderId;
  if (errors.items.length) doc.rejectReason = errors.reasons;
  const blob: DocBlob = { body, errors: errors.items, effects: outcome === 'ERROR' ? [] : effects };
  const events: Changed['events'] = [{ type: 'ReportRegistered', documentId: doc.documentId, documentType: type, outcome, errors: errors.items.length }, ...effectEvents(doc, blob.effects)];
  return { state: { ...s, documents: pmap.set(s.documents, doc.documentId, doc), nextDocSeq: s.nextDocSeq + 1 }, doc, blob, events };
}

const flatRefs = (rs: ResolvedCode[]) => rs.flatMap((r) => [r.ref.seq, r.ref.index]);

/**
 * A scenario's partial processing (observed #12), once the report passed every check: the codes at the forced
 * positions of `codes` fail with the given errors. Positions past the end are ignored; the failed positions, or
 * undefined when none failed (the report is then processed as usual).
 */
function forcePartial(errors: ErrorList, codes: string[], env: Env): Set<number> | undefined {
  const forced = env.forced?.partiallyProcessed;
  if (!forced || errors.items.length) return undefined;
  const failed = new Set<number>();
  for (const f of forced) {
    if (f.at >= codes.length || failed.has(f.at)) continue;
    failed.add(f.at);
    errors.addGiven({ propertyName: f.propertyName ?? 'CODE', propertyValue: codes[f.at], errorCode: f.errorCode, errorTags: f.errorTags });
  }
  return failed.size ? failed : undefined;
}

function productCountry(s: McoiState, gtin: string): string | undefined {
  return s.world.products.find((c) => c.gtin === gtin)?.manufacturerCountry;
}

export interface UtilisationInput {
  sntins: string[];
  businessPlaceId: number;
  releaseType: 'PRODUCTION' | 'IMPORT' | 'CIRCULATION';
  manufacturerCountry?: string;
  productionOrderId?: string;
  productionDate?: string;
  expirationDate?: string;
  seriesNumber?: string;
}

/** §4.1 */
export function registerUtilisation(s: McoiState, user: User, productGroup: ProductGroup, input: UtilisationInput, env: Env): Result<ReportOutcome, SimError> {
  const owners: ReportOwner = { owner: orgOf(s, user.orgId) as Organization };
  const place = checkPlace(s, owners.owner, input.businessPlaceId, '$.businessPlaceId');
  if (!place.ok) return place;
  const count = checkCount(input.sntins.length, '$.sntins');
  if (!count.ok) return count;
  const errors = new ErrorList();
  if (input.productionDate !== undefined && Date.parse(input.productionDate) > env.now) errors.add('INVALID_PRODUCTION_DATE', input.productionDate, {});
  if (input.expirationDate !== undefined && Date.parse(input.expirationDate) < env.now) errors.add('INVALID_EXPIRATION_DATE', input.expirationDate, {});
  const seen = new Set<string>();
  const good: ResolvedCode[] = [];
  const countries = new Set<string>();
  for (const code of input.sntins) {
    const r = resolveFor(code, owners, seen, errors, env);
    if (!r) continue;
    if (r.order.productGroup !== productGroup) {
      errors.add('INVALID_PRODUCT_GROUP', code, { productGroup: r.order.productGroup }, r.order.productGroup);
      continue;
    }
    if (r.status !== 'RECEIVED') {
      errors.add('INVALID_CODE_STATUS', code, { status: r.status }, r.status, 'RECEIVED');
      continue;
    }
    const c = productCountry(s, r.sub.gtin);
    if (c) countries.add(c);
    good.push(r);
  }
  // The country of production comes from the product card; the request may repeat it (see README fidelity table).
  for (const c of countries) {
    if (input.manufacturerCountry !== undefined && input.manufacturerCountry !== c) errors.add('INVALID_MANUFACTURER_COUNTRY', input.manufacturerCountry, { manufacturerCountry: c }, c);
    if ((input.releaseType === 'PRODUCTION' && c !== 'UZ') || (input.releaseType === 'IMPORT' && c === 'UZ')) {
      errors.add('INVALID_RELEASE_TYPE', input.releaseType, { manufacturerCountry: c }, input.releaseType, c);
    }
  }
  return ok(recordReport(s, env, 'UTILISATION', owners, user, { productGroup, productionOrderId: input.productionOrderId }, input, errors, [{ kind: 'apply', refs: flatRefs(good) }]));
}

export interface ValidationReportInput {
  productGroup: ProductGroup;
  businessPlaceId: number;
  ownerId?: number;
  ownerTin?: string;
  ownerPartyKindId?: number;
  productionOrderId?: string;
  packageType: SubOrder['cisType'];
  documentDate: string;
  codes: { code: string; printQualityClass: string }[];
}

/** §4.3 */
export function registerValidation(s: McoiState, user: User, input: ValidationReportInput, env: Env): Result<ReportOutcome, SimError> {
  const who = reportOwner(s, user, input.ownerTin, env);
  if (!who.ok) return who;
  const place = checkPlace(s, who.value.owner, input.businessPlaceId, '$.documentBody.businessPlaceId');
  if (!place.ok) return place;
  const count = checkCount(input.codes.length, '$.documentBody.codes');
  if (!count.ok) return count;
  const errors = new ErrorList();
  const seen = new Set<string>();
  const good: ResolvedCode[] = [];
  const classes: string[] = [];
  const positions: number[] = [];
  for (const [at, { code, printQualityClass }] of input.codes.entries()) {
    const r = resolveFor(code, who.value, seen, errors, env);
    if (!r) continue;
    if (r.order.productGroup !== input.productGroup) errors.add('INVALID_PRODUCT_GROUP', code, { productGroup: r.order.productGroup }, r.order.productGroup);
    else if (r.sub.cisType !== input.packageType) errors.add('INVALID_PACKAGE_TYPE', code, { cisType: r.sub.cisType }, r.sub.cisType);
    else if (r.status !== 'RECEIVED' && r.status !== 'APPLIED') errors.add('INVALID_CODE_STATUS', code, { status: r.status }, r.status, 'RECEIVED or APPLIED');
    else if (!ACCEPTABLE_PRINT_QUALITY.includes(printQualityClass as never)) errors.add('UNACCEPTABLE_PRINT_QUALITY', code, { printQualityClass }, printQualityClass);
    else {
      good.push(r);
      classes.push(printQualityClass);
      positions.push(at);
    }
  }
  const failed = forcePartial(errors, input.codes.map((c) => c.code), env);
  const kept = (_: unknown, i: number) => !failed?.has(positions[i]);
  return ok(
    recordReport(
      s,
      env,
      'VALIDATION',
      who.value,
      user,
      { productGroup: input.productGroup, productionOrderId: input.productionOrderId },
      input,
      errors,
      [{ kind: 'validate', refs: flatRefs(good.filter(kept)), classes: classes.filter(kept) }],
      failed !== undefined,
    ),
  );
}

export interface AggregationUnitInput {
  unitSerialNumber: string;
  aggregationUnitCapacity: number;
  aggregationItemsCount: number;
  codes: string[];
  shouldBeUnbundled?: boolean;
}

export interface AggregationReportInput {
  ownerId?: number;
  ownerTin?: string;
  businessPlaceId: number;
  documentDate: string;
  productionOrderId?: string;
  shouldBeUnbundled?: boolean;
  aggregationUnits: AggregationUnitInput[];
}

/** The package a unitSerialNumber forms: an SSCC, or an applied GROUP or SET code of the owner (with its kind). */
function packageOf(serial: string, owners: ReportOwner, errors: ErrorList, env: Env): { key: string; kind: 'SSCC' | 'GROUP' | 'SET' } | undefined {
  const sscc = ssccOf(serial);
  if (sscc) return { key: sscc, kind: 'SSCC' };
  if (SSCC_SHAPE.test(serial) || !parseCode(serial)) {
    errors.add('INVALID_UNIT_SERIAL_NUMBER', serial, {});
    return undefined;
  }
  const r = resolveFor(serial, owners, new Set(), errors, env);
  if (!r) return undefined;
  if (r.sub.cisType === 'UNIT') errors.add('INVALID_PACKAGE_TYPE', serial, { cisType: r.sub.cisType }, r.sub.cisType);
  else if (r.status !== 'APPLIED') errors.add('INVALID_CODE_STATUS', serial, { status: r.status }, r.status, 'APPLIED');
  else return { key: unitKeyOf(serial)!, kind: r.sub.cisType };
  return undefined;
}

/**
 * §4.4: one or more packages, possibly several levels at once; nested items are applied codes or earlier packages.
 * A package is an SSCC (BOX_LV_1 holding codes, BOX_LV_2 holding packages) or a GROUP or SET code holding UNIT
 * codes; each type has its most (observed #11).
 */
export function registerAggregation(s: McoiState, user: User, input: AggregationReportInput, env: Env): Result<ReportOutcome, SimError> {
  const who = reportOwner(s, user, input.ownerTin, env);
  if (!who.ok) return who;
  const place = checkPlace(s, who.value.owner, input.businessPlaceId, '$.documentBody.businessPlaceId');
  if (!place.ok) return place;
  if (input.aggregationUnits.length > LIMITS.unitsPerAggregation) return errAt('AGGREGATION_UNITS_LIMIT', { body: '$.documentBody.aggregationUnits' }, LIMITS.unitsPerAggregation, input.aggregationUnits.length);
  const count = checkCount(
    input.aggregationUnits.reduce((n, u) => n + u.codes.length, 0),
    '$.documentBody.aggregationUnits',
  );
  if (!count.ok) return count;
  const errors = new ErrorList();
  const seen = new Set<string>();
  const formedHere = new Set(input.aggregationUnits.map((u) => ssccOf(u.unitSerialNumber)).filter((k) => k !== undefined));
  const nestedHere = new Set<string>();
  const units: (AggregateUnit & { positions: number[] })[] = [];
  let productGroup: string | undefined;
  let at = 0;
  for (const u of input.aggregationUnits) {
    const unbundle = u.shouldBeUnbundled ?? input.shouldBeUnbundled ?? false;
    const pkg = packageOf(u.unitSerialNumber, who.value, errors, env);
    let unitOk = pkg !== undefined;
    if (pkg && env.codes.unit(pkg.key)) {
      errors.add('UNIT_ALREADY_EXISTS', u.unitSerialNumber, {});
      unitOk = false;
    }
    const type: Exclude<PackageType, 'UNIT'> = !pkg || pkg.kind === 'SSCC' ? (u.codes.some((c) => SSCC_SHAPE.test(c)) ? 'BOX_LV_2' : 'BOX_LV_1') : pkg.kind;
    const most = PACKAGE_CAPACITY[type];
    if (pkg && u.aggregationUnitCapacity > most) {
      errors.add('CAPACITY_OVER_LIMIT', u.unitSerialNumber, { packageType: type, maxCapacity: most }, type, most, u.aggregationUnitCapacity);
      unitOk = false;
    }
    if (u.aggregationItemsCount > u.aggregationUnitCapacity) {
      errors.add('CAPACITY_EXCEEDED', u.unitSerialNumber, { aggregationUnitCapacity: u.aggregationUnitCapacity, aggregationItemsCount: u.aggregationItemsCount }, u.aggregationUnitCapacity, u.aggregationItemsCount);
      unitOk = false;
    }
    if (u.aggregationItemsCount !== u.codes.length) {
      errors.add('ITEMS_COUNT_MISMATCH', u.unitSerialNumber, { aggregationItemsCount: u.aggregationItemsCount, codes: u.codes.length }, u.aggregationItemsCount, u.codes.length);
      unitOk = false;
    }
    const children: AggregateUnit['children'] = [];
    const positions: number[] = [];
    const holdsUnits = pkg !== undefined && pkg.kind !== 'SSCC';
    for (const code of u.codes) {
      const here = at++;
      if (SSCC_SHAPE.test(code)) {
        const key = ssccOf(code) ?? code;
        const nested = env.codes.unit(key);
        if (holdsUnits) errors.add('INVALID_PACKAGE_TYPE', code, { packageType: type }, 'SSCC');
        else if (!nested && !formedHere.has(key)) errors.add('UNIT_NOT_FOUND', code, {});
        else if (nested?.disaggregatedBy) errors.add('UNIT_DISAGGREGATED', code, {});
        else if (nested && nested.orgId !== who.value.owner.id) errors.add('INVALID_CODE_OWNER', code, {});
        else if (nestedHere.has(key) || (nested?.parent && !unbundle)) errors.add('CODE_ALREADY_AGGREGATED', code, { parent: nested?.parent ?? '' }, nested?.parent ?? 'another package');
        else {
          nestedHere.add(key);
          children.push({ unit: key });
          positions.push(here);
        }
        continue;
      }
      const r = resolveFor(code, who.value, seen, errors, env);
      if (!r) continue;
      productGroup ??= r.order.productGroup;
      if (r.status !== 'APPLIED') errors.add('INVALID_CODE_STATUS', code, { status: r.status }, r.status, 'APPLIED');
      else if (holdsUnits && r.sub.cisType !== 'UNIT') errors.add('INVALID_PACKAGE_TYPE', code, { cisType: r.sub.cisType }, r.sub.cisType);
      else if (r.mark?.parent && !unbundle) errors.add('CODE_ALREADY_AGGREGATED', code, { parent: r.mark.parent }, r.mark.parent);
      else {
        children.push({ ref: [r.ref.seq, r.ref.index] });
        positions.push(here);
      }
    }
    if (unitOk && pkg) units.push({ serial: u.unitSerialNumber, key: pkg.key, packageType: type, capacity: u.aggregationUnitCapacity, codes: u.codes, children, positions });
  }
  const failed = forcePartial(errors, input.aggregationUnits.flatMap((u) => u.codes), env);
  const formed: AggregateUnit[] = units.map(({ positions, ...u }) => ({ ...u, children: u.children.filter((_, i) => !failed?.has(positions[i])) }));
  return ok(recordReport(s, env, 'AGGREGATION', who.value, user, { productGroup, productionOrderId: input.productionOrderId }, input, errors, [{ kind: 'aggregate', units: formed }], failed !== undefined));
}

export interface DisaggregationInput {
  businessDatetime: string;
  codes: string[];
  tin?: string;
  businessPlaceId?: number;
  childCodes?: string[];
}

/**
 * POST doc/transport-code-disaggregation (observed #27, not in v1.1.17): each named package (an SSCC, or a GROUP or
 * SET code) is dissolved and its contents lose their parent. A package nested in another is refused (the outer one
 * goes first); a dissolved SSCC is never formed again.
 */
export function registerDisaggregation(s: McoiState, user: User, input: DisaggregationInput, env: Env): Result<ReportOutcome, SimError> {
  const who = reportOwner(s, user, input.tin, env, '$.documentBody.tin');
  if (!who.ok) return who;
  if (input.businessPlaceId !== undefined) {
    const place = checkPlace(s, who.value.owner, input.businessPlaceId, '$.documentBody.businessPlaceId');
    if (!place.ok) return place;
  }
  const count = checkCount(input.codes.length, '$.documentBody.codes');
  if (!count.ok) return count;
  const errors = new ErrorList();
  const seen = new Set<string>();
  const keys: string[] = [];
  const positions: number[] = [];
  for (const [at, code] of input.codes.entries()) {
    const key = unitKeyOf(code);
    const unit = key === undefined ? undefined : env.codes.unit(key);
    if (!unit) errors.add('UNIT_NOT_FOUND', code, {});
    else if (seen.has(unit.key)) errors.add('DUPLICATE_CODE', code, {});
    else if (unit.orgId !== who.value.owner.id) errors.add('INVALID_CODE_OWNER', code, {});
    else if (unit.disaggregatedBy) errors.add('UNIT_DISAGGREGATED', code, {});
    else {
      const parent = env.codes.parentOf(unit);
      if (parent) errors.add('CODE_ALREADY_AGGREGATED', code, { parent }, parent);
      else {
        keys.push(unit.key);
        positions.push(at);
      }
    }
    if (unit) seen.add(unit.key);
  }
  const failed = forcePartial(errors, input.codes, env);
  const units = keys.filter((_, i) => !failed?.has(positions[i]));
  return ok(recordReport(s, env, 'TRANSPORT_CODE_DISAGGREGATION', who.value, user, {}, input, errors, [{ kind: 'disaggregate', units }], failed !== undefined));
}


/** The codes a report names, in its order (GET storage/docs/{id}/codes, observed #26). */
export function reportCodes(type: ReportDocType, body: unknown): string[] {
  if (type === 'UTILISATION') return (body as UtilisationInput).sntins;
  if (type === 'VALIDATION') return (body as ValidationReportInput).codes.map((c) => c.code);
  if (type === 'AGGREGATION') return (body as AggregationReportInput).aggregationUnits.flatMap((u) => u.codes);
  return (body as DisaggregationInput).codes;
}

