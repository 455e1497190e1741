/**
 * Scenario files: YAML data (never code) declaring a world, a clock, timings, limits, faults and an optional
 * journey. Loaded and validated against scenarios/schema.json; a malformed file is reported with the file, the path
 * inside it and what was expected, never with a stack trace.
 *
 * @example
 * const s = loadScenarioFile('scenarios/mcoi/order-rejected.yaml'); // throws ScenarioInvalid with readable lines
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parseDocument } from 'yaml';
import { PROJECT_ROOT } from './paths.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => void;

export interface FaultMatch {
  system: string;
  operation?: string;
  method?: string;
  path?: string;
  calls?: number | string;
  user?: string;
  organization?: string;
  during?: { fromMs?: number; forMs?: number };
  probability?: number;
}

export type FaultAction =
  | { error: string }
  | { status: number }
  | { html: { status: number } }
  | { latency: { ms?: number; minMs?: number; maxMs?: number } }
  | { drop: true }
  | { truncate: { bytes: number } }
  | { corrupt: true }
  | { outcome: ForcedOutcome };

export interface ForcedOutcome {
  orderRejected?: string;
  reportError?: { propertyName?: string; propertyValue?: string; errorCode: string; errorTags?: Record<string, unknown> }[];
  requestRejected?: string;
  cannotSynchronize?: true;
}

export interface Fault {
  description?: string;
  match: FaultMatch;
  action: FaultAction;
}

export interface Step {
  name?: string;
  advanceMs?: number;
  repeat?: number;
  request?: { system?: string; method: string; path: string; headers?: Record<string, string>; body?: unknown };
  expect?: { status?: number; headers?: Record<string, string>; body?: Record<string, unknown>; text?: string; dropped?: true };
  capture?: Record<string, string>;
}

/** A system's documented rate limit: on (the document's), off, or another number of requests per minute. */
export type LimitSetting = 'on' | 'off' | { requestsPerMinute: number };

export interface Scenario {
  name: string;
  description: string;
  seed?: number;
  world?: Record<string, Record<string, unknown>>;
  clock?: { start?: string; frozen?: boolean };
  timings?: 'instant' | Record<string, Record<string, number>>;
  limits?: Record<string, LimitSetting>;
  profile?: Record<string, Record<string, unknown>>;
  faults?: Fault[];
  steps?: Step[];
}

export class ScenarioInvalid extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid scenario\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ScenarioInvalid';
  }
}

export const SCENARIO_SCHEMA = JSON.parse(readFileSync(join(PROJECT_ROOT, 'scenarios', 'schema.json'), 'utf8')) as Record<string, unknown>;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(SCENARIO_SCHEMA);

/** Checks a parsed scenario; `source` names it in the problems (a file, or "request body"). */
export function checkScenario(value: unknown, source: string): Scenario {
  if (validate(value)) return value as unknown as Scenario;
  // oneOf/anyOf failures repeat every branch's complaint; keep the most specific (deepest) ones, once each.
  const errors = validate.errors ?? [];
  const deepest = new Map<string, string>();
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') continue;
    let where = e.instancePath || '/';
    let what = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') what = `has an unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    else if (e.keyword === 'required') what = `needs "${(e.params as { missingProperty: string }).missingProperty}"`;
    else if (e.keyword === 'enum') what = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    else if (e.keyword === 'maxProperties' || e.keyword === 'minProperties') what = 'must have exactly one action (see scenarios/README.md)';
    else if (e.keyword === 'propertyNames') {
      what = `names a system that does not exist: "${(e.params as { propertyName: string }).propertyName}" (mcoi, id-issuer)`;
      where = e.instancePath || '/';
    }
    const key = `${where} ${what}`;
    if (!deepest.has(key)) deepest.set(key, `${where}: ${what}`);
  }
  const problems = [...deepest.values()];
  throw new ScenarioInvalid(source, problems.length ? problems : ['does not match scenarios/schema.json']);
}

/** Parses YAML (or JSON) text, reporting syntax errors with line and column. */
export function parseScenario(text: string, source: string): Scenario {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    throw new ScenarioInvalid(
      source,
      doc.errors.map((e) => `line ${e.linePos?.[0].line ?? '?'}, column ${e.linePos?.[0].col ?? '?'}: ${e.message.split('\n')[0]}`),
    );
  }
  return checkScenario(doc.toJS(), source);
}

export function loadScenarioFile(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioInvalid(file, [`cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
  }
  return parseScenario(text, file);
}

/** Merges scenario additions into a list of records by their key: a known key replaces the record, a new one is added. */
export function mergeByKey<T extends object>(list: T[], additions: unknown, key: keyof T & string): T[] {
  if (!Array.isArray(additions)) return list;
  const out = [...list];
  for (const a of additions as T[]) {
    const i = out.findIndex((x) => x[key] === a[key]);
    if (i >= 0) out[i] = { ...out[i], ...a };
    else out.push(a);
  }
  return out;
}
