/**
 * The control plane, /__sim: health, reset, clock, journal, read-only state, contracts. Shared by all systems;
 * errors are RFC 7807 problem details. Mounted through the same contract machinery as the systems.
 */
import { STATUS_CODES } from 'node:http';
import type { RenderedError, ValidationIssue } from '../core/errors.js';
import { RequestInvalid, SimError } from '../core/errors.js';
import type { SimClock } from '../core/clock.js';
import type { Journal } from '../core/journal.js';
import type { Handler, SystemInstance } from '../core/system.js';
import { CONTROL_HANDBOOK } from './handbook.js';
import { checkScenario, SCENARIO_SCHEMA, ScenarioInvalid, type Scenario } from '../core/scenario.js';
import { findScenarios } from './scenarios.js';
import { journalAsScenario } from './export.js';

export interface ControlDeps {
  clock: SimClock;
  /** Persists the clock after a change (a restart resumes virtual time). */
  saveClock(): Promise<void>;
  journal: Journal;
  systems: () => { id: string; title: string; summary(): unknown }[];
  seed: () => number;
  reset(seed?: number): Promise<void>;
  activate(scenario: Scenario): Promise<void>;
  scenario(): Scenario | undefined;
  contracts: Record<string, { json: unknown; yaml: string }>;
  startedAt: string;
  extra: Record<string, Handler>;
}

export function problem(status: number, title: string, detail: string, errors?: ValidationIssue[]): RenderedError {
  return {
    status,
    contentType: 'application/problem+json',
    body: { type: 'about:blank', title, status, detail, ...(errors ? { errors: errors.map((e) => ({ in: e.in, path: e.path, message: e.message })) } : {}) },
  };
}

export function renderControlError(err: unknown): RenderedError {
  if (err instanceof SimError) return problem(err.entry.status, STATUS_CODES[err.entry.status] ?? 'Error', err.message);
  if (err instanceof ScenarioInvalid) {
    return problem(400, 'Bad Request', `${err.source}: invalid scenario`, err.problems.map((p) => ({ in: 'body', path: p.split(':')[0], reason: 'scenario', message: p.slice(p.indexOf(':') + 2) })));
  }
  if (err instanceof RequestInvalid) {
    const status = err.issues.some((i) => i.reason === 'tooLarge') ? 413 : 400;
    return problem(status, status === 413 ? 'Payload Too Large' : 'Bad Request', err.message, err.issues);
  }
  console.error('[control] unexpected error', err);
  return problem(500, 'Internal Server Error', 'the simulator failed to handle this request; see its log');
}

export function createControl(d: ControlDeps): SystemInstance {
  const handlers: Record<string, Handler> = {
    getHealth: () => ({
      body: {
        status: 'ok',
        systems: d.systems().map((s) => ({ id: s.id, title: s.title, base: `/${s.id}` })),
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
      if (b.set !== undefined) {
        const ms = Date.parse(b.set);
        if (Number.isNaN(ms)) throw new SimError(CONTROL_HANDBOOK.CLOCK_SET_INVALID, [b.set]);
        d.clock.set(ms);
      }
      if (b.advanceMs !== undefined) d.clock.advance(b.advanceMs);
      if (b.freeze === true) d.clock.freeze();
      if (b.freeze === false) d.clock.unfreeze();
      await d.saveClock();
      return { body: d.clock.state() };
    },
    getJournal: (req) => {
      const { format, ...q } = req.query as { system?: string; method?: string; status?: number; operationId?: string; limit?: number; format?: string };
      const entries = d.journal.list({ ...q, limit: q.limit ?? (format === 'scenario' ? 1000 : 100) });
      if (format === 'scenario') return { body: journalAsScenario(entries, d.seed(), d.clock.nowMs()), contentType: 'application/yaml' };
      return { body: { entries } };
    },
    listScenarios: () => {
      const { scenarios, invalid } = findScenarios();
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
      if (b.scenario !== undefined) s = checkScenario(b.scenario, 'request body: scenario');
      else {
        const found = findScenarios().scenarios.find((x) => x.scenario.name === b.name);
        if (!found) throw new SimError(CONTROL_HANDBOOK.UNKNOWN_SCENARIO, [String(b.name)]);
        s = found.scenario;
      }
      await d.activate(s);
      return { body: { status: 'active', name: s.name, faults: s.faults?.length ?? 0, steps: s.steps?.length ?? 0 } };
    },
    getScenarioSchema: () => ({ body: SCENARIO_SCHEMA }),
    getSystemState: (req) => {
      const sys = d.systems().find((s) => s.id === req.params.system);
      if (!sys) throw new SimError(CONTROL_HANDBOOK.UNKNOWN_SYSTEM, [req.params.system]);
      return { body: sys.summary() };
    },
    getContract: (req) => {
      const name = String(req.params.file);
      const m = /^([a-z-]+)\.(json|yaml)$/.exec(name);
      const c = m ? d.contracts[m[1]] : undefined;
      if (!m || !c) throw new SimError(CONTROL_HANDBOOK.UNKNOWN_CONTRACT, [name]);
      return m[2] === 'json' ? { body: c.json } : { body: c.yaml, contentType: 'application/yaml' };
    },
    ...d.extra,
  };
  return {
    handlers,
    render: renderControlError,
    handbook: CONTROL_HANDBOOK,
    renderStatus: (status) => problem(status, STATUS_CODES[status] ?? 'Error', 'answered by a scenario fault'),
    unmatched: (method, path) => problem(404, 'Not Found', `the control plane has no route ${method} /__sim${path}`),
    rebuild: () => undefined,
    summary: () => ({}),
  };
}
