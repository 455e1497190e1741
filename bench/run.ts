/**
 * `npm run bench`: builds the simulator, runs each benchmark against the built server in a child process, prints
 * the figures and writes bench/out/latest.json. Record them in bench/RESULTS.md with the machine and date.
 * BENCH_ONLY=full,million,throughput,entities,id-issuer,true-api,setmark,dashboard,durability,soak,growth,worlds,postgres,replicas,conformance selects benchmarks; BENCH_CRASH_TRIALS sets the crash
 * trials (100); BENCH_SOAK_SECONDS the soak's length (60).
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { fullOrder } from './full-order.js';
import { million } from './million.js';
import { throughput } from './throughput.js';
import { conformance } from './conformance.js';
import { idIssuer } from './id-issuer.js';
import { coalescing, crashTrials } from './durability.js';
import { soak } from './soak.js';
import { trueApi, trueApiAct, trueApiMillion, trueApiNotice } from './true-api.js';
import { setmark } from './setmark.js';
import { dashboard } from './dashboard.js';
import { entities } from './entities.js';
import { growth } from './growth.js';
import { worlds } from './worlds.js';
import { postgres } from './postgres.js';
import { replicas } from './replicas.js';

const only = (process.env.BENCH_ONLY ?? 'full,million,throughput,entities,id-issuer,true-api,setmark,dashboard,durability,soak,growth,worlds,postgres,replicas,conformance').split(',');
execSync('npm run build --silent', { cwd: PROJECT_ROOT, stdio: 'inherit' });

const machine = { cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`, memGb: Math.round(totalmem() / 2 ** 30), node: process.version, at: new Date().toISOString() };
console.log('machine', machine);
const results: Record<string, unknown> = { machine };
const checks: [string, boolean][] = [];

if (only.includes('full')) {
  const r = await fullOrder();
  results.fullOrder = r;
  console.log('full-size order (150,000 codes)', r);
  checks.push([`full order wall ${r.wallMs} ms < 10,000`, r.wallMs < 10_000], [`full order peak RSS ${r.peakRssMb} MB < 400`, r.peakRssMb < 400]);
}
if (only.includes('million')) {
  const r = await million();
  results.million = r;
  console.log('persisted world of 1,000,000 codes', r);
  checks.push([`mutation median ${r.mutationMedianMs} ms < 20`, r.mutationMedianMs < 20], [`restart ${r.restartToHealthyMs} ms < 3,000`, r.restartToHealthyMs < 3_000], [`a small mutation appends ${r.logBytesPerMutation} bytes < 4,096`, r.logBytesPerMutation >= 0 && r.logBytesPerMutation < 4096]);
}
if (only.includes('throughput')) {
  const r = await throughput();
  results.throughput = r;
  console.log('throughput', r);
  checks.push([`MCOI list orders: ${r.ratio} × bare express (20 connections, log on) ≥ 0.7`, r.ratio >= 0.7]);
}

if (only.includes('entities')) {
  const r = entities();
  results.entities = r;
  console.log('what a stored entity costs: heap bytes each after a full collection (payload: the bytes the client sent)', r);
  for (const [kind, f] of Object.entries(r)) if (!kind.startsWith('(')) checks.push([`${kind}: ${f.bytesEach} B in memory, ${f.bytesEach - f.payloadBytesEach} B besides its payload < 1,000`, f.bytesEach - f.payloadBytesEach < 1_000]);
}

if (only.includes('id-issuer')) {
  const r = await idIssuer();
  results.idIssuer = r;
  console.log('ID issuer: 1,000,000 identifiers, created to confirmed', r);
  checks.push([`ID-issuer journey ${r.journeyMs} ms < 5,000`, r.journeyMs < 5_000], [`ID-issuer server peak RSS ${r.serverPeakRssMb} MB < 300`, r.serverPeakRssMb < 300]);
}

if (only.includes('true-api')) {
  const r = await trueApi();
  results.trueApi = r;
  console.log('True API: a 10,000-code ZIP vs zipping it; POST /cises/info with 1,000 codes vs an MCOI order lookup', r);
  checks.push([`True API /cises/info: ${r.perCodeUs} µs a code < 200`, r.perCodeUs < 200], [`True API 10,000-code ZIP: ${r.zipOverFloor} × zipping the same bytes ≤ 3`, r.zipOverFloor <= 3]);
  const m = await trueApiMillion();
  results.trueApiMillion = m;
  console.log('True API: a registry with a million codes more, against the default world', m);
  checks.push([`True API million-code registry starts in ${m.withMillion.startMs} ms ≤ 3,000`, m.withMillion.startMs <= 3_000], [`True API million-code registry peak RSS ${m.withMillion.peakRssMb} MB ≤ 300`, m.withMillion.peakRssMb <= 300]);
  const n = await trueApiNotice();
  results.trueApiNotice = n;
  console.log('True API: a withdrawal notice of 10,000 codes (with aggregates), file store, submission to effect; a receipt before and after', n);
  checks.push(
    [`True API 10,000-code notice: submission to effect ${n.submissionToEffectMs} ms < 5,000`, n.submissionToEffectMs < 5_000],
    [`True API 10,000-code notice: peak RSS ${n.serverPeakRssMb} MB < 300`, n.serverPeakRssMb < 300],
    [`True API: a receipt after the notice appends ${n.receiptAppendsBytes} bytes < 10,000`, n.receiptAppendsBytes > 0 && n.receiptAppendsBytes < 10_000],
  );
  const a = await trueApiAct();
  results.trueApiAct = a;
  console.log('True API: an act of 10,000 codes (with aggregates), file store, registration to approval and ownership change; a receipt before and after', a);
  checks.push(
    [`True API 10,000-code act: registration to ownership ${a.submissionToOwnershipMs} ms < 5,000`, (a.submissionToOwnershipMs as number) < 5_000],
    [`True API 10,000-code act: peak RSS ${a.serverPeakRssMb} MB < 300`, a.serverPeakRssMb < 300],
    [`True API: a receipt after the act appends ${a.receiptAppendsBytes} bytes < 10,000`, a.receiptAppendsBytes > 0 && a.receiptAppendsBytes < 10_000],
  );
}

if (only.includes('setmark')) {
  const r = await setmark();
  results.setmark = r;
  console.log('SetMark: a package of 5,000 marks, a row of them, cash/validate against the stock they make (file store)', r);
  checks.push(
    [`SetMark 5,000-mark package accepted and processed in ${r.onePackage.processedMs} ms < 500`, r.onePackage.processedMs < 500],
    [`SetMark cash/validate p99 ${r.validate.p99Ms} ms < 5 against ${r.stock} marks`, r.validate.p99Ms < 5],
    [`SetMark: the last ten of ${r.packages.total} packages cost ${r.packages.lastOverFirst} × the first ten ≤ 1.5`, r.packages.lastOverFirst <= 1.5],
    [`SetMark: server peak RSS ${r.peakRssMb} MB < 1,500 with ${r.stock} marks`, r.peakRssMb < 1_500],
  );
}

if (only.includes('dashboard')) {
  const r = await dashboard();
  results.dashboard = r;
  console.log('Dashboard views against a SetMark stock of many marks (file store)', r);
  checks.push([`dashboard: the first page of a ${r.marks}-mark table p99 ${r.firstPage.p99Ms} ms < 100`, r.firstPage.p99Ms < 100], [`dashboard: a filter over every mark p99 ${r.noMatch.p99Ms} ms < 500`, r.noMatch.p99Ms < 500]);
}

if (only.includes('durability')) {
  const c = await coalescing();
  results.coalescing = c;
  console.log('write coalescing: 50 logins at once and one after another', c);
  // How many writes 50 concurrent changes share depends on how fast a write is against how fast they arrive (a log
  // append is quicker than the snapshot it replaced, so fewer pile up behind each): the check is that they share.
  checks.push([`50 concurrent durable logins share ${c.file.concurrentWrites} writes (< a third of one after another: ${c.file.sequentialWrites})`, c.file.concurrentWrites * 3 < c.file.sequentialWrites]);
  const trials = Number(process.env.BENCH_CRASH_TRIALS ?? 100);
  const r = await crashTrials(trials);
  results.crash = r;
  console.log(`crash trials (SIGKILL under three writers)`, r);
  checks.push([`${r.trials} crash trials: ${r.lost} acknowledged writes lost, ${r.duplicates} ids repeated`, r.trials === trials && r.lost === 0 && r.duplicates === 0]);
}

if (only.includes('soak')) {
  const seconds = Number(process.env.BENCH_SOAK_SECONDS ?? 60);
  const file = await soak({ seconds });
  const memory = await soak({ seconds, store: 'memory' });
  results.soak = { file, memory };
  console.log('soak: 50 clients of mixed writes, file store', file);
  console.log('soak: the same, memory store', memory);
  checks.push(
    [`soak (file): last window ${file.lastOverFirst} × the first ≥ 0.8`, file.lastOverFirst >= 0.8],
    [`soak (file): RSS spread ${file.rssSpreadLastHalf} over the last half ≤ 0.2`, file.rssSpreadLastHalf <= 0.2],
    [`soak: ${file.errors + memory.errors} failed requests`, file.errors + memory.errors === 0],
  );
}

if (only.includes('growth')) {
  const r = await growth();
  results.growth = r;
  console.log('growth: an ERP that never answers; a client that varies its login', r);
  checks.push(
    // Queued: at most one journal report a period (5 s here) with the violations of that period, and one MRC export.
    [`an ERP silent for ${r.erpNeverAnswers.minutes} minutes: RSS +${r.erpNeverAnswers.rssGrowthMb} MB < 50, ${r.erpNeverAnswers.after.queued} deliveries queued ≤ one a journal period`, r.erpNeverAnswers.rssGrowthMb < 50 && r.erpNeverAnswers.after.queued <= r.erpNeverAnswers.minutes * 12 + 1],
    [`${r.varyingLogin.logins} logins, each new: RSS +${r.varyingLogin.rssGrowthMb} MB < 50`, r.varyingLogin.rssGrowthMb < 50],
  );
}

if (only.includes('worlds')) {
  const r = await worlds();
  results.worlds = r;
  console.log(`worlds: ${r.worlds} created and kept idle beside one being read`, r);
  checks.push(
    [`a world created from the default fixtures: p50 ${r.createP50Ms} ms ≤ 100`, r.createP50Ms <= 100],
    [`${r.worlds} idle worlds: RSS +${Math.round(r.rssAfterMb - r.rssBeforeMb)} MB ≤ 1,024`, r.rssAfterMb - r.rssBeforeMb <= 1024],
    [`a read in one world with ${r.worlds} others: ${r.ratio} × alone ≥ 0.9`, r.ratio >= 0.9],
  );
}

if (only.includes('postgres')) {
  const r = await postgres();
  results.postgres = r;
  console.log('postgres: a small mutation (an MCOI order) committed in PostgreSQL against the file store', r);
}

if (only.includes('replicas')) {
  const r = await replicas();
  results.replicas = r;
  console.log('replicas: one and two on one PostgreSQL', r);
  if (r.readRatio !== undefined) checks.push([`reads with 2 replicas: ${r.readRatio} × one ≥ 1.4`, r.readRatio >= 1.4]);
  if (r.crash) checks.push([`replica crash trials: ${r.crash.trials}, ${r.crash.lost} acknowledged writes lost, ${r.crash.duplicated} ids repeated`, r.crash.lost === 0 && r.crash.duplicated === 0]);
}

if (only.includes('conformance')) {
  const r = await conformance();
  results.conformance = r;
  console.log('conformance: the client report card on against SIM_CONFORMANCE=off', r);
  checks.push([`reads graded: ${r.readRatio} × ungraded ≥ 0.95`, r.readRatio >= 0.95], [`writes graded: ${r.writeRatio} × ungraded ≥ 0.95`, r.writeRatio >= 0.95], [`2,000 programs graded as ${r.clientsGraded} clients (≤ 201)`, r.clientsGraded <= 201]);
}

mkdirSync(join(PROJECT_ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(join(PROJECT_ROOT, 'bench', 'out', 'latest.json'), JSON.stringify(results, null, 2));
for (const [what, ok] of checks) console.log(`${ok ? 'PASS' : 'MISS'}  ${what}`);
