/**
 * The control plane, /__sim: health, reset, clock, journal, read-only state, contracts. Shared by all systems;
 * errors are RFC 7807 problem details. Mounted through the same contract machinery as the systems.
 */
import { STATUS_CODES } from 'node:http';
import { suggest, type Catalog } from '../core/catalog.js';
import { inTimeRange, TIME_RANGE, type SimClock } from '../core/clock.js';
import type { Envelope } from '../core/envelope.js';
import type { RenderedError } from '../core/errors.js';
import { problem, RequestInvalid, SimError } from '../core/errors.js';
import { journalMatch, type Exchange, type Journal } from '../core/journal.js';
import { checkScenario, scenarioSchema, ScenarioInvalid, type Scenario } from '../core/scenario.js';
import type { CodeTimeline, Credential, Handler, SystemInstance, View, ViewRow } from '../core/system.js';
import { redact, redactAuthorization } from '../core/secrets.js';
import { junit, type Grader, type Rule } from '../core/conformance.js';
import { journalAsScenario } from './export.js';
import { journalAsHar } from './har.js';
import { SIMULATOR_VERSION } from '../core/paths.js';
import { CONTROL_HANDBOOK } from './handbook.js';
import { findScenario, findScenarios } from './scenarios.js';
import type { WorldInfo } from '../worlds.js';

/** The world a control plane acts on (simulator/world.ts). */
export interface ControlWorld {
  readonly clock: SimClock;
  readonly journal: Journal;
  readonly grader: Grader;
  readonly store: { meta(): { seed: number } };
  readonly active: Scenario | undefined;
  /** Persists the clock after a change (a restart resumes virtual time) and runs what fell due on it (pushes). */
  saveClock(): Promise<void>;
  reset(seed?: number): Promise<void>;
  activate(scenario: Scenario): Promise<void>;
}

/** The simulator's worlds besides the default one (simulator/worlds.ts), as the control plane manages them. */
export interface ControlWorlds {
  list(): Promise<WorldInfo[]>;
  info(id: string): Promise<WorldInfo | undefined>;
  /** Throws SimError (409 duplicate, 429 too many) or resolves when the world is durable. */
  create(o: { id?: string; seed?: number; scenario?: Scenario; ttlMs?: number }): Promise<string>;
  delete(id: string): Promise<boolean>;
}

export interface ControlDeps {
  /** Which store keeps the worlds and which replica answers; `reachable` false when its database cannot be reached. */
  store: () => Promise<{ kind: string; reachable: boolean }>;
  replica: string;
  world: ControlWorld;
  worlds: ControlWorlds;
  catalog: Catalog;
  /** The JSON Schema of scenario files (derived from the catalog once). */
  schema: object;
  systems: () => { id: string; title: string; base: string; summary(): unknown; views?: Record<string, View>; timeline?(code: string): CodeTimeline | undefined; credentials: Credential[] }[];
  contracts: Record<string, { json: unknown; yaml: () => string }>;
  /** Show secrets in the journal and its export (SIM_JOURNAL_SECRETS=show). */
  showSecrets: boolean;
  startedAt: string;
  /** The control operations the systems add (their control contracts). */
  extra: Record<string, Handler>;
  /** The report card's rules (core/conformance.ts). */
  rules: readonly Rule[];
  /** Where the world is served below the host: '' for the default world, `/w/{id}` for the others. */
  prefix: string;
}

/** Any failure of a control route as problem details: the control plane's own errors and those of a system's control routes. */
export const CONTROL_ENVELOPE: Envelope = {
  entry: (err) => problem(err.entry.status, STATUS_CODES[err.entry.status] ?? 'Error', err.message),
  tooLarge: (i) => problem(413, STATUS_CODES[413]!, `body ${i.path}: ${i.message}`, [i]),
  mediaType: (i) => problem(415, STATUS_CODES[415]!, `${i.in} ${i.path}: ${i.message}`, [i]),
  malformed: (i) => problem(400, STATUS_CODES[400]!, `${i.in} ${i.path}: ${i.message}`, [i]),
  invalid: (issues) => problem(400, STATUS_CODES[400]!, issues.map((i) => `${i.in} ${i.path}: ${i.message}`).join('; '), issues),
  internal: () => problem(500, 'Internal Server Error', 'the simulator failed to handle this request; see its log'),
  methodNotAllowed: (method, _allowed, path) => problem(404, 'Not Found', `the control plane has no route ${method} /__sim${path}`),
  pathNotFound: (method, path) => problem(404, 'Not Found', `the control plane has no route ${method} /__sim${path}`),
  upstream: (status) => problem(status, STATUS_CODES[status] ?? 'Error', 'answered by a scenario fault'),
};

/** A scenario that does not hold (a control request's inline scenario): 400 with each problem where it is. */
function scenarioProblem(err: ScenarioInvalid): RenderedError {
  const issues = err.problems.map((p) => {
    const m = /^(?:line \d+, column \d+: )?(\/[^:]*): (.*)$/.exec(p);
    return { in: 'body' as const, path: m?.[1] ?? '/', reason: 'scenario', message: m?.[2] ?? p };
  });
  return problem(400, 'Bad Request', `${err.source}: invalid scenario`, issues);
}

/** Bytes of the journal stream a reader may leave unread before it is let go. */
const STREAM_BUFFER_MAX = 1 << 20;

/** A journal entry as views show it: passwords, tokens and Authorization hidden unless SIM_JOURNAL_SECRETS=show. */
function shownEntry(e: Exchange, showSecrets: boolean): Exchange {
  if (showSecrets) return e;
  return { ...e, ...(e.authorization ? { authorization: redactAuthorization(e.authorization) } : {}), requestBody: redact(e.requestBody), responseBody: redact(e.responseBody) };
}

/**
 * The rows of a view that contain `text` in a cell (any case) and have `status`, counted, with one page of them.
 * Unfiltered, a view that counts itself is read only up to the page's last row.
 */
function page(view: View, q: { q?: string; status?: string; offset?: number; limit?: number }): { total: number; rows: ViewRow[] } {
  const text = q.q?.toLowerCase();
  const from = q.offset ?? 0;
  const to = from + (q.limit ?? 50);
  const out: ViewRow[] = [];
  const counted = !text && q.status === undefined ? view.count?.() : undefined;
  let total = 0;
  for (const r of view.rows()) {
    if (counted !== undefined && total >= to) return { total: counted, rows: out };
    if (q.status !== undefined && r.status !== q.status) continue;
    if (text && !Object.values(r.cells).some((c) => c !== null && String(c).toLowerCase().includes(text)) && !r.id.toLowerCase().includes(text)) continue;
    if (total >= from && total < to) out.push(r);
    total++;
  }
  return { total: counted ?? total, rows: out };
}

export function createControl(d: ControlDeps): SystemInstance {
  const schema = d.schema;
  const systemOf = (id: string) => {
    const sys = d.systems().find((s) => s.id === id);
    if (!sys) throw new SimError(CONTROL_HANDBOOK.UNKNOWN_SYSTEM, [id, suggest(id, d.catalog.ids)]);
    return sys;
  };
  const viewOf = (system: string, name: string) => {
    const sys = systemOf(system);
    const v = sys.views && Object.hasOwn(sys.views, name) ? sys.views[name] : undefined;
    if (!v) throw new SimError(CONTROL_HANDBOOK.UNKNOWN_VIEW, [system, name, Object.keys(sys.views ?? {}).join(', ') || 'none']);
    return v;
  };
  const handlers: Record<string, Handler> = {
    getHealth: async () => {
      const store = await d.store();
      // Not ready while the database is out of reach (a load balancer or Kubernetes then sends nobody here).
      if (!store.reachable) throw new SimError(CONTROL_HANDBOOK.STORE_UNREACHABLE, [store.kind, d.replica]);
      return {
        body: {
          status: 'ok',
          systems: d.systems().map((s) => ({ id: s.id, title: s.title, base: s.base })),
          seed: d.world.store.meta().seed,
          clock: d.world.clock.state(),
          startedAt: d.startedAt,
          store,
          replica: d.replica,
        },
      };
    },
    reset: async (req) => {
      const seed = (req.body as { seed?: number } | undefined)?.seed;
      await d.world.reset(seed);
      return { body: { status: 'reset', seed: d.world.store.meta().seed } };
    },
    getClock: () => ({ body: d.world.clock.state() }),
    setClock: async (req) => {
      const b = (req.body ?? {}) as { advanceMs?: number; set?: string; freeze?: boolean };
      const target = b.set !== undefined ? Date.parse(b.set) : undefined;
      if (target !== undefined && Number.isNaN(target)) throw new SimError(CONTROL_HANDBOOK.CLOCK_SET_INVALID, [b.set]);
      // Checked before anything moves: a refused change leaves the clock as it was.
      const after = (target ?? d.world.clock.nowMs()) + (b.advanceMs ?? 0);
      if (!inTimeRange(target ?? 0) || !inTimeRange(after)) throw new SimError(CONTROL_HANDBOOK.CLOCK_OUT_OF_RANGE, [`virtual time must stay between ${new Date(TIME_RANGE.minMs).toISOString()} and ${new Date(TIME_RANGE.maxMs).toISOString()}`]);
      if (target !== undefined) d.world.clock.set(target);
      if (b.advanceMs !== undefined) d.world.clock.advance(b.advanceMs);
      if (b.freeze === true) d.world.clock.freeze();
      if (b.freeze === false) d.world.clock.unfreeze();
      await d.world.saveClock();
      return { body: d.world.clock.state() };
    },
    getConformance: (req) => {
      const q = req.query as { client?: string; format?: string };
      const text = q.client?.toLowerCase();
      const clients = d.world.grader.report(d.world.clock.nowMs(), d.catalog.ids).filter((c) => !text || c.client.toLowerCase().includes(text));
      if (q.format === 'junit') return { body: junit(clients, d.rules), contentType: 'application/xml' };
      return {
        body: {
          since: d.world.grader.since,
          at: d.world.clock.now().toISOString(),
          failed: clients.reduce((n, c) => n + c.rules.filter((r) => r.result === 'failed').length, 0),
          rules: d.rules.map((r) => ({ id: r.id, statement: r.statement, source: r.source, severity: r.severity, ...(r.system ? { system: r.system } : {}) })),
          clients,
        },
      };
    },
    resetConformance: () => {
      d.world.grader.reset(d.world.clock.now().toISOString());
      return { body: { since: d.world.grader.since } };
    },
    getJournal: async (req) => {
      await d.world.journal.refresh();
      const { format, ...q } = req.query as { system?: string; method?: string; status?: number; operationId?: string; limit?: number; format?: string };
      const entries = d.world.journal.list({ ...q, limit: q.limit ?? (format === 'scenario' || format === 'har' ? 1000 : 100) });
      if (format === 'har') {
        const host = typeof req.headers.host === 'string' && /^[A-Za-z0-9.:[\]-]{1,300}$/.test(req.headers.host) ? req.headers.host : 'localhost';
        const bases = Object.fromEntries(d.systems().map((s) => [s.id, s.base]));
        return { body: journalAsHar(entries.map((e) => shownEntry(e, d.showSecrets)), { origin: `http://${host}`, prefix: d.prefix, bases, version: SIMULATOR_VERSION }), contentType: 'application/json' };
      }
      if (format === 'scenario') return { body: journalAsScenario(entries, d.world.store.meta().seed, d.world.clock.nowMs(), d.showSecrets), contentType: 'application/yaml' };
      return { body: { entries: entries.map((e) => shownEntry(e, d.showSecrets)) } };
    },
    // Server-sent events: the newest entries that pass the filter, then each new one as it is recorded, until the
    // client goes away. Every event's data is one journal entry as GET /__sim/journal shows it.
    streamJournal: (req) => {
      const q = req.query as { system?: string; method?: string; status?: number; operationId?: string; limit?: number };
      const fits = (e: Exchange) => journalMatch(e, q);
      return {
        contentType: 'text/event-stream',
        headers: { 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' },
        stream: (res) =>
          new Promise<void>((resolve) => {
            let off = () => {};
            let beat: NodeJS.Timeout | undefined;
            let done = false;
            const finish = () => {
              done = true;
              off();
              if (beat) clearInterval(beat);
              resolve();
            };
            // A reader too slow for the journal is let go rather than buffered for without bound: it can reconnect.
            const send = (e: Exchange) => {
              if ((res as unknown as { writableLength: number }).writableLength > STREAM_BUFFER_MAX) {
                finish();
                res.end(': too far behind, closed: reconnect to follow again\n\n');
                return;
              }
              res.write(`id: ${e.id}\nevent: exchange\ndata: ${JSON.stringify(shownEntry(e, d.showSecrets))}\n\n`);
            };
            res.write(': the simulator journal, live\n\n');
            for (const e of d.world.journal.list({ ...q, limit: q.limit ?? 50 })) send(e);
            if (done) return;
            off = d.world.journal.subscribe((e) => {
              if (fits(e)) send(e);
            });
            // A comment every 15 s keeps proxies from closing an idle stream.
            beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
            beat.unref();
            res.on('close', finish);
          }),
      };
    },
    listScenarios: () => {
      const { scenarios, invalid } = findScenarios(d.catalog);
      return {
        body: {
          active: d.world.active?.name ?? null,
          scenarios: scenarios.map((x) => ({ name: x.scenario.name, description: x.scenario.description, file: x.file })),
          invalid: invalid.map((x) => ({ file: x.source, problems: x.problems })),
        },
      };
    },
    activateScenario: async (req) => {
      const b = req.body as { name?: string; scenario?: unknown };
      let s: Scenario;
      try {
        if (b.scenario !== undefined) s = checkScenario(b.scenario, 'request body: scenario', d.catalog);
        else {
          const found = findScenario(d.catalog, String(b.name));
          if (!found) throw new SimError(CONTROL_HANDBOOK.UNKNOWN_SCENARIO, [String(b.name)]);
          s = found;
        }
        await d.world.activate(s);
      } catch (e) {
        if (e instanceof ScenarioInvalid) return scenarioProblem(e);
        throw e;
      }
      return { body: { status: 'active', name: s.name, faults: s.faults?.length ?? 0, steps: s.steps?.length ?? 0 } };
    },
    getScenarioSchema: () => ({ body: schema }),
    listWorlds: async () => ({ body: { worlds: await d.worlds.list() } }),
    createWorld: async (req) => {
      const b = (req.body ?? {}) as { id?: string; seed?: number; scenario?: string | object; ttlMs?: number };
      let scenario: Scenario | undefined;
      try {
        if (typeof b.scenario === 'string') {
          scenario = findScenario(d.catalog, b.scenario);
          if (!scenario) throw new SimError(CONTROL_HANDBOOK.UNKNOWN_SCENARIO, [b.scenario]);
        } else if (b.scenario !== undefined) scenario = checkScenario(b.scenario, 'request body: scenario', d.catalog);
        const id = await d.worlds.create({ id: b.id, seed: b.seed, scenario, ttlMs: b.ttlMs });
        const base = `http://${String(req.headers.host ?? 'localhost')}/w/${id}`;
        return { status: 201, headers: { Location: `/__sim/worlds/${id}` }, body: { ...(await d.worlds.info(id))!, baseUrl: base, control: `${base}/__sim`, systems: Object.fromEntries(d.systems().map((x) => [x.id, `${base}${x.base}`])) } };
      } catch (e) {
        if (e instanceof ScenarioInvalid) return scenarioProblem(e);
        throw e;
      }
    },
    getWorld: async (req) => {
      const w = await d.worlds.info(String(req.params.world));
      if (!w) throw new SimError(CONTROL_HANDBOOK.UNKNOWN_WORLD, [String(req.params.world)]);
      return { body: w };
    },
    deleteWorld: async (req) => {
      if (!(await d.worlds.delete(String(req.params.world)))) throw new SimError(CONTROL_HANDBOOK.UNKNOWN_WORLD, [String(req.params.world)]);
      return { status: 204 };
    },
    getSystemState: (req) => ({ body: systemOf(String(req.params.system)).summary() }),
    getCredentials: () => ({ body: { systems: d.systems().map((s) => ({ id: s.id, title: s.title, base: s.base, credentials: s.credentials })) } }),
    listViews: (req) => {
      const sys = systemOf(String(req.params.system));
      return {
        body: {
          system: sys.id,
          codeLookup: sys.timeline !== undefined,
          views: Object.entries(sys.views ?? {}).map(([name, v]) => ({ name, title: v.title, columns: v.columns, ...(v.statuses ? { statuses: [...v.statuses] } : {}), ...(v.codeColumn ? { codeColumn: v.codeColumn } : {}), detail: v.detail !== undefined })),
        },
      };
    },
    listViewRows: (req) => {
      const v = viewOf(String(req.params.system), String(req.params.view));
      const q = req.query as { q?: string; status?: string; offset?: number; limit?: number };
      const { total, rows } = page(v, q);
      return { body: { total, offset: q.offset ?? 0, rows } };
    },
    getViewRow: (req) => {
      const system = String(req.params.system);
      const name = String(req.params.view);
      const id = String(req.params.id);
      const detail = viewOf(system, name).detail?.(id);
      if (!detail) throw new SimError(CONTROL_HANDBOOK.UNKNOWN_ROW, [system, name, id]);
      return { body: detail };
    },
    getTimeline: (req) => {
      const sys = systemOf(String(req.params.system));
      const code = String((req.query as { code: string }).code);
      const t = sys.timeline?.(code);
      if (!t) throw new SimError(CONTROL_HANDBOOK.UNKNOWN_CODE, [sys.id, code]);
      return { body: t };
    },
    getContract: (req) => {
      const name = String(req.params.file);
      const m = /^([a-z0-9-]+)\.(json|yaml)$/.exec(name);
      const c = m ? d.contracts[m[1]] : undefined;
      if (!m || !c) throw new SimError(CONTROL_HANDBOOK.UNKNOWN_CONTRACT, [name, suggest(name, Object.keys(d.contracts).flatMap((id) => [`${id}.json`, `${id}.yaml`]))]);
      return m[2] === 'json' ? { body: c.json } : { body: c.yaml(), contentType: 'application/yaml' };
    },
    ...d.extra,
  };
  return {
    handlers,
    envelope: CONTROL_ENVELOPE,
    summary: () => ({}),
  };
}
