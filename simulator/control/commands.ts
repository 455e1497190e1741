/**
 * The `marking-sim` verbs that drive a running simulator through its control plane (the typed client, client.ts):
 * clock, reset, scenario, journal, worlds, conformance, state, health. Each takes --url (default $SIM_URL, else
 * http://localhost:8080), --token (default $SIM_CONTROL_TOKEN) and --world <id>.
 *
 * Exit codes: 0 done; 1 the simulator refused (its problem detail is printed) or the report card has a failed rule;
 * 2 a usage error; 3 no simulator answered at --url.
 */
import { writeFileSync } from 'node:fs';
import { defaultCatalog } from '../app.js';
import { loadScenarioFile, ScenarioInvalid } from '../core/scenario.js';
import { ControlClient, ControlError, durationMs, type Query } from './client.js';

export const COMMANDS_USAGE = `       marking-sim <command> [--url http://host:port] [--token T] [--world ID]

Commands against a running simulator (--url, default $SIM_URL or http://localhost:8080; --token, default
$SIM_CONTROL_TOKEN; --world, one of its worlds):
  health                                  is it up, which store, which replica
  clock [get]                             the virtual time
  clock advance <24h|90m|30s|250ms|N>     move it on
  clock set <2027-01-01T00:00:00Z>        set it
  clock freeze | clock unfreeze
  reset [--seed N]                        back to the baseline world
  scenario list                           the scenarios there are, and the active one
  scenario activate <name|file.yaml>      activate one (a file is checked here first)
  journal [--system S] [--limit N]        what clients sent and got, a line each
  journal export --format har|scenario [--out FILE]
  worlds list | worlds create [--id ID] [--ttl 10m] [--scenario NAME] | worlds delete <id>
  conformance [--client TEXT] [--junit FILE]   the client report card (exit 1 when a rule failed)
  state <system>                          a system's summary

Exit codes: 0 done, 1 refused by the simulator (or a rule failed), 2 usage, 3 no simulator answered.`;

export const CONTROL_COMMANDS = ['health', 'clock', 'reset', 'scenario', 'journal', 'worlds', 'conformance', 'state'];

class Usage extends Error {}

/** The options (--name value) and the words of a command line. */
function parse(args: string[], flags: readonly string[]): { words: string[]; opts: Record<string, string> } {
  const words: string[] = [];
  const opts: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      words.push(a);
      continue;
    }
    const name = a.slice(2);
    if (!flags.includes(name)) throw new Usage(`unknown option ${a}`);
    const v = args[++i];
    if (v === undefined) throw new Usage(`${a} needs a value`);
    opts[name] = v;
  }
  return { words, opts };
}

const print = (v: unknown) => console.log(typeof v === 'string' ? v : JSON.stringify(v, null, 2));

async function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { words, opts } = parse(args, ['url', 'token', 'world', 'seed', 'system', 'limit', 'format', 'out', 'id', 'ttl', 'scenario', 'client', 'junit']);
  const sim = new ControlClient({ url: opts.url ?? env.SIM_URL ?? 'http://localhost:8080', token: opts.token ?? env.SIM_CONTROL_TOKEN, world: opts.world });
  const [verb, arg] = words;
  switch (command) {
    case 'health':
      print(await sim.health());
      return 0;
    case 'clock':
      if (verb === undefined || verb === 'get') print(await sim.clock.get());
      else if (verb === 'advance' && arg) print(await sim.clock.advance(arg));
      else if (verb === 'set' && arg) print(await sim.clock.set(arg));
      else if (verb === 'freeze') print(await sim.clock.freeze());
      else if (verb === 'unfreeze') print(await sim.clock.unfreeze());
      else throw new Usage('clock [get] | clock advance <duration> | clock set <time> | clock freeze | clock unfreeze');
      return 0;
    case 'reset': {
      const seed = opts.seed === undefined ? undefined : Number(opts.seed);
      if (seed !== undefined && !Number.isSafeInteger(seed)) throw new Usage('--seed takes an integer');
      print(await sim.reset(seed));
      return 0;
    }
    case 'scenario':
      if (verb === 'list') {
        const r = await sim.scenarios.list();
        for (const s of r.scenarios) console.log(`${s.name === r.active ? '*' : ' '} ${s.name} — ${s.description.trim().split('\n')[0]}`);
      } else if (verb === 'activate' && arg) {
        // A file is checked here (its line and column when it is not valid), then sent whole.
        const scenario = /\.ya?ml$|\.json$/i.test(arg) ? (loadScenarioFile(arg, defaultCatalog()) as unknown as Record<string, unknown>) : arg;
        const r = await sim.scenarios.activate(scenario);
        console.log(`active: ${r.name} (${r.faults} faults, ${r.steps} steps)`);
      } else throw new Usage('scenario list | scenario activate <name|file.yaml>');
      return 0;
    case 'journal': {
      const limit = opts.limit === undefined ? undefined : Number(opts.limit);
      if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 1 && limit <= 1000)) throw new Usage('--limit takes 1 to 1000');
      // The system as given: the simulator says which there are when it is not one.
      const filter = { ...(opts.system ? { system: opts.system as Query<'getJournal'>['system'] } : {}), ...(limit ? { limit } : {}) };
      if (verb === 'export') {
        if (opts.format !== 'har' && opts.format !== 'scenario') throw new Usage('journal export --format har|scenario [--out FILE]');
        const text = await sim.journal.export(opts.format, filter);
        if (opts.out) writeFileSync(opts.out, text);
        else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
        if (opts.out) console.error(`wrote ${opts.out}`);
      } else if (verb === undefined) {
        for (const e of (await sim.journal.list(filter)).entries) console.log(`#${e.id} ${e.at} ${e.method} ${e.system} ${e.path} → ${e.status}${e.principal ? ` (${e.principal})` : ''}`);
      } else throw new Usage('journal [--system S] [--limit N] | journal export --format har|scenario [--out FILE]');
      return 0;
    }
    case 'worlds':
      if (verb === 'list') for (const w of (await sim.worlds.list()).worlds) console.log(`${w.id} — scenario ${w.scenario ?? 'none'}, seed ${w.seed}, ttl ${w.ttlMs ?? 'none'}`);
      else if (verb === 'create') {
        const made = await sim.worlds.create({ ...(opts.id ? { id: opts.id } : {}), ...(opts.ttl ? { ttlMs: durationMs(opts.ttl) } : {}), ...(opts.scenario ? { scenario: opts.scenario } : {}) });
        print(made);
      } else if (verb === 'delete' && arg) {
        await sim.worlds.delete(arg);
        console.log(`deleted ${arg}`);
      } else throw new Usage('worlds list | worlds create [--id ID] [--ttl 10m] [--scenario NAME] | worlds delete <id>');
      return 0;
    case 'conformance': {
      if (verb !== undefined) throw new Usage('conformance [--client TEXT] [--junit FILE]');
      const r = await sim.conformance.report(opts.client);
      if (opts.junit) writeFileSync(opts.junit, await sim.conformance.junit(opts.client));
      for (const c of r.clients) {
        const failed = c.rules.filter((x) => x.result === 'failed');
        console.log(`${failed.length ? '✗' : '✓'} ${c.client}: ${c.rules.filter((x) => x.result === 'passed').length} passed, ${failed.length} failed, ${c.rules.filter((x) => x.result === 'not exercised').length} not exercised`);
        for (const x of failed) for (const e of x.evidence) console.log(`    ${x.rule}: ${e.note} [journal ${e.entries.map((n) => `#${n.id}`).join(', ')}]`);
      }
      if (!r.clients.length) console.log('no client has called since the grading period began');
      return r.failed ? 1 : 0;
    }
    case 'state':
      if (!verb) throw new Usage('state <system>');
      print(await sim.state(verb));
      return 0;
  }
  throw new Usage(`unknown command ${command}`);
}

/** Runs a control verb; prints what went wrong and returns the exit code (never throws). */
export async function controlCommand(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    return await run(command, args, env);
  } catch (e) {
    if (e instanceof Usage) {
      console.error(`marking-sim ${command}: ${e.message}\n\n${COMMANDS_USAGE}`);
      return 2;
    }
    if (e instanceof ScenarioInvalid) {
      console.error(e.message);
      return 2;
    }
    if (e instanceof ControlError) {
      console.error(`marking-sim ${command}: ${e.message}`);
      return e.status === 0 ? 3 : 1;
    }
    if (e instanceof RangeError || (e as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error(`marking-sim ${command}: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
}
