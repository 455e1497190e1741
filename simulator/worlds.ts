/**
 * The worlds of a simulator besides the default one: each a complete, isolated simulated state (world.ts) addressed
 * by a path prefix, `/w/{id}/...`. Created and deleted on the control plane; durable before creation or deletion is
 * acknowledged, and restored on start. A world given a time to live is deleted after that much real time without a
 * request.
 *
 * With the file store each world lives in a directory of its own under `<SIM_DATA_DIR>/worlds/`, acknowledged by its
 * `world.json` (written last on creation, removed first on deletion): a directory without one is a creation or a
 * deletion that never finished, and is removed on start. With PostgreSQL a world is a row of `sim_worlds` (inserted
 * last, deleted first) beside its state; state without a row is removed on start.
 *
 * @example
 * const worlds = await Worlds.open(shared, { dir: './.sim-data', max: 100, tickMs: 1000 });
 * const w = await worlds.create({ id: 'suite-1', ttlMs: 600_000 });
 */
import { mkdir, readdir, readFile, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SimClock, monotonicMs } from './core/clock.js';
import { fsyncDir, writeAtomic } from './core/backends/file.js';
import { database, PostgresBackend } from './core/backends/postgres.js';
import { storeOf, type StoreChoice } from './core/store.js';
import { unrepeatableId } from './core/random.js';
import type { Scenario } from './core/scenario.js';
import { World, type Shared } from './world.js';

/** A world id: letters, digits, '-' and '_', at most 64. */
export const WORLD_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface WorldsOptions {
  /** Where the simulator keeps its worlds (SIM_STORE). */
  store: StoreChoice;
  /** At most this many worlds besides the default one (SIM_MAX_WORLDS). */
  max: number;
  tickMs: number;
  /** Real monotonic ms, for times to live (default the process's; tests pass their own). */
  realMs?: () => number;
}

/** What is kept of a world besides its state (world.json). */
interface Record_ {
  id: string;
  createdAt: string;
  ttlMs?: number;
}

interface Entry extends Record_ {
  world: World;
  /** Real (monotonic) ms of the last request, for the time to live. */
  usedAt: number;
  /** Wall-clock ms of the last request, for the listing (a number: formatted only when listed). */
  usedWallMs: number;
  /** Being deleted: no longer served. */
  deleting?: boolean;
}

export interface WorldInfo {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  ttlMs: number | null;
  scenario: string | null;
  seed: number;
  clock: ReturnType<SimClock['state']>;
}

export class WorldExists extends Error {}
export class TooManyWorlds extends Error {}

export class Worlds {
  private readonly map = new Map<string, Entry>();
  /** Ids being created (a second create of the same id while the first is written is a duplicate). */
  private readonly pending = new Set<string>();
  /** Wall time for the listing (never business state). */
  private readonly wall = new SimClock();
  private sweeper: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly realMs: () => number;

  private constructor(
    private readonly shared: Shared,
    private readonly o: WorldsOptions,
  ) {
    this.realMs = o.realMs ?? monotonicMs;
  }

  /** The worlds the store kept, restored; what a half-made or half-deleted world left is removed. */
  static async open(shared: Shared, o: WorldsOptions): Promise<Worlds> {
    const worlds = new Worlds(shared, o);
    if (o.store.kind === 'file') {
      const root = join(o.store.dir, 'worlds');
      await mkdir(root, { recursive: true });
      for (const name of await readdir(root)) {
        const dir = join(root, name);
        let rec: Record_ | undefined;
        try {
          rec = JSON.parse(await readFile(join(dir, 'world.json'), 'utf8')) as Record_;
        } catch {
          rec = undefined;
        }
        if (!rec || rec.id !== name || !WORLD_ID.test(name)) {
          await rm(dir, { recursive: true, force: true });
          shared.log.warn({ world: name }, `world ${name}: an unfinished creation or deletion, removed`);
          continue;
        }
        await worlds.restore(rec, dir);
      }
      await fsyncDir(root);
    }
    if (o.store.kind === 'postgres') await worlds.refresh(true);
    // Every second: worlds past their time to live, and (a shared store) worlds other replicas created or deleted.
    worlds.sweeper = setInterval(() => {
      void worlds.sweep();
      void worlds.refresh().catch(() => undefined);
    }, 1_000);
    worlds.sweeper.unref();
    return worlds;
  }

  private async restore(rec: Record_, dir?: string): Promise<void> {
    const world = await World.open(this.shared, { id: rec.id, store: storeOf(this.o.store, rec.id, dir), clock: new SimClock(), tickMs: this.o.tickMs });
    this.map.set(rec.id, { ...rec, world, usedAt: this.realMs(), usedWallMs: this.wall.nowMs() });
  }

  /**
   * With a shared database: the worlds as the database lists them now — those another replica created are opened,
   * those it deleted are closed here too. `start`: also removes the state of worlds whose row is gone (a creation or
   * deletion that never finished). Nothing to do with another store.
   */
  refresh(start = false): Promise<void> {
    if (this.o.store.kind !== 'postgres') return Promise.resolve();
    // One at a time (two would open the same world twice).
    this.refreshing = (this.refreshing ?? Promise.resolve()).then(() => this.reread(start));
    return this.refreshing;
  }

  private async reread(start: boolean): Promise<void> {
    const store = this.o.store;
    if (store.kind !== 'postgres') return;
    const db = await database(store.url);
    try {
      const rows = (await db.pool.query<{ id: string; created_at: Date; ttl_ms: string | null }>('SELECT id, created_at, ttl_ms FROM sim_worlds ORDER BY created_at')).rows;
      const known = new Set(rows.map((r) => r.id));
      if (start) {
        for (const r of (await db.pool.query<{ world: string }>("SELECT world FROM sim_state WHERE world <> 'default'")).rows) {
          if (known.has(r.world)) continue;
          await PostgresBackend.drop(store.url, r.world);
          this.shared.log.warn({ world: r.world }, `world ${r.world}: an unfinished creation or deletion, removed`);
        }
      }
      for (const r of rows) if (!this.map.has(r.id) && !this.pending.has(r.id)) await this.restore({ id: r.id, createdAt: r.created_at.toISOString(), ...(r.ttl_ms !== null ? { ttlMs: Number(r.ttl_ms) } : {}) });
      for (const [id, e] of this.map) {
        if (known.has(id) || e.deleting || this.pending.has(id)) continue;
        this.map.delete(id);
        await e.world.close();
      }
    } finally {
      await db.release();
    }
  }

  /** The world of an id, marked as used now (its time to live starts again); undefined when there is none. */
  use(id: string): World | undefined {
    const e = this.map.get(id);
    if (!e || e.deleting) return undefined;
    e.usedAt = this.realMs();
    e.usedWallMs = this.wall.nowMs();
    return e.world;
  }

  get size(): number {
    return this.map.size;
  }

  info(id: string): WorldInfo | undefined {
    const e = this.map.get(id);
    if (!e || e.deleting) return undefined;
    const meta = e.world.store.meta();
    return { id: e.id, createdAt: e.createdAt, lastUsedAt: new Date(e.usedWallMs).toISOString(), ttlMs: e.ttlMs ?? null, scenario: e.world.active?.name ?? null, seed: meta.seed, clock: e.world.clock.state() };
  }

  list(): WorldInfo[] {
    return [...this.map.keys()].map((id) => this.info(id)).filter((x): x is WorldInfo => x !== undefined);
  }

  /** A new world, durable before it resolves. */
  async create(o: { id?: string; seed?: number; scenario?: Scenario; ttlMs?: number }): Promise<World> {
    const id = o.id ?? unrepeatableId();
    if (this.map.has(id) || this.pending.has(id)) throw new WorldExists(id);
    if (this.map.size + this.pending.size >= this.o.max) throw new TooManyWorlds(String(this.o.max));
    this.pending.add(id);
    try {
      const store = this.o.store;
      const dir = store.kind === 'file' ? join(store.dir, 'worlds', id) : undefined;
      // What a failed creation or an old deletion left is not this world's.
      if (dir) {
        await rm(dir, { recursive: true, force: true });
        await mkdir(dir, { recursive: true });
      }
      if (store.kind === 'postgres') await PostgresBackend.drop(store.url, id);
      const world = await World.open(this.shared, { id, store: storeOf(store, id, dir), clock: new SimClock(), seed: o.seed, scenario: o.scenario, idSalt: unrepeatableId(), tickMs: this.o.tickMs });
      const rec: Record_ = { id, createdAt: this.wall.now().toISOString(), ...(o.ttlMs !== undefined ? { ttlMs: o.ttlMs } : {}) };
      try {
        // The acknowledgement, written last.
        if (dir) {
          await writeAtomic(join(dir, 'world.json'), JSON.stringify(rec));
          await fsyncDir(dir);
          await fsyncDir(join(dir, '..'));
        }
        if (store.kind === 'postgres') {
          const db = await database(store.url);
          try {
            await db.pool.query('INSERT INTO sim_worlds (id, created_at, ttl_ms) VALUES ($1, $2, $3)', [id, rec.createdAt, rec.ttlMs ?? null]);
          } finally {
            await db.release();
          }
        }
      } catch (e) {
        await world.close();
        if (dir) await rm(dir, { recursive: true, force: true });
        if (store.kind === 'postgres') await PostgresBackend.drop(store.url, id).catch(() => undefined);
        throw e;
      }
      this.map.set(id, { ...rec, world, usedAt: this.realMs(), usedWallMs: Date.parse(rec.createdAt) });
      return world;
    } finally {
      this.pending.delete(id);
    }
  }

  /** Deletes a world and its data; false when there is none. Resolves when it is gone from disk. */
  async delete(id: string): Promise<boolean> {
    const e = this.map.get(id);
    if (!e || e.deleting) return false;
    e.deleting = true;
    try {
      await e.world.close();
      const store = this.o.store;
      if (store.kind === 'file') {
        const dir = join(store.dir, 'worlds', id);
        // The acknowledgement goes first: a crash from here on leaves a directory that start-up removes.
        await unlink(join(dir, 'world.json')).catch(() => undefined);
        await fsyncDir(dir);
        await rm(dir, { recursive: true, force: true });
        await fsyncDir(join(store.dir, 'worlds'));
      }
      if (store.kind === 'postgres') {
        const db = await database(store.url);
        try {
          await db.pool.query('DELETE FROM sim_worlds WHERE id = $1', [id]);
        } finally {
          await db.release();
        }
        await PostgresBackend.drop(store.url, id);
      }
    } finally {
      this.map.delete(id);
    }
    return true;
  }

  /** Deletes the worlds whose time to live ran out without a request. */
  async sweep(): Promise<void> {
    const now = this.realMs();
    for (const e of [...this.map.values()]) {
      if (e.ttlMs === undefined || e.deleting || now - e.usedAt < e.ttlMs) continue;
      this.shared.log.info({ world: e.id, ttlMs: e.ttlMs }, `world ${e.id}: ${e.ttlMs} ms without a request, deleted`);
      await this.delete(e.id).catch((err: unknown) => this.shared.log.error({ world: e.id, err }, `world ${e.id}: deletion failed`));
    }
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all([...this.map.values()].map((e) => e.world.close()));
  }
}
