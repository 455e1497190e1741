/**
 * createApp(deps) builds a whole simulator — every system, the control plane, its state — and never listens.
 * main.ts listens; tests hand the app to supertest. Two apps never share state.
 *
 * @example
 * const sim = await createApp({ clock: new ManualClock(T0), store: { kind: 'memory' }, seed: 1 });
 * await request(sim.app).get('/__sim/health').expect(200);
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import express, { type Express, type Request, type Response } from 'express';
import swaggerUi from 'swagger-ui-express';
import { stringify as toYaml } from 'yaml';
import { catalogOf, type Catalog } from './core/catalog.js';
import { rulesOf } from './core/conformance.js';
import { SimClock } from './core/clock.js';
import { renderer } from './core/envelope.js';
import { defaultOutboundHosts, outboundPolicy } from './core/outbound.js';
import type { Journal } from './core/journal.js';
import { silentLogger, type Logger } from './core/log.js';
import { mountSystem, type ExchangeHook, type MountDeps, type MountWorld } from './core/mount.js';
import { problem } from './core/errors.js';
import { controlGuard, hostAllowed, hostGuard, type ControlAccess } from './core/security.js';
import { mergeControlContract, type Contract } from './core/openapi.js';
import { PROJECT_ROOT as ROOT } from './core/paths.js';
import { scenarioSchema, type Scenario } from './core/scenario.js';
import { storeOf, type Store, type StoreChoice } from './core/store.js';
import type { SystemInstance, SystemModule } from './core/system.js';
import type { Timing } from './core/progression.js';
import { CONTROL_HANDBOOK } from './control/handbook.js';
import { createControl } from './control/index.js';
import { idIssuer } from './systems/id-issuer/index.js';
import { mcoi } from './systems/mcoi/index.js';
import { setmark } from './systems/setmark/index.js';
import { trueApi } from './systems/true-api/index.js';
import { bodyLimitOf, loadFixtures, World, type Shared } from './world.js';
import { TooManyWorlds, WORLD_ID, WorldExists, Worlds } from './worlds.js';
import { reachable } from './core/backends/postgres.js';
import { SimError } from './core/errors.js';

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
  /** Hosts the simulator may send requests to by itself, or '*' (SIM_OUTBOUND_HOSTS; default: loopback and allowedHosts). */
  outboundHosts?: '*' | readonly string[];
}

export interface AppDeps {
  clock?: SimClock;
  /** Where worlds are kept (SIM_STORE): memory (default here), a data directory, or a PostgreSQL database. */
  store?: StoreChoice;
  seed?: number;
  rateLimits?: boolean;
  /** false: no client is graded (the report card stays empty; SIM_CONFORMANCE=off). */
  conformance?: boolean;
  timings?: Record<string, Record<string, Timing>>;
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
  /** At most this many worlds besides the default one (SIM_MAX_WORLDS; default 100). */
  maxWorlds?: number;
  /** Real monotonic ms for worlds' times to live (tests pass their own instead of waiting). */
  realMs?: () => number;
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
  /** The default world (the one served without a prefix). */
  world: World;
  /** The other worlds, each served under /w/{id}/. */
  worlds: Worlds;
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
  clientError(err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex, system?: string): void;
  /** A request listener for a system's own port (SIM_PORTS): its real path layout at the root (main.ts listens). */
  portListener(system: string): (req: IncomingMessage, res: ServerResponse) => void;
  /** Runs what has fallen due on the virtual clock now (tests call it after advancing a ManualClock). */
  tick(): Promise<void>;
  close(): Promise<void>;
}

export async function createApp(deps: AppDeps = {}): Promise<Sim> {
  const modules = deps.systems ?? SYSTEMS;
  const catalog = catalogOf(modules);
  const contracts = contractsOf(catalog);
  const log = deps.log ?? silentLogger();
  const security: Security = { allowedHosts: '*', control: { enabled: true }, showSecrets: false, ...deps.security };
  const shared: Shared = {
    modules,
    catalog,
    contracts,
    fixtures: loadFixtures(modules),
    log,
    baseline: { seed: deps.seed ?? 1, rateLimits: deps.rateLimits ?? true, timings: deps.timings ?? {}, profile: deps.profile ?? {} },
    bodyLimit: deps.bodyLimit,
    journalSize: deps.journalSize ?? 1000,
    events: new AsyncLocalStorage(),
    hook: deps.onExchange,
    showSecrets: security.showSecrets,
    outbound: outboundPolicy(security.outboundHosts ?? defaultOutboundHosts(security.allowedHosts)),
    rules: deps.conformance === false ? [] : rulesOf(modules),
  };
  const world = await World.open(shared, { id: 'default', store: storeOf(deps.store ?? { kind: 'memory' }, 'default'), clock: deps.clock ?? new SimClock(), clockGiven: deps.clock !== undefined, scenario: deps.scenario, tickMs: deps.tickMs ?? 1000 });
  const worlds = await Worlds.open(shared, { store: deps.store ?? { kind: 'memory' }, max: deps.maxWorlds ?? 100, tickMs: deps.tickMs ?? 1000, realMs: deps.realMs });
  const startedAt = world.clock.now().toISOString();
  const schema = scenarioSchema(catalog);

  // A system's contract as its file says it (comments and all); the control plane's as merged.
  const contractFiles: Record<string, { json: unknown; yaml: () => string }> = {};
  for (const [id, c] of Object.entries(contracts)) contractFiles[id] = { json: c.document, yaml: () => (id === 'control' ? toYaml(c.document) : readFileSync(c.source, 'utf8')) };

  const choice: StoreChoice = deps.store ?? { kind: 'memory' };
  const replica = `${hostname()}/${process.pid}`;
  /** The store as health reports it: a database is reachable when it answers a query within a few seconds. */
  const storeHealth = async () => ({ kind: choice.kind, reachable: choice.kind === 'postgres' ? await reachable(choice.url) : true });
  /** The worlds as the control plane manages them (the same list from every world's control plane). */
  const controlWorlds = {
    list: async () => {
      await worlds.refresh();
      return worlds.list();
    },
    info: async (id: string) => {
      await worlds.refresh();
      return worlds.info(id);
    },
    create: async (o: Parameters<Worlds['create']>[0]) => {
      try {
        await worlds.refresh();
        return (await worlds.create(o)).id;
      } catch (e) {
        if (e instanceof WorldExists) throw new SimError(CONTROL_HANDBOOK.WORLD_EXISTS, [e.message]);
        if (e instanceof TooManyWorlds) throw new SimError(CONTROL_HANDBOOK.TOO_MANY_WORLDS, [e.message]);
        throw e;
      }
    },
    delete: async (id: string) => {
      await worlds.refresh();
      return worlds.delete(id);
    },
  };
  /** The control plane of a world: its routes over that world's clock, journal, state and scenarios. */
  const controlOf = (w: World) => {
    const instance = createControl({
      store: storeHealth,
      replica,
      world: w,
      worlds: controlWorlds,
      catalog,
      systems: () =>
        catalog.systems.map((s) => {
          const inst = w.systems[s.id].instance;
          return {
            id: s.id,
            title: s.module.title,
            base: s.module.base,
            summary: () => ({
              system: s.id,
              timings: w.timings(s.module),
              rateLimits: ((n) => (n === undefined ? 'off' : { requestsPerMinute: n }))(w.rateLimit(s.module)),
              ...(inst.summary() as object),
            }),
            views: inst.views,
            timeline: inst.timeline?.bind(inst),
            credentials: s.module.credentials?.(shared.fixtures.get(s.id)) ?? [],
          };
        }),
      contracts: contractFiles,
      showSecrets: security.showSecrets,
      startedAt,
      schema,
      extra: Object.assign({}, ...Object.values(w.systems).map((x) => x.instance.control ?? {})),
      rules: shared.rules,
      prefix: w.id === 'default' ? '' : `/w/${w.id}`,
    });
    return { instance, renderer: renderer(instance.envelope, (message, err) => log.error({ world: w.id, err }, `control: ${message}`)) };
  };
  // One control plane per generation of a world's systems (a reset makes new ones, with new control routes).
  const served = new WeakMap<object, ReturnType<typeof controlOf>>();
  /** What the mount machinery sees of a world: its systems of the current generation, and its control plane. */
  const mountable = (w: World): MountWorld => ({
    id: w.id,
    clock: w.clock,
    config: w.config,
    journal: w.journal,
    limiter: w.limiter,
    grader: w.grader,
    get faults() {
      return w.faults;
    },
    ready: () => w.ready(),
    sync: () => (w.store.shared ? w.store.sync() : Promise.resolve()),
    busy: (work) => w.busy(work),
    served: (id) => {
      if (id !== 'control') return w.systems[id];
      let c = served.get(w.systems);
      if (!c) served.set(w.systems, (c = controlOf(w)));
      return c;
    },
  });
  const defaultWorld = mountable(world);
  const mountedWorlds = new WeakMap<World, MountWorld>();
  const mountedOf = (w: World) => {
    let m = mountedWorlds.get(w);
    if (!m) mountedWorlds.set(w, (m = mountable(w)));
    return m;
  };
  /** A URL below /w/{id}: the id and the rest (undefined when the URL has no world prefix). */
  const worldPrefix = (url: string) => {
    if (url.charCodeAt(0) !== 47 || url.charCodeAt(1) !== 119 || url.charCodeAt(2) !== 47) return undefined; // "/w/"
    const end = url.slice(3).search(/[/?]/);
    const id = end < 0 ? url.slice(3) : url.slice(3, 3 + end);
    const rest = end < 0 ? '/' : url.slice(3 + end);
    return { id, rest: rest[0] === '?' ? `/${rest}` : rest };
  };

  const app = express();
  app.disable('x-powered-by');
  // Repeated keys make arrays (types=A&types=B); no bracket syntax, which none of the documents use.
  app.set('query parser', 'simple');
  // The emulated services send no ETag (and hashing every body costs throughput).
  app.set('etag', false);
  app.set('trust proxy', false);
  app.use(hostGuard(security.allowedHosts));
  // A request for a system goes straight to its router (the control plane's routes, the dashboard and the docs are not
  // walked for it); what the router does not take falls through as it would have.
  const mountDeps: MountDeps = { log, showSecrets: security.showSecrets, hook: deps.onExchange, events: shared.events, conformance: (id) => modules.find((m) => m.id === id)?.conformance, grading: deps.conformance !== false };
  const routers = new Map(modules.map((m) => [m.id, mountSystem({ id: m.id, contract: contracts[m.id], handbook: m.handbook, rateLimit: m.rateLimit, bodyLimit: bodyLimitOf(shared, m), queryBinding: m.queryBinding }, mountDeps)]));
  // Each system under its base; one whose real paths start below the host's root is also served there (True API at
  // /api/v3/true-api, as the real stands), so a client that writes the real path itself needs only the host.
  const systemRouters = modules.flatMap((m) => [m.base, ...(m.realBase ? [m.realBase] : [])].map((base) => ({ id: m.id, base: base.toLowerCase(), router: routers.get(m.id)! })));
  /** The rest of a URL below a base (matched case-insensitively, as Express does), or undefined. */
  const below = (url: string, base: string) => {
    const end = url.charCodeAt(base.length);
    // The base, then the end of the path, a '/' or a '?' (47, 63).
    if (url.length < base.length || !(Number.isNaN(end) || end === 47 || end === 63) || url.slice(0, base.length).toLowerCase() !== base.toLowerCase()) return undefined;
    const rest = url.slice(base.length) || '/';
    return rest[0] === '/' ? rest : `/${rest}`;
  };
  /** The system whose base a URL is below, and the rest of the URL. */
  const systemFor = (url: string) => {
    for (const s of systemRouters) {
      const rest = below(url, s.base);
      if (rest !== undefined) return { ...s, rest };
    }
    return undefined;
  };
  app.use((req, res, next) => {
    res.locals.world = (req as unknown as { simWorld?: MountWorld }).simWorld ?? defaultWorld;
    next();
  });
  // A request for a system (the hot path) skips Express's router altogether: a Host check, the world, and the
  // system's own dispatcher; the control plane, the dashboard and the docs go through the app's middleware as usual.
  const hostOk = hostAllowed(security.allowedHosts);
  const handle = (app as unknown as { handle: (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void }).handle.bind(app);
  /** Hands a request to a system's dispatcher (which answers every request it is given, matched or not). */
  const serveSystem = (router: ReturnType<typeof mountSystem>, rest: string, req: IncomingMessage, res: ServerResponse, w: MountWorld) => {
    // Node's own request and response (Express's prototypes are not set: the dispatcher uses none of their methods).
    const r = req as unknown as Request;
    const s = res as unknown as Response;
    (s as unknown as { req: Request }).req = r;
    s.locals = { world: w };
    r.originalUrl ??= req.url!;
    req.url = rest;
    router(r, s, () => undefined);
  };
  /** The world a URL names (`/w/{id}/...`; none: the default world), the rest of the URL; or a 404 problem for an unknown world. */
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<MountWorld | undefined> => {
    const pre = worldPrefix(req.url ?? '/');
    if (!pre) return defaultWorld;
    let w = WORLD_ID.test(pre.id) ? worlds.use(pre.id) : undefined;
    // Created by another replica of a shared store since this one last looked.
    if (!w && WORLD_ID.test(pre.id) && choice.kind === 'postgres') {
      await worlds.refresh().catch((err: unknown) => log.warn({ err }, 'worlds: the shared store could not be read'));
      w = worlds.use(pre.id);
    }
    if (!w) {
      // The control plane's own answer for an unknown world (its handbook's words), whatever the path below it.
      const p = problem(404, 'Not Found', CONTROL_HANDBOOK.UNKNOWN_WORLD.text(pre.id.slice(0, 100)));
      res.writeHead(404, { 'Content-Type': p.contentType!, 'Cache-Control': 'no-store' }).end(JSON.stringify(p.body));
      return undefined;
    }
    (req as unknown as Request).originalUrl = req.url!;
    req.url = pre.rest;
    return mountedOf(w);
  };
  (app as unknown as { handle: typeof handle }).handle = (req, res, next) => {
    if (!hostOk(req.headers.host)) return handle(req, res, next); // the host guard answers, whatever the path
    // The default world at once (the hot path); a world's prefix may need a look at a shared store.
    if (!req.url?.startsWith('/w/')) return dispatch(req, res, next, defaultWorld);
    void route(req, res).then((w) => w && dispatch(req, res, next, w));
  };
  const dispatch = (req: IncomingMessage, res: ServerResponse, next: ((err?: unknown) => void) | undefined, w: MountWorld) => {
    const sys = req.url ? systemFor(req.url) : undefined;
    if (!sys) {
      (req as unknown as { simWorld: MountWorld }).simWorld = w;
      return handle(req, res, next);
    }
    serveSystem(sys.router, sys.rest, req, res, w);
  };
  /**
   * A request listener serving one system at the root of a port of its own with the real system's path layout
   * (SIM_PORTS), in the default world or in /w/{id}/: below its realBase its operations, anything else unmatched in
   * its own envelope — never the control plane or another system.
   */
  const portListener = (id: string) => {
    const m = modules.find((x) => x.id === id);
    if (!m) throw new Error(`no system ${id}`);
    const router = routers.get(id)!;
    return (req: IncomingMessage, res: ServerResponse) => {
      if (!hostOk(req.headers.host)) return void app(req, res); // refused by the host guard, as on the main port
      void route(req, res).then((w) => {
        if (!w) return;
        const url = req.url ?? '/';
        serveSystem(router, m.realBase ? (below(url, m.realBase) ?? url) : url, req, res, w);
      });
    };
  };
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
  app.use('/__sim', mountSystem({ id: 'control', contract: contracts.control, handbook: CONTROL_HANDBOOK, bodyLimit: shared.bodyLimit ?? '20mb' }, mountDeps));
  app.use((req, res) => {
    const r = problem(404, 'Not Found', `no route ${req.method} ${req.path}: systems are mounted under ${modules.map((m) => m.base + (m.realBase ? ` (and ${m.realBase})` : '')).join(', ')}; the control plane under /__sim`);
    res.status(r.status).type(r.contentType!).json(r.body);
  });

  const clientError = (err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex, system?: string) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'HPE_URI_TOO_LONG' ? 414 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const target = err.rawPacket?.toString('latin1').split('\r\n')[0].split(' ')[1] ?? '';
    const m = system !== undefined ? modules.find((x) => x.id === system) : modules.find((x) => [x.base, ...(x.realBase ? [x.realBase] : [])].some((b) => below(target, b) !== undefined));
    const r = m ? world.systems[m.id].renderer.renderStatus(status) : problem(status, STATUS_CODES[status] ?? 'Bad Request', 'the request could not be read (headers larger than 16 KB, or a malformed request line)');
    const body = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, `Content-Type: ${r.contentType ?? 'application/json'}; charset=utf-8`, `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
    for (const [k, v] of Object.entries(r.headers ?? {})) head.push(`${k}: ${v}`);
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  };

  return {
    app,
    clock: world.clock,
    store: world.store,
    journal: world.journal,
    catalog,
    contracts,
    get systems() {
      return Object.fromEntries(Object.entries(world.systems).map(([id, x]) => [id, x.instance]));
    },
    get control() {
      return defaultWorld.served('control').instance;
    },
    world,
    worlds,
    scenario: () => world.active,
    activate: (s) => world.activate(s),
    reset: (seed) => world.reset(seed),
    clientError,
    portListener,
    tick: () => world.tick(),
    close: async () => {
      await worlds.close();
      await world.close();
    },
  };
}
