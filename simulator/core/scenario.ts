/**
 * Scenario files: YAML data (never code) declaring a world, a clock, timings, limits, a profile, faults and an
 * optional journey. Checked when loaded, not when a fault fires: first against the JSON Schema derived from the
 * mounted systems (scenarioSchema), then for meaning (a path that matches no route, an outcome on an operation it
 * does not apply to). Every problem names the file, its line and column, and the valid choices.
 *
 * @example
 * const s = loadScenarioFile('scenarios/mcoi/order-rejected.yaml', catalog); // throws ScenarioInvalid
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { suggest, type Catalog } from './catalog.js';
import { inTimeRange, TIME_RANGE } from './clock.js';
import type { Timing } from './progression.js';
import type { LimitSetting } from './system.js';

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
  | { outcome: Record<string, unknown> };

export interface Fault {
  description?: string;
  match: FaultMatch;
  action: FaultAction;
}

export interface StepRequest {
  system?: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** JSON (a string body is sent as it is, with the Content-Type header given). */
  body?: unknown;
  /** Raw bytes, base64. */
  bodyBase64?: string;
  /** Raw bytes from a file, relative to the scenario file. */
  bodyFile?: string;
}

/** What the client report card must say (GET /__sim/conformance) once the step has run. */
export interface ConformanceExpectation {
  /** The clients whose name contains this text (any case); all clients when absent. */
  client?: string;
  /** Exactly these rules failed, over those clients (`[]`: none did). */
  failed?: string[];
  /** These rules passed (were exercised and never broken) for some of those clients. */
  passed?: string[];
}

export interface Step {
  name?: string;
  advanceMs?: number;
  repeat?: number;
  request?: StepRequest;
  expect?: { status?: number; headers?: Record<string, string>; body?: Record<string, unknown>; text?: string; sha256?: string; dropped?: true; conformance?: ConformanceExpectation };
  capture?: Record<string, string>;
}

export interface Scenario {
  name: string;
  description: string;
  seed?: number;
  world?: Record<string, Record<string, unknown>>;
  clock?: { start?: string; frozen?: boolean };
  timings?: 'instant' | Record<string, Record<string, Timing>>;
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

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/** The JSON Schema of scenario files for the systems of a catalog (published at /__sim/scenarios/schema). */
export function scenarioSchema(catalog: Catalog): Record<string, unknown> {
  const ids = [...catalog.ids];
  const perSystem = <T>(f: (s: Catalog['systems'][number]) => T) => Object.fromEntries(catalog.systems.map((s) => [s.id, f(s)]));
  const limitSetting = {
    oneOf: [
      { enum: ['on', 'off'] },
      { type: 'object', additionalProperties: false, required: ['requestsPerMinute'], properties: { requestsPerMinute: { type: 'integer', minimum: 1, maximum: 1_000_000 } } },
    ],
  };
  const outcomeDefs = Object.fromEntries(
    catalog.systems.map((s) => {
      const entries = Object.entries(s.module.outcomes);
      return [
        `outcome-${s.id}`,
        {
          type: 'object',
          description: `A business outcome of ${s.id}. Exactly one of these.`,
          minProperties: 1,
          maxProperties: 1,
          additionalProperties: false,
          properties: Object.fromEntries(entries.map(([name, o]) => [name, { ...o.schema, description: `${o.description} (${o.operations.join(', ')})` }])),
        },
      ];
    }),
  );
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://marking-sim.local/scenario.schema.json',
    title: 'Simulator scenario',
    description: 'A world, a clock, timings, limits, faults and an optional scripted journey, as data (no code). See scenarios/README.md. Generated from the systems the simulator mounts.',
    type: 'object',
    additionalProperties: false,
    required: ['name', 'description'],
    properties: {
      name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 100, description: 'Unique, kebab-case; POST /__sim/scenarios activates by it.' },
      description: { type: 'string', minLength: 1, description: 'What it reproduces, in plain words.' },
      seed: { type: 'integer', minimum: 0, maximum: 4294967295, description: 'Seed of the world (ids, codes, identifiers) and of fault probabilities. Default 1.' },
      world: {
        type: 'object',
        description: 'Additions to or changes of the default fixtures, per system. Lists are merged by their key: a known key replaces that record, a new one is added.',
        additionalProperties: false,
        properties: perSystem((s) => s.module.worldOverlay),
      },
      clock: {
        type: 'object',
        additionalProperties: false,
        properties: {
          start: { type: 'string', format: 'date-time', description: 'Virtual time when the scenario is activated.' },
          frozen: { type: 'boolean', description: 'true: time moves only when advanced. Default false.' },
        },
      },
      timings: {
        description: 'Timings in virtual ms per system (see README), or "instant" for every processing delay zero (lifetimes and periods keep theirs). A stage of a progression may instead end on the N-th client read of the entity: { "afterPolls": N }.',
        oneOf: [
          { const: 'instant' },
          {
            type: 'object',
            additionalProperties: false,
            properties: perSystem((s) => ({
              type: 'object',
              additionalProperties: false,
              properties: Object.fromEntries(
                Object.entries(s.module.timings).map(([k, t]) => {
                  const ms = { type: 'integer', minimum: 0, maximum: 31_536_000_000 };
                  const polls = { type: 'object', additionalProperties: false, required: ['afterPolls'], properties: { afterPolls: { type: 'integer', minimum: 1, maximum: 1_000_000, description: 'The stage ends on this read of the entity by a client, whatever the clock.' } } };
                  return [k, t.polls ? { oneOf: [ms, polls], description: `${t.description} Default ${t.default}; or { "afterPolls": N }.` } : { ...ms, description: `${t.description} Default ${t.default}.` }];
                }),
              ),
            })),
          },
        ],
      },
      limits: {
        type: 'object',
        description: 'Request-rate limits per system: on (the documented one, if any), off, or another number ({ requestsPerMinute: n }).',
        additionalProperties: false,
        properties: perSystem(() => limitSetting),
      },
      profile: {
        type: 'object',
        description: 'Observed-behaviour switches per system (README, fidelity profile).',
        additionalProperties: false,
        properties: perSystem((s) => ({
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(Object.entries(s.module.switches).map(([k, w]) => [k, { ...(w.pattern ? { anyOf: [{ enum: [...w.values] }, { type: 'string', maxLength: 2000, pattern: w.pattern }] } : { enum: [...w.values] }), description: `${w.description} Default ${w.default}; environment ${w.env}.` }])),
        })),
      },
      faults: { type: 'array', maxItems: 1000, items: { $ref: '#/$defs/fault' } },
      steps: { type: 'array', maxItems: 10_000, items: { $ref: '#/$defs/step' } },
    },
    $defs: {
      ...outcomeDefs,
      fault: {
        type: 'object',
        additionalProperties: false,
        required: ['match', 'action'],
        properties: {
          description: { type: 'string' },
          match: { $ref: '#/$defs/match' },
          action: { $ref: '#/$defs/action' },
        },
        allOf: catalog.systems.map((s) => ({
          if: { properties: { match: { properties: { system: { const: s.id } }, required: ['system'] } }, required: ['match'] },
          then: {
            properties: {
              match: { properties: { operation: { enum: s.operations.map((o) => o.operationId) } } },
              action: { properties: { error: { enum: [...s.handbookKeys] }, outcome: { $ref: `#/$defs/outcome-${s.id}` } } },
            },
          },
        })),
      },
      match: {
        type: 'object',
        additionalProperties: false,
        required: ['system'],
        properties: {
          system: { enum: ids },
          operation: { type: 'string', description: "operationId from the system's contract." },
          method: { enum: METHODS },
          path: { type: 'string', pattern: '^/', description: 'Path below the system base, starting with /; * matches one segment.' },
          calls: {
            description: 'Which matching calls: n (the nth), "n..m", or "n.." (from the nth on). Counted from activation.',
            oneOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^[1-9][0-9]*\\.\\.([1-9][0-9]*)?$' }],
          },
          user: { type: 'string', description: 'The caller: ' + catalog.systems.map((s) => `${s.module.callers.user} (${s.id})`).join(', ') + '.' },
          organization: { type: 'string', description: "The caller's organization: " + catalog.systems.filter((s) => s.module.callers.organization).map((s) => `${s.module.callers.organization} (${s.id})`).join(', ') + '.' },
          during: {
            type: 'object',
            additionalProperties: false,
            description: 'A window of virtual time after activation, in ms.',
            properties: { fromMs: { type: 'integer', minimum: 0 }, forMs: { type: 'integer', minimum: 1 } },
          },
          probability: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'Drawn from the scenario seed.' },
        },
      },
      action: {
        type: 'object',
        description: 'Exactly one of these.',
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
        properties: {
          error: { type: 'string', description: "A handbook key of the system (README), answered in its own envelope." },
          status: { type: 'integer', minimum: 400, maximum: 599, description: "An HTTP status in the system's own envelope." },
          html: {
            type: 'object',
            additionalProperties: false,
            required: ['status'],
            description: 'An HTML error page, as a gateway (nginx) answers.',
            properties: { status: { type: 'integer', minimum: 400, maximum: 599 } },
          },
          latency: {
            type: 'object',
            additionalProperties: false,
            description: 'Real milliseconds before the request is handled: fixed (ms) or uniform (minMs..maxMs, drawn from the seed).',
            oneOf: [{ required: ['ms'] }, { required: ['minMs', 'maxMs'] }],
            properties: { ms: { type: 'integer', minimum: 0, maximum: 60000 }, minMs: { type: 'integer', minimum: 0 }, maxMs: { type: 'integer', maximum: 60000 } },
          },
          drop: { const: true, description: 'Close the connection without answering.' },
          truncate: {
            type: 'object',
            additionalProperties: false,
            required: ['bytes'],
            description: 'Answer normally but close the connection after this many body bytes.',
            properties: { bytes: { type: 'integer', minimum: 0 } },
          },
          corrupt: { const: true, description: 'Flip a bit in the body (a file download): the checksum no longer matches.' },
          outcome: { type: 'object', description: "Force a business outcome of the matched request: one of the system's outcomes (README)." },
        },
      },
      step: {
        type: 'object',
        additionalProperties: false,
        description: 'A request with expectations, or a clock advance. Strings may use ${name} for values captured earlier.',
        properties: {
          name: { type: 'string' },
          advanceMs: { type: 'integer', minimum: 0, maximum: 31_536_000_000, description: 'Advance the virtual clock (POST /__sim/clock).' },
          repeat: { type: 'integer', minimum: 1, maximum: 1000, description: 'Send the request this many times; the expectations hold for each.' },
          request: {
            type: 'object',
            additionalProperties: false,
            required: ['method', 'path'],
            properties: {
              system: { enum: [...ids, 'control'], description: 'Prefixes path with the system base (control: /__sim). Omit for a full path.' },
              method: { enum: METHODS },
              path: { type: 'string', pattern: '^/' },
              headers: { type: 'object', additionalProperties: { type: 'string' } },
              body: { description: 'JSON; a string is sent as it is (set Content-Type in headers).' },
              bodyBase64: { type: 'string', contentEncoding: 'base64', description: 'Raw bytes, base64.' },
              bodyFile: { type: 'string', description: 'Raw bytes from a file, relative to the scenario file.' },
            },
          },
          expect: {
            type: 'object',
            additionalProperties: false,
            properties: {
              status: { type: 'integer' },
              headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Header values that must be contained.' },
              body: { type: 'object', description: 'Dotted paths (globalErrors.0.errorCode) → an exact value, or { exists: bool }, { contains: str }, { length: n }.' },
              text: { type: 'string', description: 'Text the raw body must contain.' },
              sha256: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'The hex SHA-256 of the raw body bytes (a ZIP, a CSV).' },
              dropped: { const: true, description: 'The connection closes without a complete answer (drop and truncate faults).' },
              conformance: {
                type: 'object',
                additionalProperties: false,
                description: 'What the client report card (GET /__sim/conformance) says once the step has run: `failed` exactly these rules (over the clients whose name contains `client`), `passed` at least these. A step may be this check alone.',
                properties: {
                  client: { type: 'string', maxLength: 200 },
                  failed: { type: 'array', items: { type: 'string' }, maxItems: 100 },
                  passed: { type: 'array', items: { type: 'string' }, maxItems: 100 },
                },
              },
            },
          },
          capture: { type: 'object', additionalProperties: { type: 'string' }, description: 'name → a dotted path in the response body, header:<name>, sha256:body (the hex SHA-256 of the raw body bytes), or text:body (the whole body as text: an id answered as text/plain). "${name}" alone in a value gives the captured value itself (an array stays an array).' },
        },
        oneOf: [{ required: ['request'] }, { required: ['advanceMs'] }, { required: ['expect'], not: { anyOf: [{ required: ['request'] }, { required: ['advanceMs'] }] }, properties: { expect: { required: ['conformance'] } } }],
      },
    },
  };
}

/** Where a problem is: `line L, column C: ` when the source text is known. */
type Locate = (pointer: string, key?: string) => string;

const validators = new WeakMap<Catalog, ValidateFunction>();

function validatorFor(catalog: Catalog): ValidateFunction {
  let v = validators.get(catalog);
  if (!v) {
    const ajv = new Ajv2020({ strict: false, allErrors: true, verbose: true });
    addFormats(ajv);
    v = ajv.compile(scenarioSchema(catalog));
    validators.set(catalog, v);
  }
  return v;
}

const valueAt = (root: unknown, pointer: string): unknown =>
  pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((cur, seg) => (cur === null || typeof cur !== 'object' ? undefined : (cur as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')]), root);

function describe(e: ErrorObject, root: unknown): { what: string; key?: string } {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = p.additionalProperty as string;
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      return { what: `has an unknown field "${key}": ${suggest(key, allowed)}`, key };
    }
    case 'required':
      return { what: `needs "${p.missingProperty as string}"` };
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      const got = valueAt(root, e.instancePath);
      return { what: typeof got === 'string' ? `"${got}" is not valid: ${suggest(got, allowed)}` : `must be one of ${allowed.join(', ')}` };
    }
    case 'maxProperties':
    case 'minProperties':
      return { what: 'must have exactly one entry (see scenarios/README.md)' };
    case 'pattern':
      return { what: `must match ${p.pattern as string}` };
    default:
      return { what: e.message ?? 'is invalid' };
  }
}

/** Turns a path pattern (`/api/*`) into a concrete path a contract can match. */
const concrete = (pattern: string) => pattern.split('/').map((seg) => (seg === '*' ? 'x' : seg)).join('/');

/** The checks a schema cannot express: routes, outcomes per operation, exclusive fields. */
function meaning(s: Scenario, catalog: Catalog): { pointer: string; what: string }[] {
  const out: { pointer: string; what: string }[] = [];
  (s.faults ?? []).forEach((f, i) => {
    const sys = catalog.system(f.match.system)!;
    const m = f.match;
    const op = m.operation !== undefined ? sys.operations.find((o) => o.operationId === m.operation) : undefined;
    if (op && m.method !== undefined && m.method !== op.method) out.push({ pointer: `/faults/${i}/match/method`, what: `${m.operation} is ${op.method}, not ${m.method}` });
    if (m.path !== undefined) {
      const methods = m.method ? [m.method] : METHODS;
      const hits = methods.flatMap((x) => (sys.contract.match(x, concrete(m.path!)) ? [sys.contract.match(x, concrete(m.path!))!.op] : []));
      if (!hits.length) out.push({ pointer: `/faults/${i}/match/path`, what: `${m.path} matches no route of ${sys.id}: ${suggest(m.path, [...new Set(sys.operations.map((o) => o.path))])}` });
      else if (op && !hits.some((h) => h.operationId === op.operationId)) out.push({ pointer: `/faults/${i}/match/path`, what: `${m.path} is not a path of ${op.operationId} (${op.path})` });
    }
    if ('outcome' in f.action) {
      for (const name of Object.keys(f.action.outcome)) {
        const decl = sys.module.outcomes[name];
        if (!decl) continue; // the schema said so already
        if (m.operation === undefined) out.push({ pointer: `/faults/${i}/match`, what: `a forced outcome needs "operation": ${name} applies to ${decl.operations.join(', ')}` });
        else if (!decl.operations.includes(m.operation)) out.push({ pointer: `/faults/${i}/action/outcome/${name}`, what: `${name} applies to ${decl.operations.join(', ')}, not to ${m.operation}` });
      }
    }
    if ('latency' in f.action && f.action.latency.minMs !== undefined && f.action.latency.maxMs !== undefined && f.action.latency.minMs > f.action.latency.maxMs) {
      out.push({ pointer: `/faults/${i}/action/latency`, what: 'minMs is more than maxMs' });
    }
  });
  if (s.clock?.start !== undefined && !inTimeRange(Date.parse(s.clock.start))) {
    out.push({ pointer: '/clock/start', what: `must be between ${new Date(TIME_RANGE.minMs).toISOString()} and ${new Date(TIME_RANGE.maxMs).toISOString()}` });
  }
  (s.steps ?? []).forEach((st, i) => {
    const r = st.request;
    if (r && [r.body, r.bodyBase64, r.bodyFile].filter((x) => x !== undefined).length > 1) out.push({ pointer: `/steps/${i}/request`, what: 'give at most one of body, bodyBase64 and bodyFile' });
  });
  return out;
}

/** Checks a parsed scenario for the systems of a catalog; `source` names it in the problems (a file, "request body"). */
export function checkScenario(value: unknown, source: string, catalog: Catalog, locate: Locate = () => ''): Scenario {
  const validate = validatorFor(catalog);
  if (!validate(value)) {
    // oneOf/anyOf/if failures repeat every branch's complaint; keep the specific ones, once each.
    const problems = new Map<string, string>();
    for (const e of validate.errors ?? []) {
      if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if' || e.keyword === 'not') continue;
      // A branch of "timings" (instant | per system) that was not meant: report the object branch only.
      if (e.keyword === 'const' && /\/timings$/.test(e.instancePath)) continue;
      if (e.keyword === 'type' && /\/(timings|limits\/[^/]+)$/.test(e.instancePath)) continue;
      const { what, key } = describe(e, value);
      const where = e.instancePath || '/';
      problems.set(`${where} ${what}`, `${locate(e.instancePath, key)}${where}: ${what}`);
    }
    throw new ScenarioInvalid(source, problems.size ? [...problems.values()] : ['does not match the scenario schema']);
  }
  const s = value as Scenario;
  const wrong = meaning(s, catalog);
  if (wrong.length) throw new ScenarioInvalid(source, wrong.map((w) => `${locate(w.pointer)}${w.pointer}: ${w.what}`));
  return s;
}

/** Finds the YAML node at a JSON pointer (or the key node of `key` inside it) and says where it is. */
function locator(doc: Document, lines: LineCounter): Locate {
  return (pointer, key) => {
    let node: unknown = doc.contents;
    for (const seg of pointer.split('/').slice(1).map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'))) {
      if (isMap(node)) node = node.get(seg, true);
      else if (isSeq(node)) node = node.get(Number(seg), true);
      else break;
    }
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((it) => (it.key as { value?: unknown })?.value === key);
      if (pair?.key) node = pair.key;
    }
    const range = (node as YamlNode | undefined)?.range;
    if (!range) return '';
    const at = lines.linePos(range[0]);
    return `line ${at.line}, column ${at.col}: `;
  };
}

/** Parses YAML (or JSON) text; syntax errors and every later problem carry their line and column. */
export function parseScenario(text: string, source: string, catalog: Catalog): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ScenarioInvalid(
      source,
      doc.errors.map((e) => `line ${e.linePos?.[0].line ?? '?'}, column ${e.linePos?.[0].col ?? '?'}: ${e.message.split('\n')[0]}`),
    );
  }
  return checkScenario(doc.toJS({ maxAliasCount: 100 }), source, catalog, locator(doc, lines));
}

export function loadScenarioFile(file: string, catalog: Catalog): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioInvalid(file, [`cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
  }
  return parseScenario(text, file, catalog);
}

/** Merges scenario additions into a list of records by their key: a known key replaces the record, a new one is added. */
/** The JSON Schema of a list in a system's world overlay (merged by key with mergeByKey), bounded in length. */
export const overlayList = (item: object) => ({ type: 'array', maxItems: 10_000, items: item });

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
