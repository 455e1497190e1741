/**
 * Writes scenarios/schema.json — the JSON Schema of scenario files for the default systems, as the simulator derives
 * it from their declarations (and publishes at /__sim/scenarios/schema). Editors read the file; a test keeps it
 * equal to what the systems declare. Run `npm run schema` after changing a system's declarations.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCatalog } from '../simulator/app.js';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { scenarioSchema } from '../simulator/core/scenario.js';

const file = join(PROJECT_ROOT, 'scenarios', 'schema.json');
writeFileSync(file, `${JSON.stringify(scenarioSchema(defaultCatalog()), null, 2)}\n`);
console.log(`wrote ${file}`);
