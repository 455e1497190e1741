/**
 * The simulator as a real process (simulator/main.ts under tsx), for what only a process shows: restarts, SIGTERM,
 * SIGKILL, exit codes, the start-up line. Every response read through `call` is checked against the contracts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { checkContract } from './helpers.js';

export interface Running {
  child: ChildProcess;
  base: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
}

const MAIN = join(PROJECT_ROOT, 'simulator', 'main.ts');

/** Spawns main.ts; the promise settles with the process when it exits (for the failure cases). */
export function spawnMain(env: Record<string, string>, args: string[] = []): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, SIM_LOG_LEVEL: 'info', SIM_LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

/** Starts main.ts on an ephemeral port of 127.0.0.1 and resolves once it listens. */
export async function startServer(env: Record<string, string>, args: string[] = []): Promise<Running> {
  const { child, output } = spawnMain({ PORT: '0', HOST: '127.0.0.1', ...env }, args);
  // A data listener, not `for await`: leaving that loop would destroy the child's stdout (EPIPE on its next log).
  return new Promise((resolve, reject) => {
    const onData = () => {
      const m = /listening on :(\d+)/.exec(output());
      if (m) {
        child.stdout!.off('data', onData);
        resolve({ child, base: `http://127.0.0.1:${m[1]}`, output });
      }
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`the simulator exited (${code}) before listening:\n${output()}`)));
  });
}

/** Stops a server with a signal and resolves with its exit code (null when killed). */
export async function stop(s: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return s.child.exitCode;
  s.child.kill(signal);
  const [code] = (await once(s.child, 'exit')) as [number | null];
  return code;
}

/** A contract check over every response of a test file; register once per file. */
export function contractViolations(): string[] {
  const violations: string[] = [];
  afterAll(() => expect(violations, 'responses that break the OpenAPI contract').toEqual([]));
  return violations;
}

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

/** fetch with JSON in and out; the response is checked against the contract of the system that answered. */
export async function call(
  violations: string[],
  base: string,
  method: string,
  path: string,
  /** body: JSON unless contentType says otherwise (then sent as the string it is); form: multipart/form-data fields. */
  /** as: the path the contracts know the call by, when it differs (a system's own port: '/mcoi' + path). */
  opts: { body?: unknown; token?: string; headers?: Record<string, string>; contentType?: string; form?: Record<string, string>; as?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let payload: string | FormData | undefined = opts.body === undefined ? undefined : opts.contentType ? String(opts.body) : JSON.stringify(opts.body);
  if (opts.form) {
    payload = new FormData();
    for (const [k, v] of Object.entries(opts.form)) payload.append(k, v);
  }
  const res = await fetch(base + path, { method, headers, body: payload });
  const text = await res.text();
  const body = /json/.test(res.headers.get('content-type') ?? '') && text ? JSON.parse(text) : text;
  checkContract(violations, method, opts.as ?? path, res.status, res.headers.get('content-type') ?? undefined, body, Object.fromEntries(res.headers));
  return { status: res.status, body, headers: res.headers };
}
