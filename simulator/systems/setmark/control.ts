/**
 * SetMark's control routes — the ERP side (where pushes go, a push on demand), a cash register (receipts), a mark's
 * state — and its state summary. Every change reads what it changes inside its commit.
 */
import { SimError } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import type { Handler, SystemContext } from '../../core/system.js';
import type { ErpDelivery } from './delivery.js';
import { CONTROL_ERRORS } from './handbook.js';
import { findMark, onStock, type Env } from './machine.js';
import { packageStatus, pollKey } from './packages.js';
import { SINK } from './push.js';
import { registerReceipt } from './receipts.js';
import { PRODUCT_TYPES, type SetmarkTimings } from './reference.js';
import { journalTimestamp, parseCron } from './schedule.js';
import { markView } from './serialize.js';
import { packageKey, type PushKind, type SetmarkState } from './state.js';

type ReceiptBody = {
  shop: number;
  cash: number;
  checkNumber: string;
  operation: 'sale' | 'return';
  inn?: string;
  offline?: boolean;
  precheck?: boolean;
  open?: boolean;
  marks: { mark: string; productType?: number; barcode?: string; promoBarcode?: string; posError?: { errorCode: 4 | 17; externalErrorCode?: number; properties?: Record<string, string> } }[];
};

export function setmarkControl(ctx: SystemContext<SetmarkState>, erp: ErpDelivery, env: () => Env): Record<string, Handler> {
  return {
    getSetmarkErp: () => ({ body: erp.view() }),
    putSetmarkErp: async (req) => {
      const b = req.body as Record<string, unknown>;
      // The simulator sends to these: a host the operator did not allow is refused before anything changes.
      for (const k of ['journalUrl', 'mrcUrl'] as const) {
        const url = b[k];
        if (typeof url !== 'string' || url === SINK) continue;
        const why = ctx.outboundRefusal(url);
        if (why) throw new SimError(CONTROL_ERRORS.HOST_NOT_ALLOWED, [k, why]);
      }
      if (typeof b.mrcCron === 'string') {
        try {
          parseCron(b.mrcCron);
        } catch (e) {
          throw new SimError(CONTROL_ERRORS.BAD_CRON, [b.mrcCron, (e as Error).message]);
        }
      }
      // New statuses for the recorder: it starts again from the first.
      await ctx.commit((s) => ({ state: { ...s, erp: { ...s.erp, ...b }, sinkAttempts: b.sinkStatuses !== undefined ? 0 : s.sinkAttempts }, events: [{ type: 'ErpConfigured', fields: Object.keys(b) }] }));
      return { body: erp.view() };
    },
    pushSetmark: async (req) => {
      const kind = String(req.params.kind) as PushKind;
      if (!erp.urlOf(ctx.state(), kind)) throw new SimError(CONTROL_ERRORS.NO_URL, [kind === 'journal' ? 'journalUrl' : 'mrcUrl']);
      const attempts = await erp.push(kind);
      return { body: { kind, attempts: attempts.map((a) => ({ ...a, at: new Date(a.at).toISOString() })), erp: erp.view() } };
    },
    playReceipt: async (req) => {
      const b = req.body as ReceiptBody;
      const e = env();
      const r = await ctx.commit((s) => {
        const shop = s.world.shops.find((x) => x.shop === b.shop);
        if (!shop) throw new SimError(CONTROL_ERRORS.UNKNOWN_SHOP, [b.shop]);
        const lines = b.marks.map((l) => ({ code: l.mark, productType: l.productType ?? findMark(s.marks, l.mark)?.productType ?? 0, barcode: l.barcode, promoBarcode: l.promoBarcode, posError: l.posError }));
        return registerReceipt(s, { shop: b.shop, cash: b.cash, checkNumber: b.checkNumber, operation: b.operation, inn: b.inn ?? shop.inn, lines, offline: b.offline === true, precheck: b.precheck !== false, open: b.open === true }, e);
      });
      const s = ctx.state();
      return { status: 201, body: { ...r.outcome, marks: b.marks.map((l) => ((m) => (m ? { mark: l.mark, state: m.state, onStock: onStock(m, e.now) } : { mark: l.mark, state: 'ABSENT', onStock: false }))(findMark(s.marks, l.mark))) } };
    },
    getSetmarkMark: (req) => {
      const m = findMark(ctx.state().marks, String(req.params.code));
      if (!m) throw new SimError(CONTROL_ERRORS.UNKNOWN_MARK, [String(req.params.code)]);
      return { body: markView(ctx.state(), m, ctx.now()) };
    },
  };
}

export function setmarkSummary(ctx: SystemContext<SetmarkState>): unknown {
  const s = ctx.state();
  const now = ctx.now();
  const t = ctx.timings() as SetmarkTimings;
  const byState: Record<string, number> = {};
  let stock = 0;
  for (const m of pmap.values(s.marks)) {
    byState[m.state] = (byState[m.state] ?? 0) + 1;
    if (onStock(m, now)) stock++;
  }
  const packages: Record<string, number> = {};
  for (const p of pmap.values(s.packages)) {
    const st = packageStatus(p, now, t, ctx.polls(pollKey(packageKey(p.shop, p.id))));
    packages[st] = (packages[st] ?? 0) + 1;
  }
  return {
    entities: s.world.entities,
    shops: s.world.shops,
    productTypes: PRODUCT_TYPES,
    marks: { total: pmap.size(s.marks), onStock: stock, byState },
    packages: { total: pmap.size(s.packages), byStatus: packages },
    mrcProducts: pmap.size(s.mrc),
    reserves: pmap.size(s.reserves),
    receipts: pmap.size(s.receipts),
    journal: { pending: pmap.size(s.violations), queued: pmap.size(s.outbox), lastTimestamp: s.deliveries.length ? journalTimestamp(s.deliveries[s.deliveries.length - 1].at) : null },
  };
}
