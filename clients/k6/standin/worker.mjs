// Runs the stand-in's HTTP requests (fetch) for the script's thread, which waits on a shared flag: k6's http calls
// are synchronous, Node's are not.
import { workerData } from 'node:worker_threads';

const { port } = workerData;
port.on('message', async ({ flag, method, url, body, headers }) => {
  const t0 = performance.now();
  let out;
  try {
    const res = await fetch(url, { method, headers, body: body ?? undefined, redirect: 'manual', signal: AbortSignal.timeout(60_000) });
    const buf = Buffer.from(await res.arrayBuffer());
    out = { status: res.status, headers: Object.fromEntries(res.headers), body: buf, ms: performance.now() - t0 };
  } catch (e) {
    out = { status: 0, headers: {}, body: Buffer.alloc(0), error: String(e.cause?.code ?? e.message), ms: performance.now() - t0 };
  }
  port.postMessage(out);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
