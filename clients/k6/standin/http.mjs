// The stand-in's `k6/http`: get, post, put, del, request — synchronous, as in k6 (a worker thread fetches while this
// thread waits). A response has status, body (text, or an ArrayBuffer with responseType 'binary'), headers
// (canonical names), json(path) with k6's dotted GJSON paths (`a.0.b`), timings.duration and error.
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { metrics } from './metrics.mjs';

const { port1, port2 } = new MessageChannel();
const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: { port: port2 }, transferList: [port2] });
worker.unref();
port1.unref();

const canonical = (h) => h.replace(/(^|-)([a-z])/g, (_, d, c) => d + c.toUpperCase());

function pick(value, path) {
  if (path === undefined) return value;
  let v = value;
  for (const k of String(path).split('.')) {
    if (v === null || v === undefined) return undefined;
    v = v[k];
  }
  return v;
}

export function request(method, url, body, params = {}) {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const headers = { ...(params.headers ?? {}) };
  const sent = body === null || body === undefined ? undefined : typeof body === 'string' ? body : new URLSearchParams(body).toString();
  port1.postMessage({ flag, method, url, body: sent, headers });
  if (Atomics.wait(flag, 0, 0, 65_000) === 'timed-out') throw new Error(`${method} ${url}: no answer in 65 s`);
  const r = receiveMessageOnPort(port1).message;
  metrics.requests++;
  metrics.http_req_duration.push(r.ms);
  // k6's default: a status of 200–399 is expected, anything else (or no answer) a failed request.
  if (r.status >= 200 && r.status < 400) metrics.http_req_failed.fails++;
  else metrics.http_req_failed.passes++;
  const text = Buffer.from(r.body).toString('utf8');
  let parsed;
  return {
    status: r.status,
    error: r.error ?? '',
    url,
    body: params.responseType === 'binary' ? new Uint8Array(r.body).buffer : text,
    headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [canonical(k), v])),
    timings: { duration: r.ms },
    json(path) {
      parsed ??= JSON.parse(text);
      return pick(parsed, path);
    },
  };
}

export const get = (url, params) => request('GET', url, null, params);
export const post = (url, body, params) => request('POST', url, body, params);
export const put = (url, body, params) => request('PUT', url, body, params);
export const patch = (url, body, params) => request('PATCH', url, body, params);
export const del = (url, body, params) => request('DELETE', url, body, params);
export default { request, get, post, put, patch, del };
