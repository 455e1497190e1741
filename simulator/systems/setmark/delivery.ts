/**
 * SetMark's pushes to the ERP, sent (push.ts keeps the queue): what falls due on the virtual clock — the journal timer,
 * the MRC cron — is queued, then each kind's queue is POSTed in order while the ERP takes it (2xx); a push it does
 * not take holds back those behind it until its retry. One delivery at a time: the timer and an on-demand push never
 * send the same push twice. Every attempt is an outbound exchange in the journal and an event.
 */
import { TIME_RANGE } from '../../core/clock.js';
import { pmap } from '../../core/pmap.js';
import type { DomainEvent, SystemContext } from '../../core/system.js';
import type { Profile } from './machine.js';
import { afterAttempt, batchJournal, duePushes, exportMrc, pushId, SINK } from './push.js';
import { atLeast, SINCE, type SetmarkTimings } from './reference.js';
import { nextFire, parseCron } from './schedule.js';
import { queued, type Attempt, type PushKind, type SetmarkState } from './state.js';

/** How long a push waits for the ERP to answer (real ms). */
const PUSH_TIMEOUT_MS = 10_000;
/** Pushes one run sends at most per kind (the rest wait for the next run). */
const PUSHES_PER_RUN = 50;

export class ErpDelivery {
  /** Deliveries one at a time. */
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: SystemContext<SetmarkState>,
    private readonly profile: () => Profile,
  ) {}

  private timings(): SetmarkTimings {
    return this.ctx.timings() as SetmarkTimings;
  }

  /** Where a kind goes: the world's URL, else `<SIM_SETMARK_ERP_URL>/<kind>`, else nowhere. */
  urlOf(s: SetmarkState, kind: PushKind): string | null {
    const own = kind === 'journal' ? s.erp.journalUrl : s.erp.mrcUrl;
    if (own) return own;
    const base = String(this.ctx.profile('erpUrl'));
    return base === 'none' ? null : `${base.replace(/\/+$/, '')}/${kind}`;
  }

  private nextId(tx: { ids: { next(kind: string): number } }): () => number {
    return () => pushId(tx.ids.next('push'), this.ctx.seed);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Sends a kind's queue, in order, while the ERP takes it; `force` sends the head even if its retry is not due. */
  private async deliver(kind: PushKind, force: boolean): Promise<Attempt[]> {
    const { ctx } = this;
    const attempts: Attempt[] = [];
    for (let i = 0; i < PUSHES_PER_RUN; i++) {
      const s = ctx.latest();
      const [o] = duePushes(s, kind, ctx.now(), force && i === 0);
      const url = this.urlOf(s, kind);
      if (!o || !url) break;
      const started = performance.now();
      let status: number;
      let error: string | undefined;
      let responseBody: string | undefined;
      if (url === SINK) status = s.erp.sinkStatuses[Math.min(s.sinkAttempts, s.erp.sinkStatuses.length - 1)] ?? 200;
      else ({ status, error, responseBody } = await ctx.post(url, o.body, PUSH_TIMEOUT_MS));
      const delivered = status >= 200 && status < 300;
      ctx.outbound({ operationId: kind === 'journal' ? 'pushJournal' : 'pushMrc', url, requestBody: o.body, status, responseBody: responseBody ?? error, durationMs: Math.round(performance.now() - started) });
      const a: Attempt = { at: ctx.now(), kind, id: o.id, url, attempt: o.attempts + 1, status, ...(error ? { error } : {}), delivered };
      if (kind === 'mrc') Object.assign(a, { packageNumber: o.body.packageNumber, packageCount: o.body.packageCount });
      const t = this.timings();
      await ctx.commit((cur) => {
        const next = afterAttempt(cur, o, a, t.pushRetryMs, t.journalReportMs, url === SINK && delivered ? o.body : undefined);
        const events: DomainEvent[] = [{ type: delivered ? 'PushDelivered' : 'PushFailed', kind, id: o.id, attempt: a.attempt, status }];
        return { state: url === SINK ? { ...next, sinkAttempts: cur.sinkAttempts + 1 } : next, events };
      });
      attempts.push(a);
      if (!delivered) break;
    }
    return attempts;
  }

  /** The pushes of a kind queued now (the journal's unpushed rows, or the MRC list). */
  private queue(kind: PushKind, cur: SetmarkState, now: number, tx: { ids: { next(kind: string): number } }): SetmarkState {
    return kind === 'journal' ? batchJournal(cur, now, this.nextId(tx)) : exportMrc(cur, now, this.nextId(tx));
  }

  /** What fell due: the journal timer, the MRC cron; then the queues. */
  tick(): Promise<void> {
    return this.exclusive(async () => {
      const { ctx } = this;
      const now = ctx.now();
      const period = Math.max(1000, this.timings().journalReportMs);
      const s = ctx.latest();
      const journalDue = now >= s.lastJournalAt + period;
      let cronAt: number | undefined;
      try {
        cronAt = nextFire(parseCron(s.erp.mrcCron), s.lastMrcAt);
      } catch {
        cronAt = undefined;
      }
      const mrcDue = cronAt !== undefined && now >= cronAt;
      if (journalDue || mrcDue) {
        await ctx.commit((cur, tx) => {
          let n = cur;
          if (journalDue) {
            if (this.urlOf(n, 'journal')) n = this.queue('journal', n, now, tx);
            n = { ...n, lastJournalAt: n.lastJournalAt + period * Math.floor((now - n.lastJournalAt) / period) };
          }
          if (mrcDue) {
            if (this.urlOf(n, 'mrc') && atLeast(this.profile().version, SINCE.mrcExport)) n = this.queue('mrc', n, now, tx);
            n = { ...n, lastMrcAt: now };
          }
          const added = pmap.size(n.outbox) - pmap.size(cur.outbox);
          return { state: n, events: n.outbox !== cur.outbox ? [{ type: 'PushesQueued', pushes: Math.max(added, 0) }] : [] };
        });
      }
      await this.deliver('journal', false);
      await this.deliver('mrc', false);
    });
  }

  /** A push on demand (the control plane): the kind queued now and its head sent, due or not. */
  push(kind: PushKind): Promise<Attempt[]> {
    return this.exclusive(async () => {
      const now = this.ctx.now();
      await this.ctx.commit((cur, tx) => {
        const n = this.queue(kind, cur, now, tx);
        return { state: n, events: [{ type: 'PushesQueued', kind, pushes: Math.max(pmap.size(n.outbox) - pmap.size(cur.outbox), 0) }] };
      });
      return this.deliver(kind, true);
    });
  }

  /** The ERP side as the control plane shows it: where pushes go, what is queued, the last attempts. */
  view() {
    const s = this.ctx.state();
    const now = this.ctx.now();
    let nextMrc: number | undefined;
    try {
      nextMrc = nextFire(parseCron(s.erp.mrcCron), Math.max(s.lastMrcAt, now - 1));
    } catch {
      nextMrc = undefined;
    }
    const iso = (ms: number | undefined) => (ms === undefined || ms > TIME_RANGE.maxMs ? null : new Date(ms).toISOString());
    return {
      journalUrl: this.urlOf(s, 'journal'),
      mrcUrl: this.urlOf(s, 'mrc'),
      mrcCron: s.erp.mrcCron,
      mrcPackageSize: s.erp.mrcPackageSize,
      nextJournalAt: iso(s.lastJournalAt + Math.max(1000, this.timings().journalReportMs)),
      nextMrcAt: iso(nextMrc),
      pendingViolations: pmap.size(s.violations),
      queue: queued(s.outbox).map((o) => ({ kind: o.kind, id: o.id, attempts: o.attempts, nextAt: new Date(o.nextAt).toISOString(), ...(o.kind === 'mrc' ? { shop: o.body.shop, packageNumber: o.body.packageNumber, packageCount: o.body.packageCount } : { rows: (o.body.data as unknown[]).length }) })),
      deliveries: s.deliveries.map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
      sink: { statuses: s.erp.sinkStatuses, attempts: s.sinkAttempts, received: s.received.map((r) => ({ at: new Date(r.at).toISOString(), kind: r.kind, body: r.body })) },
    };
  }
}
