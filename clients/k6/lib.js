// Shared by the k6 scripts: the simulator's base URL, the load shape, thresholds, and a poll that waits as the
// simulator's report card advises (once a second; POLL_SECONDS to change it).
import { sleep } from 'k6';

/** The simulator, without a trailing slash (BASE_URL; default the container's http://localhost:8080). */
export const BASE = (__ENV.BASE_URL || 'http://localhost:8080').replace(/\/+$/, '');

/** VUS virtual users for DURATION (default 5 users, 30 s), or ITERATIONS iterations shared among them. */
export function loadOptions(extraThresholds = {}) {
  const vus = Number(__ENV.VUS || 5);
  const shape = __ENV.ITERATIONS ? { vus, iterations: Number(__ENV.ITERATIONS) } : { vus, duration: __ENV.DURATION || '30s' };
  return {
    ...shape,
    thresholds: {
      // Every check holds, no request fails, and the simulator answers fast.
      checks: ['rate==1.0'],
      http_req_failed: ['rate<0.01'],
      http_req_duration: [`p(95)<${Number(__ENV.P95_MS || 500)}`],
      ...extraThresholds,
    },
  };
}

export const json = { headers: { 'Content-Type': 'application/json' } };
export const bearer = (token) => ({ headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` } });

/**
 * Reads `read()` until `done(response)` or `tries` reads; waits POLL_SECONDS (default 1, the advised interval)
 * between reads. Returns the last response.
 */
export function poll(read, done, tries = 30) {
  let res = read();
  for (let i = 1; i < tries && !done(res); i++) {
    sleep(Number(__ENV.POLL_SECONDS || 1));
    res = read();
  }
  return res;
}
