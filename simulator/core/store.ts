/**
 * Persistence. Small, frequently changed state lives in one lowdb document (`db.json`, rewritten atomically on each
 * mutation); large, write-once payloads (document bodies, error lists, self-made serial lists) live in blobs, one
 * file each, so a small mutation stays small however many codes exist.
 *
 * `SIM_STORE=memory` (and every test) uses lowdb's Memory adapter and an in-memory blob map.
 *
 * @example
 * const store = await Store.open({ kind: 'memory' }, () => initialWorld());
 * await store.update('mcoi', (s) => ({ ...s, nextSeq: s.nextSeq + 1 }));
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Low, Memory } from 'lowdb';
import { DataFile } from 'lowdb/node';

export type StoreOptions = { kind: 'memory' } | { kind: 'file'; dir: string };

export interface Meta {
  seed: number;
  rngState: number;
  createdAt: number;
  /** The scenario the world was made from, if any. */
  scenario?: string;
}

export type DbShape = { _meta: Meta } & Record<string, unknown>;

export interface BlobStore {
  get<T>(key: string): T | undefined;
  put(key: string, value: unknown): Promise<void>;
  keys(): string[];
  clear(): void;
}

class MemoryBlobs implements BlobStore {
  private readonly map = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const text = this.map.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }
  async put(key: string, value: unknown): Promise<void> {
    // Stored as text so a reader never shares (and mutates) the writer's objects, as with files.
    this.map.set(key, JSON.stringify(value));
  }
  keys(): string[] {
    return [...this.map.keys()];
  }
  clear(): void {
    this.map.clear();
  }
}

class FileBlobs implements BlobStore {
  private tmpSeq = 0;
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }
  private file(key: string): string {
    return join(this.dir, `${encodeURIComponent(key)}.json`);
  }
  get<T>(key: string): T | undefined {
    try {
      return JSON.parse(readFileSync(this.file(key), 'utf8')) as T;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }
  async put(key: string, value: unknown): Promise<void> {
    // Write-then-rename: a crash leaves the old file or the new one, never half of one.
    const tmp = join(this.dir, `.tmp-${process.pid}-${this.tmpSeq++}`);
    await writeFile(tmp, JSON.stringify(value));
    await rename(tmp, this.file(key));
  }
  keys(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json') && !f.startsWith('.tmp-'))
      .map((f) => decodeURIComponent(f.slice(0, -'.json'.length)));
  }
  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }
}

export class Store {
  private pending: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: Low<DbShape>,
    readonly blobs: BlobStore,
    readonly persistent: boolean,
    /** True when the data came from disk rather than from the initial world. */
    readonly restored: boolean,
  ) {}

  static async open(options: StoreOptions, initial: () => DbShape): Promise<Store> {
    if (options.kind === 'memory') {
      const db = new Low<DbShape>(new Memory<DbShape>(), initial());
      return new Store(db, new MemoryBlobs(), false, false);
    }
    mkdirSync(options.dir, { recursive: true });
    const file = join(options.dir, 'db.json');
    const existed = existsSync(file);
    // Compact JSON: lowdb's JSONFile pretty-prints, which only costs bytes on every write.
    const adapter = new DataFile<DbShape>(file, { parse: JSON.parse, stringify: (d) => JSON.stringify(d) });
    // lowdb wants default data; the real initial world is built only when there is no file to read.
    const db = new Low<DbShape>(adapter, {} as DbShape);
    await db.read(); // a corrupt file throws here: the simulator refuses to start rather than overwrite it
    const blobs = new FileBlobs(join(options.dir, 'blobs'));
    if (!existed || !db.data?._meta) {
      blobs.clear();
      db.data = initial();
      await db.write();
      return new Store(db, blobs, true, false);
    }
    return new Store(db, blobs, true, true);
  }

  get<T>(key: string): T {
    return this.db.data[key] as T;
  }

  meta(): Meta {
    return this.db.data._meta;
  }

  /** Replaces one system's state (computed by a pure function of the old one) and persists it. */
  async update<T>(key: string, fn: (state: T) => T, meta?: Partial<Meta>): Promise<void> {
    this.db.data = { ...this.db.data, [key]: fn(this.db.data[key] as T), _meta: { ...this.db.data._meta, ...meta } };
    await this.write();
  }

  /** Replaces everything (reset, scenario activation). */
  async replace(data: DbShape): Promise<void> {
    this.db.data = data;
    await this.write();
  }

  private write(): Promise<void> {
    const p = this.pending.then(() => this.db.write());
    this.pending = p.catch(() => undefined);
    return p;
  }

  /** Resolves when every write started so far is on disk (SIGTERM, tests). */
  async flush(): Promise<void> {
    await this.pending;
  }
}
