/** The scenario files shipped under scenarios/ (recursively), parsed and validated. */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Catalog } from '../core/catalog.js';
import { PROJECT_ROOT } from '../core/paths.js';
import { loadScenarioFile, ScenarioInvalid, type Scenario } from '../core/scenario.js';

export const SCENARIO_DIR = join(PROJECT_ROOT, 'scenarios');

export function scenarioFiles(dir = SCENARIO_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
}

export function findScenarios(catalog: Catalog, dir = SCENARIO_DIR): { scenarios: { file: string; scenario: Scenario }[]; invalid: ScenarioInvalid[] } {
  const scenarios: { file: string; scenario: Scenario }[] = [];
  const invalid: ScenarioInvalid[] = [];
  for (const f of scenarioFiles(dir)) {
    const file = relative(PROJECT_ROOT, f);
    try {
      scenarios.push({ file, scenario: loadScenarioFile(f, catalog) });
    } catch (e) {
      if (e instanceof ScenarioInvalid) invalid.push(new ScenarioInvalid(file, e.problems));
      else throw e;
    }
  }
  return { scenarios, invalid };
}

/**
 * A shipped scenario by its name (`mcoi-rate-limit`) or by its file below scenarios/ without the extension
 * (`mcoi/rate-limit`), as users say it; undefined when there is none.
 */
export function findScenario(catalog: Catalog, name: string): Scenario | undefined {
  const { scenarios } = findScenarios(catalog);
  return (scenarios.find((x) => x.scenario.name === name) ?? scenarios.find((x) => x.file.replace(/^scenarios\//, '').replace(/\.ya?ml$/, '') === name))?.scenario;
}

