/**
 * Writes scenarios/schema.json — the JSON Schema of scenario files for the default systems, as the simulator derives
 * it from their declarations (and publishes at /__sim/scenarios/schema) — and openapi/control-api.d.ts, the
 * control plane's types (scripts/control-types.ts). Editors read the first, the typed client the second; tests keep
 * both equal to what the systems declare. Run `npm run schema` after changing a system's declarations or a contract.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCatalog } from '../simulator/app.js';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { scenarioSchema } from '../simulator/core/scenario.js';
import { CONTROL_TYPES_FILE, controlTypes } from './control-types.js';

const file = join(PROJECT_ROOT, 'scenarios', 'schema.json');
writeFileSync(file, `${JSON.stringify(scenarioSchema(defaultCatalog()), null, 2)}\n`);
console.log(`wrote ${file}`);
const types = join(PROJECT_ROOT, CONTROL_TYPES_FILE);
writeFileSync(types, await controlTypes());
console.log(`wrote ${types}`);
