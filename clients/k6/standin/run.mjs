#!/usr/bin/env node
// A small stand-in for k6, to keep the scripts of clients/k6 honest where k6 cannot be installed (CI): runs a script's
// setup, its default function ITERATIONS times (default: once per virtual user, VUS, one after another, each with
// its __VU and __ITER) and teardown, with k6's modules replaced by the stand-in's, then evaluates the script's
// thresholds on checks, http_req_failed and http_req_duration as k6 does. Exit 0 when every threshold holds, 99
// (k6's code) when one does not, 1 when the script throws.
//   node clients/k6/standin/run.mjs clients/k6/mcoi.js     (BASE_URL, VUS, ITERATIONS, K6_STANDIN_SLEEP_SCALE)
import { register } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

register('./hooks.mjs', import.meta.url);
const { metrics } = await import('./metrics.mjs');

const file = process.argv[2];
if (!file) {
  console.error('usage: node clients/k6/standin/run.mjs <script.js>');
  process.exit(2);
}
globalThis.__ENV = { ...process.env };
globalThis.__VU = 0;
globalThis.__ITER = 0;
const script = await import(pathToFileURL(resolve(file)).href);
const options = script.options ?? {};
const vus = Number(options.vus ?? 1);
const iterations = Number(process.env.ITERATIONS ?? options.iterations ?? vus);

function percentile(xs, p) {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** The value a threshold's expression reads: rate, p(N), avg, min, max, med, count. */
function value(metric, aggregate) {
  if (metric === 'checks' || metric === 'http_req_failed') {
    const m = metrics[metric];
    const total = m.passes + m.fails;
    if (aggregate === 'rate') return total ? m.passes / total : 0;
    if (aggregate === 'count') return total;
  }
  if (metric === 'http_req_duration') {
    const xs = metrics.http_req_duration;
    const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(aggregate);
    if (p) return percentile(xs, Number(p[1]));
    if (aggregate === 'avg') return xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
    if (aggregate === 'min') return Math.min(...xs);
    if (aggregate === 'max') return Math.max(...xs);
    if (aggregate === 'med') return percentile(xs, 50);
    if (aggregate === 'count') return xs.length;
  }
  throw new Error(`the k6 stand-in cannot evaluate ${metric}: ${aggregate}`);
}

const OPS = { '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b, '==': (a, b) => a === b, '===': (a, b) => a === b, '!=': (a, b) => a !== b };

let code = 0;
try {
  const data = script.setup ? script.setup() : undefined;
  for (let i = 0; i < iterations; i++) {
    globalThis.__VU = (i % vus) + 1;
    globalThis.__ITER = Math.floor(i / vus);
    script.default(data);
  }
  if (script.teardown) script.teardown(data);
} catch (e) {
  console.error(`${file}: ${e.stack ?? e}`);
  code = 1;
}

console.log(`${file}: ${iterations} iterations, ${metrics.requests} requests, checks ${metrics.checks.passes}/${metrics.checks.passes + metrics.checks.fails}`);
for (const [name, n] of metrics.checks.failed) console.log(`  ✗ ${name}: failed ${n}×`);
for (const [metric, exprs] of Object.entries(options.thresholds ?? {})) {
  for (const expr of exprs) {
    const m = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(typeof expr === 'string' ? expr : expr.threshold);
    if (!m) throw new Error(`the k6 stand-in cannot read the threshold ${JSON.stringify(expr)} of ${metric}`);
    const v = value(metric, m[1]);
    const ok = OPS[m[2]](v, Number(m[3]));
    console.log(`  ${ok ? '✓' : '✗'} ${metric}: ${m[1]}=${Math.round(v * 1000) / 1000} ${m[2]} ${m[3]}`);
    if (!ok && code === 0) code = 99;
  }
}
process.exit(code);
