/**
 * createApp(deps) builds a whole simulator — every system, the control plane, its state — and never listens.
 * main.ts listens; tests hand the app to supertest. Two apps never share state.
 *
 * @example
 * const sim = await createApp({ clock: new ManualClock(T0), store: { kind: 'memory' }, seed: 1 });
 * await request(sim.app).get('/__sim/health').expect(200);
 */
import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import express, { type Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import { stringify as toYaml } from 'yaml';
import { catalogOf, type Catalog } from './core/catalog.js';
import { SimClock } from './core/clock.js';
import { FaultEngine } from './core/faults.js';
import { Journal } from './core/journal.js';
import { RateLimiter } from './core/limits.js';
import { silentLogger, type Logger } from './core/log.js';
import { mountSystem, type ExchangeHook } from './core/mount.js';
import { problem } from './core/errors.js';
import { controlGuard, hostGuard, type ControlAccess } from './core/security.js';
import { loadDocument, mergeControlContract, type Contract } from './core/openapi.js';
import { PROJECT_ROOT as ROOT } from './core/paths.js';
import { ScenarioInvalid, type Scenario } from './core/scenario.js';
import { Store, type DbShape, type StoreOptions, type World } from './core/store.js';
import { rateLimit, resolveTimings, timingDefaults, type SimConfig, type SystemContext, type SystemInstance, type SystemModule } from './core/system.js';
import { CONTROL_HANDBOOK } from './control/handbook.js';
import { createControl } from './control/index.js';
import { idIssuer } from './systems/id-issuer/index.js';
import { mcoi } from './systems/mcoi/index.js';
import { setmark } from './systems/setmark/index.js';
import { trueApi } from './systems/true-api/index.js';

/** The emulated systems, one line each. */
export const SYSTEMS: SystemModule<any, any>[] = [mcoi, idIssuer, trueApi, setmark];

/** The catalog of the default systems (what main.ts and the CLI check scenarios and settings against). */
export const defaultCatalog = (): Catalog => catalogOf(SYSTEMS);

/** Every contract of a catalog by id: each system's, and the control plane's with the systems' control routes merged in. */
export function contractsOf(catalog: Catalog): Record<string, Contract> {
  const control = mergeControlContract(
    join(ROOT, 'openapi', 'control.yaml'),
    catalog.systems.filter((s) => s.module.controlContract).map((s) => ({ system: s.id, file: join(ROOT, s.module.controlContract!) })),
    catalog.ids,
  );
  return { control, ...Object.fromEntries(catalog.systems.map((s) => [s.id, s.contract])) };
}

export interface Security {
  /** Host names the simulator answers to, or '*' (SIM_ALLOWED_HOSTS). */
  allowedHosts: '*' | readonly string[];
  control: ControlAccess;
  /** Show passwords, tokens and Authorization headers in the journal, its export and debug logs (SIM_JOURNAL_SECRETS=show). */
  showSecrets: boolean;
}

export interface AppDeps {
  clock?: SimClock;
  store?: StoreOptions;
  seed?: number;
  rateLimits?: boolean;
  timings?: Record<string, Record<string, number>>;
  profile?: Record<string, Record<string, unknown>>;
  journalSize?: number;
  bodyLimit?: string;
  /** A scenario active from the start (`--scenario`, SIM_SCENARIO). */
  scenario?: Scenario;
  /** The systems to mount (default SYSTEMS; tests add a third). */
  systems?: SystemModule<any, any>[];
  log?: Logger;
  /** Who may reach the simulator and its control plane, and whether views show secrets (defaults: any host, control on, secrets hidden). */
  security?: Partial<Security>;
  /** Called with every exchange (tests validate each one against the contract). */
  onExchange?: ExchangeHook;
  /** Real milliseconds between runs of the systems' work on the clock (default 1000; 0: only after /__sim/clock and tick()). */
  tickMs?: number;
}

export interface Sim {
  app: Express;
  clock: SimClock;
  store: Store;
  journal: Journal;
  catalog: Catalog;
  contracts: Record<string, Contract>;
  systems: Record<string, SystemInstance>;
  control: SystemInstance;
  /** The active scenario, if any. */
  scenario(): Scenario | undefined;
  /** Activates a scenario: its seed, world, clock, timings, limits, profile and faults, from a fresh world. */
  activate(scenario: Scenario): Promise<void>;
  /** Back to the baseline: the default world, no scenario. */
  reset(seed?: number): Promise<void>;
  /**
   * For a server's 'clientError' event: a request Node could not read (headers too large, a malformed request line)
   * answered in the envelope of the system it was for, instead of Node's bare status line.
   */
  clientError(err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void;
  /** Runs what has fallen due on the virtual clock now (tests call it after advancing a ManualClock). */
  tick(): Promise<void>;
  close(): Promise<void>;
}

export async function createApp(deps: AppDeps = {}): Promise<Sim> {
  const modules = deps.systems ?? SYSTEMS;
  const catalog = catalogOf(modules);
  const contracts = contractsOf(catalog);
  const clock = deps.clock ?? new SimClock();
  const log = deps.log ?? silentLogger();
  const security: Security = { allowedHosts: '*', control: { enabled: true }, showSecrets: false, ...deps.security };
  const baseline = {
    seed: deps.seed ?? 1,
    rateLimits: deps.rateLimits ?? true,
    timings: deps.timings ?? {},
    profile: deps.profile ?? {},
  };
  const fixtures = new Map(modules.map((m) => [m.id, loadDocument(join(ROOT, m.fixture))]));

  /** A scenario's world laid over a system's: what the system finds wrong with it (a batch naming nobody) is the scenario's problem. */
  const overlaid = <S>(m: SystemModule<S>, state: S, overlay: Record<string, unknown>): S => {
    try {
      return m.overlayWorld(state, overlay);
    } catch (e) {
      throw new ScenarioInvalid(`world.${m.id}`, [(e as Error).message]);
    }
  };

  /** A fresh world (optionally with a scenario's overlays): every system's initial state and blobs. */
  const initialData = (seed: number, world?: Scenario['world']): World => {
    const nowMs = clock.nowMs();
    const data: DbShape = { _meta: { seed, createdAt: nowMs, counters: {}, boots: 0, generation: 0, clock: clock.snapshot() } };
    const blobs: Record<string, unknown> = {};
    for (const m of modules) {
      const w = m.initialWorld(structuredClone(fixtures.get(m.id)), seed, nowMs);
      const overlay = world?.[m.id];
      data[m.id] = overlay ? overlaid(m, w.state, overlay) : w.state;
      Object.assign(blobs, w.blobs);
    }
    return { data, blobs };
  };

  const store = await Store.open(deps.store ?? { kind: 'memory' }, () => initialData(baseline.seed));
  // State an earlier version wrote is brought up to date first, in a commit of its own.
  if (store.restored) for (const m of modules) if (m.upgrade && store.latest(m.id) !== undefined) await store.update(m.id, (s) => ({ state: m.upgrade!(s) }));
  // Virtual time is part of the world: a restart resumes it (an injected clock is its caller's to set).
  const savedClock = store.restored && !deps.clock ? store.meta().clock : undefined;
  if (savedClock) clock.restore(savedClock);
  let faults: FaultEngine | undefined;
  let active: Scenario | undefined;
  const config: SimConfig = {
    seed: store.meta().seed,
    rateLimits: baseline.rateLimits,
    limits: {},
    timings: baseline.timings,
    profile: baseline.profile,
    bodyLimit: deps.bodyLimit ?? '20mb',
  };
  // A limit given to createApp (tests) wins; then the system's document; then the simulator's default.
  const bodyLimitOf = (m: SystemModule<unknown>) => deps.bodyLimit ?? m.bodyLimit?.size ?? config.bodyLimit;
  const journal = new Journal(deps.journalSize ?? 1000);
  const limiter = new RateLimiter({ windowMs: 60_000 });

  /** Each system's work on the virtual clock (tick), one run at a time: a call while one runs waits for it, then runs again. */
  let ticking: Promise<void> = Promise.resolve();
  const tick = (): Promise<void> => {
    ticking = ticking.then(async () => {
      for (const [id, inst] of Object.entries(instances)) {
        try {
          await inst.tick?.();
        } catch (err) {
          log.error({ system: id, err }, 'tick failed');
        }
      }
    });
    return ticking;
  };

  const contextOf = <S>(m: SystemModule<S>): SystemContext<S> => ({
    id: m.id,
    seed: config.seed,
    clock,
    contract: contracts[m.id],
    state: () => store.get<S>(m.id),
    latest: () => store.latest<S>(m.id),
    commit: (fn) => store.update(m.id, fn),
    blobs: store.blobs,
    timings: () => resolveTimings(m.id, timingDefaults(m), config.timings),
    profile: (name) => {
      const decl = m.switches[name];
      if (!decl) throw new Error(`${m.id} declares no switch ${name}`);
      return (config.profile[m.id]?.[name] as string | number | undefined) ?? decl.default;
    },
    responseId: () => store.responseIds(m.id).uuid(),
    bodyLimit: bodyLimitOf(m),
    logError: (message, err) => log.error({ system: m.id, err }, message),
    outbound: (e) =>
      void journal.record({
        at: clock.now().toISOString(),
        system: m.id,
        operationId: e.operationId,
        method: 'POST',
        path: e.url,
        query: {},
        direction: 'outbound',
        requestBody: e.requestBody,
        status: e.status,
        outcome: e.status ? 'answered' : 'dropped',
        responseBody: e.responseBody,
        durationMs: e.durationMs,
      }),
  });

  const instances: Record<string, SystemInstance> = {};
  for (const m of modules) {
    instances[m.id] = m.create(contextOf(m));
    instances[m.id].rebuild();
  }
  // A failed write rolled the state back: indexes built on what failed are rebuilt from what is durable.
  store.onRollback(() => {
    for (const inst of Object.values(instances)) inst.rebuild();
  });

  /** A fresh world (optionally a scenario's), replacing state, blobs, journal, rate windows and runtime indexes. */
  const rebuildWorld = async (seed: number, world?: Scenario['world'], scenario?: string) => {
    const w = initialData(seed, world);
    if (scenario) w.data._meta.scenario = scenario;
    config.seed = seed;
    const written = store.replace(w);
    journal.clear();
    limiter.clear();
    for (const inst of Object.values(instances)) inst.rebuild();
    await written;
  };

  /** The scenario's settings over the baseline's (not its world). */
  const applySettings = (s: Scenario) => {
    config.timings = { ...baseline.timings, ...(s.timings === 'instant' ? { '*': { all: 0 } } : (s.timings ?? {})) };
    config.limits = { ...(s.limits ?? {}) };
    config.profile = { ...baseline.profile, ...(s.profile ?? {}) };
    faults = new FaultEngine(s.faults ?? [], s.seed ?? baseline.seed, clock.nowMs());
    active = s;
  };

  const activate = async (s: Scenario) => {
    if (s.clock?.start) clock.set(Date.parse(s.clock.start));
    if (s.clock?.frozen === true) clock.freeze();
    if (s.clock?.frozen === false) clock.unfreeze();
    applySettings(s);
    await rebuildWorld(s.seed ?? baseline.seed, s.world, s.name);
  };

  const reset = async (newSeed?: number) => {
    config.timings = baseline.timings;
    config.limits = {};
    config.profile = baseline.profile;
    faults = undefined;
    active = undefined;
    await rebuildWorld(newSeed ?? baseline.seed);
  };

  if (deps.scenario) {
    // Restarted on the data of the same scenario: keep what happened, re-apply its settings and faults.
    if (store.restored && store.meta().scenario === deps.scenario.name) applySettings(deps.scenario);
    else await activate(deps.scenario);
  }

  // A system's contract as its file says it (comments and all); the control plane's as merged.
  const contractFiles: Record<string, { json: unknown; yaml: () => string }> = {};
  for (const [id, c] of Object.entries(contracts)) contractFiles[id] = { json: c.document, yaml: () => (id === 'control' ? toYaml(c.document) : readFileSync(c.source, 'utf8')) };

  const control = createControl({
    clock,
    saveClock: async () => {
      await store.updateMeta({ clock: clock.snapshot() });
      await tick();
    },
    journal,
    catalog,
    systems: () =>
      catalog.systems.map((s) => ({
        id: s.id,
        title: s.module.title,
        base: s.module.base,
        summary: () => ({
          system: s.id,
          timings: resolveTimings(s.id, timingDefaults(s.module), config.timings),
          rateLimits: ((n) => (n === undefined ? 'off' : { requestsPerMinute: n }))(rateLimit(config, s.id, s.module.rateLimit.documented)),
          ...(instances[s.id].summary() as object),
        }),
        views: instances[s.id].views,
        timeline: instances[s.id].timeline?.bind(instances[s.id]),
        credentials: s.module.credentials?.(fixtures.get(s.id)) ?? [],
      })),
    logError: (message, err) => log.error({ err }, message),
    seed: () => store.meta().seed,
    reset,
    activate,
    scenario: () => active,
    contracts: contractFiles,
    showSecrets: security.showSecrets,
    startedAt: clock.now().toISOString(),
    extra: Object.assign({}, ...Object.values(instances).map((i) => i.controlHandlers ?? {})),
  });

  const app = express();
  app.disable('x-powered-by');
  // Repeated keys make arrays (types=A&types=B); no bracket syntax, which none of the documents use.
  app.set('query parser', 'simple');
  // The emulated services send no ETag (and hashing every body costs throughput).
  app.set('etag', false);
  app.set('trust proxy', false);
  app.use(hostGuard(security.allowedHosts));
  app.use('/__sim', controlGuard(security.control));
  app.get('/', (_req, res) => res.redirect(302, '/__sim/ui/'));
  // The dashboard's files (HTML, one script, one style sheet): no data in them; everything they show comes from the
  // control routes, under the same guard as any client.
  app.use('/__sim/ui', express.static(join(ROOT, 'ui'), { index: 'index.html', redirect: true, maxAge: 0, setHeaders: (res) => res.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'") }));
  // The emulated systems first, the control plane last, in the definition selector.
  const urls = [...catalog.ids, 'control'].map((id) => ({ url: `/__sim/openapi/${id}.json`, name: id }));
  app.use(
    '/__sim/docs',
    swaggerUi.serveFiles(undefined, { explorer: true, swaggerOptions: { urls } }),
    swaggerUi.setup(undefined, { explorer: true, customSiteTitle: 'Marking-systems simulator', swaggerOptions: { urls } }),
  );
  const mountDeps = { clock, config, journal, log, limiter, showSecrets: security.showSecrets, faults: () => faults, hook: deps.onExchange };
  app.use('/__sim', mountSystem({ id: 'control', instance: control, contract: contracts.control, handbook: CONTROL_HANDBOOK, bodyLimit: config.bodyLimit }, mountDeps));
  for (const m of modules) {
    app.use(m.base, mountSystem({ id: m.id, instance: instances[m.id], contract: contracts[m.id], handbook: m.handbook, rateLimit: m.rateLimit, bodyLimit: bodyLimitOf(m) }, mountDeps));
  }
  app.use((req, res) => {
    const r = problem(404, 'Not Found', `no route ${req.method} ${req.path}: systems are mounted under ${modules.map((m) => m.base).join(', ')}; the control plane under /__sim`);
    res.status(r.status).type(r.contentType!).json(r.body);
  });

  const clientError = (err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'HPE_URI_TOO_LONG' ? 414 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const target = err.rawPacket?.toString('latin1').split('\r\n')[0].split(' ')[1] ?? '';
    const m = modules.find((x) => target === x.base || target.startsWith(`${x.base}/`) || target.startsWith(`${x.base}?`));
    const r = m ? instances[m.id].renderStatus(status) : problem(status, STATUS_CODES[status] ?? 'Bad Request', 'the request could not be read (headers larger than 16 KB, or a malformed request line)');
    const body = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, `Content-Type: ${r.contentType ?? 'application/json'}; charset=utf-8`, `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
    for (const [k, v] of Object.entries(r.headers ?? {})) head.push(`${k}: ${v}`);
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  };

  // While the clock runs, what falls due on it (a push to the ERP) happens within a second; a frozen clock waits for /__sim/clock.
  const timer = Object.values(instances).some((i) => i.tick) && (deps.tickMs ?? 1000) > 0 ? setInterval(() => void tick(), deps.tickMs ?? 1000) : undefined;
  timer?.unref();

  return {
    app,
    clock,
    store,
    journal,
    catalog,
    contracts,
    systems: instances,
    control,
    scenario: () => active,
    activate,
    reset,
    clientError,
    tick,
    close: async () => {
      if (timer) clearInterval(timer);
      await ticking;
      await store.close();
    },
  };
}
