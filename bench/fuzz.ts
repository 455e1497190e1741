/**
 * `npm run fuzz`: the contract-derived fuzzer (test/harness/fuzz.ts) with more cases than `npm test` runs, figures
 * printed; exit 1 on a 5xx, an answer outside its contract, or a server left unhealthy. FUZZ_RUNS, FUZZ_SEED.
 */
import { fuzz } from '../test/harness/fuzz.js';

const report = await fuzz({ runs: Number(process.env.FUZZ_RUNS ?? 30_000), seed: Number(process.env.FUZZ_SEED ?? 2026) });
console.log(JSON.stringify(report, null, 2));
process.exit(report.serverErrors.length || report.violations.length || !report.healthyAfter ? 1 : 0);
