/**
 * Thin handlers, one per contract operation: parse → machine (orders.ts, reports.ts, lookups.ts, storage.ts) → store
 * → serialize. No business rules here.
 */
import { issueToken } from '../../core/auth.js';
import { SimError, unwrap } from '../../core/errors.js';
import type { Tx } from '../../core/store.js';
import type { Handler, SimRequest, SystemContext } from '../../core/system.js';
import type { CodeBook } from './codes.js';
import { HANDBOOK } from './handbook.js';
import type { McoiIndexes } from './indexes.js';
import { checkOwnerTin, lookupCodes, publicLookup } from './lookups.js';
import * as M from './machine.js';
import * as O from './orders.js';
import { LIMITS, type McoiTimings } from './reference.js';
import * as R from './reports.js';
import * as S from './serialize.js';
import { blobKey, type McoiState, type User } from './state.js';
import * as D from './storage.js';

type Req = SimRequest<User>;
const userOf = (req: Req) => req.principal as User;

export function createHandlers(ctx: SystemContext<McoiState>, book: CodeBook, index: McoiIndexes): Record<string, Handler<User>> {
  const timings = () => ctx.timings() as McoiTimings;
  const polls = (key: string) => ctx.polls(key);
  /** The machine's environment inside a mutation; `forced` is a scenario's outcome for this request. */
  const env = (tx: Tx, forced?: SimRequest['forced']): M.Env => ({ now: ctx.now(), ids: tx.ids, timings: timings(), polls, codes: book, orders: index, forced: forced as M.McoiOutcome | undefined });
  /** What a request reads: the committed state as its user sees it, now. */
  const reader = (req: Req): D.Reader => ({ state: ctx.state(), user: userOf(req), now: ctx.now(), t: timings(), polls, index, book, blobs: ctx.blobs });
  /** Clients read these entities (progressions that wait for polls advance), then what they read. */
  const read = async (req: Req, keys: (r: D.Reader) => string[]): Promise<D.Reader> => {
    await ctx.poll(keys(reader(req)));
    return reader(req);
  };
  /** A report, its blob (body, errors, effects): one commit; the indexes follow its events. */
  const registerReport = (cmd: (s: McoiState, tx: Tx) => ReturnType<typeof R.registerUtilisation>) =>
    ctx.commit((s, tx) => {
      const v = unwrap(cmd(s, tx));
      tx.putBlob(blobKey.doc(v.doc.documentId), v.blob);
      return v;
    });
  const decodeReport = (req: Req, schema: string): unknown => {
    const body = D.decodeDocumentBody((req.body as { documentBody: string }).documentBody);
    const issues = ctx.contract.validateSchema(schema, body, '$.documentBody');
    if (issues.length) throw new SimError(HANDBOOK.INVALID_INPUT, [issues[0].path, issues[0].message], { body: issues[0].path, context: { parameter: issues[0].name ?? issues[0].path } });
    return body;
  };
  const ownerCheck: Handler<User> = (req) => {
    const { codes, ownerTin } = req.body as { codes: string[]; ownerTin?: string };
    const r = reader(req);
    unwrap(checkOwnerTin(r.state, r.user, ownerTin));
    const found = lookupCodes(r.state, r.user, codes, book);
    const view = D.codeViewContext(r);
    return { body: { results: found.found.map((f) => S.ownerCheckItem(f, view)), forbiddenCodes: found.forbiddenCodes, missingCodes: found.missingCodes } };
  };

  return {
    // §2.1
    authenticate: async (req) => {
      const { login, password } = req.body as { login: string; password: string };
      const { session } = await ctx.commit((s, tx) => {
        const user = s.world.users.find((u) => u.login === login);
        if (!user || user.password !== password) throw new SimError(HANDBOOK.INCORRECT_LOGIN);
        const r = issueToken(s.sessions, user.login, { nowMs: ctx.now(), ids: tx.ids, lifetimeMs: LIMITS.tokenLifetimeMs });
        return { state: { ...s, sessions: r.sessions }, session: r.session, events: [{ type: 'SessionOpened', login: user.login }] };
      });
      return { body: { accessToken: session.accessToken, accessTokenType: 'BEARER', accessTokenExpiresIn: LIMITS.tokenLifetimeMs, refreshToken: session.refreshToken } };
    },

    // §3.1
    registerOrder: async (req) => {
      const r = await ctx.commit((s, tx) => {
        const v = unwrap(O.registerOrder(s, userOf(req), req.body as O.RegisterOrderInput, env(tx, req.forced)));
        for (const sn of v.serials) tx.putBlob(blobKey.serials(sn.seq), { serials: sn.serials });
        tx.putBlob(blobKey.orderBody(v.order.orderId), req.body);
        return v;
      });
      return { body: { orderId: r.order.orderId } };
    },

    // §3.2
    listOrders: async (req) => {
      const q = req.query as { orderId?: string; status?: string; productGroup?: string; contractorTin?: string; poNumber?: string; dateFrom?: string; dateTo?: string; limit?: number; cursor?: string };
      const range = unwrap(M.checkDateRange(q.dateFrom, q.dateTo));
      const r = await read(req, (x) => D.visibleOrders(x, q.orderId).map((o) => M.orderKey(o.orderId)));
      const all = D.visibleOrders(r, q.orderId)
        .filter((o) => q.status === undefined || M.orderStatus(o, r.now, r.t, polls(M.orderKey(o.orderId))) === q.status)
        .filter((o) => q.productGroup === undefined || o.productGroup === q.productGroup)
        .filter((o) => q.contractorTin === undefined || o.contractor?.tin === q.contractorTin)
        .filter((o) => q.poNumber === undefined || o.poNumber === q.poNumber)
        .filter((o) => M.inRange(o.createdAt, range, r.now))
        .sort((a, b) => a.createdAt - b.createdAt || (a.orderId < b.orderId ? -1 : 1));
      const page = unwrap(M.pageAfter(all, (o) => o.orderId, q.cursor, q.limit ?? LIMITS.defaultPageSize));
      return { body: { orderInfos: page.map((o) => S.orderInfo(o, r.now, r.t, polls(M.orderKey(o.orderId)))) } };
    },

    // §3.3 — the cursor of a sub-order listing is "<parentOrderId>:<gtin>" (sub-orders have no id of their own).
    listSubOrders: async (req) => {
      const q = req.query as { status?: string; orderId?: string; gtin?: string; cisType?: string; dateFrom?: string; dateTo?: string; limit?: number; cursor?: string };
      const range = unwrap(M.checkDateRange(q.dateFrom, q.dateTo));
      const r = await read(req, (x) => D.visibleOrders(x, q.orderId).map((o) => M.orderKey(o.orderId)));
      const rows = D.visibleOrders(r, q.orderId)
        .filter((o) => M.inRange(o.createdAt, range, r.now))
        .sort((a, b) => a.createdAt - b.createdAt || (a.orderId < b.orderId ? -1 : 1))
        .flatMap((o) => o.subOrders.map((sub) => ({ o, sub })))
        .filter(({ sub }) => q.gtin === undefined || sub.gtin === q.gtin)
        .filter(({ sub }) => q.cisType === undefined || sub.cisType === q.cisType)
        .filter(({ o, sub }) => q.status === undefined || M.subOrderStatus(o, sub, r.now, r.t, polls(M.orderKey(o.orderId))) === q.status);
      const page = unwrap(M.pageAfter(rows, ({ o, sub }) => `${o.orderId}:${sub.gtin}`, q.cursor, q.limit ?? LIMITS.defaultPageSize));
      return { body: { subOrderInfos: page.map(({ o, sub }) => S.subOrderInfo(o, sub, r.now, r.t, polls(M.orderKey(o.orderId)))) } };
    },

    // §3.4
    unloadCodes: async (req) => {
      const r = await ctx.commit((s, tx) => unwrap(O.unloadCodes(s, userOf(req), req.query as O.UnloadInput, env(tx))));
      return { body: { packId: r.packId, codes: book.codes(r.sub, r.from, r.to) } };
    },

    // §3.5
    listPacks: (req) => {
      const q = req.query as { orderId: string; gtin: string };
      const { order, sub } = unwrap(M.findSubOrder(ctx.state(), userOf(req), q.orderId, q.gtin));
      return { body: S.packsInfo(order, sub) };
    },

    // §3.6
    closeOrder: async (req) => {
      const q = req.query as { orderId: string; gtin?: string };
      await ctx.commit((s, tx) => unwrap(O.closeOrder(s, userOf(req), q, env(tx))));
      return { body: S.closedInfo(q.orderId, q.gtin) };
    },

    // §4.1
    registerUtilisation: async (req) => {
      const r = await registerReport((s, tx) => R.registerUtilisation(s, userOf(req), req.query.productGroup, req.body as R.UtilisationInput, env(tx, req.forced)));
      return { body: { reportId: r.doc.documentId } };
    },

    // §4.2
    getUtilisationStatus: async (req) => {
      const id = String(req.params.reportId);
      const d = unwrap(M.findReport(ctx.state(), userOf(req), id));
      await ctx.poll([M.documentKey(id)]);
      return { body: S.utilisationStatus(d, ctx.now(), timings(), polls(M.documentKey(id))) };
    },

    // §4.3
    registerValidation: async (req) => {
      const body = decodeReport(req, 'ValidationReport') as R.ValidationReportInput;
      const r = await registerReport((s, tx) => R.registerValidation(s, userOf(req), body, env(tx, req.forced)));
      return { body: { documentId: r.doc.documentId } };
    },

    // §4.4
    registerAggregation: async (req) => {
      const body = decodeReport(req, 'AggregationReport') as R.AggregationReportInput;
      const r = await registerReport((s, tx) => R.registerAggregation(s, userOf(req), body, env(tx, req.forced)));
      return { body: { documentId: r.doc.documentId } };
    },

    // §5.1
    searchDocuments: async (req) => {
      const q = req.query as { documentId?: string; productGroups?: string[]; status?: string[]; types?: string[]; dateFrom?: string; dateTo?: string; limit?: number; cursor?: string };
      const allowed = D.visibleTypes(userOf(req));
      if (allowed.size === 0 || (q.types ?? []).some((t) => !allowed.has(t))) throw new SimError(HANDBOOK.NO_PERMISSION);
      const range = unwrap(M.checkDateRange(q.dateFrom, q.dateTo));
      const r = await read(req, D.storageKeys);
      const rows = D.documentRows(r)
        .filter((x) => allowed.has(x.type))
        .filter((x) => q.documentId === undefined || x.documentId === q.documentId)
        .filter((x) => q.types === undefined || q.types.includes(x.type))
        .filter((x) => q.status === undefined || q.status.includes(x.status))
        .filter((x) => q.productGroups === undefined || (x.productGroup !== undefined && q.productGroups.includes(x.productGroup)))
        .filter((x) => M.inRange(x.createdAt, range, r.now));
      const page = unwrap(M.pageAfter(rows, (x) => x.documentId, q.cursor, q.limit ?? LIMITS.defaultPageSize));
      return { body: { documentInfos: page.map(S.documentInfo) } };
    },

    // §5.2
    getDocument: async (req) => {
      const id = String(req.params.documentId);
      const row = D.findDocumentRow(reader(req), id);
      const r = await read(req, () => [row.type === 'ORDER' ? M.orderKey(id) : M.documentKey(id)]);
      return { body: S.documentCard(D.findDocumentRow(r, id)) };
    },

    // §5.3
    getDocumentJson: (req) => {
      const r = reader(req);
      return { body: D.documentBody(r, D.findDocumentRow(r, String(req.params.documentId))) };
    },

    // §5.4
    getDocumentErrors: (req) => {
      const r = reader(req);
      const row = D.findDocumentRow(r, String(req.params.documentId));
      const q = req.query as { propertyName?: string; limit?: number; lastIndex?: number };
      const list = D.documentErrors(r, row)
        .filter((e) => q.propertyName === undefined || e.propertyName === q.propertyName)
        .filter((e) => q.lastIndex === undefined || e.index > q.lastIndex)
        .slice(0, q.limit ?? LIMITS.defaultErrorPageSize);
      return { body: S.documentErrors(list) };
    },

    // Beyond the document: what real clients call (observed #26–#30; README "beyond the document").
    getDocumentCodes: (req) => {
      const r = reader(req);
      const row = D.findDocumentRow(r, String(req.params.documentId));
      const q = req.query as { limit?: number; lastIndex?: number };
      return { body: S.documentCodes(D.documentCodes(r, row, (q.lastIndex ?? -1) + 1, q.limit ?? LIMITS.defaultErrorPageSize)) };
    },

    registerDisaggregation: async (req) => {
      const body = decodeReport(req, 'DisaggregationReport') as R.DisaggregationInput;
      const r = await registerReport((s, tx) => R.registerDisaggregation(s, userOf(req), body, env(tx, req.forced)));
      return { body: { documentId: r.doc.documentId } };
    },

    // The owner's view of its codes (observed #28, #29, #31): results[] nested, the others' and the unknown apart.
    getPrivateCodes: (req) => {
      const { codes, addCodeHistory } = req.body as { codes: string[]; addCodeHistory?: boolean };
      const r = reader(req);
      const found = lookupCodes(r.state, r.user, codes, book);
      const view = D.codeViewContext(r);
      return { body: { results: found.found.map((f) => S.codeInfo(f, view, addCodeHistory === true)), forbiddenCodes: found.forbiddenCodes, missingCodes: found.missingCodes } };
    },

    // What anyone may know of codes (observed #34): a bare array of flat items, whoever owns them; a code unknown, or
    // sent with its verification code, is not in it.
    getPublicCodes: (req) => {
      const { codes, addCodeHistory } = req.body as { codes: string[]; addCodeHistory?: boolean };
      const r = reader(req);
      const view = D.codeViewContext(r);
      return { body: publicLookup(codes, book).map((f) => S.publicCode(f, view, addCodeHistory === true)) };
    },

    ownerCheck,
    ownerCheckUnversioned: ownerCheck,
  };
}
