/**
 * The PostgreSQL backend (SIM_STORE=postgres://user:password@host:5432/db; PG* variables fill in what the URL leaves
 * out, as libpq does): a world's state, blobs and id counters in a database its operators already back up. A world
 * is a row of `sim_state` (a snapshot and the version it folds in) plus the rows of `sim_log` after it (what each
 * commit changed, as the file backend's log), and its blobs in `sim_blobs`, by generation. A commit is one
 * transaction: the blobs and the record that names them together, so a 2xx means committed in PostgreSQL.
 *
 * One simulator serves a world at a time: an advisory lock per world, held for the process's life, refuses a second
 * one (as the file store's LOCK does) — replicas sharing worlds are the next step. Blobs of the current generation
 * are read into memory when the world opens (reads of them are synchronous).
 *
 * The schema is created or migrated at start (`sim_schema` holds its version); a database of a newer schema than this
 * code knows is a refusal to start.
 *
 * @example
 * const b = new PostgresBackend({ url: 'postgres://sim@127.0.0.1/sim', world: 'default' });
 */
import pg from 'pg';
import { applyOps, diff } from '../wal.js';
import { encodeBlob, type Backend, type Batch, type DbShape } from './backend.js';

/** The schema this code writes; migrations below bring an older one up to it. */
export const SCHEMA_VERSION = 1;

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
};

/** Log bytes after which a commit folds the log into the snapshot (at least; or twice the snapshot). */
const LOG_MIN_BYTES = 4 << 20;

/** How long a query may take, and a connection to open, before the request that needs it fails (ms). */
const QUERY_TIMEOUT_MS = 10_000;

export class PostgresUnavailable extends Error {
  constructor(why: string) {
    super(`PostgreSQL: ${why}`);
    this.name = 'PostgresUnavailable';
  }
}

/**
 * One pool per database URL, shared by the worlds of a process, and one connection of it that holds the worlds'
 * advisory locks (a session lock lives as long as its connection: when it drops, the locks are taken again).
 */
interface Database {
  pool: pg.Pool;
  users: number;
  migrated?: Promise<void>;
  locker?: Promise<pg.PoolClient>;
  /** The lock keys this process holds. */
  held: Set<string>;
}
const pools = new Map<string, Database>();

function poolFor(url: string): Database {
  let p = pools.get(url);
  if (!p) {
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: QUERY_TIMEOUT_MS, query_timeout: QUERY_TIMEOUT_MS, statement_timeout: QUERY_TIMEOUT_MS, idleTimeoutMillis: 30_000 });
    // An idle client losing its connection (the server restarted) is replaced on the next checkout, not a crash.
    pool.on('error', () => undefined);
    pools.set(url, (p = { pool, users: 0, held: new Set() }));
  }
  p.users++;
  return p;
}

/** The connection holding the locks; a new one (taking every held lock again) when the last one dropped. */
function locker(db: Database): Promise<pg.PoolClient> {
  db.locker ??= (async () => {
    const client = await db.pool.connect();
    const lost = () => {
      db.locker = undefined;
      client.release(true);
    };
    client.on('error', lost);
    for (const key of db.held) {
      const ok = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [key])).rows[0].ok;
      if (!ok) db.held.delete(key); // taken by another simulator meanwhile: that world's writes are refused
    }
    return client;
  })().catch((e: unknown) => {
    db.locker = undefined;
    throw e;
  });
  return db.locker;
}

async function releasePool(url: string): Promise<void> {
  const p = pools.get(url);
  if (!p || --p.users > 0) return;
  pools.delete(url);
  const l = await p.locker?.catch(() => undefined);
  l?.release(true);
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
  private readonly lockKey: string;

  constructor(private readonly o: { url: string; world: string }) {
    this.lockKey = `sim_world/${o.world}`;
  }

  async read(): Promise<DbShape | null> {
    this.conn = await database(this.o.url);
    const l = await locker(this.conn.db);
    const ok = (await l.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [this.lockKey])).rows[0].ok;
    if (!ok) throw new Error(`world ${this.o.world} in ${shownUrl(this.o.url)} is served by another simulator: one simulator per world and database (stop the other, or use another database)`);
    this.conn.db.held.add(this.lockKey);
    const state = await this.load();
    if (state) await this.loadBlobs(state._meta.generation);
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
    const { db, pool } = this.conn;
    let client: pg.PoolClient | undefined;
    try {
      // The world's lock first (taken again if its connection dropped): a write without it could race another simulator.
      await locker(db);
      if (!db.held.has(this.lockKey)) throw new Error(`world ${this.o.world} was taken by another simulator while the database was unreachable; restart this one`);
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
    const ops = full ? undefined : JSON.stringify(diff(this.last!, batch.data));
    const snapshot = full ? JSON.stringify(batch.data) : undefined;
    try {
      await client.query('BEGIN');
      for (const [key, v] of batch.blobs) {
        const { bytes, binary } = encodeBlob(v);
        await client.query('INSERT INTO sim_blobs (world, generation, key, bytes, is_binary) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (world, generation, key) DO UPDATE SET bytes = EXCLUDED.bytes, is_binary = EXCLUDED.is_binary', [this.o.world, gen, key, bytes, binary]);
      }
      if (snapshot !== undefined) {
        await client.query('INSERT INTO sim_state (world, version, snapshot, snapshot_version) VALUES ($1, $2, $3, $2) ON CONFLICT (world) DO UPDATE SET version = EXCLUDED.version, snapshot = EXCLUDED.snapshot, snapshot_version = EXCLUDED.snapshot_version', [this.o.world, version, snapshot]);
        await client.query('DELETE FROM sim_log WHERE world = $1', [this.o.world]);
      } else {
        await client.query('INSERT INTO sim_log (world, version, ops) VALUES ($1, $2, $3)', [this.o.world, version, ops]);
        await client.query('UPDATE sim_state SET version = $2 WHERE world = $1', [this.o.world, version]);
      }
      if (batch.dropGeneration !== undefined && batch.dropGeneration !== gen) await client.query('DELETE FROM sim_blobs WHERE world = $1 AND generation <> $2', [this.o.world, gen]);
      await client.query('COMMIT');
      client.release();
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      this.uncertain = true;
      throw new PostgresUnavailable((e as Error).message);
    }
    this.version = version;
    if (snapshot !== undefined) {
      this.snapshotBytes = snapshot.length;
      this.logBytes = 0;
    } else this.logBytes += ops!.length;
    this.last = batch.data;
    if (gen !== this.cachedGeneration) {
      this.blobCache.clear();
      this.cachedGeneration = gen;
    }
    for (const [key, v] of batch.blobs) this.blobCache.set(key, v);
  }

  async close(): Promise<void> {
    if (!this.conn) return;
    const { db } = this.conn;
    if (db.held.delete(this.lockKey)) {
      const l = await db.locker?.catch(() => undefined);
      await l?.query('SELECT pg_advisory_unlock(hashtext($1))', [this.lockKey]).catch(() => undefined);
    }
    await this.conn.release();
    this.conn = undefined;
  }

  /** Everything of a world gone from the database (a deleted world). */
  static async drop(url: string, world: string): Promise<void> {
    const conn = await database(url);
    try {
      await transaction(conn.pool, async (client) => {
        for (const t of ['sim_blobs', 'sim_log', 'sim_state']) await client.query(`DELETE FROM ${t} WHERE world = $1`, [world]);
      });
    } finally {
      await conn.release();
    }
  }
}
