/** MCOI's control route (one code's state, as the issue server knows it) and its state summary. */
import { SimError } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import type { Handler, SystemContext } from '../../core/system.js';
import type { CodeBook } from './codes.js';
import { CONTROL_ERRORS } from './handbook.js';
import { documentKey, orderKey, orderStatus, reportStatus } from './machine.js';
import type { McoiTimings } from './reference.js';
import type { McoiState } from './state.js';

export function mcoiControl(book: CodeBook): Record<string, Handler> {
  return {
    getMcoiCodeState: (req) => {
      const code = String(req.params.code);
      const d = book.describe(code);
      if (!d) throw new SimError(CONTROL_ERRORS.UNKNOWN_CODE, [code]);
      return { body: d };
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
