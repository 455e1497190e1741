/** MCOI's control routes (one code's state, as the issue server knows it; API keys minted and revoked) and its state summary. */
import { SimError, unwrap } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import { clockMs } from '../../core/progression.js';
import type { Handler, SystemContext } from '../../core/system.js';
import type { CodeBook } from './codes.js';
import { CONTROL_ERRORS } from './handbook.js';
import type { McoiIndexes } from './indexes.js';
import { expiresAt, issueApiKey, revokeApiKey } from './keys.js';
import { documentKey, orderKey, orderStatus, reportStatus } from './machine.js';
import type { McoiTimings } from './reference.js';
import { fileReceipt, type ReceiptInput } from './receipts.js';
import { blobKey, type McoiState } from './state.js';

export function mcoiControl(ctx: SystemContext<McoiState>, book: CodeBook, index: McoiIndexes): Record<string, Handler> {
  const lifetime = () => clockMs((ctx.timings() as McoiTimings).apiKeyLifetimeMs);
  return {
    getMcoiCodeState: (req) => {
      const code = String(req.params.code);
      const d = book.describe(code);
      if (!d) throw new SimError(CONTROL_ERRORS.UNKNOWN_CODE, [code]);
      return { body: d };
    },

    // A new API key for a user (its key until now is retired: one valid key per user, 003).
    mintMcoiApiKey: async (req) => {
      const { login } = req.body as { login: string };
      const r = await ctx.commit((s, tx) => {
        const user = s.world.users.find((u) => u.login === login);
        if (!user) throw new SimError(CONTROL_ERRORS.UNKNOWN_USER, [login]);
        return issueApiKey(s, user, ctx.now(), tx.ids, 'control');
      });
      const until = expiresAt(r.key, lifetime());
      return { status: 201, body: { login, apiKey: r.key.key, expiresOn: until === null ? null : new Date(until).toISOString() } };
    },

    // A cash register's receipt (a sale or a refund) for a seller: a document like a report, processed after
    // documentProcessingMs; its codes are WITHDRAWN by a sale, APPLIED again by a refund.
    postMcoiReceipt: async (req) => {
      const r = await ctx.commit((s, tx) => {
        const env = { now: ctx.now(), ids: tx.ids, timings: ctx.timings() as McoiTimings, polls: (k: string) => ctx.polls(k), codes: book, orders: index };
        const v = unwrap(fileReceipt(s, req.body as ReceiptInput, env));
        tx.putBlob(blobKey.doc(v.doc.documentId), v.blob);
        return v;
      });
      const t = ctx.timings() as McoiTimings;
      return {
        status: 201,
        body: { receiptId: r.doc.documentId, type: (req.body as ReceiptInput).type, status: reportStatus(r.doc, ctx.now(), t), outcome: r.doc.outcome, errors: r.blob.errors.map((e) => `${e.errorCode}${e.propertyValue ? ` (${e.propertyValue})` : ''}`) },
      };
    },

    // The key answers 401 from now on.
    revokeMcoiApiKey: async (req) => {
      await ctx.commit((s) => {
        const r = revokeApiKey(s, (req.body as { apiKey: string }).apiKey, ctx.now());
        if (!r) throw new SimError(CONTROL_ERRORS.UNKNOWN_API_KEY);
        return r;
      });
      return { status: 204 };
    },
  };
}

export function mcoiSummary(ctx: SystemContext<McoiState>, book: CodeBook): unknown {
  const s = ctx.state();
  const now = ctx.now();
  const t = ctx.timings() as McoiTimings;
  const count = (xs: string[]) => xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});
  const docs = [...pmap.values(s.documents)];
  return {
    organizations: s.world.organizations.map((o) => ({ id: o.id, tin: o.tin, name: o.name, kinds: o.kinds })),
    users: s.world.users.map((u) => ({ login: u.login, orgId: u.orgId, roles: u.roles })),
    orders: { total: pmap.size(s.orders), byStatus: count([...pmap.values(s.orders)].map((o) => orderStatus(o, now, t, ctx.polls(orderKey(o.orderId))))) },
    documents: { total: docs.length, byType: count(docs.map((d) => d.type)), byStatus: count(docs.map((d) => reportStatus(d, now, t, ctx.polls(documentKey(d.documentId))))) },
    codes: book.stats(),
    activeSessions: Object.values(s.sessions).filter((x) => x.expiresAt > now).length,
  };
}
