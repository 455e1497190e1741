/**
 * SetMark's operations: parse → machine → answer. The contract checked the shapes (types, with Jackson's numeric
 * strings); what a Spring controller checks by hand (required fields, values, the installation's settings) is here.
 */
import { SimError, type ValidationIssue } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import type { Handler, SimRequest } from '../../core/system.js';
import type { Tx } from '../../core/store.js';
import { FIELD_MESSAGES, HANDBOOK, REQUEST_CODES, RESERVE } from './handbook.js';
import { acceptPackage, cancelReserve, journal, num, packetView, refusePackage, reserve, save, validate, type Env, type Profile } from './machine.js';
import { ALCOHOL, ALL_PRODUCT_TYPES, atLeast, SINCE, type PackageKind } from './reference.js';
import { packageKey, type FieldError, type SetmarkState } from './state.js';

export interface SetmarkRuntime {
  state(): SetmarkState;
  commit<R extends { state: SetmarkState }>(fn: (s: SetmarkState, tx: Tx) => R): Promise<R>;
  env(req?: SimRequest): Env;
  profile(): Profile;
}

type Body = Record<string, unknown>;

/** The gated features of §1.2: an installation older than the version that brought one has no such endpoint (404). */
const GATES: Partial<Record<string, { since: string; path: string }>> = {
  addRfid: { since: SINCE.addRfid, path: '/erp/add_rfid' },
  addAlcocodes: { since: SINCE.addAlcocodes, path: '/erp/alco/add_alcocodes' },
};

const present = (x: unknown) => x !== undefined && x !== null && x !== '';

/** A Spring 400 naming what is missing or wrong (the controller's own checks). */
function require(b: Body, fields: string[], where: string): void {
  const missing = fields.filter((f) => !present(b[f]));
  if (missing.length) throw new SimError(HANDBOOK.BAD_REQUEST, [`${where}: ${missing.map((f) => `${f} ${FIELD_MESSAGES.notNull}`).join(', ')}`]);
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

export function createHandlers(rt: SetmarkRuntime): Record<string, Handler> {
  const gate = (operationId: string) => {
    const g = GATES[operationId];
    const version = rt.profile().version;
    if (g && !atLeast(version, g.since)) throw new SimError(HANDBOOK.FEATURE_NOT_AVAILABLE, [g.path, g.since, version]);
  };

  const load =
    (kind: PackageKind, answer: 'empty' | 'json'): Handler =>
    async (req) => {
      gate(kind);
      const b = req.body as Body;
      const env = rt.env(req);
      const r = await rt.commit((s) => {
        const out = acceptPackage(s, kind, b, env);
        return 'refused' in out ? { state: refusePackage(s, kind, b, out.refused, env), refused: out.refused } : { state: out.state, refused: undefined };
      });
      if (r.refused) throw new SimError(HANDBOOK.INVALID_PACKAGE, [String(b.id), r.refused.map((e) => `${e.field}: ${e.message}`).join('; ')]);
      return answer === 'json' ? { body: { id: num(b.id) } } : {};
    };

  const external = (b: Body, a: { success: boolean; message: string; data?: unknown[] }) => ({
    // §6.3 #5: the success examples write the string "true", the error examples a boolean false.
    body: { id: num(b.id), success: a.success && rt.profile().successString ? 'true' : a.success, message: a.message, ...(a.data ? { data: a.data } : {}) },
  });

  const reserveWith =
    (replace: boolean): Handler =>
    async (req) => {
      const b = req.body as Body;
      require(b, ['id', 'version', 'data'], 'reserve');
      if (typeof b.orderNumber !== 'string') throw new SimError(HANDBOOK.BAD_REQUEST, [`reserve: orderNumber ${FIELD_MESSAGES.notNull}`]);
      const bad = (b.data as Body[]).findIndex((x) => !present(x.mark));
      if (bad >= 0) throw new SimError(HANDBOOK.BAD_REQUEST, [`reserve: data[${bad}].mark ${FIELD_MESSAGES.notEmpty}`]);
      const env = rt.env(req);
      const r = await rt.commit((s) => {
        const out = reserve(s, b, replace, env);
        return { state: out.state, answer: out.answer };
      });
      return external(b, r.answer);
    };

  return {
    addMark: load('addMark', 'empty'),
    addRfid: load('addRfid', 'json'),
    addExcludes: load('addExcludes', 'json'),
    addMrc: load('addMrc', 'empty'),
    addAlcocodes: load('addAlcocodes', 'json'),

    packageStatus: (req) => {
      const b = req.body as Body;
      const p = rt.profile();
      const now = rt.env().now;
      const shop = num(b.shop);
      const ids = Array.isArray(b.id) ? b.id.map(num) : undefined;
      const refused = (message: string) => ({ body: { version: 1, shop: shop ?? 0, errorCode: 504, message, packets: [] } });
      if (!ids || ids.some((x) => x === undefined || !Number.isSafeInteger(x))) return refused(REQUEST_CODES[504]);
      if (num(b.version) !== 1 || shop === undefined) return refused(REQUEST_CODES[504]);
      const s = rt.state();
      const packets = (ids as number[]).map((id) => packetView(pmap.get(s.packages, packageKey(shop, id)) ?? pmap.get(s.packages, packageKey(null, id)), id, now, p));
      return { body: { version: 1, shop, errorCode: 0, message: REQUEST_CODES[0], packets } };
    },

    validateMark: async (req) => {
      const b = req.body as Body;
      const p = rt.profile();
      require(b, ['id', 'version', 'shop', 'cash', 'operationType', 'productType'], 'validate');
      if (![0, 1].includes(num(b.operationType)!)) throw new SimError(HANDBOOK.BAD_REQUEST, [`validate: operationType ${FIELD_MESSAGES.range(0, 1)}`]);
      if (!ALL_PRODUCT_TYPES.includes(num(b.productType)!)) throw new SimError(HANDBOOK.BAD_REQUEST, [`validate: productType ${FIELD_MESSAGES.range(1, 18)}`]);
      const alcohol = num(b.productType) === ALCOHOL;
      require(b, [alcohol ? 'excise' : 'mark', ...(p.checkBarcode ? ['barcode'] : []), ...(p.checkItem ? ['item'] : [])], 'validate');
      if (alcohol && p.checkAlcocode && !(Array.isArray(b.alcocode) ? b.alcocode.length : present(b.alcocode))) throw new SimError(HANDBOOK.BAD_REQUEST, [`validate: alcocode ${FIELD_MESSAGES.notEmpty}`]);
      const env = rt.env(req);
      let r = validate(rt.state(), b, env);
      if (r.rows.length) {
        // A problem goes to the journal: checked again on the latest state, written, then answered.
        r = (await rt.commit((s) => {
          const again = validate(s, b, env);
          return { state: journal(s, again.rows, env.profile), result: again };
        })).result;
      }
      return { body: r.body };
    },

    reserve: reserveWith(false),
    replaceReserve: reserveWith(true),

    cancelReserve: async (req) => {
      const b = req.body as Body;
      require(b, ['id', 'version', 'orderNumber'], 'cancel_reserve');
      const now = rt.env().now;
      const r = await rt.commit((s) => cancelReserve(s, String(b.orderNumber), now));
      return external(b, r.answer);
    },

    saveReserve: async (req) => {
      const b = req.body as Body;
      const p = rt.profile();
      require(b, ['id', 'version', 'shop', 'cash', 'checkNumber', 'operationType', ...(p.checkInn ? ['inn'] : [])], 'save');
      if (![0, 1].includes(num(b.operationType)!)) throw new SimError(HANDBOOK.BAD_REQUEST, [`save: operationType ${FIELD_MESSAGES.range(0, 1)}`]);
      const hasData = Array.isArray(b.data) && b.data.length > 0;
      const hasOrders = Array.isArray(b.orderNumbers) && b.orderNumbers.length > 0;
      if (!hasData && !hasOrders) throw new SimError(HANDBOOK.BAD_REQUEST, [RESERVE.SAVE_NOTHING]);
      if (!hasData && num(b.operationType) === 1) throw new SimError(HANDBOOK.BAD_REQUEST, [RESERVE.RETURN_BY_ORDER]);
      if (hasData) {
        const bad = (b.data as Body[]).findIndex((x) => !present(num(x.productType) === ALCOHOL ? x.excise : x.mark) || num(x.productType) === undefined);
        if (bad >= 0) throw new SimError(HANDBOOK.BAD_REQUEST, [`save: data[${bad}] needs productType and ${num((b.data as Body[])[bad].productType) === ALCOHOL ? 'excise' : 'mark'}`]);
      }
      const env = rt.env(req);
      await rt.commit((s) => ({ state: save(s, b, env) }));
      // §2.9: "Всегда присылается что все «ОК»" — problems are in the violations journal.
      return external(b, { success: true, message: RESERVE.OK });
    },
  };
}
