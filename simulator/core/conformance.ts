/**
 * The client's report card: how the client under test behaved, graded on the exchanges as they happen. A rule is
 * declared with an id, a one-line statement, the document section or observed fact it rests on and a severity; core
 * declares the generic ones (below), each system its own (`SystemModule.conformance`). A world's `Grader` attributes
 * every exchange to a client (its credential's organization and user, refined by `X-Sim-Client` or `User-Agent`) and
 * hands it to every rule that watches its system; each rule keeps bounded memory per client and says when it was
 * exercised and when it was broken, with evidence (journal entries, their virtual times, the interval found against
 * the one required). Obligations still open when the report is made (an order never closed) fail in that report.
 *
 * Time between two exchanges is the longer of the virtual and the real time that passed: a client that waited in real
 * time while the clock was frozen has waited, and so has one whose test advanced the clock.
 *
 * @example
 * const g = new Grader(rulesFor(systems)); g.see(observation); g.report(nowMs);
 */
import { createHash } from 'node:crypto';
import { preview } from './bounds.js';

export type Severity = 'error' | 'warning';

/** One exchange of a client with a system, as a rule sees it. */
export interface Observation {
  /** The journal entry's id (evidence links to it). */
  id: number;
  /** Virtual time, ISO 8601, and in milliseconds. */
  at: string;
  atMs: number;
  /** Real elapsed time (monotonic ms), for waits made while the clock stood still. */
  realMs: number;
  system: string;
  operationId?: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  params: Record<string, unknown>;
  status: number;
  requestBody?: unknown;
  responseBody?: unknown;
  /** The domain events the exchange caused (core/system.ts DomainEvent). */
  events?: readonly { readonly type: string; readonly [field: string]: unknown }[];
  /** A digest of the credential presented (the Authorization header): never the secret itself. */
  credential?: string;
  /** Seconds the answer's Retry-After asked for. */
  retryAfterS?: number;
}

export interface Evidence {
  /** What happened, in a sentence. */
  note: string;
  /** The journal entries that show it, oldest first, with their virtual times. */
  entries: { id: number; at: string }[];
  /** The interval found against the one required, when the rule is about time. */
  foundMs?: number;
  requiredMs?: number;
}

/** What a rule is told to say about a client. */
export interface Verdict {
  /** The rule applied to something the client did (counted; a rule never exercised is `not exercised`). */
  exercised(): void;
  failed(e: Evidence): void;
}

export interface Rule<M = any> {
  readonly id: string;
  readonly statement: string;
  /** The document section or observed fact it rests on (cited by title and version). */
  readonly source: string;
  readonly severity: Severity;
  /** A rule of one system watches its exchanges only; a generic rule (none) watches every system's. */
  readonly system?: string;
  /** A client's memory for this rule (bounded by the rule: `Recent` below). */
  memo(): M;
  see(memo: M, o: Observation, v: Verdict): void;
  /** Obligations still open at report time (`nowMs`, virtual), each a failure of this report. */
  open?(memo: M, nowMs: number): Evidence[];
}

/** A bounded map that forgets the least recently set key: what a rule remembers per client. */
export class Recent<K, V> extends Map<K, V> {
  constructor(private readonly max = 256) {
    super();
  }
  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.max) super.delete(this.keys().next().value as K);
    return this;
  }
}

/** What a rule keeps of an exchange: enough to time it and to cite it (never its bodies: memory stays small and young). */
export interface Mark {
  id: number;
  at: string;
  atMs: number;
  realMs: number;
  status: number;
}
/** The mark of an exchange: a new one, or `into` overwritten (a poll's record is reused rather than replaced). */
export function mark(o: Observation, into?: Mark): Mark {
  if (!into) return { id: o.id, at: o.at, atMs: o.atMs, realMs: o.realMs, status: o.status };
  into.id = o.id;
  into.at = o.at;
  into.atMs = o.atMs;
  into.realMs = o.realMs;
  into.status = o.status;
  return into;
}
export const entry = (o: Mark) => ({ id: o.id, at: o.at });
/** How long passed between two exchanges: the longer of virtual and real time. */
export const between = (a: { atMs: number; realMs: number }, b: { atMs: number; realMs: number }) => Math.max(b.atMs - a.atMs, b.realMs - a.realMs);
/** A short digest (of a credential, of a request): what rules keep instead of the thing. */
export const digest = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 16);

/** A request as sent (method, path, query and body): two with the same fingerprint are the same request. */
export function fingerprint(o: Observation): string {
  const q = Object.keys(o.query)
    .sort()
    .map((k) => `${k}=${JSON.stringify(o.query[k])}`)
    .join('&');
  // The body's first 64 KB as JSON (bounds.ts: never recursing over what a client sent, never serializing 20 MB again).
  const body = o.requestBody === undefined ? '' : Buffer.isBuffer(o.requestBody) ? `${o.requestBody.length}:${o.requestBody.subarray(0, 65_536).toString('base64')}` : preview(o.requestBody, 65_536);
  return digest(`${o.system} ${o.method} ${o.path}?${q} ${body}`);
}

/**
 * A rule of something the client must do after something else (close an order it unloaded, confirm a file it
 * downloaded): `opens` names what an exchange leaves to do, `closes` what it does; whatever is still open when the
 * report is made is a failure of that report, with the exchange that opened it as evidence.
 */
export function obligation(d: {
  id: string;
  statement: string;
  source: string;
  opens(o: Observation): string | undefined | readonly string[];
  closes(o: Observation): string | undefined | readonly string[];
  /** What is still open, in a sentence. */
  note(key: string): string;
}): Rule<Recent<string, Mark>> {
  const each = (k: string | undefined | readonly string[], f: (key: string) => void) => {
    if (typeof k === 'string') f(k);
    else if (k !== undefined) for (const x of k) f(x);
  };
  return {
    id: d.id,
    statement: d.statement,
    source: d.source,
    severity: 'error',
    memo: () => new Recent(512),
    see(open, o, v) {
      each(d.opens(o), (k) => void (open.has(k) || open.set(k, mark(o))));
      each(d.closes(o), (k) => void (open.delete(k) && v.exercised()));
    },
    open: (open) => [...open].map(([k, o]) => ({ note: d.note(k), entries: [entry(o)] })),
  };
}

/** A status poll a system declares: which reads of which entity, its status, and which statuses are still moving. */
export interface PollDecl {
  readonly operationId: string;
  /** The entity the read is of (undefined: not a poll of one entity, e.g. a list). */
  entity(o: Observation): string | undefined;
  /** The entity's status as answered (undefined: not known from the answer). */
  status(o: Observation): string | undefined;
  /** Statuses the client waits out; any other is final for the poll. */
  readonly moving: readonly string[];
  /** The advised interval between two reads of one entity (ms), and where it comes from. */
  readonly intervalMs: number;
}

/** What a system declares for grading: its rules, its status polls, and who calls when the credential does not say. */
export interface ConformanceDecl {
  readonly rules?: readonly Rule[];
  readonly polls?: readonly PollDecl[];
  /** Operations that open a session (sign-ins): a client may repeat them, and they are not writes to grade. */
  readonly signIns?: readonly string[];
  /** Who calls when there is no credential to name them (SetMark's shop and INN in the body). */
  caller?(o: Observation): { user?: string; organization?: string } | undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The generic rules.

/** How long a successful write is not to be sent again unchanged (ms): a retry after a lost answer comes within it. */
export const DUPLICATE_WINDOW_MS = 60_000;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Statuses a repeated request may legitimately meet again: handled by their own rules, or waited out (observed). */
const REPEATABLE = new Set([401, 404, 408, 409, 425, 429]);

const retryAfter: Rule<Map<string, { o: Mark; ms: number }>> = {
  id: 'retry-after',
  statement: 'After a 429, the same client sends nothing to that system before Retry-After has elapsed.',
  source: 'RFC 9110 §10.2.3 (Retry-After); ASL BELGISI observed behaviour: 429 with Retry-After in seconds, clients back off',
  severity: 'error',
  memo: () => new Map(),
  see(m, o, v) {
    const last = m.get(o.system);
    if (last) {
      m.delete(o.system);
      v.exercised();
      const waited = between(last.o, o);
      if (waited < last.ms) v.failed({ note: `sent ${o.method} ${o.path} ${fmt(waited)} after a 429 that asked for ${fmt(last.ms)}`, entries: [entry(last.o), entry(o)], foundMs: waited, requiredMs: last.ms });
    }
    if (o.status === 429 && o.retryAfterS !== undefined) m.set(o.system, { o: mark(o), ms: o.retryAfterS * 1000 });
  },
};

const tokenReuse: Rule<Recent<string, Mark>> = {
  id: 'token-reuse',
  statement: 'A token the system answered 401 for (expired, replaced, revoked) is not sent again: the client signs in or refreshes instead.',
  source: 'ASL BELGISI observed behaviour: an expired or replaced token is answered 401 (inactive-token) and clients sign in again; RFC 6750 §3.1 (invalid_token)',
  severity: 'error',
  memo: () => new Recent(64),
  see(refused, o, v) {
    if (!o.credential) return;
    const before = refused.get(o.credential);
    if (before) v.failed({ note: `sent again the token refused with 401 in entry ${before.id}`, entries: [entry(before), entry(o)] });
    else if (o.status === 401) {
      v.exercised();
      refused.set(o.credential, mark(o));
    }
  },
};

const pollInterval = (polls: ReadonlyMap<string, ReadonlyMap<string, PollDecl>>): Rule<Recent<string, { o: Mark; status?: string; after: number }>> => ({
  id: 'poll-interval',
  statement: "An entity whose status the client polls is not read again sooner than the system's advised interval, and polling stops once its status is final (one more read of the same final status is allowed).",
  source: 'The documents poll for status without an interval; the simulator advises each system\'s interval (README "Client report card") — ASL BELGISI observed behaviour #8, #12',
  severity: 'warning',
  memo: () => new Recent(256),
  see(m, o, v) {
    const decl = o.operationId === undefined ? undefined : polls.get(o.system)?.get(o.operationId);
    if (!decl || o.status < 200 || o.status > 299) return;
    const key = decl.entity(o);
    if (key === undefined) return;
    const status = decl.status(o);
    const prev = m.get(key);
    const final = (s: string | undefined) => s !== undefined && !decl.moving.includes(s);
    // Reads of a final status that stays the same are polling that should have stopped; a status the client's own
    // action changed (downloaded, confirmed) is news, and reading it is not.
    const after = prev && final(prev.status) && prev.status === status ? prev.after + 1 : 0;
    if (prev) {
      v.exercised();
      const gap = between(prev.o, o);
      if (after >= 2) v.failed({ note: `read ${key} again after its status was final (${status})`, entries: [entry(prev.o), entry(o)] });
      else if (!final(prev.status) && gap < decl.intervalMs) v.failed({ note: `read ${key} again ${fmt(gap)} after the last read (status ${prev.status ?? '?'})`, entries: [entry(prev.o), entry(o)], foundMs: gap, requiredMs: decl.intervalMs });
    }
    // Updated in place (a poll is the most frequent exchange: no new map entry, no new record).
    if (prev) {
      mark(o, prev.o);
      prev.status = status;
      prev.after = after;
    } else m.set(key, { o: mark(o), status, after });
  },
});

const clientErrorRepeat: Rule<Recent<string, { first: Mark; count: number }>> = {
  id: 'client-error-repeat',
  statement: 'A request refused with a 4xx is not sent again unchanged more than once.',
  source: 'RFC 9110 §15.5 (a 4xx is the client\'s error: repeating the request unchanged cannot succeed); the documents\' error handbooks',
  severity: 'error',
  memo: () => new Recent(256),
  see(m, o, v) {
    const refused = o.status >= 400 && o.status < 500 && !REPEATABLE.has(o.status);
    if (!refused && m.size === 0) return; // nothing to compare with: no digest of the request
    const fp = fingerprint(o);
    const seen = m.get(fp);
    if (seen && o.status >= 200 && o.status < 400) m.delete(fp); // it went through after all: no longer a refused request
    else if (seen) {
      seen.count++;
      if (seen.count === 3) v.failed({ note: `${o.method} ${o.path} sent ${seen.count} times unchanged after a ${seen.first.status}`, entries: [entry(seen.first), entry(o)] });
      m.set(fp, seen);
    } else if (refused) {
      v.exercised();
      m.set(fp, { first: mark(o), count: 1 });
    }
  },
};

const duplicateWrite = (signIns: ReadonlySet<string>): Rule<Recent<string, Mark>> => ({
  id: 'duplicate-write',
  statement: `A write that succeeded is not sent again with the same body within ${DUPLICATE_WINDOW_MS / 1000} s (an order registered twice after a lost answer).`,
  source: 'RFC 9110 §9.2.2 (POST is not idempotent); the documents give no idempotency key, so a resent write is a second one',
  severity: 'error',
  memo: () => new Recent(256),
  see(m, o, v) {
    // A write is what changed the world (its exchange carries domain events); reads and sign-ins are not graded here.
    if (!o.events?.length || !WRITES.has(o.method) || signIns.has(`${o.system} ${o.operationId}`)) return;
    const fp = fingerprint(o);
    const before = m.get(fp);
    v.exercised();
    if (before && between(before, o) < DUPLICATE_WINDOW_MS) v.failed({ note: `${o.method} ${o.path} succeeded again with the same body ${fmt(between(before, o))} after the first`, entries: [entry(before), entry(o)], foundMs: between(before, o), requiredMs: DUPLICATE_WINDOW_MS });
    if (o.status >= 200 && o.status < 300) m.set(fp, mark(o));
  },
});

/** Every rule: core's, given the status polls every system declares, then each system's own. */
export function rulesOf(systems: readonly { id: string; conformance?: ConformanceDecl }[]): Rule[] {
  const polls = new Map(systems.map((s) => [s.id, new Map((s.conformance?.polls ?? []).map((p) => [p.operationId, p]))]));
  const signIns = new Set(systems.flatMap((s) => (s.conformance?.signIns ?? []).map((op) => `${s.id} ${op}`)));
  const own = systems.flatMap((s) => (s.conformance?.rules ?? []).map((r) => ({ ...r, system: s.id })));
  return [retryAfter, tokenReuse, pollInterval(polls), clientErrorRepeat, duplicateWrite(signIns), ...own];
}

export const fmt = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`);

// ---------------------------------------------------------------------------------------------------------------
// Grading.

/** Clients a world keeps grades for; more are graded together as one (bounded however many credentials a run uses). */
const MAX_CLIENTS = 200;
const MAX_EVIDENCE = 10;
export const OTHER_CLIENTS = 'other clients (more than 200)';

interface Grade {
  memo: unknown;
  exercised: number;
  failed: number;
  evidence: Evidence[];
  verdict: Verdict;
}

export interface ClientReport {
  client: string;
  system: string;
  /** The organization the client's credential belongs to, when the system names one. */
  organization?: string;
  rules: { rule: string; severity: Severity; result: 'passed' | 'failed' | 'not exercised'; exercised: number; failed: number; evidence: Evidence[] }[];
}

export interface Who {
  system: string;
  user?: string;
  organization?: string;
  /** X-Sim-Client, else User-Agent. */
  agent?: string;
}

/** The client an exchange is attributed to, as the report names it: the system, the user (else the organization), the program. */
export function clientName(w: Who): string {
  return `${w.system}: ${w.user ?? w.organization ?? 'anonymous'}${w.agent ? ` · ${w.agent.slice(0, 80)}` : ''}`;
}

export class Grader {
  private clients = new Map<string, { system: string; organization?: string; grades: Map<string, Grade> }>();
  /** Which client a credential belongs to, per system (a 401 names no user: its token still does). */
  private readonly credentials = new Map<string, Recent<string, string>>();
  /** The digest of each credential seen lately (a request's Authorization is digested once, not on every request). */
  private readonly digests = new Recent<string, string>(1024);
  /** The rules that watch each system (generic ones and the system's own). */
  private readonly bySystem = new Map<string, readonly Rule[]>();
  since: string;

  constructor(
    private readonly rules: readonly Rule[],
    at: string,
  ) {
    this.since = at;
  }

  /** The digest of a credential as sent (kept instead of it), computed once per credential. */
  credential(authorization: string): string {
    let d = this.digests.get(authorization);
    if (d === undefined) this.digests.set(authorization, (d = digest(authorization)));
    return d;
  }

  /** Grades one exchange; never throws (a rule that fails is skipped for it, the exchange is not affected). */
  see(o: Observation, who: Who): void {
    const known = who.user || who.organization;
    let byCredential = this.credentials.get(o.system);
    if (!byCredential) this.credentials.set(o.system, (byCredential = new Recent(1024)));
    let name = known || !o.credential ? clientName(who) : byCredential.get(o.credential) ?? clientName(who);
    if (known && o.credential && byCredential.get(o.credential) !== name) byCredential.set(o.credential, name);
    let c = this.clients.get(name);
    if (!c) {
      if (this.clients.size >= MAX_CLIENTS) name = OTHER_CLIENTS;
      c = this.clients.get(name);
      if (!c) this.clients.set(name, (c = { system: name === OTHER_CLIENTS ? '*' : o.system, grades: new Map() }));
    }
    if (who.organization && name !== OTHER_CLIENTS) c.organization = who.organization;
    let rules = this.bySystem.get(o.system);
    if (!rules) this.bySystem.set(o.system, (rules = this.rules.filter((r) => r.system === undefined || r.system === o.system)));
    for (const rule of rules) {
      let g = c.grades.get(rule.id);
      if (!g) {
        const grade: Grade = { memo: rule.memo(), exercised: 0, failed: 0, evidence: [], verdict: undefined as unknown as Verdict };
        grade.verdict = {
          exercised: () => void grade.exercised++,
          failed: (e) => {
            grade.failed++;
            if (grade.evidence.length < MAX_EVIDENCE) grade.evidence.push(e);
          },
        };
        c.grades.set(rule.id, (g = grade));
      }
      try {
        rule.see(g.memo, o, g.verdict);
      } catch {
        // A rule never fails the exchange it grades.
      }
    }
  }

  /** Per client and rule: passed, failed (with evidence) or not exercised; open obligations fail here. */
  report(nowMs: number, systems: readonly string[]): ClientReport[] {
    const out: ClientReport[] = [];
    for (const [client, c] of [...this.clients].sort(([a], [b]) => a.localeCompare(b))) {
      const rules = this.rules
        .filter((r) => r.system === undefined || r.system === c.system || c.system === '*')
        .filter((r) => r.system === undefined || systems.includes(r.system))
        .map((r) => {
          const g = c.grades.get(r.id);
          let open: Evidence[] = [];
          try {
            open = g && r.open ? r.open(g.memo, nowMs) : [];
          } catch {
            open = [];
          }
          const failed = (g?.failed ?? 0) + open.length;
          const exercised = (g?.exercised ?? 0) + open.length;
          const evidence = [...(g?.evidence ?? []), ...open].slice(0, MAX_EVIDENCE);
          return { rule: r.id, severity: r.severity, result: failed ? ('failed' as const) : exercised ? ('passed' as const) : ('not exercised' as const), exercised, failed, evidence };
        });
      out.push({ client, system: c.system, ...(c.organization ? { organization: c.organization } : {}), rules });
    }
    return out;
  }

  reset(at: string): void {
    this.clients = new Map();
    this.credentials.clear();
    this.since = at;
  }
}

/** JUnit XML of a report: a suite per client, a test case per rule; a failed rule is a failure with its evidence. */
export function junit(report: ClientReport[], rules: readonly Rule[]): string {
  const esc = (s: string) => s.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
  const byId = new Map(rules.map((r) => [r.id, r]));
  const suites = report.map((c) => {
    const cases = c.rules.map((r) => {
      const name = `${r.rule}: ${byId.get(r.rule)?.statement ?? ''}`;
      const body =
        r.result === 'failed'
          ? `<failure message="${esc(`${r.failed} violation(s) of ${r.rule}`)}" type="${r.severity}">${esc(r.evidence.map((e) => `${e.note} [journal ${e.entries.map((x) => `#${x.id} at ${x.at}`).join(', ')}]`).join('\n'))}</failure>`
          : r.result === 'not exercised'
            ? '<skipped message="not exercised"/>'
            : '';
      return `    <testcase classname="${esc(c.client)}" name="${esc(name)}">${body}</testcase>`;
    });
    const failures = c.rules.filter((r) => r.result === 'failed').length;
    const skipped = c.rules.filter((r) => r.result === 'not exercised').length;
    return `  <testsuite name="${esc(c.client)}" tests="${c.rules.length}" failures="${failures}" skipped="${skipped}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const failures = report.reduce((n, c) => n + c.rules.filter((r) => r.result === 'failed').length, 0);
  const tests = report.reduce((n, c) => n + c.rules.length, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="marking-simulator conformance" tests="${tests}" failures="${failures}">\n${suites.join('\n')}\n</testsuites>\n`;
}
