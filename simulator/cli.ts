#!/usr/bin/env node
/**
 * The simulator's command line: `run` runs scenario journeys; the other verbs (control/commands.ts) drive a running
 * simulator through its control plane.
 *
 *   run <scenario.yaml...> [--url http://host:port] [--world new] [--parallel N] [--junit report.xml]
 *     Runs each scenario's journey — against a fresh in-process simulator per file, or against a running one
 *     (--url, where the scenario is activated first), or each in a fresh world of one simulator (--world new,
 *     deleted afterwards; --parallel N at a time) — printing each step and writing a JUnit XML report
 *     (default scenario-junit.xml). Exit code 1 when an expectation fails, 2 when a file is not a valid scenario
 *     (the report then holds one failed test case for that file, so CI shows it).
 */
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { createApp, defaultCatalog } from './app.js';
import { loadScenarioFile, ScenarioInvalid, type Scenario } from './core/scenario.js';
import { COMMANDS_USAGE, CONTROL_COMMANDS, controlCommand } from './control/commands.js';
import { junitXml, runJourney, type StepResult } from './control/journey.js';

const USAGE = `usage: marking-sim run <scenario.yaml...> [--url http://host:port] [--world new] [--parallel N] [--junit report.xml]

Runs each scenario's journey against a fresh in-process simulator (or a running one with --url), prints every
step and writes a JUnit XML report (default scenario-junit.xml). With --world new each journey runs in a fresh
world of one simulator (the running one with --url), deleted afterwards; --parallel N runs N journeys at a time
(with --world new). Exit code 0 when every step passes, 1 when an
expectation fails, 2 when a file is not a valid scenario (reported with its line and column, and in the JUnit
report as a failed test case).

${COMMANDS_USAGE}`;

function usage(code = 2): never {
  (code ? console.error : console.log)(USAGE);
  process.exit(code);
}

/** Where the journeys run: a fresh in-process simulator each, a running one, or fresh worlds of one simulator. */
interface Target {
  run(scenario: Scenario, file: string, log: (line: string) => void): Promise<StepResult[]>;
  close(): Promise<void>;
}

async function inProcess(scenario?: Scenario): Promise<{ url: string; close(): Promise<void> }> {
  const sim = await createApp({ store: { kind: 'memory' }, scenario });
  const server = sim.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await sim.close();
    },
  };
}

async function target(url: string | undefined, worlds: boolean): Promise<Target> {
  if (!worlds) {
    return {
      run: async (scenario, file, log) => {
        if (url) return runJourney(scenario, url, { activate: true, log, dir: dirname(file) });
        const sim = await inProcess(scenario);
        try {
          return await runJourney(scenario, sim.url, { activate: false, log, dir: dirname(file) });
        } finally {
          await sim.close();
        }
      },
      close: async () => undefined,
    };
  }
  const shared = url ? { url, close: async () => undefined } : await inProcess();
  return {
    run: async (scenario, file, log) => {
      // The scenario as the world's own from its creation (its seed, world, clock, timings, faults).
      const made = await fetch(`${shared.url}/__sim/worlds`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ scenario, ttlMs: 3_600_000 }) });
      const body = (await made.json()) as { id?: string; detail?: string };
      if (made.status !== 201 || !body.id) throw new Error(`could not create a world: ${made.status} ${body.detail ?? ''}`);
      try {
        return await runJourney(scenario, `${shared.url}/w/${body.id}`, { activate: false, log, dir: dirname(file) });
      } finally {
        await fetch(`${shared.url}/__sim/worlds/${body.id}`, { method: 'DELETE' }).catch(() => undefined);
      }
    },
    close: shared.close,
  };
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (command === '--help' || command === '-h' || command === 'help') usage(0);
  if (command !== undefined && CONTROL_COMMANDS.includes(command)) {
    if (args.includes('--help')) {
      console.log(COMMANDS_USAGE);
      return 0;
    }
    return controlCommand(command, args);
  }
  if (command !== 'run') usage();
  const files: string[] = [];
  let url: string | undefined;
  let junit = 'scenario-junit.xml';
  let worlds = false;
  let parallel = 1;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--url') url = args[++i] ?? usage();
    else if (args[i] === '--junit') junit = args[++i] ?? usage();
    else if (args[i] === '--world') {
      if (args[++i] !== 'new') usage();
      worlds = true;
    } else if (args[i] === '--parallel') {
      parallel = Number(args[++i]);
      if (!Number.isSafeInteger(parallel) || parallel < 1 || parallel > 64) usage();
    } else files.push(args[i]);
  }
  if (!files.length || (parallel > 1 && !worlds)) usage();
  url = url?.replace(/\/$/, '');
  const catalog = defaultCatalog();
  const scenarios: { file: string; scenario: Scenario }[] = [];
  const runs: { scenario: Scenario; file: string; results: StepResult[]; error?: string }[] = [];
  let invalid = 0;
  for (const file of files) {
    try {
      scenarios.push({ file, scenario: loadScenarioFile(file, catalog) });
    } catch (e) {
      if (!(e instanceof ScenarioInvalid)) throw e;
      console.error(e.message);
      invalid++;
      runs.push({ scenario: { name: file, description: 'not a valid scenario' }, file, results: [], error: e.message });
    }
  }
  const where = await target(url, worlds);
  // Journeys run `parallel` at a time; each one's lines are printed together when it ends, in file order.
  const done: ((typeof runs)[number] & { lines: string[] })[] = new Array(scenarios.length);
  let next = 0;
  const worker = async () => {
    while (next < scenarios.length) {
      const i = next++;
      const { file, scenario } = scenarios[i];
      const lines = [`${scenario.name} (${file}) — ${scenario.description.trim().split('\n')[0]}`];
      const log = parallel > 1 ? (l: string) => void lines.push(l) : (l: string) => console.log(l);
      if (parallel === 1) console.log(lines.shift());
      try {
        done[i] = { scenario, file, results: await where.run(scenario, file, log), lines };
      } catch (e) {
        lines.push(`  ✗ ${(e as Error).message}`);
        done[i] = { scenario, file, results: [], error: (e as Error).message, lines };
      }
      if (parallel === 1) for (const l of lines) console.log(l);
      else console.log(lines.join('\n'));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(parallel, scenarios.length) }, worker));
  } finally {
    await where.close();
  }
  for (const { lines: _lines, ...r } of done) runs.push(r);
  writeFileSync(junit, junitXml(runs));
  const steps = runs.flatMap((r) => r.results);
  const failed = steps.filter((r) => !r.ok && !r.skipped).length + runs.filter((r) => r.error).length;
  console.log(`\n${steps.filter((r) => r.ok).length} passed, ${failed} failed${steps.some((r) => r.skipped) ? `, ${steps.filter((r) => r.skipped).length} skipped` : ''} — JUnit report: ${junit}`);
  return invalid ? 2 : failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`cli: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  },
);
