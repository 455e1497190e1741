// The stand-in's `k6` module: check, group, sleep, fail — as k6 defines them.
import { metrics } from './metrics.mjs';

export function check(value, checks) {
  let all = true;
  for (const [name, fn] of Object.entries(checks)) {
    let ok = false;
    try {
      ok = !!fn(value);
    } catch {
      ok = false;
    }
    if (ok) metrics.checks.passes++;
    else {
      metrics.checks.fails++;
      metrics.checks.failed.set(name, (metrics.checks.failed.get(name) ?? 0) + 1);
      all = false;
    }
  }
  return all;
}

export function group(_name, fn) {
  return fn();
}

/** Seconds, scaled by K6_STANDIN_SLEEP_SCALE (the smoke run sets 0: the simulator runs with SIM_TIMINGS=instant). */
export function sleep(seconds) {
  const ms = seconds * 1000 * Number(process.env.K6_STANDIN_SLEEP_SCALE ?? 1);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function fail(message) {
  throw new Error(`fail: ${message}`);
}

export default { check, group, sleep, fail };
