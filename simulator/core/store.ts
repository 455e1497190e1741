/**
 * Persistence: the state as a lowdb snapshot (`db.json`) plus an append-only log of what changed since (`log.jsonl`,
 * wal.ts), write-once blobs for large payloads, behind an async, transactional interface (a shared store could
 * replace it without touching systems).
 *
 * The rules it keeps:
 * - **A mutation is one commit.** `update(system, fn)` runs `fn` on the latest state; the blobs it stages, its new
 *   state and the id counters it advanced are written together: blobs first, then the document that names them.
 * - **Acknowledged ⇒ durable.** `update` resolves only when a write containing the change has completed (fsync'd).
 *   Writes are coalesced: one write in flight; the next carries every change made meanwhile.
 * - **A write costs what changed.** A write appends one log record: the paths that differ from the last write (the
 *   state shares structure between versions, so finding them walks only what changed). When the log outgrows the
 *   snapshot (and at start and clean stop) the state is written whole to `db.json` (temp file, fsync, rename) and the
 *   log emptied. A start replays the log over the snapshot; a last record cut short by a crash was never
 *   acknowledged and is dropped; damage anywhere else refuses the start rather than forget acknowledged changes.
 * - **The state is immutable.** Everything committed is frozen (only what is new is walked): a mutation that changed
 *   an object in place would be invisible to the log, so it fails loudly instead.
 * - **Nobody sees a change before it is durable.** `get` answers the committed state; only mutations (and the runtime
 *   indexes that serve them) read `latest`. A failed write rolls the latest state back to the committed one, fails
 *   every change not yet durable, and tells the listeners (systems rebuild their indexes).
 * - **Resets are atomic.** A new world's blobs go to a new generation directory; the old one is removed only after
 *   the document naming the new generation is in place.
 *
 * `SIM_STORE=memory` (and every test) runs the same code with a backend that keeps everything in memory.
 *
 * @example
 * const store = await Store.open({ kind: 'memory' }, () => ({ data: initialWorld(), blobs: {} }));
 * const r = await store.update('mcoi', (s, tx) => ({ state: { ...s, n: s.n + 1 }, id: tx.ids.uuid('order') }));
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Low, Memory, type Adapter } from 'lowdb';
import type { ClockSnapshot } from './clock.js';
import { IdSource, idKey, ResponseIds } from './ids.js';
import { applyOps, deepFreeze, diff, jsonPieces, readLog } from './wal.js';

export type StoreOptions = { kind: 'memory' } | { kind: 'file'; dir: string };

export interface Meta {
  seed: number;
  createdAt: number;
  /** The scenario the world was made from, if any. */
  scenario?: string;
  /** Id counters per system, then per kind (ids.ts). */
  counters: Record<string, Record<string, number>>;
  /** How many times this data has been opened: the first part of response ids. */
  boots: number;
  /** The blob generation this document names (a reset starts a new one). */
  generation: number;
  /** The virtual clock, so a restart resumes virtual time rather than falling back to real time. */
  clock?: ClockSnapshot;
}

export type DbShape = { _meta: Meta } & Record<string, unknown>;

/** A new world: its document and the blobs it refers to. */
export interface World {
  data: DbShape;
  blobs: Record<string, unknown>;
}

/** What a mutation may do besides returning its new state. */
export interface Tx {
  /** This system's ids; the counters are committed with the change. */
  readonly ids: IdSource;
  /** Stages a write-once blob; it is on disk before the state that names it, and readable at once. */
  putBlob(key: string, value: unknown): void;
}

/** A blob value: JSON-serialisable data, or bytes (Buffer / Uint8Array). */
export interface BlobReader {
  get<T>(key: string): T | undefined;
  /** Whether a blob exists (without reading it). */
  has(key: string): boolean;
  /** Like get, but a missing blob is a damaged store: it throws, naming the key (replay must not skip). */
  require<T>(key: string): T;
}

/** The write a mutation (or a batch of them) leads to. */
interface Batch {
  data: DbShape;
  blobs: [string, unknown][];
  /** The generation the previous document named, when this batch starts a new one (a reset). */
  dropGeneration?: number;
}

interface Backend {
  readonly persistent: boolean;
  /** The state written before, or null for a new store. */
  read(): Promise<DbShape | null>;
  readBlob(generation: number, key: string): unknown;
  hasBlob(generation: number, key: string): boolean;
  write(batch: Batch): Promise<void>;
  /** Releases what the backend holds; given the last written state once every write is done (not after a failed open). */
  close(state?: DbShape): Promise<void>;
}

export class StoreWriteFailed extends Error {
  constructor(readonly cause: unknown) {
    super(`the change could not be written: ${(cause as Error)?.message ?? cause}`);
    this.name = 'StoreWriteFailed';
  }
}

export class MissingBlob extends Error {
  constructor(readonly key: string) {
    super(`the store is damaged: blob ${key} is named by the state but missing`);
    this.name = 'MissingBlob';
  }
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

/** Blob values as bytes on the wire to a backend: JSON text, or the bytes themselves. */
function encodeBlob(v: unknown): { bytes: Buffer; binary: boolean } {
  return isBytes(v) ? { bytes: Buffer.from(v), binary: true } : { bytes: Buffer.from(JSON.stringify(v)), binary: false };
}

class MemoryBackend implements Backend {
  readonly persistent = false;
  private readonly blobs = new Map<string, { bytes: Buffer; binary: boolean }>();
  readonly db = new Low<DbShape>(new Memory<DbShape>(), {} as DbShape);

  async read(): Promise<null> {
    return null;
  }

  readBlob(generation: number, key: string): unknown {
    const b = this.blobs.get(`${generation}/${key}`);
    if (!b) return undefined;
    // A copy, so a reader never shares (and mutates) the writer's objects, as with files.
    return b.binary ? Buffer.from(b.bytes) : JSON.parse(b.bytes.toString('utf8'));
  }

  hasBlob(generation: number, key: string): boolean {
    return this.blobs.has(`${generation}/${key}`);
  }

  async write(batch: Batch): Promise<void> {
    const gen = batch.data._meta.generation;
    for (const [k, v] of batch.blobs) this.blobs.set(`${gen}/${k}`, encodeBlob(v));
    if (batch.dropGeneration !== undefined) for (const k of [...this.blobs.keys()]) if (k.startsWith(`${batch.dropGeneration}/`)) this.blobs.delete(k);
    this.db.data = batch.data;
    await this.db.write();
  }

  async close(): Promise<void> {}
}

/** Writes a file so that a crash leaves the old content or the new, never half: temp file, fsync, rename. */
async function writeAtomic(path: string, bytes: Buffer | string): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** lowdb adapter for db.json: compact JSON, written atomically and fsync'd (lowdb's own does not fsync). */
class DurableJsonFile implements Adapter<DbShape> {
  /** The size of the document last read or written. */
  bytes = 0;
  constructor(private readonly file: string) {}
  async read(): Promise<DbShape | null> {
    try {
      const text = readFileSync(this.file, 'utf8');
      this.bytes = text.length;
      return JSON.parse(text) as DbShape;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`${this.file} cannot be read (${(e as Error).message}); the simulator will not overwrite it: move it away or point SIM_DATA_DIR elsewhere`);
    }
  }
  /** Streamed a megabyte at a time (jsonPieces), then fsync'd and renamed into place. */
  async write(data: DbShape): Promise<void> {
    const tmp = `${this.file}.tmp`;
    const fh = await open(tmp, 'w');
    let bytes = 0;
    try {
      let chunk: string[] = [];
      let size = 0;
      const flush = async () => {
        const buf = Buffer.from(chunk.join(''));
        await fh.writeFile(buf); // from the current position; writes all of it
        bytes += buf.length;
        chunk = [];
        size = 0;
      };
      for (const piece of jsonPieces(data)) {
        chunk.push(piece);
        size += piece.length;
        if (size >= 1 << 20) await flush();
      }
      await flush();
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.file);
    this.bytes = bytes;
  }
}

/** Data directories this process holds (two apps in one process must not share one either). */
const held = new Set<string>();

/** The data directory is one simulator's: a second one on the same directory would overwrite its writes. */
function lockDir(dir: string): string {
  const file = join(realpathSync(dir), 'LOCK');
  if (held.has(file)) throw new Error(`the data directory ${dir} is in use by another simulator (pid ${process.pid}, this process); set SIM_DATA_DIR to another directory`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      held.add(file);
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8'));
      let alive = false;
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch (k) {
          alive = (k as NodeJS.ErrnoException).code === 'EPERM';
        }
      }
      if (alive) throw new Error(`the data directory ${dir} is in use by another simulator (pid ${pid}); stop it or set SIM_DATA_DIR to another directory`);
      unlinkSync(file); // left by a process that is gone (SIGKILL): take it over
    }
  }
  throw new Error(`cannot lock the data directory ${dir}`);
}

/** The log is folded into the snapshot when it passes this many bytes, or twice the snapshot (up to 64 MiB). */
const LOG_MIN_BYTES = 4 * 1024 * 1024;
const LOG_MAX_BYTES = 64 * 1024 * 1024;

/** The snapshot's own field: the last log record it includes (never part of the state the store hands out). */
type Snapshot = DbShape & { _meta: Meta & { logSeq?: number } };

class FileBackend implements Backend {
  readonly persistent = true;
  private readonly db: Low<DbShape>;
  private readonly adapter: DurableJsonFile;
  private readonly lock: string;
  private readonly logFile: string;
  /** The state the files hold (snapshot + log): what the next record is a diff from. */
  private last: DbShape | undefined;
  /** The last log sequence number used (by a record, or by an append that failed). */
  private seq = 0;
  private logBytes = 0;
  /**
   * The next write must be a snapshot: nothing written yet, or an append failed (the log may end in a torn record, and
   * nothing may follow it) and the log has not been emptied since.
   */
  private mustSnapshot = true;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.lock = lockDir(dir);
    this.adapter = new DurableJsonFile(join(dir, 'db.json'));
    this.db = new Low<DbShape>(this.adapter, {} as DbShape);
    this.logFile = join(dir, 'log.jsonl');
  }

  async read(): Promise<DbShape | null> {
    await this.db.read();
    const snap = this.db.data as Snapshot | null;
    let text = '';
    try {
      text = readFileSync(this.logFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const refuse = (why: string) =>
      new Error(`${this.logFile} cannot be replayed (${why}); the simulator will not overwrite it: move the data directory away or point SIM_DATA_DIR elsewhere`);
    if (!snap?._meta) {
      if (text.trim()) throw refuse('there is no db.json it continues');
      return null;
    }
    const { logSeq = 0, ...meta } = snap._meta;
    let state: DbShape = { ...snap, _meta: meta };
    let seq = logSeq;
    let log: ReturnType<typeof readLog>;
    try {
      log = readLog(text);
      for (const r of log.records) {
        if (r.s <= logSeq) continue; // folded into the snapshot already (a stop between snapshot and emptying the log)
        if (r.s !== seq + 1) throw new Error(`record ${r.s} follows ${seq}: records are missing`);
        state = applyOps(state, r.o);
        seq = r.s;
      }
    } catch (e) {
      throw refuse((e as Error).message);
    }
    if (log.validBytes < Buffer.byteLength(text)) {
      // A record cut short by a crash (never acknowledged): cut it off, so appends follow whole records.
      const fh = await open(this.logFile, 'r+');
      try {
        await fh.truncate(log.validBytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    this.last = state;
    this.seq = seq;
    this.logBytes = log.validBytes;
    this.mustSnapshot = log.records.length > 0; // fold the log at start: replay stays short
    return state;
  }

  /** Generation 0 is the layout before generations (blobs/ itself); later ones are blobs/g<N>/. */
  blobDir(generation: number): string {
    return generation === 0 ? join(this.dir, 'blobs') : join(this.dir, 'blobs', `g${generation}`);
  }

  private blobFile(generation: number, key: string, binary: boolean): string {
    return join(this.blobDir(generation), `${encodeURIComponent(key)}.${binary ? 'bin' : 'json'}`);
  }

  readBlob(generation: number, key: string): unknown {
    for (const binary of [false, true]) {
      try {
        const bytes = readFileSync(this.blobFile(generation, key, binary));
        return binary ? bytes : JSON.parse(bytes.toString('utf8'));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    return undefined;
  }

  hasBlob(generation: number, key: string): boolean {
    return existsSync(this.blobFile(generation, key, false)) || existsSync(this.blobFile(generation, key, true));
  }

  /** Removes what an interrupted write or reset left behind: temp files and blob generations nobody names. */
  sweep(generation: number): void {
    const root = join(this.dir, 'blobs');
    if (!existsSync(root)) return;
    for (const e of readdirSync(root, { withFileTypes: true })) {
      const keep = e.isDirectory() ? e.name === `g${generation}` : generation === 0 && !e.name.endsWith('.tmp');
      if (!keep) rmSync(join(root, e.name), { recursive: true, force: true });
    }
    const current = this.blobDir(generation);
    if (generation !== 0 && existsSync(current)) for (const f of readdirSync(current)) if (f.endsWith('.tmp')) rmSync(join(current, f), { force: true });
    rmSync(join(this.dir, 'db.json.tmp'), { force: true });
  }

  async write(batch: Batch): Promise<void> {
    const gen = batch.data._meta.generation;
    const files = batch.blobs.map(([k, v]) => ({ ...encodeBlob(v), key: k }));
    try {
      if (files.length) {
        const dir = this.blobDir(gen);
        await mkdir(dir, { recursive: true });
        await Promise.all(files.map((f) => writeAtomic(this.blobFile(gen, f.key, f.binary), f.bytes)));
        await fsyncDir(dir);
      }
      const limit = Math.max(LOG_MIN_BYTES, Math.min(2 * this.adapter.bytes, LOG_MAX_BYTES));
      if (this.mustSnapshot || !this.last || batch.dropGeneration !== undefined || this.logBytes > limit) await this.snapshot(batch.data);
      else await this.append(batch.data, this.last);
    } catch (e) {
      // Nothing names the blobs of a batch that failed: remove them (best effort; a later start sweeps the rest).
      await Promise.all(files.map((f) => rm(this.blobFile(gen, f.key, f.binary), { force: true }))).catch(() => undefined);
      throw e;
    }
    this.last = batch.data;
    if (batch.dropGeneration !== undefined && batch.dropGeneration !== gen) await rm(this.blobDir(batch.dropGeneration), { recursive: true, force: true });
  }

  /** One record: what changed since the last write. */
  private async append(data: DbShape, last: DbShape): Promise<void> {
    const ops = diff(last, data);
    if (!ops.length) return;
    const line = `${JSON.stringify({ s: ++this.seq, o: ops })}\n`;
    try {
      const fh = await open(this.logFile, 'a');
      try {
        await fh.writeFile(line);
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (this.logBytes === 0) await fsyncDir(this.dir); // the log file is new: its name is durable too
    } catch (e) {
      this.mustSnapshot = true;
      throw e;
    }
    this.logBytes += Buffer.byteLength(line);
  }

  /** The whole state in db.json (including every record so far), then an empty log. */
  private async snapshot(data: DbShape): Promise<void> {
    this.db.data = { ...data, _meta: { ...data._meta, logSeq: this.seq } } as Snapshot;
    await this.db.write();
    await fsyncDir(this.dir);
    try {
      // The snapshot is durable: the write succeeded whatever happens here. A log not emptied is still correct (its
      // records are older than the snapshot, and skipped); the next write tries again.
      const fh = await open(this.logFile, 'w');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fsyncDir(this.dir);
      this.logBytes = 0;
      this.mustSnapshot = false;
    } catch {
      this.mustSnapshot = true;
    }
  }

  async close(state?: DbShape): Promise<void> {
    try {
      // A clean stop leaves the whole state in db.json (best effort: the log is a complete record too).
      if (state && this.last === state && (this.logBytes > 0 || this.mustSnapshot)) await this.snapshot(state).catch(() => undefined);
    } finally {
      held.delete(this.lock);
      rmSync(this.lock, { force: true });
    }
  }
}

interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
}

export class Store {
  private committed: DbShape;
  private working: DbShape;
  /** Blobs staged by changes not yet durable (readable at once by key). */
  private readonly staged = new Map<string, unknown>();
  private queue: Waiter[] = [];
  private queuedBlobs: [string, unknown][] = [];
  private dropGeneration: number | undefined;
  private writing = false;
  private idle: (() => void)[] = [];
  private readonly rollbackListeners: (() => void)[] = [];
  private readonly responseIdSources = new Map<string, ResponseIds>();
  /** Completed writes (each carrying one or more changes): for benchmarks and tests of coalescing. */
  writes = 0;

  private constructor(
    private readonly backend: Backend,
    data: DbShape,
    /** True when the data came from disk rather than from the initial world. */
    readonly restored: boolean,
  ) {
    deepFreeze(data);
    this.committed = data;
    this.working = data;
  }

  get persistent(): boolean {
    return this.backend.persistent;
  }

  static async open(options: StoreOptions, initial: () => World): Promise<Store> {
    const backend = options.kind === 'memory' ? new MemoryBackend() : new FileBackend(options.dir);
    try {
      const found = await backend.read();
      if (!found) {
        const w = initial();
        const data: DbShape = { ...w.data, _meta: { ...w.data._meta, boots: 1, generation: 1, counters: w.data._meta.counters ?? {} } };
        if (backend instanceof FileBackend) backend.sweep(1);
        await backend.write({ data, blobs: Object.entries(w.blobs) });
        return new Store(backend, data, false);
      }
      // Data written before counters and generations existed keeps working.
      const meta: Meta = { ...found._meta, counters: found._meta.counters ?? {}, generation: found._meta.generation ?? 0, boots: (found._meta.boots ?? 0) + 1 };
      const data: DbShape = { ...found, _meta: meta };
      (backend as FileBackend).sweep(meta.generation);
      await backend.write({ data, blobs: [] });
      return new Store(backend, data, true);
    } catch (e) {
      await backend.close();
      throw e;
    }
  }

  /** Committed state: what clients may see. */
  get<T>(key: string): T {
    return this.committed[key] as T;
  }

  /** State including changes whose write is in flight: for mutations and the indexes that serve them only. */
  latest<T>(key: string): T {
    return this.working[key] as T;
  }

  meta(): Meta {
    return this.committed._meta;
  }

  readonly blobs: BlobReader = {
    get: <T>(key: string): T | undefined => (this.staged.has(key) ? (this.staged.get(key) as T) : (this.backend.readBlob(this.working._meta.generation, key) as T | undefined)),
    has: (key: string): boolean => this.staged.has(key) || this.backend.hasBlob(this.working._meta.generation, key),
    require: <T>(key: string): T => {
      const v = this.blobs.get<T>(key);
      if (v === undefined) throw new MissingBlob(key);
      return v;
    },
  };

  /** Response ids of a system (ids.ts ResponseIds): unique across restarts, never written. */
  responseIds(system: string): ResponseIds {
    let r = this.responseIdSources.get(system);
    if (!r) this.responseIdSources.set(system, (r = new ResponseIds(idKey(this.meta().seed, `responses/${system}`), this.meta().boots)));
    return r;
  }

  /**
   * One mutation of one system's state. `fn` runs at once on the latest state (it may throw: nothing changes);
   * resolves with its result when the change is durable; rejects with StoreWriteFailed (and nothing changed) when
   * the write fails.
   */
  update<T, R extends { state: T }>(key: string, fn: (state: T, tx: Tx) => R): Promise<R> {
    const meta = this.working._meta;
    const ids = new IdSource(idKey(meta.seed, key), { ...meta.counters[key] });
    const blobs: [string, unknown][] = [];
    let result: R;
    try {
      result = fn(this.working[key] as T, { ids, putBlob: (k, v) => void blobs.push([k, v]) });
    } catch (e) {
      return Promise.reject(e);
    }
    this.working = { ...this.working, [key]: result.state, _meta: { ...meta, counters: { ...meta.counters, [key]: ids.counters } } };
    deepFreeze(this.working);
    for (const [k, v] of blobs) this.staged.set(k, v);
    this.queuedBlobs.push(...blobs);
    return this.enqueue().then(() => result);
  }

  /** Changes the world's meta (the clock) in a commit of its own. */
  updateMeta(patch: Partial<Pick<Meta, 'clock'>>): Promise<void> {
    this.working = { ...this.working, _meta: { ...this.working._meta, ...patch } };
    deepFreeze(this.working);
    return this.enqueue();
  }

  /** Replaces everything with a new world (reset, scenario activation), in a new blob generation. */
  replace(world: World): Promise<void> {
    const old = this.working._meta;
    this.dropGeneration ??= old.generation;
    this.working = { ...world.data, _meta: { ...world.data._meta, boots: old.boots, generation: old.generation + 1, counters: world.data._meta.counters ?? {} } };
    deepFreeze(this.working);
    this.staged.clear();
    this.queuedBlobs = Object.entries(world.blobs);
    for (const [k, v] of this.queuedBlobs) this.staged.set(k, v);
    return this.enqueue();
  }

  /** Called after a failed write has rolled the state back (systems rebuild their runtime indexes). */
  onRollback(listener: () => void): void {
    this.rollbackListeners.push(listener);
  }

  private enqueue(): Promise<void> {
    const p = new Promise<void>((resolve, reject) => this.queue.push({ resolve, reject }));
    this.kick();
    return p;
  }

  private kick(): void {
    if (this.writing) return;
    if (!this.queue.length) {
      for (const f of this.idle.splice(0)) f();
      return;
    }
    const batch = this.queue;
    const blobs = this.queuedBlobs;
    const data = this.working;
    const dropGeneration = this.dropGeneration;
    this.queue = [];
    this.queuedBlobs = [];
    this.dropGeneration = undefined;
    this.writing = true;
    this.backend.write({ data, blobs, dropGeneration }).then(
      () => {
        this.writes++;
        this.committed = data;
        for (const [k, v] of blobs) if (this.staged.get(k) === v) this.staged.delete(k);
        this.writing = false;
        for (const w of batch) w.resolve();
        this.kick();
      },
      (err) => {
        // Everything not yet durable was built on what failed: back to the committed state, fail them all.
        const failed = [...batch, ...this.queue];
        this.queue = [];
        this.queuedBlobs = [];
        this.dropGeneration = undefined;
        this.staged.clear();
        this.working = this.committed;
        this.writing = false;
        for (const f of this.rollbackListeners) f();
        const e = new StoreWriteFailed(err);
        for (const w of failed) w.reject(e);
        this.kick();
      },
    );
  }

  /** Resolves when every change made so far is durable (or failed). */
  flush(): Promise<void> {
    if (!this.writing && !this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Flushes, then releases the data directory. */
  async close(): Promise<void> {
    await this.flush();
    await this.backend.close(this.committed);
  }
}
