/**
 * Runs a scenario's journey over HTTP against a simulator (in-process or `--url`): each step a request with
 * expectations and captures, or a clock advance. Results print as they go and render as JUnit XML for CI.
 *
 * @example
 * const results = await runJourney(scenario, 'http://127.0.0.1:8080', { activate: true, log: console.log });
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { monotonicMs } from '../core/clock.js';
import type { ConformanceExpectation, Scenario, Step } from '../core/scenario.js';

export interface StepResult {
  index: number;
  name: string;
  ok: boolean;
  skipped: boolean;
  ms: number;
  failures: string[];
}

const PREFIX: Record<string, string> = { control: '/__sim' };

function interpolate<T>(value: T, vars: Record<string, unknown>): T {
  if (typeof value === 'string') {
    const whole = /^\$\{([A-Za-z0-9_]+)\}$/.exec(value);
    if (whole && Object.hasOwn(vars, whole[1])) return vars[whole[1]] as T; // "${codes}" alone: the captured value itself
    return value.replace(/\$\{([A-Za-z0-9_]+)\}/g, (m, k: string) => (Object.hasOwn(vars, k) ? (typeof vars[k] === 'string' ? (vars[k] as string) : JSON.stringify(vars[k])) : m)) as T;
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, vars)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, vars)])) as T;
  return value;
}

/** `a.b.0.c` in a parsed body. */
export function pick(body: unknown, path: string): unknown {
  let cur: unknown = body;
  for (const seg of path.split('.')) {
    if (cur === null || cur === undefined) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function check(expected: unknown, actual: unknown, path: string): string | undefined {
  if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
    const m = expected as { exists?: boolean; contains?: string; length?: number };
    const keys = Object.keys(m);
    if (keys.length === 1 && keys[0] === 'exists') return (actual !== undefined) === m.exists ? undefined : `${path}: expected ${m.exists ? 'present' : 'absent'}, got ${JSON.stringify(actual)}`;
    if (keys.length === 1 && keys[0] === 'contains') return typeof actual === 'string' && actual.includes(String(m.contains)) ? undefined : `${path}: expected text containing ${JSON.stringify(m.contains)}, got ${JSON.stringify(actual)}`;
    if (keys.length === 1 && keys[0] === 'length') return Array.isArray(actual) && actual.length === m.length ? undefined : `${path}: expected ${m.length} items, got ${Array.isArray(actual) ? actual.length : JSON.stringify(actual)}`;
  }
  return JSON.stringify(expected) === JSON.stringify(actual) ? undefined : `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

function stepName(step: Step, i: number): string {
  if (step.name) return step.name;
  if (step.advanceMs !== undefined) return `advance the clock ${step.advanceMs} ms`;
  if (!step.request) return 'the client report card';
  return `${step.request.method} ${step.request.path}`;
}

/** The bytes a step sends: JSON, a string as it is, base64, or a file next to the scenario. */
function bodyOf(r: NonNullable<Step['request']>, dir: string): { bytes?: Buffer | string; json: boolean } {
  if (r.bodyBase64 !== undefined) return { bytes: Buffer.from(r.bodyBase64, 'base64'), json: false };
  if (r.bodyFile !== undefined) return { bytes: readFileSync(resolve(dir, r.bodyFile)), json: false };
  if (r.body === undefined) return { json: false };
  return typeof r.body === 'string' ? { bytes: r.body, json: false } : { bytes: JSON.stringify(encoded(r.body)), json: true };
}

/**
 * A JSON body with `{"$base64": value}` in it: that object becomes the base64 of the value (a string as it is,
 * anything else as its JSON) — so a document that carries a captured id can be written readably and still be sent
 * encoded, as the systems' document bodies are.
 */
function encoded(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(encoded);
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === '$base64') {
    const inner = encoded(o.$base64);
    return Buffer.from(typeof inner === 'string' ? inner : JSON.stringify(inner), 'utf8').toString('base64');
  }
  return Object.fromEntries(keys.map((k) => [k, encoded(o[k])]));
}

/** What the report card says against what a step expects of it. */
async function checkConformance(want: ConformanceExpectation, base: string): Promise<string[]> {
  const res = await fetch(`${base}/__sim/conformance${want.client ? `?client=${encodeURIComponent(want.client)}` : ''}`);
  if (res.status !== 200) return [`the report card answered ${res.status}`];
  const report = (await res.json()) as { clients: { client: string; rules: { rule: string; result: string; evidence: { note: string }[] }[] }[] };
  const who = want.client ? `clients matching ${JSON.stringify(want.client)}` : 'the clients';
  if (want.client && !report.clients.length) return [`conformance: no client matches ${JSON.stringify(want.client)}`];
  const rows = report.clients.flatMap((c) => c.rules.map((r) => ({ ...r, client: c.client })));
  const failures: string[] = [];
  if (want.failed) {
    const failed = [...new Set(rows.filter((r) => r.result === 'failed').map((r) => r.rule))].sort();
    if (JSON.stringify(failed) !== JSON.stringify([...want.failed].sort())) {
      const why = rows.filter((r) => r.result === 'failed').map((r) => `${r.rule} (${r.client}: ${r.evidence[0]?.note ?? ''})`);
      failures.push(`conformance: expected ${who} to fail ${JSON.stringify([...want.failed].sort())}, they failed ${JSON.stringify(failed)}${why.length ? `: ${why.join('; ')}` : ''}`);
    }
  }
  for (const rule of want.passed ?? []) if (!rows.some((r) => r.rule === rule && r.result === 'passed')) failures.push(`conformance: expected ${rule} passed for ${who}, it is ${rows.find((r) => r.rule === rule)?.result ?? 'not graded'}`);
  return failures;
}

async function runStep(step: Step, base: string, vars: Record<string, unknown>, dir: string): Promise<string[]> {
  const check = interpolate(step.expect?.conformance, vars);
  if (!step.request && step.advanceMs === undefined) return check ? checkConformance(check, base) : [];
  const failures = await exchangeStep(step, base, vars, dir);
  return check && !failures.length ? checkConformance(check, base) : failures;
}

async function exchangeStep(step: Step, base: string, vars: Record<string, unknown>, dir: string): Promise<string[]> {
  if (step.advanceMs !== undefined) {
    const res = await fetch(`${base}/__sim/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: step.advanceMs }) });
    return res.status === 200 ? [] : [`advancing the clock answered ${res.status}`];
  }
  const r = interpolate(step.request!, vars);
  const url = base + (r.system ? (PREFIX[r.system] ?? `/${r.system}`) : '') + r.path;
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  const body = bodyOf(r, dir);
  const typed = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
  if (body.bytes !== undefined && !typed) headers['content-type'] = body.json ? 'application/json' : typeof body.bytes === 'string' ? 'text/plain' : 'application/octet-stream';
  const e = interpolate(step.expect ?? {}, vars);
  let status: number;
  let bytes: Buffer;
  let resHeaders: Headers;
  try {
    const res = await fetch(url, { method: r.method, headers, body: typeof body.bytes === 'string' || body.bytes === undefined ? body.bytes : new Uint8Array(body.bytes) });
    status = res.status;
    resHeaders = res.headers;
    bytes = Buffer.from(await res.arrayBuffer());
  } catch (err) {
    return e.dropped ? [] : [`the connection failed: ${(err as Error).message}${(err as { cause?: Error }).cause ? ` (${(err as { cause: Error }).cause.message})` : ''}`];
  }
  const text = bytes.toString('utf8');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const failures: string[] = [];
  if (e.dropped) failures.push(`expected the connection to drop, got a complete ${status} answer`);
  if (e.status !== undefined && e.status !== status) failures.push(`status: expected ${e.status}, got ${status}: ${text.slice(0, 300)}`);
  let parsed: unknown = text;
  if (/json/.test(resHeaders.get('content-type') ?? '')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      failures.push('the body is not the JSON its content type says');
    }
  }
  for (const [h, v] of Object.entries(e.headers ?? {})) if (!(resHeaders.get(h) ?? '').includes(v)) failures.push(`header ${h}: expected to contain ${JSON.stringify(v)}, got ${JSON.stringify(resHeaders.get(h))}`);
  for (const [path, expected] of Object.entries(e.body ?? {})) {
    const f = check(expected, pick(parsed, path), path);
    if (f) failures.push(f);
  }
  if (e.text !== undefined && !text.includes(e.text)) failures.push(`body: expected to contain ${JSON.stringify(e.text)}`);
  if (e.sha256 !== undefined && e.sha256 !== sha256) failures.push(`body: expected SHA-256 ${e.sha256}, got ${sha256} (${bytes.length} bytes)`);
  for (const [name, path] of Object.entries(step.capture ?? {})) {
    const v = path === 'sha256:body' ? sha256 : path === 'text:body' ? text : path.startsWith('header:') ? resHeaders.get(path.slice(7)) : pick(parsed, path);
    if (v === undefined || v === null) failures.push(`capture ${name}: nothing at ${path}`);
    else vars[name] = v;
  }
  return failures;
}

/** `dir` resolves the steps' bodyFile (the scenario file's folder). */
export async function runJourney(scenario: Scenario, base: string, opts: { activate: boolean; log?: (line: string) => void; dir?: string }): Promise<StepResult[]> {
  const log = opts.log ?? (() => undefined);
  if (opts.activate) {
    const res = await fetch(`${base}/__sim/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenario }) });
    if (res.status !== 200) throw new Error(`activating ${scenario.name} at ${base} answered ${res.status}: ${await res.text()}`);
  }
  const vars: Record<string, unknown> = {};
  const results: StepResult[] = [];
  let failed = false;
  for (const [i, step] of (scenario.steps ?? []).entries()) {
    const name = stepName(step, i);
    if (failed) {
      results.push({ index: i + 1, name, ok: false, skipped: true, ms: 0, failures: [] });
      log(`  - ${i + 1}. ${name} (skipped)`);
      continue;
    }
    const t0 = monotonicMs();
    let failures: string[] = [];
    for (let n = 1; n <= (step.repeat ?? 1) && !failures.length; n++) {
      failures = await runStep(step, base, vars, opts.dir ?? process.cwd());
      if (failures.length && step.repeat) failures = failures.map((f) => `request ${n} of ${step.repeat}: ${f}`);
    }
    const ms = Math.round(monotonicMs() - t0);
    results.push({ index: i + 1, name, ok: failures.length === 0, skipped: false, ms, failures });
    log(`  ${failures.length ? '✗' : '✓'} ${i + 1}. ${name} (${ms} ms)${failures.map((f) => `\n      ${f}`).join('')}`);
    failed = failures.length > 0;
  }
  return results;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** JUnit XML, one testsuite per scenario and one testcase per step. */
export function junitXml(runs: { scenario: Scenario; file: string; results: StepResult[]; error?: string }[]): string {
  const suites = runs.map(({ scenario, file, results, error }) => {
    const failures = results.filter((r) => !r.ok && !r.skipped).length + (error ? 1 : 0);
    const skipped = results.filter((r) => r.skipped).length;
    const time = results.reduce((t, r) => t + r.ms, 0) / 1000;
    const cases = results.map((r) => {
      const name = xml(`${String(r.index).padStart(2, '0')}. ${r.name}`);
      const head = `    <testcase classname="${xml(scenario.name)}" name="${name}" time="${(r.ms / 1000).toFixed(3)}"`;
      if (r.skipped) return `${head}><skipped/></testcase>`;
      if (!r.ok) return `${head}><failure message="${xml(r.failures[0] ?? 'failed')}">${xml(r.failures.join('\n'))}</failure></testcase>`;
      return `${head}/>`;
    });
    if (error) cases.push(`    <testcase classname="${xml(scenario.name)}" name="scenario" time="0"><error message="${xml(error.split('\n')[0])}">${xml(error)}</error></testcase>`);
    return `  <testsuite name="${xml(scenario.name)}" file="${xml(file)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${time.toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`;
}
