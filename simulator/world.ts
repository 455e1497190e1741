/**
 * A world: one complete simulated state — every system's data and ids, its virtual clock, active scenario, faults,
 * rate-limit windows, journal and the systems' work on the clock — behind one store. What is parsed once per process
 * (contracts, handbooks, fixtures, the catalog) is shared by all worlds (`Shared`); everything mutable is here.
 *
 * A world's systems live in a generation: a reset or a scenario makes a new one. The old generation is retired first
 * (a commit it still tries, like a push to the ERP that was in flight, is refused: nothing of one world lands in the
 * next), requests wait at the gate while the new world is written, and the new world becomes visible all at once
 * when it is durable — or, when the write fails, the old one comes back as it was.
 *
 * @example
 * const w = await World.open(shared, { id: 'default', store: { kind: 'memory' }, clock: new SimClock() });
 * await w.reset(7);
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import { join } from 'node:path';
import type { Catalog } from './core/catalog.js';
import type { SimClock } from './core/clock.js';
import { renderer, type Renderer } from './core/envelope.js';
import { FaultEngine } from './core/faults.js';
import { Journal, type Exchange } from './core/journal.js';
import type { JournalSink } from './core/backends/backend.js';
import { postJson, type OutboundPolicy } from './core/outbound.js';
import { RateLimiter } from './core/limits.js';
import type { Logger } from './core/log.js';
import type { ExchangeHook } from './core/mount.js';
import { loadDocument, type Contract } from './core/openapi.js';
import { PROJECT_ROOT as ROOT } from './core/paths.js';
import { checkTransition, isPolled, type Timing } from './core/progression.js';
import { Grader, type Rule } from './core/conformance.js';
import { ScenarioInvalid, type Scenario } from './core/scenario.js';
import { Store, type DbShape, type StoreOptions, type World as WorldData } from './core/store.js';
import { rateLimit, resolveTimings, type DomainEvent, type SimConfig, type SystemContext, type SystemInstance, type SystemModule } from './core/system.js';

/** What every world of a process shares: parsed once. */
export interface Shared {
  modules: readonly SystemModule<any, any>[];
  catalog: Catalog;
  contracts: Record<string, Contract>;
  fixtures: Map<string, unknown>;
  log: Logger;
  baseline: { seed: number; rateLimits: boolean; timings: SimConfig['timings']; profile: SimConfig['profile'] };
  /** A body limit given to createApp (tests) wins over a system's document and the simulator's 20 MB. */
  bodyLimit?: string;
  journalSize: number;
  /** The domain events of the exchange in progress (mount.ts opens one per request). */
  events: AsyncLocalStorage<DomainEvent[]>;
  hook?: ExchangeHook;
  showSecrets: boolean;
  /** Where the simulator may send requests by itself (SIM_OUTBOUND_HOSTS). */
  outbound: OutboundPolicy;
  /** The client report card's rules: core's and every system's (core/conformance.ts). */
  rules: readonly Rule[];
}

/** A system as a world serves it: its instance and its renderer. */
export interface Served {
  instance: SystemInstance;
  renderer: Renderer;
}

/** A commit of a world that was reset or replaced after the mutation began: refused, nothing written. */
export class WorldReplaced extends Error {
  constructor(world: string) {
    super(`world ${world} was reset while this change was in progress: nothing was written`);
    this.name = 'WorldReplaced';
  }
}

export interface WorldOptions {
  id: string;
  store: StoreOptions;
  clock: SimClock;
  /** The clock was given by the caller (tests): a restart does not restore the saved one over it. */
  clockGiven?: boolean;
  seed?: number;
  /** A scenario active from the start. */
  scenario?: Scenario;
  /** Mixed into the ids of a new world (its data keeps it): worlds of one simulator never share an id or token. */
  idSalt?: string;
  /** Real ms between runs of the systems' work on the clock (0: only on demand). */
  tickMs: number;
}

/** One generation of a world's systems (a reset makes the next). */
interface Generation {
  systems: Record<string, Served>;
  retired: boolean;
}

/** Characters of an answer to the simulator's own requests the journal keeps. */
const OUTBOUND_KEPT = 2_000;

/** How long a reset waits for the requests at work to finish (real ms). */
const DRAIN_MS = 2_000;

export const bodyLimitOf = (shared: Shared, m: Pick<SystemModule, 'bodyLimit'>): string => shared.bodyLimit ?? m.bodyLimit?.size ?? '20mb';

export class World {
  readonly id: string;
  readonly clock: SimClock;
  readonly journal: Journal;
  readonly limiter: RateLimiter;
  /** How the clients of this world behaved (GET /__sim/conformance): graded as exchanges happen, in this process. */
  readonly grader: Grader;
  readonly config: SimConfig;
  faults: FaultEngine | undefined;
  active: Scenario | undefined;
  private gen!: Generation;
  private gate: Promise<void> = Promise.resolve();
  /** A reset has closed the gate (set in the same turn as the gate, so an admission never slips between them). */
  private closing = false;
  /** Client requests between reading their body and their handler's answer (a reset lets them finish first). */
  private inflight = 0;
  private drained: (() => void)[] = [];
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly shared: Shared,
    readonly store: Store,
    o: WorldOptions,
  ) {
    this.id = o.id;
    this.clock = o.clock;
    // Entries the sink gives back are the exchanges this journal (or another replica's) gave it.
    this.journal = new Journal(shared.journalSize, store.journalSink(shared.journalSize) as JournalSink<Exchange> | undefined);
    this.limiter = new RateLimiter({ windowMs: 60_000 }, store.rateSink());
    this.grader = new Grader(shared.rules, this.clock.now().toISOString());
    this.config = { seed: store.meta().seed, rateLimits: shared.baseline.rateLimits, limits: {}, timings: shared.baseline.timings, profile: shared.baseline.profile, bodyLimit: shared.bodyLimit ?? '20mb' };
  }

  static async open(shared: Shared, o: WorldOptions): Promise<World> {
    const seed = o.seed ?? shared.baseline.seed;
    let made: World | undefined;
    const store = await Store.open(o.store, () => {
      const w = initialData(shared, o.clock, seed);
      return o.idSalt ? { ...w, data: { ...w.data, _meta: { ...w.data._meta, idSalt: o.idSalt } } } : w;
    });
    try {
      // State an earlier version wrote is brought up to date first, in a commit of its own.
      if (store.restored) for (const m of shared.modules) if (m.upgrade && store.latest(m.id) !== undefined) await store.update(m.id, (s) => ({ state: m.upgrade!(s) }));
      // Virtual time is part of the world: a restart resumes it (an injected clock is its caller's to set).
      const saved = store.restored && !o.clockGiven ? store.meta().clock : undefined;
      if (saved) o.clock.restore(saved);
      made = new World(shared, store, o);
      made.gen = made.generation();
      // A failed write rolled the state back: indexes built on what failed are rebuilt from what is durable.
      store.onRollback(() => made!.rebuildIndexes());
      // Another replica's changes taken in (a shared store): indexes, the clock, and after a reset or a scenario
      // activated there, a new generation with that scenario's settings.
      store.onRemoteChange((newGeneration) => made!.adoptRemote(newGeneration));
      if (o.scenario) {
        // Restarted on the data of the same scenario: keep what happened, re-apply its settings and faults.
        if (store.restored && store.meta().scenario === o.scenario.name) made.applySettings(o.scenario);
        else await made.activate(o.scenario);
      }
      if (o.tickMs > 0 && shared.modules.some((m) => made!.gen.systems[m.id].instance.tick)) {
        made.timer = setInterval(() => void made!.tick(), o.tickMs);
        made.timer.unref();
      }
      return made;
    } catch (e) {
      if (!made) await store.close();
      else await made.close();
      throw e;
    }
  }

  /** The systems of the current generation. */
  get systems(): Record<string, Served> {
    return this.gen.systems;
  }

  /**
   * Resolves when the world may serve a request (at once, but while a reset is being written), holding what other
   * replicas committed to a shared store (a client reads its writes whichever replica took them).
   */
  async ready(): Promise<void> {
    if (this.store.shared) await this.store.sync();
    await this.gate;
  }

  /** What another replica committed, taken in: its clock, its scenario, a new generation after its reset. */
  private adoptRemote(newGeneration: boolean): void {
    const meta = this.store.latest<never>('_meta') as unknown as { seed: number; clock?: ReturnType<SimClock['snapshot']>; scenarioDoc?: Scenario };
    if (meta.clock && JSON.stringify(meta.clock) !== JSON.stringify(this.clock.snapshot())) this.clock.restore(meta.clock);
    if (newGeneration) {
      this.gen.retired = true;
      this.applySettings(meta.scenarioDoc);
      this.config.seed = meta.seed;
      this.gen = this.generation();
      this.limiter.clear();
    } else this.rebuildIndexes();
  }

  /**
   * A client request at work (from its guards to its handler's answer), on the generation current when it is admitted:
   * it waits while a reset is being written, and a reset waits for it (a while) before the world changes under it.
   */
  async busy<T>(work: () => Promise<T>): Promise<T> {
    // A shared store: what other replicas committed first (a store of one process has nothing to take in, and no
    // await may come between the gate and the count below: a reset would slip in between).
    if (this.store.shared) await this.store.sync();
    do await this.gate;
    while (this.closing);
    this.inflight++;
    try {
      return await work();
    } finally {
      if (--this.inflight === 0) for (const f of this.drained.splice(0)) f();
    }
  }

  /** Resolves when no client request is at work, or after `ms` (a request that outlives it meets a retired world). */
  private drain(ms: number): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.drained.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The requests per minute a system allows now (undefined: no limit). */
  rateLimit(m: SystemModule<any, any>): number | undefined {
    return rateLimit(this.config, m.id, m.rateLimit.documented);
  }

  timings(m: Pick<SystemModule, 'id' | 'timings'>): Record<string, Timing> {
    return resolveTimings(m, this.config.timings);
  }

  private rebuildIndexes(): void {
    for (const s of Object.values(this.gen.systems)) for (const ix of s.instance.indexes ?? []) ix.rebuild();
  }

  /** A new generation of every system over the store's latest state. */
  private generation(): Generation {
    const gen: Generation = { systems: {}, retired: false };
    for (const m of this.shared.modules) {
      const instance = m.create(this.contextOf(m, gen));
      for (const ix of instance.indexes ?? []) ix.rebuild();
      gen.systems[m.id] = { instance, renderer: renderer(instance.envelope, (message, err) => this.shared.log.error({ world: this.id, system: m.id, err }, `${m.id}: ${message}`)) };
    }
    return gen;
  }

  private contextOf<S>(m: SystemModule<S>, gen: Generation): SystemContext<S> {
    const { store, clock, shared } = this;
    const transitions = m.transitions ?? {};
    const polled = () => Object.values(this.timings(m)).some(isPolled);
    /** Every status change an event reports, against the system's table for that entity: an illegal move is a defect. */
    const checked = (events: readonly DomainEvent[]) => {
      for (const e of events) {
        if (e.entity === undefined || e.from === undefined || e.to === undefined) continue;
        const table = transitions[e.entity];
        if (!table) throw new Error(`${m.id}: event ${e.type} changes a status of ${e.entity}, which has no transition table`);
        checkTransition(`${m.id} ${e.entity}`, table, e.from, e.to);
      }
    };
    return {
      id: m.id,
      seed: this.config.seed,
      clock,
      contract: shared.contracts[m.id],
      state: () => store.get<S>(m.id),
      latest: () => store.latest<S>(m.id),
      now: () => clock.nowMs(),
      commit: async (fn) => {
        if (gen.retired) throw new WorldReplaced(this.id);
        const sink = shared.events.getStore();
        let events: readonly DomainEvent[] = [];
        const written = store.update(m.id, (s: S, tx) => {
          const out = fn(s, tx);
          events = out.events ?? [];
          checked(events);
          return out;
        });
        // Staged (the latest state holds it): the indexes that serve the mutations behind it follow at once; a
        // failed write rolls them back by a rebuild.
        if (events.length) for (const ix of gen.systems[m.id]?.instance.indexes ?? []) ix.apply?.(events);
        const r = await written;
        if (sink && events.length) sink.push(...events.map((e) => ({ ...e, system: m.id })));
        return r;
      },
      blobs: store.blobs,
      timings: () => this.timings(m),
      poll: async (keys) => {
        if (!keys.length || !polled() || gen.retired) return;
        await store.updateMeta((meta) => {
          const mine = { ...(meta.polls?.[m.id] ?? {}) };
          for (const k of keys) mine[k] = (mine[k] ?? 0) + 1;
          return { polls: { ...meta.polls, [m.id]: mine } };
        });
      },
      polls: (key) => store.meta().polls?.[m.id]?.[key] ?? 0,
      profile: (name) => {
        const decl = m.switches[name];
        if (!decl) throw new Error(`${m.id} declares no switch ${name}`);
        return (this.config.profile[m.id]?.[name] as string | number | undefined) ?? decl.default;
      },
      responseId: () => store.responseIds(m.id).uuid(),
      bodyLimit: bodyLimitOf(shared, m),
      logError: (message, err) => shared.log.error({ world: this.id, system: m.id, err }, message),
      outboundRefusal: (url) => shared.outbound.refusal(url),
      post: (url, body, timeoutMs) => postJson(shared.outbound, url, body, timeoutMs),
      outbound: (e) => {
        if (gen.retired) return;
        this.journal.record({
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
          // What the receiver answered, at most OUTBOUND_KEPT characters of it.
          responseBody: typeof e.responseBody === 'string' && e.responseBody.length > OUTBOUND_KEPT ? `${e.responseBody.slice(0, OUTBOUND_KEPT)}…` : e.responseBody,
          durationMs: e.durationMs,
        });
      },
    };
  }

  /** The scenario's settings over the baseline's (not its world). */
  private applySettings(s: Scenario | undefined): void {
    const b = this.shared.baseline;
    this.config.timings = s ? { ...b.timings, ...(s.timings === 'instant' ? { '*': { all: 0 } } : (s.timings ?? {})) } : b.timings;
    this.config.limits = { ...(s?.limits ?? {}) };
    this.config.profile = s ? { ...b.profile, ...(s.profile ?? {}) } : b.profile;
    this.faults = s ? new FaultEngine(s.faults ?? [], s.seed ?? b.seed, this.clock.nowMs()) : undefined;
    this.active = s;
  }

  /**
   * A fresh world (a scenario's, or the baseline's), visible all at once when durable: the old generation is retired,
   * requests wait at the gate, the new state is written; on success settings, systems, journal and rate windows
   * change together; on failure everything stays as it was.
   */
  private async replace(seed: number, scenario: Scenario | undefined): Promise<void> {
    while (this.closing) await this.gate;
    let open!: () => void;
    this.gate = new Promise((r) => (open = r));
    this.closing = true;
    // Requests already at work finish in the world they began in; the ones that outlive DRAIN_MS are refused.
    await this.drain(DRAIN_MS);
    const old = this.gen;
    old.retired = true;
    const clock = this.clock.snapshot();
    try {
      if (scenario?.clock?.start) this.clock.set(Date.parse(scenario.clock.start));
      if (scenario?.clock?.frozen === true) this.clock.freeze();
      if (scenario?.clock?.frozen === false) this.clock.unfreeze();
      const w = initialData(this.shared, this.clock, seed, scenario?.world);
      if (scenario) {
        w.data._meta.scenario = scenario.name;
        // The whole scenario, so that other replicas of a shared store apply its settings and faults too.
        w.data._meta.scenarioDoc = scenario;
      }
      refuseOutbound(this.shared, w, scenario);
      await this.store.flush();
      await this.store.replace(w);
      this.applySettings(scenario);
      this.config.seed = seed;
      this.gen = this.generation();
      this.journal.clear();
      this.limiter.clear();
      // The evidence pointed into the journal just cleared: a new world is a new grading period.
      this.grader.reset(this.clock.now().toISOString());
    } catch (e) {
      old.retired = false;
      this.clock.restore(clock);
      this.rebuildIndexes();
      throw e;
    } finally {
      this.closing = false;
      open();
    }
  }

  /** Activates a scenario: its seed, world, clock, timings, limits, profile and faults, from a fresh world. */
  activate(s: Scenario): Promise<void> {
    return this.replace(s.seed ?? this.shared.baseline.seed, s);
  }

  /** Back to the baseline: the default world, no scenario. */
  reset(seed?: number): Promise<void> {
    return this.replace(seed ?? this.shared.baseline.seed, undefined);
  }

  /** Persists the clock after a change (a restart resumes virtual time) and runs what fell due on it. */
  async saveClock(): Promise<void> {
    await this.store.updateMeta(() => ({ clock: this.clock.snapshot() }));
    await this.tick();
  }

  /**
   * Each system's work on the virtual clock, one run at a time: a call while one runs asks for one more run after it
   * (however many calls came meanwhile) and resolves with that run.
   */
  tick(): Promise<void> {
    if (this.ticking) {
      this.tickAgain = true;
      return this.ticking;
    }
    const run = async () => {
      do {
        this.tickAgain = false;
        await this.gate;
        // With a shared store, one replica at a time does the world's work on the clock (a push to an ERP is made
        // once, not once a replica), on the state every replica committed.
        await this.store
          .exclusive(`tick/${this.id}`, async () => {
            await this.store.sync();
            for (const [id, s] of Object.entries(this.gen.systems)) {
              try {
                await s.instance.tick?.();
              } catch (err) {
                if (!(err instanceof WorldReplaced)) this.shared.log.error({ world: this.id, system: id, err }, 'tick failed');
              }
            }
          })
          .catch((err: unknown) => this.shared.log.error({ world: this.id, err }, 'tick failed'));
      } while (this.tickAgain);
    };
    this.ticking = run().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.gen) this.gen.retired = true;
    await this.ticking;
    await this.store.close();
  }
}

/** A scenario's world laid over a system's: what the system finds wrong with it (a batch naming nobody) is the scenario's problem. */
function overlaid<S>(m: SystemModule<S>, state: S, overlay: Record<string, unknown>): S {
  try {
    return m.overlayWorld(state, overlay);
  } catch (e) {
    throw new ScenarioInvalid(`world.${m.id}`, [(e as Error).message]);
  }
}

/** A scenario whose world or profile names a URL the simulator may not send to is refused, naming it. */
function refuseOutbound(shared: Shared, w: WorldData, scenario: Scenario | undefined): void {
  const problems: string[] = [];
  for (const m of shared.modules) {
    for (const url of m.outboundUrls?.(w.data[m.id] as never) ?? []) {
      const why = shared.outbound.refusal(url);
      if (why) problems.push(`/world/${m.id}: ${url}: ${why}`);
    }
    for (const [name, decl] of Object.entries(m.switches)) {
      const v = scenario?.profile?.[m.id]?.[name];
      if (!decl.url || typeof v !== 'string' || decl.values.includes(v)) continue;
      const why = shared.outbound.refusal(v);
      if (why) problems.push(`/profile/${m.id}/${name}: ${v}: ${why}`);
    }
  }
  if (problems.length) throw new ScenarioInvalid(`scenario ${scenario?.name ?? ''}`.trim(), problems);
}

/** A fresh world (optionally with a scenario's overlays): every system's initial state and blobs. */
export function initialData(shared: Shared, clock: SimClock, seed: number, world?: Scenario['world']): WorldData {
  const nowMs = clock.nowMs();
  const data: DbShape = { _meta: { seed, createdAt: nowMs, counters: {}, boots: 0, generation: 0, clock: clock.snapshot() } };
  const blobs: Record<string, unknown> = {};
  for (const m of shared.modules) {
    const w = m.initialWorld(structuredClone(shared.fixtures.get(m.id)), seed, nowMs);
    const overlay = world?.[m.id];
    data[m.id] = overlay ? overlaid(m, w.state, overlay) : w.state;
    Object.assign(blobs, w.blobs);
  }
  return { data, blobs };
}

/** The default world's fixture of each system, read once per process. */
export const loadFixtures = (modules: readonly SystemModule<any, any>[]): Map<string, unknown> => new Map(modules.map((m) => [m.id, loadDocument(join(ROOT, m.fixture))]));
