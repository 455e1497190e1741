/** Thin handlers, one per contract operation: parse → machine → store → serialize. */
import { createHash } from 'node:crypto';
import { unwrap } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import type { Handler, SimRequest, SystemContext } from '../../core/system.js';
import { csvChunks, identifierContext, lineLength } from './generate.js';
import type { RequestIndex } from './indexes.js';
import * as M from './machine.js';
import { LIMITS, type Format, type IdIssuerTimings } from './reference.js';
import * as S from './serialize.js';
import type { IdIssuerState, UnitRequest, User } from './state.js';

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


/** The requests a user may see (the index narrows, canSee decides), or the one the query names. */
function visibleRequests(index: RequestIndex, s: IdIssuerState, user: User, q: ListQuery): UnitRequest[] {
  const candidates = q.requestId !== undefined ? [pmap.get(s.requests, String(q.requestId))].filter((r) => r !== undefined) : index.visible(s, user);
  return candidates.filter((r) => M.canSee(user, r));
}

export function createHandlers(ctx: SystemContext<IdIssuerState>, index: RequestIndex): Record<string, Handler<User>> {
  const timings = () => ctx.timings() as IdIssuerTimings;
  /** The machine's environment now; `forced` is a scenario's outcome for this request. */
  const env = (forced?: SimRequest['forced']): M.Env => ({ now: ctx.now(), timings: timings(), polls: (r) => ctx.polls(M.pollKey(r)), forced: forced as M.IdIssuerOutcome | undefined });
  /** Clients read these requests (progressions that wait for polls advance); then the statuses as read. */
  const read = async (rs: UnitRequest[]) => {
    await ctx.poll(rs.map(M.pollKey));
    return env();
  };

  return {
    createUnitRequest: async (req) => {
      const { request: r } = await ctx.commit((s) => unwrap(M.createRequest(s, userOf(req), req.body as M.CreateInput, env(req.forced))));
      return { status: 201, headers: { Location: `/api/v3/identifiers/unit/requests/${r.requestId}` }, body: { requestId: r.requestId } };
    },

    searchUnitRequests: async (req) => {
      const q = req.query as ListQuery;
      const s = ctx.state();
      const visible = visibleRequests(index, s, userOf(req), q);
      const e = await read(visible);
      const items = visible
        .filter((r) => q.economicOperatorId === undefined || r.economicOperatorId === q.economicOperatorId)
        .filter((r) => q.facilityId === undefined || r.facilityId === q.facilityId)
        .filter((r) => q.status === undefined || M.requestStatus(r, e.now, e.timings, e.polls!(r)) === q.status)
        .filter((r) => inRange(r.createdAt, q))
        .sort((a, b) => b.requestId - a.requestId);
      const p = M.page(items, q.pageNumber ?? 1, q.pageSize ?? LIMITS.defaultPageSize);
      return { body: { ...p, items: p.items.map((r) => S.requestItem(r, e.now, e.timings, e.polls!(r))) } };
    },

    getUnitRequest: async (req) => {
      const r = unwrap(M.findRequest(ctx.state(), userOf(req), req.params.requestId));
      const e = await read([r]);
      return { body: S.requestDetails(r, e.now, e.timings, e.polls!(r)) };
    },

    cancelUnitRequest: async (req) => {
      await ctx.commit((s) => unwrap(M.cancelRequest(s, userOf(req), req.params.requestId, req.body as M.CancelInput, env())));
      return { status: 204 };
    },

    searchUnitIdentifiers: async (req) => {
      const q = req.query as ListQuery;
      const s = ctx.state();
      const visible = visibleRequests(index, s, userOf(req), q);
      const e = await read(visible);
      const items = visible
        .map((r) => ({ r, status: M.identifierStatus(r, s.world, e.now, e.timings, e.polls!(r)) }))
        .filter((x) => x.status !== null && (q.status === undefined || x.status === q.status))
        .filter((x) => inRange(M.passedAt(x.r, e.timings), q))
        .sort((a, b) => b.r.requestId - a.r.requestId);
      const p = M.page(items, q.pageNumber ?? 1, q.pageSize ?? LIMITS.defaultPageSize);
      return { body: { ...p, items: p.items.map((x) => S.identifiersDetails(x.r, s.world, e.now, e.timings, e.polls!(x.r))) } };
    },

    getUnitIdentifiers: async (req) => {
      const s = ctx.state();
      const r = unwrap(M.findRequest(s, userOf(req), req.params.requestId));
      const e = await read([r]);
      const { request } = unwrap(M.findIdentifiers(s, userOf(req), req.params.requestId, e));
      return { body: S.identifiersDetails(request, s.world, e.now, e.timings, e.polls!(request)) };
    },

    downloadUnitIdentifiers: (req) => {
      const s = ctx.state();
      const id = req.params.requestId as number;
      const format = req.query.format as Format;
      const r = unwrap(M.checkDownloadable(s, userOf(req), id, env()));
      const ids = identifierContext(s, r);
      return {
        status: 200,
        contentType: 'application/octet-stream',
        headers: { 'Content-Disposition': `attachment; filename=${id}.csv; filename*=UTF-8''${id}.csv`, 'Content-Length': String(lineLength(ids, format) * r.reqQuantity) },
        // Streamed in chunks with back-pressure: memory does not grow with the quantity. Only a complete download
        // counts (the identifiers become Downloaded and the checksum is kept for the confirmation).
        stream: async (out) => {
          const hash = createHash('sha256');
          for (const chunk of csvChunks(ids, format)) {
            hash.update(chunk);
            if (!out.write(chunk) && (await drainedOrClosed(out)) === 'closed') return; // the client went away
          }
          const digest = hash.digest('hex');
          await ctx.commit((st) => M.recordDownload(st, id, format, digest, ctx.now()));
        },
      };
    },

    confirmUnitIdentifiers: async (req) => {
      await ctx.commit((s) => unwrap(M.confirm(s, userOf(req), req.params.requestId, req.body as { checksum: string; format: Format }, env())));
      return { status: 204 };
    },
  };
}
