/**
 * Thin handlers, one per contract operation: parse → machine → store → serialize. No business rules here.
 */
import { issueToken } from '../../core/auth.js';
import { MAX_DEPTH, tooDeep } from '../../core/bounds.js';
import { SimError, unwrap, type ValidationIssue } from '../../core/errors.js';
import type { Handler, SimRequest } from '../../core/system.js';
import { HANDBOOK } from './handbook.js';
import * as M from './machine.js';
import { LIMITS, ROLE_FOR_DOCUMENT_TYPE, type McoiTimings } from './reference.js';
import * as S from './serialize.js';
import { blobKey, type DocBlob, type McoiState, type Order, type ReportDocType, type User } from './state.js';
import type { CodeBook } from './codes.js';
import type { McoiIndexes } from './indexes.js';
import { pmap } from '../../core/pmap.js';
import type { BlobReader, Tx } from '../../core/store.js';

export interface McoiRuntime {
  /** Committed state: what a client may see. */
  state(): McoiState;
  /** One mutation, on the latest state; resolves once durable. */
  commit<R extends { state: McoiState }>(fn: (s: McoiState, tx: Tx) => R): Promise<R>;
  /** The machine's environment inside a mutation; `forced` is a scenario's outcome for this request. */
  env(tx: Tx, forced?: SimRequest['forced']): M.Env;
  now(): number;
  timings(): McoiTimings;
  book: CodeBook;
  index: McoiIndexes;
  blobs: BlobReader;
  /** Validates a decoded documentBody against a schema of the contract (components/schemas). */
  validateSchema(name: string, value: unknown): ValidationIssue[];
}

type Req = SimRequest<User>;
const userOf = (req: Req) => req.principal as User;

const noPermission = () => new SimError(HANDBOOK.NO_PERMISSION);

/**
 * Runs a machine command on the latest state and commits the new one. `indexed` updates the runtime code index
 * synchronously with the state change, so no later mutation sees one without the other.
 */
function run<T extends { state: McoiState }>(rt: McoiRuntime, cmd: (s: McoiState, tx: Tx) => T, indexed?: (v: T) => void): Promise<T> {
  return rt.commit((s, tx) => {
    const out = cmd(s, tx);
    indexed?.(out);
    return out;
  });
}

function decodeDocumentBody(b64: string): unknown {
  const clean = b64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) throw new SimError(HANDBOOK.DOCUMENT_BODY_NOT_BASE64, [], { body: '$.documentBody' });
  const text = Buffer.from(clean, 'base64').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SimError(HANDBOOK.DOCUMENT_BODY_NOT_JSON, [(e as Error).message], { body: '$.documentBody' });
  }
  if (tooDeep(value)) throw new SimError(HANDBOOK.DOCUMENT_BODY_NOT_JSON, [`it nests deeper than ${MAX_DEPTH} levels`], { body: '$.documentBody' });
  return value;
}

function visibleTypes(user: User): Set<string> {
  return new Set(
    Object.entries(ROLE_FOR_DOCUMENT_TYPE)
      .filter(([, role]) => role && user.roles.includes(role))
      .map(([t]) => t),
  );
}

/** The orders a user may see (its organization's, and those transferred to it as a service provider); one by id. */
function visibleOrders(rt: McoiRuntime, s: McoiState, user: User, orderId?: string): Order[] {
  if (orderId !== undefined) {
    const o = pmap.get(s.orders, orderId);
    return o && M.canSeeOrder(s, user, o) ? [o] : [];
  }
  return rt.index.visibleOrders(s, user.orgId, M.orgOf(s, user.orgId)?.tin).filter((o) => M.canSeeOrder(s, user, o));
}

/** Every document this user's organization may see, newest first, as storage rows. */
function documentRows(rt: McoiRuntime, user: User): S.DocRow[] {
  const s = rt.state();
  const now = rt.now();
  const t = rt.timings();
  const rows: S.DocRow[] = [];
  // A document a scenario keeps out of storage for a while is not found there yet (observed #8).
  for (const d of rt.index.visibleDocuments(s, user.orgId)) if (M.canSeeDocument(user, d) && !(d.hiddenUntil! > now)) rows.push(S.reportRow(d, now, t));
  for (const o of visibleOrders(rt, s, user)) {
    const contractorId = o.contractor ? M.orgByTin(s, o.contractor.tin)?.id : undefined;
    rows.push(S.orderRow(o, now, t, contractorId));
  }
  return rows.sort((a, b) => b.createdAt - a.createdAt || (a.documentId < b.documentId ? -1 : 1));
}

function findDocumentRow(rt: McoiRuntime, req: Req): S.DocRow {
  const user = userOf(req);
  const id = String(req.params.documentId);
  const row = documentRows(rt, user).find((r) => r.documentId === id);
  if (!row) throw new SimError(HANDBOOK.DOCUMENT_NOT_FOUND, [id], { path: 'documentId' });
  if (!visibleTypes(user).has(row.type)) throw noPermission();
  return row;
}

export function createHandlers(rt: McoiRuntime): Record<string, Handler<User>> {
  return {
    // §2.1
    authenticate: async (req) => {
      const { login, password } = req.body as { login: string; password: string };
      const user = rt.state().world.users.find((u) => u.login === login);
      if (!user || user.password !== password) throw new SimError(HANDBOOK.INCORRECT_LOGIN);
      const { session } = await rt.commit((s, tx) => {
        const r = issueToken(s.sessions, user.login, { nowMs: rt.now(), ids: tx.ids, lifetimeMs: LIMITS.tokenLifetimeMs });
        return { state: { ...s, sessions: r.sessions }, session: r.session };
      });
      return {
        body: {
          accessToken: session.accessToken,
          accessTokenType: 'BEARER',
          accessTokenExpiresIn: LIMITS.tokenLifetimeMs,
          refreshToken: session.refreshToken,
        },
      };
    },

    // §3.1
    registerOrder: async (req) => {
      const r = await run(
        rt,
        (s, tx) => {
          const v = unwrap(M.registerOrder(s, userOf(req), req.body as M.RegisterOrderInput, rt.env(tx, req.forced)));
          for (const sn of v.serials) tx.putBlob(blobKey.serials(sn.seq), { serials: sn.serials });
          tx.putBlob(blobKey.orderBody(v.order.orderId), req.body);
          return v;
        },
        (v) => {
          rt.book.addOrder(v.order, new Map(v.serials.map((x) => [x.seq, x.serials])));
          rt.index.addOrder(v.order);
        },
      );
      return { body: { orderId: r.order.orderId } };
    },

    // §3.2
    listOrders: (req) => {
      const q = req.query as { orderId?: string; status?: string; productGroup?: string; contractorTin?: string; poNumber?: string; dateFrom?: string; dateTo?: string; limit?: number; cursor?: string };
      const s = rt.state();
      const user = userOf(req);
      const now = rt.now();
      const t = rt.timings();
      const range = unwrap(M.checkDateRange(q.dateFrom, q.dateTo));
      const all = visibleOrders(rt, s, user, q.orderId)
        .filter((o) => q.status === undefined || M.orderStatus(o, now, t) === q.status)
        .filter((o) => q.productGroup === undefined || o.productGroup === q.productGroup)
        .filter((o) => q.contractorTin === undefined || o.contractor?.tin === q.contractorTin)
        .filter((o) => q.poNumber === undefined || o.poNumber === q.poNumber)
        .filter((o) => M.inRange(o.createdAt, range, now))
        .sort((a, b) => a.createdAt - b.createdAt || (a.orderId < b.orderId ? -1 : 1));
      const page = unwrap(M.pageAfter(all, (o) => o.orderId, q.cursor, q.limit ?? LIMITS.defaultPageSize));
      return { body: { orderInfos: page.map((o) => S.orderInfo(o, now, t)) } };
    },

    // §3.3 — the cursor of a sub-order listing is "<parentOrderId>:<gtin>" (sub-orders have no id of their own).
    listSubOrders: (req) => {
      const q = req.query as { status?: string; orderId?: string; gtin?: string; cisType?: string; dateFrom?: string; dateTo?: string; limit?: number; cursor?: string };
      const s = rt.state();
      const user = userOf(req);
      const now = rt.now();
      const t = rt.timings();
      const range = unwrap(M.checkDateRange(q.dateFrom, q.dateTo));
      const rows = visibleOrders(rt, s, user, q.orderId)
        .filter((o) => M.inRange(o.createdAt, range, now))
        .sort((a, b) => a.createdAt - b.createdAt || (a.orderId < b.orderId ? -1 : 1))
        .flatMap((o) => o.subOrders.map((sub) => ({ o, sub })))
        .filter(({ sub }) => q.gtin === undefined || sub.gtin === q.gtin)
        .filter(({ sub }) => q.cisType === undefined || sub.cisType === q.cisType)
        .filter(({ o, sub }) => q.status === undefined || M.subOrderStatus(o, sub, now, t) === q.status);
      const page = unwrap(M.pageAfter(rows, ({ o, sub }) => `${o.orderId}:${sub.gtin}`, q.cursor, q.limit ?? LIMITS.defaultPageSize));
      return { body: { subOrderInfos: page.map(({ o, sub }) => S.subOrderInfo(o, sub, now, t)) } };
    },

    // §3.4
    unloadCodes: async (req) => {
      const q = req.query as M.UnloadInput;
      const r = await run(rt, (s, tx) => unwrap(M.unloadCodes(s, userOf(req), q, rt.env(tx))));
      return { body: { packId: r.packId, codes: rt.book.codes(r.sub, r.from, r.to) } };
    },

    // §3.5
    listPacks: (req) => {
      const q = req.query as { orderId: string; gtin: string };
      const { order, sub } = unwrap(M.findSubOrder(rt.state(), userOf(req), q.orderId, q.gtin));
      return { body: S.packsInfo(order, sub) };
    },

    // §3.6
    closeOrder: async (req) => {
      const q = req.query as { orderId: string; gtin?: string };
      await run(rt, (s, tx) => unwrap(M.closeOrder(s, userOf(req), q, rt.env(tx))));
      return { body: S.closedInfo(q.orderId, q.gtin) };
    },

    // §4.1
    registerUtilisation: async (req) => {
      const r = await registerReport(rt, (s, tx) => M.registerUtilisation(s, userOf(req), req.query.productGroup, req.body as M.UtilisationInput, rt.env(tx, req.forced)));
      return { body: { reportId: r.doc.documentId } };
    },

    // §4.2
    getUtilisationStatus: (req) => {
      const d = unwrap(M.findReport(rt.state(), userOf(req), String(req.params.reportId)));
      return { body: S.utilisationStatus(d, rt.now(), rt.timings()) };
    },

    // §4.3
    registerValidation: async (req) => {
      const body = decodeReport(rt, req, 'ValidationReport') as M.ValidationReportInput;
      const r = await registerReport(rt, (s, tx) => M.registerValidation(s, userOf(req), body, rt.env(tx, req.forced)));
      return { body: { documentId: r.doc.documentId } };
    },

    // §4.4
    registerAggregation: async (req) => {
      const body = decodeReport(rt, req, 'AggregationReport') as M.AggregationReportInput;
      const r = await registerReport(rt, (s, tx) => M.registerAggregation(s, userOf(req), body, rt.env(tx, req.forced)));
      return { body: { documentId: r.doc.documentId } };
    },

    // §5.1
    searchDocuments: (req) => {
      const q = req.query as { documentId?: string; productGroups?: string[]; status?: string[]; types?: string[]; dateFrom?: string; dateTo?: string; limit?: number; cursor?: string };
      const user = userOf(req);
      const allowed = visibleTypes(user);
      if (allowed.size === 0 || (q.types ?? []).some((t) => !allowed.has(t))) throw noPermission();
      const range = unwrap(M.checkDateRange(q.dateFrom, q.dateTo));
      const now = rt.now();
      const rows = documentRows(rt, user)
        .filter((r) => allowed.has(r.type))
        .filter((r) => q.documentId === undefined || r.documentId === q.documentId)
        .filter((r) => q.types === undefined || q.types.includes(r.type))
        .filter((r) => q.status === undefined || q.status.includes(r.status))
        .filter((r) => q.productGroups === undefined || (r.productGroup !== undefined && q.productGroups.includes(r.productGroup)))
        .filter((r) => M.inRange(r.createdAt, range, now));
      const page = unwrap(M.pageAfter(rows, (r) => r.documentId, q.cursor, q.limit ?? LIMITS.defaultPageSize));
      return { body: { documentInfos: page.map(S.documentInfo) } };
    },

    // §5.2
    getDocument: (req) => ({ body: S.documentCard(findDocumentRow(rt, req)) }),

    // §5.3
    getDocumentJson: (req) => {
      const row = findDocumentRow(rt, req);
      const body = row.type === 'ORDER' ? rt.blobs.require(blobKey.orderBody(row.documentId)) : rt.blobs.require<DocBlob>(blobKey.doc(row.documentId)).body;
      return { body };
    },

    // §5.4
    getDocumentErrors: (req) => {
      const row = findDocumentRow(rt, req);
      const q = req.query as { propertyName?: string; limit?: number; lastIndex?: number };
      const processed = row.status !== 'IN_PROCESS';
      const all = row.type === 'ORDER' ? M.orderErrors(pmap.get(rt.state().orders, row.documentId)!, rt.now(), rt.timings()) : processed ? rt.blobs.require<DocBlob>(blobKey.doc(row.documentId)).errors : [];
      const list = all
        .filter((e) => q.propertyName === undefined || e.propertyName === q.propertyName)
        .filter((e) => q.lastIndex === undefined || e.index > q.lastIndex)
        .slice(0, q.limit ?? LIMITS.defaultErrorPageSize);
      return { body: S.documentErrors(list) };
    },

    // Beyond the document: what real clients call (observed #26–#30; README "beyond the document").
    getDocumentCodes: (req) => {
      const row = findDocumentRow(rt, req);
      const q = req.query as { limit?: number; lastIndex?: number };
      return { body: S.documentCodes(documentCodes(rt, row, (q.lastIndex ?? -1) + 1, q.limit ?? LIMITS.defaultErrorPageSize)) };
    },

    registerDisaggregation: async (req) => {
      const body = decodeReport(rt, req, 'DisaggregationReport') as M.DisaggregationInput;
      const r = await registerReport(rt, (s, tx) => M.registerDisaggregation(s, userOf(req), body, rt.env(tx, req.forced)));
      return { body: { documentId: r.doc.documentId } };
    },

    getCodesInfo: (req) => {
      const { codes, addCodeHistory } = req.body as { codes: string[]; addCodeHistory?: boolean };
      const found = M.lookupCodes(rt.state(), userOf(req), codes, rt.book);
      const ctx = viewContext(rt);
      return { body: { results: found.found.map((f) => S.codeInfo(f, ctx, addCodeHistory === true)), forbiddenCodes: found.forbiddenCodes, missingCodes: found.missingCodes } };
    },

    ownerCheck: (req) => ownerCheck(rt, req),
    ownerCheckUnversioned: (req) => ownerCheck(rt, req),
  };
}

function ownerCheck(rt: McoiRuntime, req: Req) {
  const { codes, ownerTin } = req.body as { codes: string[]; ownerTin?: string };
  unwrap(M.checkOwnerTin(rt.state(), userOf(req), ownerTin));
  const found = M.lookupCodes(rt.state(), userOf(req), codes, rt.book);
  const ctx = viewContext(rt);
  return { body: { results: found.found.map((f) => S.ownerCheckItem(f, ctx)), forbiddenCodes: found.forbiddenCodes, missingCodes: found.missingCodes } };
}

function viewContext(rt: McoiRuntime): S.CodeViewContext {
  const bodies = new Map<string, M.UtilisationInput | undefined>();
  return {
    state: rt.state(),
    book: rt.book,
    t: rt.timings(),
    utilisation: (id) => {
      if (!bodies.has(id)) bodies.set(id, rt.blobs.require<DocBlob>(blobKey.doc(id)).body as M.UtilisationInput);
      return bodies.get(id);
    },
  };
}

/**
 * The codes of a stored document from position `from`, at most `limit`: a report's as it names them, each SUCCESS or
 * ERROR with its own errors (in an ERROR report every code is ERROR: it is processed only in its entirety, §4.1); an
 * order's as generated, sub-order after sub-order. None while the document is in process.
 */
function documentCodes(rt: McoiRuntime, row: S.DocRow, from: number, limit: number): S.DocCode[] {
  if (row.status === 'IN_PROCESS') return [];
  const out: S.DocCode[] = [];
  if (row.type === 'ORDER') {
    const order = pmap.get(rt.state().orders, row.documentId)!;
    let base = 0;
    for (const sub of order.subOrders) {
      const n = M.availableCodes(order, sub, rt.now(), rt.timings());
      const lo = Math.max(from - base, 0);
      const hi = Math.min(n, from + limit - base);
      if (hi > lo) rt.book.codes(sub, lo, hi).forEach((code, i) => out.push({ index: base + lo + i, code, status: 'SUCCESS', errorCodes: [] }));
      base += n;
    }
    return out;
  }
  const blob = rt.blobs.require<DocBlob>(blobKey.doc(row.documentId));
  const failed = new Map<string, string[]>();
  for (const e of blob.errors) if (e.propertyValue !== undefined) failed.set(e.propertyValue, [...(failed.get(e.propertyValue) ?? []), e.errorCode]);
  const codes = M.reportCodes(row.type as ReportDocType, blob.body);
  for (let i = from; i < Math.min(codes.length, from + limit); i++) {
    const own = failed.get(codes[i]) ?? [];
    out.push({ index: i, code: codes[i], status: row.status === 'ERROR' || own.length ? 'ERROR' : 'SUCCESS', errorCodes: own });
  }
  return out;
}


function decodeReport(rt: McoiRuntime, req: Req, schema: string): unknown {
  const body = decodeDocumentBody((req.body as { documentBody: string }).documentBody);
  const issues = rt.validateSchema(schema, body);
  if (issues.length) throw new SimError(HANDBOOK.INVALID_INPUT, [issues[0].path, issues[0].message], { body: issues[0].path, context: { parameter: issues[0].name ?? issues[0].path } });
  return body;
}

/** A report, its blob (body, errors, effects) and its effects on the code index: one commit. */
function registerReport(rt: McoiRuntime, cmd: (s: McoiState, tx: Tx) => ReturnType<typeof M.registerUtilisation>): Promise<M.ReportOutcome> {
  return run(
    rt,
    (s, tx) => {
      const v = unwrap(cmd(s, tx));
      tx.putBlob(blobKey.doc(v.doc.documentId), v.blob);
      return v;
    },
    (v) => {
      if (v.doc.outcome !== 'ERROR') rt.book.apply(v.doc.documentId, v.doc.orgId, v.doc.createdAt, v.blob.effects);
      rt.index.addDocument(v.doc);
    },
  );
}

