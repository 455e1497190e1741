/**
 * `SIM_STORE=file` (the default): the state as a lowdb snapshot (`db.json`) plus an append-only log of what changed
 * since (`log.jsonl`, wal.ts), and write-once blobs under `blobs/g<generation>/`. lowdb is the snapshot's reader and
 * writer (a `Low` over an adapter of ours that streams, fsyncs and renames); the log is ours, because lowdb writes
 * whole documents and a small mutation in a world of a million codes must append a few hundred bytes.
 *
 * - A write appends one record: the paths that differ from the last write. When the log outgrows the snapshot (and at
 *   start and clean stop) the state is written whole to `db.json` (temp file, fsync, rename) and the log emptied.
 * - A start replays the log over the snapshot; a last record cut short by a crash was never acknowledged and is
 *   dropped; damage anywhere else refuses the start rather than forget acknowledged changes.
 * - One simulator per directory (a `LOCK` file with its pid).
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { applyOps, diff, jsonPieces, readLog } from '../wal.js';
import { encodeBlob, type Backend, type Batch, type DbShape, type Meta } from './backend.js';

/** Writes a file so that a crash leaves the old content or the new, never half: temp file, fsync, rename. */
export async function writeAtomic(path: string, bytes: Buffer | string): Promise<void> {
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

export async function fsyncDir(dir: string): Promise<void> {
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

/**
 * The log is folded into the snapshot when it passes this many bytes, or twice the snapshot (up to 256 MiB): a
 * snapshot costs what the whole state does, so it is written at most once per as many bytes of log as it holds.
 */
const LOG_MIN_BYTES = 4 * 1024 * 1024;
const LOG_MAX_BYTES = 256 * 1024 * 1024;

/** The snapshot's own field: the last log record it includes (never part of the state the store hands out). */
type Snapshot = DbShape & { _meta: Meta & { logSeq?: number } };

export class FileBackend implements Backend {
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
  discard(generation: number): void {
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
