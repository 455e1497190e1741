/**
 * The only file that reads process.env and argv, and the only one that listens. Settings are checked before
 * anything starts (core/settings.ts); `--help` lists them. Exit codes: 0 after SIGTERM/SIGINT, 1 when the server
 * cannot start (port in use, data directory locked or damaged), 2 for a wrong setting or scenario.
 */
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createApp, defaultCatalog } from './app.js';
import { monotonicMs } from './core/clock.js';
import { createLogger, flushLog, type Logger } from './core/log.js';
import { defaultOutboundHosts } from './core/outbound.js';
import { database, shownUrl } from './core/backends/postgres.js';
import { loadScenarioFile, ScenarioInvalid, type Scenario } from './core/scenario.js';
import { defaultAllowedHosts } from './core/security.js';
import { helpOf, parseSettings, SettingsInvalid, type Settings } from './core/settings.js';

const USAGE = `usage: node dist/simulator/main.js [--scenario <file>] [--help]   (npm start -- ...; npm run dev for sources)

Serves every emulated system and the control plane (/__sim) on one port (and, with SIM_PORTS, each system it names
at the real system's paths on a port of its own). Configuration is by environment:`;

function fail(message: string, code = 2): never {
  process.stderr.write(`simulator: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const catalog = defaultCatalog();
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n${helpOf(catalog)}\n`);
    return;
  }
  const unknownArg = argv.find((a, i) => a.startsWith('-') && a !== '--scenario' && argv[i - 1] !== '--scenario');
  if (unknownArg) fail(`unknown option ${unknownArg} (--help lists the options)`);
  const flag = argv.indexOf('--scenario');
  if (flag >= 0 && !argv[flag + 1]) fail('--scenario needs a file: --scenario scenarios/mcoi/happy-path.yaml');

  let settings: Settings;
  try {
    settings = parseSettings(process.env, catalog, { tty: process.stdout.isTTY, scenarioFlag: flag >= 0 ? argv[flag + 1] : undefined });
  } catch (e) {
    if (e instanceof SettingsInvalid) fail(`invalid settings:\n${e.problems.map((p) => `  ${p}`).join('\n')}`);
    throw e;
  }
  const log: Logger = createLogger({ level: settings.logLevel, format: settings.logFormat });
  // The start-up line (it carries the port tools wait for) and the stop lines show at every level but silent.
  const lifecycle: Logger = settings.logLevel === 'silent' ? log : log.child({}, { level: 'info' });
  for (const u of settings.unknown) log.warn(`${u}: not a setting of the simulator, ignored`);

  let scenario: Scenario | undefined;
  if (settings.scenarioFile) {
    try {
      scenario = loadScenarioFile(settings.scenarioFile, catalog);
    } catch (e) {
      if (e instanceof ScenarioInvalid) fail(e.message);
      throw e;
    }
  }

  if (settings.store.kind === 'postgres') await waitForDatabase(settings.store.url, lifecycle);
  const allowedHosts = settings.allowedHosts ?? defaultAllowedHosts();
  const security = { allowedHosts, control: settings.control, showSecrets: settings.showSecrets, outboundHosts: settings.outboundHosts ?? defaultOutboundHosts(allowedHosts) };
  const sim = await createApp({ scenario, maxWorlds: settings.maxWorlds, seed: settings.seed, store: settings.store, rateLimits: settings.rateLimits, conformance: settings.conformance, timings: settings.timings, profile: settings.profile, log, security });
  const seed = sim.store.meta().seed;
  const seedNote = settings.seedGiven && settings.seed !== seed && sim.store.restored ? ` (SIM_SEED=${settings.seed} ignored: the data directory keeps its seed; POST /__sim/reset {"seed": ${settings.seed}} changes it)` : '';

  const servers: Server[] = [];
  const cannotListen = (port: number, what: string) => (e: NodeJS.ErrnoException) => {
    const why =
      e.code === 'EADDRINUSE'
        ? `port ${port} on ${settings.host}${what} is already in use: stop the other process or set ${what ? 'SIM_PORTS' : 'PORT'}`
        : e.code === 'EACCES'
          ? `not allowed to listen on port ${port}${what} (ports below 1024 need privileges): set ${what ? 'SIM_PORTS' : 'PORT'}`
          : `cannot listen on ${settings.host}:${port}${what}: ${e.message}`;
    void sim.close().finally(() => fail(why, 1));
  };
  /** Listens; resolves with the port bound (0 takes a free one). `what` names a system's own port in errors. */
  const listen = (server: Server, port: number, what: string, clientError: (err: Error, socket: Duplex) => void) =>
    new Promise<number>((resolve) => {
      server.keepAliveTimeout = 5_000;
      server.on('clientError', clientError);
      server.on('error', cannotListen(port, what));
      server.listen(port, settings.host, () => {
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
      servers.push(server);
    });
  // Stopping is possible from here on, even before every port listens (a SIGTERM right after start).
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const t0 = monotonicMs();
    lifecycle.info(`simulator: ${signal}, closing`);
    for (const server of servers) {
      server.close();
      server.closeIdleConnections();
    }
    // Requests in flight get a moment; then connections are cut so the process exits well within a second.
    const force = setTimeout(() => servers.forEach((server) => server.closeAllConnections()), 500);
    force.unref();
    await sim.close();
    lifecycle.info(`simulator: stopped in ${Math.round(monotonicMs() - t0)} ms, state flushed`);
    flushLog(log, true);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  const ports = Object.entries(settings.ports);
  const [port, ...own] = await Promise.all([
    listen(createServer(sim.app), settings.port, '', sim.clientError),
    ...ports.map(([id, p]) => listen(createServer(sim.portListener(id)), p, ` (${id}'s own port)`, (err, socket) => sim.clientError(err, socket, id))),
  ]);
  const byPort = ports.map(([id], i) => ({ system: id, port: own[i], at: catalog.system(id)!.module.realBase || '/' }));
  const store = settings.store.kind === 'file' ? `file (${settings.store.dir}${sim.store.restored ? ', restored' : ', new'})` : settings.store.kind === 'postgres' ? `postgres (${shownUrl(settings.store.url)}${sim.store.restored ? ', restored' : ', new'})` : 'memory';
  lifecycle.info(
    { port, ports: Object.fromEntries(byPort.map((p) => [p.system, p.port])), pid: process.pid, systems: catalog.systems.map((s) => s.module.base), store: settings.store.kind, seed, scenario: scenario?.name, control: !settings.control.enabled ? 'off' : settings.control.token ? 'token' : 'open', allowedHosts: security.allowedHosts },
    `simulator listening on :${port} (pid ${process.pid}) — systems: ${catalog.systems.map((s) => s.module.base).join(', ')}${byPort.length ? ` — own ports: ${byPort.map((p) => `${p.system} :${p.port}${p.at}`).join(', ')}` : ''} — control: /__sim (dashboard at /__sim/ui, docs at /__sim/docs) — store: ${store} — seed ${seed}${seedNote}${scenario ? ` — scenario: ${scenario.name}` : ''}`,
  );
  flushLog(log); // whoever waits for this line sees it now

}

/**
 * A database that does not answer yet (started together with the simulator, restarting): waited for, saying so every
 * few seconds; one that answers but refuses (a wrong password, a schema newer than this code) is a failure at once.
 */
async function waitForDatabase(url: string, log: Logger): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const db = await database(url);
      await db.release();
      return;
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { code?: string };
      const transient = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', '57P03'].includes(String(err.code)) || /timeout|terminat|starting up/i.test(err.message);
      if (!transient) fail(`PostgreSQL at ${shownUrl(url)}: ${err.message}`, 1);
      if (attempt % 5 === 0) log.warn(`simulator: waiting for PostgreSQL at ${shownUrl(url)} (${err.message})`);
      flushLog(log);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

main().catch((e) => fail(`failed to start: ${e instanceof Error ? e.message : e}`, 1));
