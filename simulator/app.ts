/**
 * createApp(deps) builds a whole simulator — every system, the control plane, its state — and never listens.
 * main.ts listens; tests hand the app to supertest. Two apps never share state.
 *
 * @example
 * const sim = await createApp({ clock: new ManualClock(T0), store: { kind: 'memory' }, seed: 1 });
 * await request(sim.app).get('/__sim/health').expect(200);
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import { SimClock } from './core/clock.js';
import { FaultEngine } from './core/faults.js';
import { Journal } from './core/journal.js';
import { loadContract, type Contract } from './core/openapi.js';
import { PROJECT_ROOT as ROOT } from './core/paths.js';
import type { Scenario } from './core/scenario.js';
import { Store, type DbShape, type StoreOptions, type World } from './core/store.js';
import { mountSystem, type ExchangeHook, type SimConfig, type SimContext, type SystemInstance, type SystemModule } from './core/system.js';
import { createControl, problem } from './control/index.js';
import { idIssuer } from './systems/id-issuer/index.js';
import { mcoi } from './systems/mcoi/index.js';

/** The emulated systems, one line each. */
export const SYSTEMS: SystemModule<any, any>[] = [mcoi, idIssuer];

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
  /** Called with every exchange (tests validate each one against the contract). */
  onExchange?: ExchangeHook;
}

export interface Sim {
  app: Express;
  clock: SimClock;
  store: Store;
  journal: Journal;
  contracts: Record<string, Contract>;
  systems: Record<string, SystemInstance>;
  control: SystemInstance;
  /** The active scenario, if any. */
  scenario(): Scenario | undefined;
  /** Activates a scenario: its seed, world, clock, timings, limits, profile and faults, from a fresh world. */
  activate(scenario: Scenario): Promise<void>;
  /** Back to the baseline: the default world, no scenario. */
  reset(seed?: number): Promise<void>;
  close(): Promise<void>;
}

function initialData(seed: number, clock: SimClock, world?: Scenario['world']): World {
  const nowMs = clock.nowMs();
  const data: DbShape = { _meta: { seed, createdAt: nowMs, counters: {}, boots: 0, generation: 0, clock: clock.snapshot() } };
  const blobs: Record<string, unknown> = {};
  for (const m of SYSTEMS) {
    const w = m.initialWorld(seed, nowMs);
    const overlay = world?.[m.id];
    data[m.id] = overlay && m.overlayWorld ? m.overlayWorld(w.state, overlay) : w.state;
    Object.assign(blobs, w.blobs);
  }
  return { data, blobs };
}

export async function createApp(deps: AppDeps = {}): Promise<Sim> {
  const clock = deps.clock ?? new SimClock();
  const baseline = {
    seed: deps.seed ?? 1,
    rateLimits: deps.rateLimits ?? true,
    timings: deps.timings ?? {},
    profile: deps.profile ?? {},
  };
  const store = await Store.open(deps.store ?? { kind: 'memory' }, () => initialData(baseline.seed, clock));
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
  const ctx: SimContext = { clock, store, config, faults: () => faults };
  const journal = new Journal(deps.journalSize ?? 1000);

  const contracts: Record<string, Contract> = { control: loadContract(join(ROOT, 'openapi', 'control.yaml')) };
  const instances: Record<string, SystemInstance> = {};
  for (const m of SYSTEMS) {
    contracts[m.id] = loadContract(join(ROOT, m.contractFile));
    instances[m.id] = m.create(ctx, contracts[m.id]);
    instances[m.id].rebuild();
  }
  // A failed write rolled the state back: indexes built on what failed are rebuilt from what is durable.
  store.onRollback(() => {
    for (const inst of Object.values(instances)) inst.rebuild();
  });

  /** A fresh world (optionally a scenario's), replacing state, blobs, generator, journal and runtime indexes. */
  const rebuildWorld = async (seed: number, world?: Scenario['world'], scenario?: string) => {
    const w = initialData(seed, clock, world);
    if (scenario) w.data._meta.scenario = scenario;
    config.seed = seed;
    const written = store.replace(w);
    journal.clear();
    for (const inst of Object.values(instances)) {
      inst.clearTransient?.();
      inst.rebuild();
    }
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

  const contractFiles: Record<string, { json: unknown; yaml: string }> = {};
  for (const [id, c] of Object.entries(contracts)) contractFiles[id] = { json: c.document, yaml: readFileSync(c.source, 'utf8') };

  const control = createControl({
    clock,
    saveClock: () => store.updateMeta({ clock: clock.snapshot() }),
    journal,
    systems: () => SYSTEMS.map((m) => ({ id: m.id, title: m.title, summary: () => instances[m.id].summary() })),
    seed: () => store.meta().seed,
    reset,
    activate,
    scenario: () => active,
    contracts: contractFiles,
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
  // The emulated systems first, the control plane last, in the definition selector.
  const urls = [...SYSTEMS.map((m) => m.id), 'control'].map((id) => ({ url: `/__sim/openapi/${id}.json`, name: id }));
  app.use(
    '/__sim/docs',
    swaggerUi.serveFiles(undefined, { explorer: true, swaggerOptions: { urls } }),
    swaggerUi.setup(undefined, { explorer: true, customSiteTitle: 'Marking-systems simulator', swaggerOptions: { urls } }),
  );
  app.use('/__sim', mountSystem('control', control, contracts.control, ctx, journal, deps.onExchange));
  for (const m of SYSTEMS) app.use(`/${m.id}`, mountSystem(m.id, instances[m.id], contracts[m.id], ctx, journal, deps.onExchange));
  app.use((req, res) => {
    const r = problem(404, 'Not Found', `no route ${req.method} ${req.path}: systems are mounted under ${SYSTEMS.map((m) => `/${m.id}`).join(', ')}; the control plane under /__sim`);
    res.status(r.status).type(r.contentType!).json(r.body);
  });

  return {
    app,
    clock,
    store,
    journal,
    contracts,
    systems: instances,
    control,
    scenario: () => active,
    activate,
    reset,
    close: () => store.close(),
  };
}
