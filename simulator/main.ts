/**
 * The only file that reads process.env and argv, and the only one that listens.
 *
 * Environment: PORT (8080), HOST (0.0.0.0), SIM_DATA_DIR (./.sim-data), SIM_STORE (file | memory), SIM_SEED (1),
 * SIM_RATE_LIMITS (on | off), SIM_TIMINGS (instant | JSON such as {"mcoi":{"orderReadyMs":7200000}}),
 * SIM_MCOI_PERMISSION_STATUS (403 | 400), SIM_LOG_LEVEL (info | debug | silent), SIM_SCENARIO (a scenario file).
 * Argument: --scenario <file> (wins over SIM_SCENARIO).
 */
import type { Server } from 'node:http';
import { createApp } from './app.js';
import { monotonicMs } from './core/clock.js';
import { loadScenarioFile, ScenarioInvalid, type Scenario } from './core/scenario.js';

function parseTimings(raw: string | undefined): Record<string, Record<string, number>> {
  if (!raw) return {};
  if (raw === 'instant') return { '*': { all: 0 } };
  try {
    return JSON.parse(raw) as Record<string, Record<string, number>>;
  } catch {
    throw new Error(`SIM_TIMINGS must be "instant" or JSON like {"mcoi":{"orderReadyMs":5000}}, got ${raw}`);
  }
}

function fail(message: string): never {
  console.error(`simulator: ${message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const env = process.env;
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number, got ${env.PORT}`);
  const seed = Number(env.SIM_SEED ?? 1);
  if (!Number.isInteger(seed)) fail(`SIM_SEED must be an integer, got ${env.SIM_SEED}`);
  const storeKind = env.SIM_STORE ?? 'file';
  if (storeKind !== 'file' && storeKind !== 'memory') fail(`SIM_STORE must be "file" or "memory", got ${storeKind}`);
  const rateLimits = (env.SIM_RATE_LIMITS ?? 'on').toLowerCase();
  if (!['on', 'off'].includes(rateLimits)) fail(`SIM_RATE_LIMITS must be "on" or "off", got ${env.SIM_RATE_LIMITS}`);
  const permission = env.SIM_MCOI_PERMISSION_STATUS;
  if (permission !== undefined && !['400', '403'].includes(permission)) fail(`SIM_MCOI_PERMISSION_STATUS must be 400 or 403`);
  const logLevel = env.SIM_LOG_LEVEL ?? 'info';
  let timings: Record<string, Record<string, number>>;
  try {
    timings = parseTimings(env.SIM_TIMINGS);
  } catch (e) {
    fail((e as Error).message);
  }

  const argv = process.argv.slice(2);
  const flag = argv.indexOf('--scenario');
  const scenarioFile = flag >= 0 ? argv[flag + 1] : env.SIM_SCENARIO;
  if (flag >= 0 && !scenarioFile) fail('--scenario needs a file: --scenario scenarios/mcoi/happy-path.yaml');
  let scenario: Scenario | undefined;
  if (scenarioFile) {
    try {
      scenario = loadScenarioFile(scenarioFile);
    } catch (e) {
      if (e instanceof ScenarioInvalid) fail(e.message);
      throw e;
    }
  }

  const sim = await createApp({
    scenario,
    seed,
    store: storeKind === 'memory' ? { kind: 'memory' } : { kind: 'file', dir: env.SIM_DATA_DIR ?? './.sim-data' },
    rateLimits: rateLimits === 'on',
    timings,
    profile: permission ? { mcoi: { permissionDeniedStatus: Number(permission) } } : {},
  });

  const server: Server = sim.app.listen(port, env.HOST ?? '0.0.0.0', () => {
    if (logLevel !== 'silent') {
      const addr = server.address();
      const shown = typeof addr === 'object' && addr ? addr.port : port;
      console.log(
        `simulator listening on :${shown} — systems: /mcoi, /id-issuer — control: /__sim (docs at /__sim/docs) — store: ${storeKind}${storeKind === 'file' ? ` (${env.SIM_DATA_DIR ?? './.sim-data'})` : ''}${scenario ? ` — scenario: ${scenario.name}` : ''}`,
      );
    }
  });
  server.keepAliveTimeout = 5_000;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const t0 = monotonicMs();
    if (logLevel !== 'silent') console.log(`simulator: ${signal}, closing`);
    server.close();
    server.closeIdleConnections();
    // Requests in flight get a moment; then connections are cut so the process exits well within a second.
    const force = setTimeout(() => server.closeAllConnections(), 500);
    force.unref();
    await sim.close();
    if (logLevel !== 'silent') console.log(`simulator: stopped in ${Math.round(monotonicMs() - t0)} ms, state flushed`);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e) => {
  console.error('simulator: failed to start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
