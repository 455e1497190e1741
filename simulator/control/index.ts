/**
 * The control plane, /__sim: health, reset, clock, journal, read-only state, contracts. Shared by all systems;
 * errors are RFC 7807 problem details. Mounted through the same contract machinery as the systems.
 */
import { STATUS_CODES } from 'node:http';
import { suggest, type Catalog } from '../core/catalog.js';
import { inTimeRange, TIME_RANGE, type SimClock } from '../core/clock.js';
import type { RenderedError } from '../core/errors.js';
import { problem, RequestInvalid, SimError } from '../core/errors.js';
import type { Journal } from '../core/journal.js';
import { checkScenario, scenarioSchema, ScenarioInvalid, type Scenario } from '../core/scenario.js';
import type { Handler, SystemInstance } from '../core/system.js';
import { redact, redactAuthorization } from '../core/secrets.js';
import { journalAsScenario } from './export.js';
import { CONTROL_HANDBOOK } from './handbook.js';
import { findScenarios } from './scenarios.js';

export interface ControlDeps {
  clock: SimClock;
  /** Persists the clock after a change (a restart resumes virtual time) and runs what fell due on it (pushes). */
  saveClock(): Promise<void>;
  journal: Journal;
  catalog: Catalog;
  systems: () => { id: string; title: string; base: string; summary(): unknown }[];
  seed: () => number;
  reset(seed?: number): Promise<void>;
  activate(scenario: Scenario): Promise<void>;
  scenario(): Scenario | undefined;
  contracts: Record<string, { json: unknown; yaml: () => string }>;
  /** Show secrets in the journal and its export (SIM_JOURNAL_SECRETS=show). */
  showSecrets: boolean;
  startedAt: string;
  /** The control operations the systems add (their control contracts). */
  extra: Record<string, Handler>;
  logError(message: string, err: unknown): void;
}

/** Any failure of a control route as problem details: the control plane's own errors and those of a system's control routes. */
export function renderControlError(err: unknown, logError: (message: string, err: unknown) => void = () => undefined): RenderedError {
  if (err instanceof SimError) return { ...problem(err.entry.status, STATUS_CODES[err.entry.status] ?? 'Error', err.message), headers: err.details.headers };
  if (err instanceof ScenarioInvalid) {
    const issues = err.problems.map((p) => {
      const m = /^(?:line \d+, column \d+: )?(\/[^:]*): (.*)$/.exec(p);
      return { in: 'body' as const, path: m?.[1] ?? '/', reason: 'scenario', message: m?.[2] ?? p };
    });
    return problem(400, 'Bad Request', `${err.source}: invalid scenario`, issues);
  }
  if (err instanceof RequestInvalid) {
    const status = err.issues.some((i) => i.reason === 'tooLarge') ? 413 : err.issues.some((i) => i.reason === 'mediaType') ? 415 : 400;
    return problem(status, STATUS_CODES[status]!, err.message, err.issues);
  }
  logError('control: unexpected error', err);
  return problem(500, 'Internal Server Error', 'the simulator failed to handle this request; see its log');
}

export function createControl(d: ControlDeps): SystemInstance {
  const schema = scenarioSchema(d.catalog);
  const handlers: Record<string, Handler> = {
    getHealth: () => ({
      body: {
        status: 'ok',
        systems: d.systems().map((s) => ({ id: s.id, title: s.title, base: s.base })),
        seed: d.seed(),
        clock: d.clock.state(),
        startedAt: d.startedAt,
      },
    }),
    reset: async (req) => {
      const seed = (req.body as { seed?: number } | undefined)?.seed;
      await d.reset(seed);
      return { body: { status: 'reset', seed: d.seed() } };
    },
    getClock: () => ({ body: d.clock.state() }),
    setClock: async (req) => {
      const b = (req.body ?? {}) as { advanceMs?: number; set?: string; freeze?: boolean };
      const target = b.set !== undefined ? Date.parse(b.set) : undefined;
      if (target !== undefined && Number.isNaN(target)) throw new SimError(CONTROL_HANDBOOK.CLOCK_SET_INVALID, [b.set]);
      // Checked before anything moves: a refused change leaves the clock as it was.
      const after = (target ?? d.clock.nowMs()) + (b.advanceMs ?? 0);
      if (!inTimeRange(target ?? 0) || !inTimeRange(after)) throw new SimError(CONTROL_HANDBOOK.CLOCK_OUT_OF_RANGE, [`virtual time must stay between ${new Date(TIME_RANGE.minMs).toISOString()} and ${new Date(TIME_RANGE.maxMs).toISOString()}`]);
      if (target !== undefined) d.clock.set(target);
      if (b.advanceMs !== undefined) d.clock.advance(b.advanceMs);
      if (b.freeze === true) d.clock.freeze();
      if (b.freeze === false) d.clock.unfreeze();
      await d.saveClock();
      return { body: d.clock.state() };
    },
    getJournal: (req) => {
      const { format, ...q } = req.query as { system?: string; method?: string; status?: number; operationId?: string; limit?: number; format?: string };
      const entries = d.journal.list({ ...q, limit: q.limit ?? (format === 'scenario' ? 1000 : 100) });
      if (format === 'scenario') return { body: journalAsScenario(entries, d.seed(), d.clock.nowMs(), d.showSecrets), contentType: 'application/yaml' };
      // Passwords, tokens and Authorization headers stay hidden unless SIM_JOURNAL_SECRETS=show.
      const shown = d.showSecrets
        ? entries
        : entries.map((e) => ({ ...e, ...(e.authorization ? { authorization: redactAuthorization(e.authorization) } : {}), requestBody: redact(e.requestBody), responseBody: redact(e.responseBody) }));
      return { body: { entries: shown } };
    },
    listScenarios: () => {
      const { scenarios, invalid } = findScenarios(d.catalog);
      return {
        body: {
          active: d.scenario()?.name ?? null,
          scenarios: scenarios.map((x) => ({ name: x.scenario.name, description: x.scenario.description, file: x.file })),
          invalid: invalid.map((x) => ({ file: x.source, problems: x.problems })),
        },
      };
    },
    activateScenario: async (req) => {
      const b = req.body as { name?: string; scenario?: unknown };
      let s: Scenario;
      if (b.scenario !== undefined) s = checkScenario(b.scenario, 'request body: scenario', d.catalog);
      else {
        const found = findScenarios(d.catalog).scenarios.find((x) => x.scenario.name === b.name);
        if (!found) throw new SimError(CONTROL_HANDBOOK.UNKNOWN_SCENARIO, [String(b.name)]);
        s = found.scenario;
      }
      await d.activate(s);
      return { body: { status: 'active', name: s.name, faults: s.faults?.length ?? 0, steps: s.steps?.length ?? 0 } };
    },
    getScenarioSchema: () => ({ body: schema }),
    getSystemState: (req) => {
      const id = String(req.params.system);
      const sys = d.systems().find((s) => s.id === id);
      if (!sys) throw new SimError(CONTROL_HANDBOOK.UNKNOWN_SYSTEM, [id, suggest(id, d.catalog.ids)]);
      return { body: sys.summary() };
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
    render: (err) => renderControlError(err, d.logError),
    renderStatus: (status) => problem(status, STATUS_CODES[status] ?? 'Error', 'answered by a scenario fault'),
    unmatched: (method, path) => problem(404, 'Not Found', `the control plane has no route ${method} /__sim${path}`),
    rebuild: () => undefined,
    summary: () => ({}),
  };
}
