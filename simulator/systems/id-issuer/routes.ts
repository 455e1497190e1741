/** Thin handlers, one per contract operation: parse → machine → store → serialize. */
import { createHash } from 'node:crypto';
import { unwrap } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import type { Tx } from '../../core/store.js';
import type { RequestIndex } from './indexes.js';
import type { Handler, SimRequest } from '../../core/system.js';
import { csvChunks, lineLength, productCode, type IdentifierContext } from './generate.js';
import * as M from './machine.js';
import { LIMITS, type Format, type IdIssuerTimings } from './reference.js';
import * as S from './serialize.js';
import type { IdIssuerState, UnitRequest, User } from './state.js';

export interface IdIssuerRuntime {
  /** Committed state: what a client may see. */
  state(): IdIssuerState;
  /** One mutation, on the latest state; resolves once durable. */
  commit<R extends { state: IdIssuerState }>(fn: (s: IdIssuerState, tx: Tx) => R): Promise<R>;
  /** The machine's environment; `forced` is a scenario's outcome for this request. */
  env(forced?: SimRequest['forced']): M.Env;
  now(): number;
  timings(): IdIssuerTimings;
  index: RequestIndex;
}

type Req = SimRequest<User>;
const userOf = (req: Req) => req.principal as User;

interface ListQuery {
  requestId?: number;
  economicOperatorId?: string;
  facilityId?: string;
  status?: string;
  createdOnFrom?: string;
  createdOnTo?: string;
  pageNumber?: number;
  pageSize?: number;
}

const inRange = (t: number, q: ListQuery) => (q.createdOnFrom === undefined || t >= Date.parse(q.createdOnFrom)) && (q.createdOnTo === undefined || t <= Date.parse(q.createdOnTo));

/** Waits for a slow client; removes both listeners whichever comes first (a long stream waits many times). */
function drainedOrClosed(out: NodeJS.WritableStream): Promise<'drained' | 'closed'> {
  return new Promise((resolve) => {
    const settle = (how: 'drained' | 'closed') => {
      out.removeListener('drain', onDrain);
      out.removeListener('close', onClose);
      resolve(how);
    };
    const onDrain = () => settle('drained');
    const onClose = () => settle('closed');
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

export function identifierContext(s: IdIssuerState, r: UnitRequest): IdentifierContext {
  return { key: s.uiKey, iic: s.world.issuerIdentificationCode, request: r, productCode: productCode(s.uiKey, r) };
}

/** The requests a user may see (the index narrows, canSee decides), or the one the query names. */
function visibleRequests(rt: IdIssuerRuntime, s: IdIssuerState, user: User, q: ListQuery): UnitRequest[] {
  const candidates = q.requestId !== undefined ? [pmap.get(s.requests, String(q.requestId))].filter((r) => r !== undefined) : rt.index.visible(s, user);
  return candidates.filter((r) => M.canSee(user, r));
}

export function createHandlers(rt: IdIssuerRuntime): Record<string, Handler<User>> {
  return {
    createUnitRequest: async (req) => {
      const { request: r } = await rt.commit((s) => {
        const v = unwrap(M.createRequest(s, userOf(req), req.body as M.CreateInput, rt.env(req.forced)));
        rt.index.add(v.request); // with the state change: a rolled-back write rebuilds the index
        return v;
      });
      return { status: 201, headers: { Location: `/api/v3/identifiers/unit/requests/${r.requestId}` }, body: { requestId: r.requestId } };
    },

    searchUnitRequests: (req) => {
      const q = req.query as ListQuery;
      const s = rt.state();
      const now = rt.now();
      const t = rt.timings();
      const items = visibleRequests(rt, s, userOf(req), q)
        .filter((r) => q.economicOperatorId === undefined || r.economicOperatorId === q.economicOperatorId)
        .filter((r) => q.facilityId === undefined || r.facilityId === q.facilityId)
        .filter((r) => q.status === undefined || M.requestStatus(r, now, t) === q.status)
        .filter((r) => inRange(r.createdAt, q))
        .sort((a, b) => b.requestId - a.requestId);
      const p = M.page(items, q.pageNumber ?? 1, q.pageSize ?? LIMITS.defaultPageSize);
      return { body: { ...p, items: p.items.map((r) => S.requestItem(r, now, t)) } };
    },

    getUnitRequest: (req) => {
      const r = unwrap(M.findRequest(rt.state(), userOf(req), req.params.requestId));
      return { body: S.requestDetails(r, rt.now(), rt.timings()) };
    },

    cancelUnitRequest: async (req) => {
      await rt.commit((s) => ({ state: unwrap(M.cancelRequest(s, userOf(req), req.params.requestId, req.body as M.CancelInput, rt.env())) }));
      return { status: 204 };
    },

    searchUnitIdentifiers: (req) => {
      const q = req.query as ListQuery;
      const s = rt.state();
      const now = rt.now();
      const t = rt.timings();
      const items = visibleRequests(rt, s, userOf(req), q)
        .map((r) => ({ r, status: M.identifierStatus(r, s.world, now, t) }))
        .filter((x) => x.status !== null && (q.status === undefined || x.status === q.status))
        .filter((x) => inRange(M.passedAt(x.r, t), q))
        .sort((a, b) => b.r.requestId - a.r.requestId);
      const p = M.page(items, q.pageNumber ?? 1, q.pageSize ?? LIMITS.defaultPageSize);
      return { body: { ...p, items: p.items.map((x) => S.identifiersDetails(x.r, s.world, now, t)) } };
    },

    getUnitIdentifiers: (req) => {
      const s = rt.state();
      const { request } = unwrap(M.findIdentifiers(s, userOf(req), req.params.requestId, rt.env()));
      return { body: S.identifiersDetails(request, s.world, rt.now(), rt.timings()) };
    },

    downloadUnitIdentifiers: (req) => {
      const s = rt.state();
      const id = req.params.requestId as number;
      const format = req.query.format as Format;
      const r = unwrap(M.checkDownloadable(s, userOf(req), id, rt.env()));
      const ctx = identifierContext(s, r);
      return {
        status: 200,
        contentType: 'application/octet-stream',
        headers: { 'Content-Disposition': `attachment; filename=${id}.csv; filename*=UTF-8''${id}.csv`, 'Content-Length': String(lineLength(ctx, format) * r.reqQuantity) },
        // Streamed in chunks with back-pressure: memory does not grow with the quantity. Only a complete download
        // counts (the identifiers become Downloaded and the checksum is kept for the confirmation).
        stream: async (out) => {
          const hash = createHash('sha256');
          for (const chunk of csvChunks(ctx, format)) {
            hash.update(chunk);
            if (!out.write(chunk) && (await drainedOrClosed(out)) === 'closed') return; // the client went away
          }
          const digest = hash.digest('hex');
          await rt.commit((st) => ({ state: M.recordDownload(st, id, format, digest, rt.now()) }));
        },
      };
    },

    confirmUnitIdentifiers: async (req) => {
      await rt.commit((s) => ({ state: unwrap(M.confirm(s, userOf(req), req.params.requestId, req.body as { checksum: string; format: Format }, rt.env())) }));
      return { status: 204 };
    },
  };
}
