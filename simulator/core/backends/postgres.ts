/**
 * The PostgreSQL backend (SIM_STORE=postgres://user:password@host:5432/db; PG* variables fill in what the URL leaves
 * out, as libpq does): a world's state, blobs and id counters in a database its operators already back up. A world
 * is a row of `sim_state` (a snapshot and the version it folds in) plus the rows of `sim_log` after it (what each
 * commit changed, as the file backend's log), and its blobs in `sim_blobs`, by generation. A commit is one
 * transaction: the blobs and the record that names them together, so a 2xx means committed in PostgreSQL.
 *
 * Any number of replicas may serve the same worlds: a commit is written only on top of the version this replica last
 * saw (the head row locked in the transaction); when another replica committed first, nothing is written and the
 * store takes the new state in and makes its changes again on it (core/store.ts). Before a request a replica takes in
 * what others committed (`pull`: one query when nothing changed). Blobs of the current generation are held in memory
 * (reads of them are synchronous): those other replicas write are read when their commit is taken in.
 *
 * The schema is created or migrated at start (`sim_schema` holds its version); a database of a newer schema than this
 * code knows is a refusal to start.
 *
 * @example
 * const b = new PostgresBackend({ url: 'postgres://sim@127.0.0.1/sim', world: 'default' });
 */
import pg from 'pg';
import { applyOps, applyOpsCopying, diff } from '../wal.js';
import { ClusterJournal } from './pg-journal.js';
import { Conflict, encodeBlob, type Backend, type Batch, type DbShape, type JournalSink, type RateSink } from './backend.js';

/** The schema this code writes; migrations below bring an older one up to it. */
export const SCHEMA_VERSION = 7;

const MIGRATIONS: Record<number, string> = {
  1: `
    CREATE TABLE sim_state (
      world text PRIMARY KEY,
      version bigint NOT NULL,
      snapshot text NOT NULL,
      snapshot_version bigint NOT NULL
    );
    CREATE TABLE sim_log (
      world text NOT NULL,
      version bigint NOT NULL,
      ops text NOT NULL,
      PRIMARY KEY (world, version)
    );
    CREATE TABLE sim_blobs (
      world text NOT NULL,
      generation integer NOT NULL,
      key text NOT NULL,
      bytes bytea NOT NULL,
      is_binary boolean NOT NULL,
      PRIMARY KEY (world, generation, key)
    );
    CREATE TABLE sim_worlds (
      id text PRIMARY KEY,
      created_at timestamptz NOT NULL,
      ttl_ms bigint
    );
  `,
  // Replicas: a blob says which commit wrote it (a replica taking in others' changes reads the blobs they wrote).
  2: `
    ALTER TABLE sim_blobs ADD COLUMN version bigint NOT NULL DEFAULT 0;
    CREATE INDEX sim_blobs_version ON sim_blobs (world, generation, version);
  `,
  // Replicas: one journal of every replica's exchanges per world.
  3: `
    CREATE TABLE sim_journal (
      id bigserial PRIMARY KEY,
      world text NOT NULL,
      entry text NOT NULL
    );
    CREATE INDEX sim_journal_world ON sim_journal (world, id);
  `,
  // Replicas: the rate-limit windows they count together (the times of the hits in the window, per key).
  4: `
    CREATE TABLE sim_rate (
      world text NOT NULL,
      key text NOT NULL,
      times bigint[] NOT NULL,
      PRIMARY KEY (world, key)
    );
  `,
  // The journal and the rate windows are records of what was seen, not state: unlogged (no WAL, no fsync), so that
  // every replica's every request does not cost the database a durable write. A crash of PostgreSQL empties them.
  5: `
    ALTER TABLE sim_journal SET UNLOGGED;
    ALTER TABLE sim_rate SET UNLOGGED;
  `,
  // A row of the journal is a batch of exchanges (what a replica sent at once): a few rows a second instead of one
  // an exchange. The old rows (a record, not state) are dropped.
  6: `
    DROP TABLE sim_journal;
    CREATE UNLOGGED TABLE sim_journal (
      id bigserial PRIMARY KEY,
      world text NOT NULL,
      n integer NOT NULL,
      entries text NOT NULL
    );
    CREATE INDEX sim_journal_world ON sim_journal (world, id);
  `,
  // The journal is kept by each replica and sent when a listing asks for it (pg-journal.ts): what each replica has
  // sent, and the number of each ask (and of each replica).
  7: `
    CREATE UNLOGGED TABLE sim_replicas (
      replica text PRIMARY KEY,
      sent bigint NOT NULL
    );
    CREATE SEQUENCE sim_journal_ask;
  `,
};

/** Log bytes after which a commit folds the log into the snapshot (at least; or twice the snapshot). */
const LOG_MIN_BYTES = 4 << 20;

/** How long a query may take, and a connection to open, before the request that needs it fails (ms). */
const QUERY_TIMEOUT_MS = 10_000;

/** A world another replica deleted: this replica closes it too. */
export class WorldGone extends Error {
  constructor(readonly world: string) {
    super(`world ${world} was deleted`);
    this.name = 'WorldGone';
  }
}

export class PostgresUnavailable extends Error {
  constructor(why: string) {
    super(`PostgreSQL: ${why}`);
    this.name = 'PostgresUnavailable';
  }
}

/** One pool per database URL, shared by the worlds of a process. */
interface Database {
  pool: pg.Pool;
  users: number;
  migrated?: Promise<void>;
  /** The journal this process keeps for every replica (made with the first world that records). */
  journal?: ClusterJournal;
}
const pools = new Map<string, Database>();

function poolFor(url: string): Database {
  let p = pools.get(url);
  if (!p) {
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: QUERY_TIMEOUT_MS, query_timeout: QUERY_TIMEOUT_MS, statement_timeout: QUERY_TIMEOUT_MS, idleTimeoutMillis: 30_000 });
    // An idle client losing its connection (the server restarted) is replaced on the next checkout, not a crash.
    pool.on('error', () => undefined);
    pools.set(url, (p = { pool, users: 0 }));
  }
  p.users++;
  return p;
}

async function releasePool(url: string): Promise<void> {
  const p = pools.get(url);
  if (!p || --p.users > 0) return;
  pools.delete(url);
  await p.journal?.close();
  await p.pool.end().catch(() => undefined);
}

/** Runs `work` in a transaction on a pooled connection: committed when it resolves, rolled back when it throws. */
async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** Creates the schema, or migrates it; refuses a database whose schema is newer than this code. */
export function migrate(pool: pg.Pool): Promise<void> {
  return transaction(pool, async (client) => {
    // One simulator migrates at a time (several may start together on one database).
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['sim_schema']);
    await client.query('CREATE TABLE IF NOT EXISTS sim_schema (version integer NOT NULL)');
    const row = (await client.query<{ version: number }>('SELECT version FROM sim_schema')).rows[0];
    const at = row?.version ?? 0;
    if (at > SCHEMA_VERSION) throw new Error(`the database's schema is version ${at}, newer than this simulator knows (${SCHEMA_VERSION}): run a newer simulator, or point SIM_STORE at another database`);
    for (let v = at + 1; v <= SCHEMA_VERSION; v++) await client.query(MIGRATIONS[v]);
    if (!row) await client.query('INSERT INTO sim_schema (version) VALUES ($1)', [SCHEMA_VERSION]);
    else if (at < SCHEMA_VERSION) await client.query('UPDATE sim_schema SET version = $1', [SCHEMA_VERSION]);
  });
}

/** The pool of a URL, its schema made current once per process. */
export async function database(url: string): Promise<{ db: Database; pool: pg.Pool; release(): Promise<void> }> {
  const p = poolFor(url);
  try {
    p.migrated ??= migrate(p.pool);
    await p.migrated;
  } catch (e) {
    p.migrated = undefined;
    await releasePool(url);
    throw e;
  }
  return { db: p, pool: p.pool, release: () => releasePool(url) };
}

/** Whether the database of a URL answers a query within a few seconds (health). */
export async function reachable(url: string): Promise<boolean> {
  const p = pools.get(url);
  if (!p) return false;
  try {
    await p.pool.query({ text: 'SELECT 1', query_timeout: 3_000 } as pg.QueryConfig);
    return true;
  } catch {
    return false;
  }
}

/** A URL without its password, for messages. */
export const shownUrl = (url: string): string => url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');

export class PostgresBackend implements Backend {
  readonly persistent = true;
  private conn?: { db: Database; pool: pg.Pool; release(): Promise<void> };
  private last?: DbShape;
  private version = 0;
  private snapshotBytes = 0;
  private logBytes = 0;
  /** A write failed without knowing whether PostgreSQL committed it: the next one reads where the database is. */
  private uncertain = false;
  /** Blobs of the current generation (and those written since), by key. */
  private readonly blobCache = new Map<string, unknown>();
  private cachedGeneration = -1;
  private gone = false;
  constructor(private readonly o: { url: string; world: string }) {}

  async read(): Promise<DbShape | null> {
    this.conn = await database(this.o.url);
    const state = await this.load();
    if (state) await this.loadBlobs(state._meta.generation);
    return state;
  }

  async pull(): Promise<DbShape | null> {
    if (!this.conn) return null;
    let head: { version: string; snapshot_version: string } | undefined;
    try {
      head = (await this.conn.pool.query<{ version: string; snapshot_version: string }>('SELECT version, snapshot_version FROM sim_state WHERE world = $1', [this.o.world])).rows[0];
    } catch (e) {
      throw new PostgresUnavailable((e as Error).message);
    }
    if (!head) throw this.goneNow();
    if (Number(head.version) === this.version) return null;
    return this.catchUp(Number(head.snapshot_version));
  }

  /** The changes since this replica's version applied (the whole state again when the log was folded past it). */
  private async catchUp(snapshotVersion: number): Promise<DbShape | null> {
    const pool = this.conn!.pool;
    const before = this.version;
    const generation = this.last?._meta.generation;
    if (!this.last || snapshotVersion > before) {
      if (!(await this.load())) return null; // the world is gone
    } else {
      const log = await pool.query<{ version: string; ops: string }>('SELECT version, ops FROM sim_log WHERE world = $1 AND version > $2 ORDER BY version', [this.o.world, before]);
      // The state held is shared and frozen: the changes are applied by copying what they touch.
      let state = this.last;
      for (const r of log.rows) {
        state = applyOpsCopying(state, JSON.parse(r.ops)) as DbShape;
        this.logBytes += r.ops.length;
        this.version = Number(r.version);
      }
      this.last = state;
    }
    const state = this.last!;
    if (state._meta.generation !== generation) await this.loadBlobs(state._meta.generation);
    else {
      const rows = await pool.query<{ key: string; bytes: Buffer; is_binary: boolean }>('SELECT key, bytes, is_binary FROM sim_blobs WHERE world = $1 AND generation = $2 AND version > $3', [this.o.world, state._meta.generation, before]);
      for (const r of rows.rows) this.blobCache.set(r.key, r.is_binary ? r.bytes : JSON.parse(r.bytes.toString('utf8')));
    }
    return state;
  }

  /** The world as the database has it: its snapshot with the log after it applied. */
  private async load(): Promise<DbShape | null> {
    const pool = this.conn!.pool;
    const head = (await pool.query<{ version: string; snapshot: string; snapshot_version: string }>('SELECT version, snapshot, snapshot_version FROM sim_state WHERE world = $1', [this.o.world])).rows[0];
    if (!head) return null;
    let state = JSON.parse(head.snapshot) as DbShape;
    this.logBytes = 0;
    const log = await pool.query<{ version: string; ops: string }>('SELECT version, ops FROM sim_log WHERE world = $1 AND version > $2 ORDER BY version', [this.o.world, head.snapshot_version]);
    for (const r of log.rows) {
      state = applyOps(state, JSON.parse(r.ops)) as DbShape;
      this.logBytes += r.ops.length;
    }
    this.version = Number(head.version);
    this.snapshotBytes = head.snapshot.length;
    this.last = state;
    return state;
  }

  private async loadBlobs(generation: number): Promise<void> {
    this.blobCache.clear();
    this.cachedGeneration = generation;
    const rows = await this.conn!.pool.query<{ key: string; bytes: Buffer; is_binary: boolean }>('SELECT key, bytes, is_binary FROM sim_blobs WHERE world = $1 AND generation = $2', [this.o.world, generation]);
    for (const r of rows.rows) this.blobCache.set(r.key, r.is_binary ? r.bytes : JSON.parse(r.bytes.toString('utf8')));
  }

  /** Blobs of other generations are dropped in the transaction that leaves them (write): nothing else is left over. */
  discard(_generation: number): void {}

  readBlob(generation: number, key: string): unknown {
    return generation === this.cachedGeneration ? this.blobCache.get(key) : undefined;
  }

  hasBlob(generation: number, key: string): boolean {
    return generation === this.cachedGeneration && this.blobCache.has(key);
  }

  async write(batch: Batch): Promise<void> {
    if (!this.conn) throw new PostgresUnavailable('the store is not open');
    const { pool } = this.conn;
    let client: pg.PoolClient | undefined;
    try {
      // After a write whose outcome was unknown: continue from where the database is (an unacknowledged change that
      // did land is undone by the diff below, one that did not is simply absent).
      if (this.uncertain) {
        await this.load();
        this.uncertain = false;
      }
      client = await pool.connect();
    } catch (e) {
      client?.release();
      throw new PostgresUnavailable((e as Error).message);
    }
    const gen = batch.data._meta.generation;
    const version = this.version + 1;
    const full = !this.last || batch.dropGeneration !== undefined || this.logBytes > Math.max(LOG_MIN_BYTES, 2 * this.snapshotBytes);
    /** Another replica committed first: the version its snapshot folds in (Infinity: the world is gone or new). */
    let conflict: number | false = false;
    try {
      await client.query('BEGIN');
      // The head, locked: another replica's commit waits for this one, and this one is written only on top of the
      // version it was made on.
      const head = (await client.query<{ version: string; snapshot_version: string }>('SELECT version, snapshot_version FROM sim_state WHERE world = $1 FOR UPDATE', [this.o.world])).rows[0];
      if (head ? Number(head.version) !== this.version : this.last !== undefined) conflict = head ? Number(head.snapshot_version) : Infinity;
      else {
        const ops = full ? undefined : JSON.stringify(diff(this.last!, batch.data));
        const snapshot = full ? JSON.stringify(batch.data) : undefined;
        for (const [key, v] of batch.blobs) {
          const { bytes, binary } = encodeBlob(v);
          await client.query('INSERT INTO sim_blobs (world, generation, key, bytes, is_binary, version) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (world, generation, key) DO UPDATE SET bytes = EXCLUDED.bytes, is_binary = EXCLUDED.is_binary, version = EXCLUDED.version', [this.o.world, gen, key, bytes, binary, version]);
        }
        if (snapshot !== undefined && !head) {
          // A new world: made by whichever replica inserts it first (two that raced both found no row to lock).
          const made = await client.query('INSERT INTO sim_state (world, version, snapshot, snapshot_version) VALUES ($1, $2, $3, $2) ON CONFLICT (world) DO NOTHING', [this.o.world, version, snapshot]);
          if (made.rowCount === 0) conflict = Infinity;
          else {
            this.snapshotBytes = snapshot.length;
            this.logBytes = 0;
          }
        } else if (snapshot !== undefined) {
          await client.query('UPDATE sim_state SET version = $2, snapshot = $3, snapshot_version = $2 WHERE world = $1', [this.o.world, version, snapshot]);
          await client.query('DELETE FROM sim_log WHERE world = $1', [this.o.world]);
          this.snapshotBytes = snapshot.length;
          this.logBytes = 0;
        } else {
          await client.query('INSERT INTO sim_log (world, version, ops) VALUES ($1, $2, $3)', [this.o.world, version, ops]);
          await client.query('UPDATE sim_state SET version = $2 WHERE world = $1', [this.o.world, version]);
          this.logBytes += ops!.length;
        }
        if (batch.dropGeneration !== undefined && batch.dropGeneration !== gen) await client.query('DELETE FROM sim_blobs WHERE world = $1 AND generation <> $2', [this.o.world, gen]);
      }
      await client.query(conflict !== false ? 'ROLLBACK' : 'COMMIT');
      client.release();
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      this.uncertain = true;
      throw new PostgresUnavailable((e as Error).message);
    }
    if (conflict !== false) {
      const state = await this.catchUp(conflict).catch((e: unknown) => {
        throw new PostgresUnavailable((e as Error).message);
      });
      if (!state) throw this.goneNow(); // deleted by another replica meanwhile
      throw new Conflict(state);
    }
    this.version = version;
    this.last = batch.data;
    if (gen !== this.cachedGeneration) {
      this.blobCache.clear();
      this.cachedGeneration = gen;
    }
    for (const [key, v] of batch.blobs) this.blobCache.set(key, v);
  }

  rates(): RateSink {
    const world = this.o.world;
    return {
      hit: async (raw, nowMs, limit, windowMs) => {
        if (!this.conn) throw new PostgresUnavailable('the store is not open');
        // Keys hold what clients sent (and a NUL between system and caller), which text columns cannot: kept encoded.
        const key = Buffer.from(raw, 'utf8').toString('base64');
        return transaction(this.conn.pool, async (client) => {
          // The key's row locked (made when it is new): replicas counting the same client take turns.
          await client.query('INSERT INTO sim_rate (world, key, times) VALUES ($1, $2, $3) ON CONFLICT (world, key) DO NOTHING', [world, key, []]);
          const row = (await client.query<{ times: string[] }>('SELECT times FROM sim_rate WHERE world = $1 AND key = $2 FOR UPDATE', [world, key])).rows[0];
          const times = row.times.map(Number).filter((t) => t > nowMs - windowMs);
          if (times.length >= limit) {
            await client.query('UPDATE sim_rate SET times = $3 WHERE world = $1 AND key = $2', [world, key, times]);
            return { allowed: false as const, retryAfterMs: times[0] + windowMs - nowMs };
          }
          times.push(nowMs);
          await client.query('UPDATE sim_rate SET times = $3 WHERE world = $1 AND key = $2', [world, key, times]);
          return { allowed: true as const, remaining: limit - times.length };
        });
      },
      clear: async () => {
        if (this.conn) await this.conn.pool.query('DELETE FROM sim_rate WHERE world = $1', [world]);
      },
    };
  }

  journal(capacity: number): JournalSink {
    if (!this.conn) throw new PostgresUnavailable('the store is not open');
    const db = this.conn.db;
    db.journal ??= new ClusterJournal(db.pool, this.o.url);
    return db.journal.sink(this.o.world, capacity);
  }

  async exclusive<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
    if (!this.conn) return undefined;
    const key = `sim/${this.o.world}/${name}`;
    const client = await this.conn.pool.connect();
    try {
      if (!(await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [key])).rows[0].ok) return undefined;
      try {
        return await work();
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
      }
    } finally {
      client.release();
    }
  }

  /** The world was deleted by another replica: nothing of it is written again (its journal is dropped on close). */
  private goneNow(): WorldGone {
    this.gone = true;
    return new WorldGone(this.o.world);
  }

  async close(): Promise<void> {
    if (!this.conn) return;
    await this.conn.db.journal?.forget(this.o.world, !this.gone);
    await this.conn.release();
    this.conn = undefined;
  }

  /** Everything of a world gone from the database (a deleted world). */
  static async drop(url: string, world: string): Promise<void> {
    const conn = await database(url);
    try {
      await transaction(conn.pool, async (client) => {
        for (const t of ['sim_blobs', 'sim_log', 'sim_state', 'sim_journal', 'sim_rate']) await client.query(`DELETE FROM ${t} WHERE world = $1`, [world]);
        // The other replicas drop what they hold of its journal.
        await client.query("SELECT pg_notify('sim_journal_clear', $1)", [world]);
      });
    } finally {
      await conn.release();
    }
  }
}
