/**
 * The simulator's settings from the environment, checked before anything starts: every SIM_* value is validated,
 * and a wrong one is a start-up error naming the valid values (a typo in a timing name, an unknown log level).
 * The variables of each system's profile switches come from its declarations (catalog), not from this file.
 *
 * @example
 * const s = parseSettings(process.env, catalog, { tty: process.stdout.isTTY }); // throws SettingsInvalid
 */
import { defaultOutboundHosts, outboundPolicy } from './outbound.js';
import type { Timing } from './progression.js';
import { suggest, type Catalog } from './catalog.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './log.js';

export interface Settings {
  port: number;
  /** Systems also served at the root of a port of their own, with the real system's path layout (SIM_PORTS). */
  ports: Record<string, number>;
  host: string;
  /** At most this many worlds besides the default one (SIM_MAX_WORLDS). */
  maxWorlds: number;
  store: { kind: 'memory' } | { kind: 'file'; dir: string } | { kind: 'postgres'; url: string };
  seed: number;
  /** Whether SIM_SEED was given (an existing data directory keeps its own seed: the start-up line says so). */
  seedGiven: boolean;
  rateLimits: boolean;
  /** Whether clients are graded (the report card, GET /__sim/conformance). */
  conformance: boolean;
  timings: Record<string, Record<string, Timing>>;
  profile: Record<string, Record<string, unknown>>;
  logLevel: LogLevel;
  logFormat: LogFormat;
  scenarioFile?: string;
  /** Host names answered to (undefined: the machine's own, main.ts works them out), or '*'. */
  allowedHosts?: '*' | string[];
  /** Hosts the simulator may send to by itself (undefined: loopback and the allowed hosts), or '*'. */
  outboundHosts?: '*' | string[];
  control: { enabled: boolean; token?: string };
  showSecrets: boolean;
  /** SIM_* variables that are not settings (said at start-up, not fatal). */
  unknown: string[];
}

/** One environment variable: its default and meaning, as the README's configuration table lists it. */
export interface Variable {
  name: string;
  default: string;
  meaning: string;
}

/** The variables core reads (each system's switches add theirs: see `variablesOf`). */
export const CORE_VARIABLES: readonly Variable[] = [
  { name: 'PORT', default: '8080', meaning: 'port to listen on' },
  { name: 'HOST', default: '0.0.0.0', meaning: 'address to listen on' },
  { name: 'SIM_PORTS', default: '', meaning: "systems also served on a port of their own at the real system's paths: <system>=<port>, comma-separated (0: any free port)" },
  { name: 'SIM_MAX_WORLDS', default: '100', meaning: 'at most this many worlds besides the default one (POST /__sim/worlds; 0: none)' },
  { name: 'SIM_DATA_DIR', default: './.sim-data', meaning: 'where state is persisted (db.json and blobs/)' },
  { name: 'SIM_STORE', default: 'file', meaning: 'file, memory (nothing kept between runs), or a PostgreSQL URL postgres://user:password@host:5432/db (PG* variables fill in what it leaves out)' },
  { name: 'SIM_SEED', default: '1', meaning: 'seed of every id, serial and code (for a new data directory)' },
  { name: 'SIM_RATE_LIMITS', default: 'on', meaning: 'on, or off: the documented request-rate limits' },
  { name: 'SIM_CONFORMANCE', default: 'on', meaning: 'on, or off: the client report card (GET /__sim/conformance) grades nothing' },
  { name: 'SIM_TIMINGS', default: '', meaning: 'instant, or JSON of processing delays per system' },
  { name: 'SIM_LOG_LEVEL', default: 'info', meaning: 'silent, error, warn, info (a line per request) or debug (with bodies); the start-up line shows unless silent' },
  { name: 'SIM_LOG_FORMAT', default: 'pretty on a terminal, else json', meaning: 'json or pretty' },
  { name: 'SIM_SCENARIO', default: '', meaning: 'a scenario file active from the start' },
  { name: 'SIM_ALLOWED_HOSTS', default: "this machine's names and addresses", meaning: 'host names (comma-separated) the simulator answers to, or * for any' },
  { name: 'SIM_OUTBOUND_HOSTS', default: 'loopback and SIM_ALLOWED_HOSTS', meaning: 'hosts (comma-separated) the simulator may send requests to by itself (an ERP), or * for any' },
  { name: 'SIM_CONTROL', default: 'on', meaning: 'on, or off: only /__sim/health answers' },
  { name: 'SIM_CONTROL_TOKEN', default: '', meaning: 'when set, /__sim (but health and docs) needs Authorization: Bearer <token>' },
  { name: 'SIM_JOURNAL_SECRETS', default: 'hide', meaning: 'hide, or show: passwords, tokens and Authorization headers in the journal and debug logs' },
];

/** Every variable the simulator reads for the systems of a catalog. */
export function variablesOf(catalog: Catalog): Variable[] {
  const switches = catalog.systems.flatMap((s) =>
    Object.values(s.module.switches).map((w) => ({ name: w.env, default: String(w.default), meaning: `${[...w.values, ...(w.pattern ? [`a value matching ${w.pattern}`] : [])].join(' or ')}: ${w.description}` })),
  );
  return [...CORE_VARIABLES, ...switches];
}

export class SettingsInvalid extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'SettingsInvalid';
  }
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[], fallback: T, problems: string[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = raw.toLowerCase() as T;
  if (values.includes(v)) return v;
  problems.push(`${name}=${raw} is not a valid value: ${suggest(raw, values)}`.replace(': (', ' ('));
  return fallback;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (/^\d+$/.test(raw.trim()) && Number.isSafeInteger(n) && n >= min && n <= max) return n;
  problems.push(`${name}=${raw} must be a whole number from ${min} to ${max}`);
  return fallback;
}

/** SIM_TIMINGS: "instant", or {"<system>": {"<timing>": ms}} with the systems' own timing names. */
function parseTimings(raw: string | undefined, catalog: Catalog, problems: string[]): Record<string, Record<string, Timing>> {
  if (raw === undefined || raw.trim() === '') return {};
  if (raw.trim() === 'instant') return { '*': { all: 0 } };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    problems.push(`SIM_TIMINGS must be "instant" or JSON like {"${catalog.ids[0] ?? 'system'}":{"${Object.keys(catalog.systems[0]?.module.timings ?? { someMs: 0 })[0]}":5000}}, got ${raw}`);
    return {};
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    problems.push('SIM_TIMINGS must be a JSON object of systems');
    return {};
  }
  const out: Record<string, Record<string, Timing>> = {};
  for (const [id, timings] of Object.entries(value as Record<string, unknown>)) {
    const sys = catalog.system(id);
    if (!sys) {
      problems.push(`SIM_TIMINGS names no system "${id}": ${suggest(id, catalog.ids)}`);
      continue;
    }
    if (!timings || typeof timings !== 'object' || Array.isArray(timings)) {
      problems.push(`SIM_TIMINGS.${id} must be an object of timings`);
      continue;
    }
    const names = Object.keys(sys.module.timings);
    out[id] = {};
    for (const [name, ms] of Object.entries(timings as Record<string, unknown>)) {
      const polls = (ms as { afterPolls?: unknown } | null)?.afterPolls;
      const pollsOk = sys.module.timings[name]?.polls === true;
      if (!names.includes(name)) problems.push(`SIM_TIMINGS.${id} has no timing "${name}": ${suggest(name, names)}`);
      else if (pollsOk && typeof ms === 'object' && ms !== null && Object.keys(ms).length === 1 && Number.isSafeInteger(polls) && (polls as number) >= 1 && (polls as number) <= 1_000_000) out[id][name] = { afterPolls: polls as number };
      else if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0 || ms > 31_536_000_000) problems.push(`SIM_TIMINGS.${id}.${name} must be whole milliseconds from 0 to a year${pollsOk ? ', or {"afterPolls": N} with N from 1 to 1,000,000' : ''}, got ${JSON.stringify(ms)}`);
      else out[id][name] = ms;
    }
  }
  return out;
}

/** SIM_PORTS: "<system>=<port>,…" — each system at most once, each port once and not the main one (0: any free port). */
function parsePorts(raw: string | undefined, main: number, catalog: Catalog, problems: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (raw === undefined || raw.trim() === '') return out;
  const taken = new Map<number, string>([[main, 'PORT']]);
  for (const part of raw.split(',')) {
    const m = /^\s*([^=\s]+)\s*=\s*(\d{1,5})\s*$/.exec(part);
    if (!m) {
      problems.push(`SIM_PORTS must be <system>=<port> pairs, comma-separated (${catalog.ids.map((id, i) => `${id}=${8081 + i}`).join(',')}), got ${JSON.stringify(part.trim())}`);
      continue;
    }
    const [, id, text] = m;
    const port = Number(text);
    if (!catalog.system(id)) problems.push(`SIM_PORTS names no system "${id}": ${suggest(id, catalog.ids)}`);
    else if (id in out) problems.push(`SIM_PORTS gives ${id} two ports`);
    else if (port > 65535) problems.push(`SIM_PORTS: ${id}=${text} must be a port from 0 (any free one) to 65535`);
    else if (port !== 0 && taken.has(port)) problems.push(`SIM_PORTS: port ${port} of ${id} is already ${taken.get(port) === 'PORT' ? 'the main port (PORT)' : `${taken.get(port)}'s`}`);
    else {
      out[id] = port;
      taken.set(port, id);
    }
  }
  return out;
}

/** Reads and checks every setting; all problems at once, so one start-up says everything that is wrong. */
export function parseSettings(env: NodeJS.ProcessEnv, catalog: Catalog, opts: { tty?: boolean; scenarioFlag?: string } = {}): Settings {
  const problems: string[] = [];
  const port = integer(env, 'PORT', 8080, 0, 65535, problems);
  const ports = parsePorts(env.SIM_PORTS, port, catalog, problems);
  const host = env.HOST?.trim() || '0.0.0.0';
  const maxWorlds = integer(env, 'SIM_MAX_WORLDS', 100, 0, 10_000, problems);
  const storeRaw = env.SIM_STORE?.trim() ?? '';
  const postgres = /^postgres(ql)?:\/\//i.test(storeRaw);
  if (postgres) {
    try {
      new URL(storeRaw);
    } catch {
      problems.push('SIM_STORE is not a valid PostgreSQL URL: postgres://user:password@host:5432/db');
    }
  }
  const storeKind = postgres ? 'postgres' : oneOf(env, 'SIM_STORE', ['file', 'memory'] as const, 'file', problems);
  const seed = integer(env, 'SIM_SEED', 1, 0, 0xffffffff, problems);
  const rateLimits = oneOf(env, 'SIM_RATE_LIMITS', ['on', 'off'] as const, 'on', problems) === 'on';
  const conformance = oneOf(env, 'SIM_CONFORMANCE', ['on', 'off'] as const, 'on', problems) === 'on';
  const timings = parseTimings(env.SIM_TIMINGS, catalog, problems);
  const logLevel = oneOf(env, 'SIM_LOG_LEVEL', LOG_LEVELS, 'info', problems);
  const logFormat = oneOf(env, 'SIM_LOG_FORMAT', LOG_FORMATS, opts.tty ? 'pretty' : 'json', problems);
  const profile: Record<string, Record<string, unknown>> = {};
  for (const s of catalog.systems) {
    for (const [name, w] of Object.entries(s.module.switches)) {
      const raw = env[w.env];
      if (raw === undefined || raw === '') continue;
      const value = w.values.find((v) => String(v) === raw.trim()) ?? (w.pattern && new RegExp(w.pattern).test(raw.trim()) ? raw.trim() : undefined);
      if (value === undefined) problems.push(`${w.env}=${raw} is not a valid value (one of: ${w.values.join(', ')}${w.pattern ? `, or a value matching ${w.pattern}` : ''})`);
      else (profile[s.id] ??= {})[name] = value;
    }
  }
  const control = oneOf(env, 'SIM_CONTROL', ['on', 'off'] as const, 'on', problems) === 'on';
  const token = env.SIM_CONTROL_TOKEN;
  if (token !== undefined && token !== '' && (token.length < 16 || /\s/.test(token))) problems.push('SIM_CONTROL_TOKEN must be at least 16 characters, without spaces');
  const showSecrets = oneOf(env, 'SIM_JOURNAL_SECRETS', ['hide', 'show'] as const, 'hide', problems) === 'show';
  let allowedHosts: Settings['allowedHosts'];
  const hosts = env.SIM_ALLOWED_HOSTS?.trim();
  if (hosts === '*') allowedHosts = '*';
  else if (hosts) {
    allowedHosts = hosts.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
    const bad = allowedHosts.filter((h) => !/^[a-z0-9.\-:]+$/.test(h));
    if (bad.length || !allowedHosts.length) problems.push(`SIM_ALLOWED_HOSTS must be host names or addresses, comma-separated (or *), got ${hosts}`);
  }
  let outboundHosts: Settings['outboundHosts'];
  const out = env.SIM_OUTBOUND_HOSTS?.trim();
  if (out === '*') outboundHosts = '*';
  else if (out) {
    outboundHosts = out.split(',').map((h) => h.trim().toLowerCase().replace(/^\[|\]$/g, '')).filter(Boolean);
    if (outboundHosts.some((h) => !/^[a-z0-9.\-:]+$/.test(h)) || !outboundHosts.length) problems.push(`SIM_OUTBOUND_HOSTS must be host names or addresses, comma-separated (or *), got ${out}`);
  }
  // A switch whose value is a URL the simulator sends to (an ERP) must name an allowed host.
  const policy = outboundPolicy(outboundHosts ?? defaultOutboundHosts(allowedHosts ?? []));
  for (const sys of catalog.systems) {
    for (const [name, w] of Object.entries(sys.module.switches)) {
      const v = profile[sys.id]?.[name];
      if (!w.url || typeof v !== 'string' || w.values.includes(v)) continue;
      const why = policy.refusal(v);
      if (why) problems.push(`${w.env}=${v}: ${why}`);
    }
  }
  const known = new Set(variablesOf(catalog).map((v) => v.name));
  const unknown = Object.keys(env).filter((k) => k.startsWith('SIM_') && !known.has(k));
  if (problems.length) throw new SettingsInvalid(problems);
  const scenarioFile = opts.scenarioFlag ?? (env.SIM_SCENARIO?.trim() || undefined);
  return {
    port,
    ports,
    host,
    maxWorlds,
    store: storeKind === 'postgres' ? { kind: 'postgres', url: storeRaw } : storeKind === 'memory' ? { kind: 'memory' } : { kind: 'file', dir: env.SIM_DATA_DIR?.trim() || './.sim-data' },
    seed,
    seedGiven: env.SIM_SEED !== undefined && env.SIM_SEED !== '',
    rateLimits,
    conformance,
    timings,
    profile,
    logLevel,
    logFormat,
    scenarioFile,
    allowedHosts,
    outboundHosts,
    control: { enabled: control, ...(token ? { token } : {}) },
    showSecrets,
    unknown: unknown.map((k) => `${k} ${suggest(k, [...known].filter((n) => n.startsWith('SIM_')))}`),
  };
}

/** The variables as lines for --help. */
export function helpOf(catalog: Catalog): string {
  const vars = variablesOf(catalog);
  const width = Math.max(...vars.map((v) => v.name.length));
  return vars.map((v) => `  ${v.name.padEnd(width)}  ${v.meaning}${v.default ? ` (default ${v.default})` : ''}`).join('\n');
}
