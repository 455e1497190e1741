/**
 * SetMark — the ERP integration API of Crystal Service Integration's SetMark (marks on stock per shop, checks at the
 * cash register, reserves, the violations journal and the MRC export pushed to the ERP), served under /setmark.
 * This file is what the system declares and how it is wired.
 */
import { STATUS_CODES } from 'node:http';
import { RequestInvalid, SimError, type RenderedError } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import { overlayList as list } from '../../core/scenario.js';
import { TIME_RANGE } from '../../core/clock.js';
import type { SimRequest, SystemModule } from '../../core/system.js';
import { CONTROL_ERRORS, HANDBOOK } from './handbook.js';
import { findMark, num, onStock, refusePackage, registerReceipt, type Env, type Profile } from './machine.js';
import { afterAttempt, batchJournal, duePushes, exportMrc, pushId, send, SINK } from './push.js';
import { ALL_PRODUCT_TYPES, atLeast, PACKAGE_KINDS, PRODUCT_TYPES, SINCE, SWITCHES, TIMINGS, type PackageKind, type SetmarkTimings } from './reference.js';
import { createViews } from './views.js';
import { createHandlers, issuesAsFields } from './routes.js';
import { journalTimestamp, nextFire, parseCron } from './schedule.js';
import type { Attempt, Mark, PushKind, SetmarkState } from './state.js';
import { buildWorld, overlay, type WorldFixture } from './world.js';

/** Spring Boot's default error body (what a 400, 404, 405, 422 of the service carry). */
export function springError(status: number, message: string, path: string, at: Date) {
  return { timestamp: at.toISOString().replace('Z', '+00:00'), status, error: STATUS_CODES[status] ?? 'Error', message, path };
}

const INN = { type: 'string', pattern: '^([0-9]{10}|[0-9]{12})$' };
const CODE = { type: 'string', minLength: 1, maxLength: 1000 };
const URL_SCHEMA = { type: ['string', 'null'], maxLength: 2000, pattern: '^(https?://.+|sim:erp)$' };
const ERP = {
  type: 'object',
  additionalProperties: false,
  properties: {
    journalUrl: URL_SCHEMA,
    mrcUrl: URL_SCHEMA,
    mrcCron: { type: 'string', maxLength: 200 },
    mrcPackageSize: { type: 'integer', minimum: 1, maximum: 10_000 },
    sinkStatuses: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'integer', minimum: 100, maximum: 599 } },
  },
};
/** How long a push waits for the ERP to answer (real ms). */
const PUSH_TIMEOUT_MS = 10_000;
/** Pushes one run sends at most per kind (the rest wait for the next run). */
const PUSHES_PER_RUN = 50;

export const setmark: SystemModule<SetmarkState> = {
  id: 'setmark',
  title: 'SetMark API for ERP integration (Crystal Service Integration)',
  base: '/setmark',
  contract: 'openapi/setmark.yaml',
  controlContract: 'openapi/setmark.control.yaml',
  handbook: HANDBOOK,
  timings: TIMINGS,
  rateLimit: { error: 'TOO_MANY_REQUESTS' },
  switches: {
    ...SWITCHES,
    erpUrl: { env: 'SIM_SETMARK_ERP_URL', values: ['none'], pattern: '^https?://', default: 'none', description: 'Base URL of the ERP the pushes go to when the world sets none: the journal to <base>/journal, the MRC export to <base>/mrc.' },
  },
  outcomes: {
    packageFailed: { operations: [...PACKAGE_KINDS], schema: { const: true }, description: 'The package ends in status 5 with errorCode 1000 ("Внутренняя ошибка сервиса") instead of being processed.' },
  },
  // No authentication: a fault cannot match a user (faults match by operation, path, calls, time).
  callers: { user: 'none (SetMark has no authentication)' },
  fixture: 'fixtures/setmark/world.json',
  credentials: (fixture) => ((fixture as { shops?: { shop: number; inn: string; name: string }[] }).shops ?? []).map((sh) => ({ user: `shop ${sh.shop}`, note: `no authentication: packages and checks name the shop (INN ${sh.inn}, ${sh.name})` })),
  worldOverlay: {
    type: 'object',
    additionalProperties: false,
    description: 'Legal entities (by inn), shops (by shop), marks on stock (by code), MRCs (by shop and barcode), article alcocodes, and the ERP the pushes go to.',
    properties: {
      entities: list({ type: 'object', additionalProperties: false, required: ['inn'], properties: { inn: INN, name: { type: 'string' } } }),
      shops: list({ type: 'object', additionalProperties: false, required: ['shop', 'inn'], properties: { shop: { type: 'integer', minimum: 0 }, inn: INN, name: { type: 'string' } } }),
      marks: list({
        type: 'object',
        additionalProperties: false,
        required: ['code', 'productType', 'shop'],
        properties: {
          code: CODE,
          productType: { enum: ALL_PRODUCT_TYPES },
          shop: { type: 'integer', minimum: 0 },
          inn: INN,
          state: { enum: ['ACTIVE', 'SOLD', 'RETURNED', 'SOLD_IN_BLOCK', 'DISBANDED'] },
          barcode: { type: 'string' },
          item: { type: 'string' },
          alcocode: { type: 'string' },
          gtd: { type: 'string' },
          rccw: { type: 'string' },
          country: { type: 'string' },
          initialVolume: { type: 'number' },
          parent: CODE,
          children: { type: 'array', maxItems: 1000, items: CODE },
        },
      }),
      mrc: list({
        type: 'object',
        additionalProperties: false,
        required: ['shop', 'barcode', 'mrc'],
        properties: {
          shop: { type: 'integer' },
          barcode: { type: 'string', minLength: 1 },
          item: { type: 'string' },
          codeAP: { type: 'integer' },
          volume: { type: 'number' },
          AbV: { type: 'number' },
          mrc: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'object', additionalProperties: false, required: ['beginDate', 'endDate', 'price'], properties: { beginDate: { type: 'string' }, endDate: { type: 'string' }, price: { type: 'number', minimum: 0 } } } },
        },
      }),
      alcocodes: list({ type: 'object', additionalProperties: false, required: ['shop', 'item', 'alcocodes'], properties: { shop: { type: 'integer' }, item: { type: 'string' }, alcocodes: { type: 'array', items: { type: 'string' } } } }),
      erp: ERP,
    },
  },

  initialWorld: (fixture, _seed, nowMs) => ({ state: buildWorld(fixture as WorldFixture, nowMs), blobs: {} }),
  overlayWorld: (state, o) => overlay(state, o),

  create(ctx) {
    const timings = () => ctx.timings() as SetmarkTimings;
    const profile = (): Profile => {
      const v = (k: string) => ctx.profile(k);
      return {
        checkInn: v('checkInn') === 'on',
        checkBarcode: v('checkBarcode') === 'on',
        checkItem: v('checkItem') === 'on',
        checkAlcocode: v('checkAlcocode') === 'on',
        strictCheck: v('strictCheck') === 'on',
        productTypes: v('productTypes') === 'alcohol' ? [1] : ALL_PRODUCT_TYPES,
        version: String(v('version')),
        packageMessage: v('packageMessage') === 'example' ? 'example' : 'table',
        precheckCode: Number(v('precheckCode')),
        tillDateMs: v('tillDateUnit') === 'ms',
        successString: v('successType') === 'string',
        duplicate: v('duplicatePackage') === 'reject' ? 'reject' : 'overwrite',
      };
    };
    const env = (req?: SimRequest): Env => ({ now: ctx.clock.nowMs(), timings: timings(), profile: profile(), packageFailed: req?.forced?.packageFailed === true });
    const handlers = createHandlers({ state: ctx.state, commit: ctx.commit, env, profile });

    const spring = (status: number, message: string, path: string, headers?: Record<string, string>): RenderedError => ({ status, contentType: 'application/json', body: springError(status, message, path, ctx.clock.now()), headers });
    const pathOf = (op?: { path: string }) => op?.path ?? '/';

    // ---------------------------------------------------------------- pushes to the ERP
    const urlOf = (s: SetmarkState, kind: PushKind): string | null => {
      const own = kind === 'journal' ? s.erp.journalUrl : s.erp.mrcUrl;
      if (own) return own;
      const base = String(ctx.profile('erpUrl'));
      return base === 'none' ? null : `${base.replace(/\/+$/, '')}/${kind}`;
    };
    const nextId = (tx: { ids: { next(kind: string): number } }) => () => pushId(tx.ids.next('push'), ctx.seed);

    /** Deliveries one at a time (the timer and an on-demand push never send the same push twice). */
    let lock: Promise<unknown> = Promise.resolve();
    const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
      const run = lock.then(fn, fn);
      lock = run.catch(() => undefined);
      return run;
    };

    /** Sends a kind's queue, in order, while the ERP takes it; `force` sends the head even if its retry is not due. */
    const deliver = async (kind: PushKind, force: boolean): Promise<Attempt[]> => {
      const attempts: Attempt[] = [];
      for (let i = 0; i < PUSHES_PER_RUN; i++) {
        const now = ctx.clock.nowMs();
        const s = ctx.latest();
        const [o] = duePushes(s, kind, now, force && i === 0);
        const url = urlOf(s, kind);
        if (!o || !url) break;
        const started = performance.now();
        let status: number;
        let error: string | undefined;
        let responseBody: string | undefined;
        if (url === SINK) {
          status = s.erp.sinkStatuses[Math.min(s.sinkAttempts, s.erp.sinkStatuses.length - 1)] ?? 200;
        } else {
          ({ status, error, responseBody } = await send(url, o.body, PUSH_TIMEOUT_MS));
        }
        const delivered = status >= 200 && status < 300;
        ctx.outbound({ operationId: kind === 'journal' ? 'pushJournal' : 'pushMrc', url, requestBody: o.body, status, responseBody: responseBody ?? error, durationMs: Math.round(performance.now() - started) });
        const a: Attempt = { at: ctx.clock.nowMs(), kind, id: o.id, url, attempt: o.attempts + 1, status, ...(error ? { error } : {}), delivered };
        if (kind === 'mrc') Object.assign(a, { packageNumber: o.body.packageNumber, packageCount: o.body.packageCount });
        const t = timings();
        await ctx.commit((cur) => {
          const next = afterAttempt(cur, o, a, t.pushRetryMs, t.journalReportMs, url === SINK && delivered ? o.body : undefined);
          return { state: url === SINK ? { ...next, sinkAttempts: cur.sinkAttempts + 1 } : next };
        });
        attempts.push(a);
        if (!delivered) break;
      }
      return attempts;
    };

    /** What fell due: the journal timer, the MRC cron; then the queues. */
    const tick = () =>
      exclusive(async () => {
        const now = ctx.clock.nowMs();
        const period = Math.max(1000, timings().journalReportMs);
        const s = ctx.latest();
        const journalDue = now >= s.lastJournalAt + period;
        let cronAt: number | undefined;
        try {
          cronAt = nextFire(parseCron(s.erp.mrcCron), s.lastMrcAt);
        } catch {
          cronAt = undefined;
        }
        const mrcDue = cronAt !== undefined && now >= cronAt;
        if (journalDue || mrcDue) {
          await ctx.commit((cur, tx) => {
            let n = cur;
            if (journalDue) {
              if (urlOf(n, 'journal')) n = batchJournal(n, now, nextId(tx));
              n = { ...n, lastJournalAt: n.lastJournalAt + period * Math.floor((now - n.lastJournalAt) / period) };
            }
            if (mrcDue) {
              if (urlOf(n, 'mrc') && atLeast(profile().version, SINCE.mrcExport)) n = exportMrc(n, now, nextId(tx));
              n = { ...n, lastMrcAt: now };
            }
            return { state: n };
          });
        }
        await deliver('journal', false);
        await deliver('mrc', false);
      });

    const erpView = () => {
      const s = ctx.state();
      const now = ctx.clock.nowMs();
      let nextMrc: number | undefined;
      try {
        nextMrc = nextFire(parseCron(s.erp.mrcCron), Math.max(s.lastMrcAt, now - 1));
      } catch {
        nextMrc = undefined;
      }
      const iso = (ms: number | undefined) => (ms === undefined || ms > TIME_RANGE.maxMs ? null : new Date(ms).toISOString());
      return {
        journalUrl: urlOf(s, 'journal'),
        mrcUrl: urlOf(s, 'mrc'),
        mrcCron: s.erp.mrcCron,
        mrcPackageSize: s.erp.mrcPackageSize,
        nextJournalAt: iso(s.lastJournalAt + Math.max(1000, timings().journalReportMs)),
        nextMrcAt: iso(nextMrc),
        pendingViolations: pmap.size(s.violations),
        queue: s.outbox.map((o) => ({ kind: o.kind, id: o.id, attempts: o.attempts, nextAt: new Date(o.nextAt).toISOString(), ...(o.kind === 'mrc' ? { shop: o.body.shop, packageNumber: o.body.packageNumber, packageCount: o.body.packageCount } : { rows: (o.body.data as unknown[]).length }) })),
        deliveries: s.deliveries.map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
        sink: { statuses: s.erp.sinkStatuses, attempts: s.sinkAttempts, received: s.received.map((r) => ({ at: new Date(r.at).toISOString(), kind: r.kind, body: r.body })) },
      };
    };

    const shown = createViews({ state: ctx.state, now: () => ctx.clock.nowMs() });

    const markView = (m: Mark) => {
      const now = ctx.clock.nowMs();
      const s = ctx.state();
      return {
        code: m.code,
        productType: m.productType,
        shop: m.shop,
        ...(m.inn ? { inn: m.inn } : {}),
        state: m.state,
        onStock: onStock(m, now),
        ...(pmap.get(s.reservedBy, m.code) !== undefined ? { orderNumber: pmap.get(s.reservedBy, m.code) } : {}),
        ...(m.barcode !== undefined ? { barcode: m.barcode } : {}),
        ...(m.item !== undefined ? { item: m.item } : {}),
        ...(m.alcocode !== undefined ? { alcocode: m.alcocode } : {}),
        ...(m.parent ? { parent: m.parent } : {}),
        ...(m.children ? { children: m.children } : {}),
        packetId: m.packetId,
        ...(m.sale ? { sale: { ...m.sale, at: new Date(m.sale.at).toISOString() } } : {}),
        ...(m.hold ? { hold: m.hold } : {}),
      };
    };

    return {
      views: shown.views,
      timeline: shown.timeline,
      handlers,
      render(err, op) {
        const path = pathOf(op);
        if (err instanceof SimError) return spring(err.entry.status, err.message, path, err.details.headers);
        if (err instanceof RequestInvalid) {
          if (err.issues.some((i) => i.reason === 'tooLarge')) return spring(413, new SimError(HANDBOOK.PAYLOAD_TOO_LARGE, [ctx.bodyLimit]).message, path);
          const media = err.issues.find((i) => i.reason === 'mediaType');
          if (media) return spring(415, media.message, path);
          const malformed = err.issues.find((i) => i.reason === 'malformed');
          if (malformed) return spring(400, new SimError(HANDBOOK.MALFORMED_JSON, [malformed.message]).message, path);
          const fields = err.issues.map((i) => `${i.path.replace(/^\$\.?/, '') || i.name || 'body'} ${i.message}`).join('; ');
          return spring(400, new SimError(HANDBOOK.VALIDATION_FAILED, [fields.slice(0, 2000)]).message, path);
        }
        ctx.logError('setmark: unexpected error', err);
        return spring(422, HANDBOOK.INTERNAL.text, path);
      },
      renderStatus: (status) => spring(status, STATUS_CODES[status] ?? 'Error', '/'),
      unmatched: (method, path, allowed) =>
        allowed.length ? spring(405, new SimError(HANDBOOK.METHOD_NOT_ALLOWED, [method]).message, path, { Allow: allowed.join(', ') }) : spring(404, new SimError(HANDBOOK.NOT_FOUND, [path]).message, path),
      async refused(op, req, err) {
        // An invalid package whose id can be read is recorded with status 1, so erp/status says what was wrong.
        if (!(PACKAGE_KINDS as readonly string[]).includes(op.operationId) || !(err instanceof RequestInvalid)) return;
        const b = req.body;
        if (!b || typeof b !== 'object' || Array.isArray(b) || num((b as Record<string, unknown>).id) === undefined) return;
        const e = env(req);
        const fields = issuesAsFields(err.issues, b as Record<string, unknown>).slice(0, 100);
        await ctx.commit((s) => ({ state: refusePackage(s, op.operationId as PackageKind, b as Record<string, unknown>, fields, e) }));
      },
      tick,
      rebuild: () => undefined,
      summary() {
        const s = ctx.state();
        const now = ctx.clock.nowMs();
        const byState: Record<string, number> = {};
        let stock = 0;
        for (const m of pmap.values(s.marks)) {
          byState[m.state] = (byState[m.state] ?? 0) + 1;
          if (onStock(m, now)) stock++;
        }
        const packages: Record<string, number> = {};
        for (const p of pmap.values(s.packages)) {
          const st = p.status !== 1 && now < p.doneAt ? 2 : p.status;
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
          journal: { pending: pmap.size(s.violations), queued: s.outbox.length, lastTimestamp: s.deliveries.length ? journalTimestamp(s.deliveries[s.deliveries.length - 1].at) : null },
        };
      },
      controlHandlers: {
        getSetmarkErp: () => ({ body: erpView() }),
        putSetmarkErp: async (req) => {
          const b = req.body as Record<string, unknown>;
          if (typeof b.mrcCron === 'string') {
            try {
              parseCron(b.mrcCron);
            } catch (e) {
              throw new SimError(CONTROL_ERRORS.BAD_CRON, [b.mrcCron, (e as Error).message]);
            }
          }
          await ctx.commit((s) => ({
            state: {
              ...s,
              erp: { ...s.erp, ...b },
              // New statuses for the recorder: it starts again from the first.
              sinkAttempts: b.sinkStatuses !== undefined ? 0 : s.sinkAttempts,
            },
          }));
          return { body: erpView() };
        },
        pushSetmark: async (req) => {
          const kind = String(req.params.kind) as PushKind;
          const s = ctx.state();
          if (!urlOf(s, kind)) throw new SimError(CONTROL_ERRORS.NO_URL, [kind === 'journal' ? 'journalUrl' : 'mrcUrl']);
          const attempts = await exclusive(async () => {
            const now = ctx.clock.nowMs();
            await ctx.commit((cur, tx) => ({ state: kind === 'journal' ? batchJournal(cur, now, nextId(tx)) : exportMrc(cur, now, nextId(tx)) }));
            return deliver(kind, true);
          });
          return { body: { kind, attempts: attempts.map((a) => ({ ...a, at: new Date(a.at).toISOString() })), erp: erpView() } };
        },
        playReceipt: async (req) => {
          const b = req.body as { shop: number; cash: number; checkNumber: string; operation: 'sale' | 'return'; inn?: string; offline?: boolean; precheck?: boolean; open?: boolean; marks: { mark: string; productType?: number; barcode?: string; promoBarcode?: string; posError?: { errorCode: 4 | 17; externalErrorCode?: number; properties?: Record<string, string> } }[] };
          const shop = ctx.state().world.shops.find((x) => x.shop === b.shop);
          if (!shop) throw new SimError(CONTROL_ERRORS.UNKNOWN_SHOP, [b.shop]);
          const e = env();
          const r = await ctx.commit((s) => {
            const lines = b.marks.map((l) => ({ code: l.mark, productType: l.productType ?? findMark(s.marks, l.mark)?.productType ?? 0, barcode: l.barcode, promoBarcode: l.promoBarcode, posError: l.posError }));
            return registerReceipt(s, { shop: b.shop, cash: b.cash, checkNumber: b.checkNumber, operation: b.operation, inn: b.inn ?? shop.inn, lines, offline: b.offline === true, precheck: b.precheck !== false, open: b.open === true }, e);
          });
          const s = ctx.state();
          return { status: 201, body: { ...r.outcome, marks: b.marks.map((l) => ((m) => (m ? { mark: l.mark, state: m.state, onStock: onStock(m, e.now) } : { mark: l.mark, state: 'ABSENT', onStock: false }))(findMark(s.marks, l.mark))) } };
        },
        getSetmarkMark: (req) => {
          const m = findMark(ctx.state().marks, String(req.params.code));
          if (!m) throw new SimError(CONTROL_ERRORS.UNKNOWN_MARK, [String(req.params.code)]);
          return { body: markView(m) };
        },
      },
    };
  },
};
