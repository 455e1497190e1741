#!/usr/bin/env node
/**
 * The simulator's command line.
 *
 *   run <scenario.yaml...> [--url http://host:port] [--junit report.xml]
 *     Runs each scenario's journey — against a fresh in-process simulator per file, or against a running one
 *     (--url, where the scenario is activated first) — printing each step and writing a JUnit XML report
 *     (default scenario-junit.xml). Exit code 1 when an expectation fails, 2 when a file is not a valid scenario
 *     (the report then holds one failed test case for that file, so CI shows it).
 */
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { createApp, defaultCatalog } from './app.js';
import { loadScenarioFile, ScenarioInvalid, type Scenario } from './core/scenario.js';
import { junitXml, runJourney, type StepResult } from './control/journey.js';

const USAGE = `usage: marking-sim run <scenario.yaml...> [--url http://host:port] [--junit report.xml]

Runs each scenario's journey against a fresh in-process simulator (or a running one with --url), prints every
step and writes a JUnit XML report (default scenario-junit.xml). Exit code 0 when every step passes, 1 when an
expectation fails, 2 when a file is not a valid scenario (reported with its line and column, and in the JUnit
report as a failed test case).`;

function usage(code = 2): never {
  (code ? console.error : console.log)(USAGE);
  process.exit(code);
}

async function runOne(scenario: Scenario, file: string, url: string | undefined): Promise<StepResult[]> {
  const dir = dirname(file);
  if (url) return runJourney(scenario, url.replace(/\/$/, ''), { activate: true, log: console.log, dir });
  const sim = await createApp({ store: { kind: 'memory' }, scenario });
  const server = sim.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    return await runJourney(scenario, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, { activate: false, log: console.log, dir });
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (command === '--help' || command === '-h' || command === 'help') usage(0);
  if (command !== 'run') usage();
  const files: string[] = [];
  let url: string | undefined;
  let junit = 'scenario-junit.xml';
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--url') url = args[++i] ?? usage();
    else if (args[i] === '--junit') junit = args[++i] ?? usage();
    else files.push(args[i]);
  }
  if (!files.length) usage();
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
  for (const { file, scenario } of scenarios) {
    console.log(`${scenario.name} (${file}) — ${scenario.description.trim().split('\n')[0]}`);
    try {
      runs.push({ scenario, file, results: await runOne(scenario, file, url) });
    } catch (e) {
      console.log(`  ✗ ${(e as Error).message}`);
      runs.push({ scenario, file, results: [], error: (e as Error).message });
    }
  }
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
