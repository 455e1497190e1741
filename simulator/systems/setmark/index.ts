/**
 * SetMark — the ERP integration API of Crystal Service Integration's SetMark (marks on stock per shop, checks at the
 * cash register, reserves, the violations journal and the MRC export pushed to the ERP), served under /setmark.
 * This file is what the system declares; envelope.ts, control.ts, delivery.ts and routes.ts hold how it answers.
 */
import { RequestInvalid } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import { overlayList as list } from '../../core/scenario.js';
import type { SimRequest, SystemModule } from '../../core/system.js';
import { setmarkConformance } from './conformance.js';
import { setmarkControl, setmarkSummary } from './control.js';
import { ErpDelivery } from './delivery.js';
import { setmarkEnvelope } from './envelope.js';
import { HANDBOOK } from './handbook.js';
import { num, type Env, type Profile } from './machine.js';
import { SINK } from './push.js';
import { refusePackage } from './packages.js';
import { ALL_PRODUCT_TYPES, MARK_TRANSITIONS, PACKAGE_KINDS, PACKAGE_TRANSITIONS, SWITCHES, TIMINGS, type PackageKind, type SetmarkTimings } from './reference.js';
import { issuesAsFields } from './requests.js';
import { createHandlers } from './routes.js';
import { outboxKey, type Outgoing, type SetmarkState } from './state.js';
import { createViews } from './views.js';
import { buildWorld, overlay, type WorldFixture } from './world.js';

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
export const setmark: SystemModule<SetmarkState> = {
  id: 'setmark',
  title: 'SetMark API for ERP integration (Crystal Service Integration)',
  base: '/setmark',
  contract: 'openapi/setmark.yaml',
  controlContract: 'openapi/setmark.control.yaml',
  handbook: HANDBOOK,
  timings: TIMINGS,
  transitions: { package: PACKAGE_TRANSITIONS, mark: MARK_TRANSITIONS },
  rateLimit: { error: 'TOO_MANY_REQUESTS' },
  // Spring: the document configures it ("spring.jackson.date-format" in application.properties).
  queryBinding: 'spring',
  switches: {
    ...SWITCHES,
    erpUrl: { env: 'SIM_SETMARK_ERP_URL', values: ['none'], pattern: '^https?://', url: true, default: 'none', description: 'Base URL of the ERP the pushes go to when the world sets none: the journal to <base>/journal, the MRC export to <base>/mrc.' },
  },
  outcomes: {
    packageFailed: { operations: [...PACKAGE_KINDS], schema: { const: true }, description: 'The package ends in status 5 with errorCode 1000 ("Внутренняя ошибка сервиса") instead of being processed.' },
  },
  // No authentication: a fault cannot match a user (faults match by operation, path, calls, time).
  callers: { user: 'none (SetMark has no authentication)' },
  conformance: setmarkConformance,
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
  // State written before the outbox was a persistent map (an array of pushes).
  upgrade: (s) => (Array.isArray(s.outbox) ? { ...s, outbox: pmap.batch(pmap.empty(), (b) => (s.outbox as unknown as Outgoing[]).forEach((o) => b.set(outboxKey(o.seq), o))) } : s),
  outboundUrls: (s) => [s.erp.journalUrl, s.erp.mrcUrl].filter((u): u is string => !!u && u !== SINK),

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
    const env = (req?: SimRequest): Env => ({ now: ctx.now(), timings: timings(), profile: profile(), packageFailed: req?.forced?.packageFailed === true });
    const erp = new ErpDelivery(ctx, profile);
    const shown = createViews({ state: ctx.state, now: ctx.now, timings, polls: ctx.polls });
    return {
      handlers: createHandlers(ctx, env, profile),
      envelope: setmarkEnvelope(ctx),
      views: shown.views,
      timeline: shown.timeline,
      async refused(op, req, err) {
        // An invalid package whose id can be read is recorded with status 1, so erp/status says what was wrong.
        if (!(PACKAGE_KINDS as readonly string[]).includes(op.operationId) || !(err instanceof RequestInvalid)) return;
        const b = req.body;
        if (!b || typeof b !== 'object' || Array.isArray(b) || num((b as Record<string, unknown>).id) === undefined) return;
        const e = env(req);
        const fields = issuesAsFields(err.issues, b as Record<string, unknown>).slice(0, 100);
        await ctx.commit((s) => refusePackage(s, op.operationId as PackageKind, b as Record<string, unknown>, fields, e));
      },
      tick: () => erp.tick(),
      summary: () => setmarkSummary(ctx),
      control: setmarkControl(ctx, erp, env),
    };
  },
};
