/**
 * The journal of replicas sharing a PostgreSQL store, without a database write per request. Each replica keeps what
 * it recorded in memory (the newest `capacity` exchanges of a world: older ones could not be listed anyway) and sends
 * it to `sim_journal` once a second, or at once when any replica is asked for a listing: that replica asks the others
 * (NOTIFY sim_journal) and waits, a bounded while, until every live one says it has sent what it held when asked
 * (`sim_replicas.sent`, then NOTIFY sim_journal_sent). A replica is live while its listening connection is: PostgreSQL
 * lists it by its application name (a replica killed is gone from that list at once, and not waited for). A listing is thus every replica's
 * exchanges up to the moment it was asked, in the order they happened (wall-clock time of the replica that took them).
 *
 * A reset or a deleted world empties the journal for every replica (NOTIFY sim_journal_clear: each drops what it holds).
 * A replica whose listening connection is down still sends every second; one that died loses at most its last second.
 * The journal is a record of what was seen, not state: the tables are unlogged.
 *
 * @example
 * const cj = new ClusterJournal(pool, url); const sink = cj.sink('default', 1000);
 */
import pg from 'pg';
import { monotonicMs, wallMs } from '../clock.js';
import type { JournalSink } from './backend.js';

/** How often what a replica recorded is sent without being asked (ms). */
const SEND_MS = 1_000;
/** How a replica's listening connection is named (`application_name`), by the replica's number. */
const APP = 'sim-journal ';
/** The longest a listing waits for the other replicas (then it lists what they sent). */
const WAIT_MS = 1_500;

type Entry = { id: number } & Record<string, unknown>;

interface Held {
  capacity: number;
  /** Recorded here, not yet sent, with the wall-clock time this replica took them. */
  entries: { t: number; e: Entry }[];
  sinceTrim: number;
}

export class ClusterJournal {
  /** This process among the replicas (numbered by the database when it first listens; a restart is a new one). */
  private me?: string;
  private readonly buffers = new Map<string, Held>();
  private sending: Promise<void> = Promise.resolve();
  private listener?: pg.Client;
  private readonly waiters = new Set<() => void>();
  private readonly sender: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
  ) {
    this.sender = setInterval(() => void this.send().catch(() => undefined), SEND_MS).unref();
    void this.listen();
  }

  /** Where the journal of one world goes. */
  sink(world: string, capacity: number): JournalSink {
    return {
      append: async (entries) => {
        let b = this.buffers.get(world);
        if (!b) this.buffers.set(world, (b = { capacity, entries: [], sinceTrim: 0 }));
        const t = wallMs();
        for (const e of entries) b.entries.push({ t, e: e as Entry });
        if (b.entries.length >= capacity * 1.25) b.entries.splice(0, b.entries.length - capacity);
      },
      recent: async (limit) => {
        await this.gather();
        const rows = (await this.pool.query<{ id: string; entries: string }>('SELECT id, entries FROM sim_journal WHERE world = $1', [world])).rows;
        const all = rows.flatMap((r) => (JSON.parse(r.entries) as (Entry & { t: number })[]).map((e, i) => ({ ...e, id: Number(r.id) * 1_000_000 + i })));
        // In the order they happened across replicas (each replica's own in the order it kept them).
        all.sort((a, b) => a.t - b.t || a.id - b.id);
        return all.slice(-limit).map(({ t: _t, ...e }) => e as Entry);
      },
      clear: async () => {
        // Every replica drops what it holds of the world's journal (a reset through any replica empties it for all).
        this.buffers.delete(world);
        await this.pool.query("SELECT pg_notify('sim_journal_clear', $1)", [world]);
        await this.pool.query('DELETE FROM sim_journal WHERE world = $1', [world]);
      },
    };
  }

  /** The world closed here: what this replica holds of it sent (unless the world is gone), and forgotten. */
  async forget(world: string, send: boolean): Promise<void> {
    if (!send) this.buffers.delete(world);
    await this.send().catch(() => undefined);
    this.buffers.delete(world);
  }

  /** Sends what is held, one send after another (a send asked for while one runs follows it: nothing is skipped). */
  send(): Promise<void> {
    const run = async () => {
      for (const [world, b] of this.buffers) {
        if (!b.entries.length) continue;
        const batch = b.entries.length > b.capacity ? b.entries.slice(-b.capacity) : b.entries;
        b.entries = [];
        await this.pool.query('INSERT INTO sim_journal (world, n, entries) VALUES ($1, $2, $3)', [world, batch.length, JSON.stringify(batch.map(({ t, e: { id: _id, ...e } }) => ({ ...e, t })))]);
        // Bounded: the newest `capacity` exchanges of a world (whole batches), trimmed every quarter of it.
        b.sinceTrim += batch.length;
        if (b.sinceTrim < b.capacity / 4) continue;
        b.sinceTrim = 0;
        await this.pool.query('DELETE FROM sim_journal WHERE world = $1 AND id < (SELECT min(id) FROM (SELECT id, sum(n) OVER (ORDER BY id DESC) AS total FROM sim_journal WHERE world = $1) t WHERE total - n < $2)', [world, b.capacity]);
      }
    };
    // Lost when the database is out of reach: a record of what was seen, not state.
    this.sending = this.sending.then(run, run);
    return this.sending;
  }

  /** Every live replica's exchanges in the table: asks them, sends this one's, waits for their word (bounded). */
  private async gather(): Promise<void> {
    const ask = (await this.pool.query<{ n: string }>("SELECT nextval('sim_journal_ask') AS n")).rows[0].n;
    await this.pool.query("SELECT pg_notify('sim_journal', $1)", [ask]);
    await this.send();
    const deadline = monotonicMs() + WAIT_MS;
    for (;;) {
      const pending = (await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM sim_replicas r JOIN pg_stat_activity a ON a.datname = current_database() AND a.application_name = '${APP}' || r.replica WHERE r.replica <> $1 AND r.sent < $2`, [this.me ?? '', ask])).rows[0].n;
      const left = deadline - monotonicMs();
      if (pending === 0 || left <= 0) return;
      // Woken by a replica's word (NOTIFY sim_journal_sent), or a moment later in case it came before this wait.
      await new Promise<void>((resolve) => {
        const done = () => (clearTimeout(timer), this.waiters.delete(done), resolve());
        const timer = setTimeout(done, Math.min(left, 50));
        this.waiters.add(done);
      });
    }
  }

  /** A connection that hears other replicas ask; reconnects (after a second) when it is lost. */
  private async listen(): Promise<void> {
    if (this.closed) return;
    let client: pg.Client | undefined;
    let gone = false;
    const retry = () => {
      if (gone) return;
      gone = true;
      if (this.listener === client) this.listener = undefined;
      client?.removeAllListeners('end');
      void client?.end().catch(() => undefined);
      if (!this.closed) this.retry = setTimeout(() => void this.listen(), 1_000).unref();
    };
    try {
      this.me ??= `r${(await this.pool.query<{ n: string }>("SELECT nextval('sim_journal_ask') AS n")).rows[0].n}`;
      client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 10_000, application_name: APP + this.me });
      client.on('error', retry);
      client.on('end', retry);
      client.on('notification', (n) => {
        if (n.channel === 'sim_journal_sent') for (const w of [...this.waiters]) w();
        else if (n.channel === 'sim_journal_clear' && n.payload) this.buffers.delete(n.payload);
        else if (n.channel === 'sim_journal' && n.payload) void this.answer(n.payload).catch(() => undefined);
      });
      await client.connect();
      await client.query('LISTEN sim_journal; LISTEN sim_journal_sent; LISTEN sim_journal_clear');
      await this.pool.query('INSERT INTO sim_replicas (replica, sent) VALUES ($1, 0) ON CONFLICT (replica) DO NOTHING', [this.me]);
      // Rows of replicas gone (killed, or stopped while the database was away) go when another starts listening.
      await this.pool.query(`DELETE FROM sim_replicas r WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = current_database() AND a.application_name = '${APP}' || r.replica)`);
      if (gone || this.closed) return void client.end().catch(() => undefined);
      this.listener = client;
    } catch {
      retry();
    }
  }

  /** Another replica asked: what this one holds is sent, and it says so. */
  private async answer(ask: string): Promise<void> {
    await this.send();
    await this.pool.query('UPDATE sim_replicas SET sent = greatest(sent, $2) WHERE replica = $1', [this.me, ask]);
    await this.pool.query("SELECT pg_notify('sim_journal_sent', $1)", [this.me]);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sender);
    clearTimeout(this.retry);
    await this.send().catch(() => undefined);
    if (this.me) await this.pool.query('DELETE FROM sim_replicas WHERE replica = $1', [this.me]).catch(() => undefined);
    const l = this.listener;
    this.listener = undefined;
    if (l) {
      l.removeAllListeners('end');
      await l.end().catch(() => undefined);
    }
  }
}
