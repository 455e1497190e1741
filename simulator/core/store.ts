/**
 * The commit core: every world's state behind an async, transactional interface, over a backend chosen by SIM_STORE
 * (backends/: `file`, the default, and `memory`). Systems never know which backend runs.
 *
 * The rules it keeps:
 * - **A mutation is one commit.** `update(system, fn)` runs `fn` on the latest state; the blobs it stages, its new
 *   state and the id counters it advanced are written together: blobs first, then the document that names them.
 * - **Acknowledged ⇒ durable.** `update` resolves only when a write containing the change has completed (fsync'd).
 *   Writes are coalesced: one write in flight; the next carries every change made meanwhile.
 * - **A write costs what changed.** The state shares structure between versions, so a backend finds what differs
 *   from its last write by walking only what changed (the file backend appends it to a log).
 * - **The state is immutable.** Everything committed is frozen (only what is new is walked): a mutation that changed
 *   an object in place would be invisible to the log, so it fails loudly instead.
 * - **Nobody sees a change before it is durable.** `get` answers the committed state; only mutations (and the runtime
 *   indexes that serve them) read `latest`. A failed write rolls the latest state back to the committed one, fails
 *   every change not yet durable, and tells the listeners (systems rebuild their indexes).
 * - **Resets are atomic.** A new world's blobs go to a new generation; the old one is removed only after the document
 *   naming the new generation is in place, and nobody sees the new world before then.
 *
 * @example
 * const store = await Store.open({ kind: 'memory' }, () => ({ data: initialWorld(), blobs: {} }));
 * const r = await store.update('mcoi', (s, tx) => ({ state: { ...s, n: s.n + 1 }, id: tx.ids.uuid('order') }));
 */
import { Conflict, openBackend, type Backend, type DbShape, type Meta, type StoreChoice, type StoreOptions } from './backends/index.js';
import type { JournalSink, RateSink } from './backends/backend.js';
import { IdSource, idKey, ResponseIds } from './ids.js';
import { deepFreeze } from './wal.js';


export type { DbShape, Meta, StoreChoice, StoreOptions };
export { storeOf } from './backends/index.js';

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


/**
 * A change not yet durable: `redo` applies it to a state (staging its blobs), as it did once to the latest state when
 * it was made — and again on the state another replica committed meanwhile, when the write finds it (a conflict).
 */
interface Waiter {
  redo(base: DbShape): DbShape;
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
  private readonly remoteListeners: ((newGeneration: boolean) => void)[] = [];
  private syncing: Promise<void> | undefined;
  /** The sync that starts when the one in flight ends: every request that came while it was in flight waits for it. */
  private nextSync: Promise<void> | undefined;
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

  /** Where a journal of this world is kept for every replica of a shared store (undefined: this process only). */
  journalSink(capacity: number): JournalSink | undefined {
    return this.backend.journal?.(capacity);
  }

  /** Where rate-limit hits are counted for every replica of a shared store (undefined: this process only). */
  rateSink(): RateSink | undefined {
    return this.backend.rates?.();
  }

  /** Whether other replicas commit to the same store (then `sync` takes their changes in). */
  get shared(): boolean {
    return this.backend.pull !== undefined;
  }

  static async open(options: StoreOptions, initial: () => World): Promise<Store> {
    const backend = openBackend(options);
    try {
      let found = await backend.read();
      if (!found) {
        const w = initial();
        const data: DbShape = { ...w.data, _meta: { ...w.data._meta, boots: 1, generation: 1, counters: w.data._meta.counters ?? {} } };
        backend.discard(1);
        try {
          await backend.write({ data, blobs: Object.entries(w.blobs) });
          return new Store(backend, data, false);
        } catch (e) {
          // Another replica of a shared store made the world first: it is that one.
          if (!(e instanceof Conflict)) throw e;
          found = e.state;
        }
      }
      // Data written before counters and generations existed keeps working. Each open counts a boot (response ids);
      // replicas opening together each count theirs.
      for (;;) {
        const meta: Meta = { ...found._meta, counters: found._meta.counters ?? {}, generation: found._meta.generation ?? 0, boots: (found._meta.boots ?? 0) + 1 };
        const data: DbShape = { ...found, _meta: meta };
        backend.discard(meta.generation);
        try {
          await backend.write({ data, blobs: [] });
          return new Store(backend, data, true);
        } catch (e) {
          if (!(e instanceof Conflict)) throw e;
          found = e.state;
        }
      }
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
    if (!r) this.responseIdSources.set(system, (r = new ResponseIds(idKey(this.meta().seed, `responses/${system}`, this.meta().idSalt), this.meta().boots)));
    return r;
  }

  /**
   * One mutation of one system's state. `fn` runs at once on the latest state (it may throw: nothing changes);
   * resolves with its result when the change is durable; rejects with StoreWriteFailed (and nothing changed) when
   * the write fails.
   */
  update<T, R extends { state: T }>(key: string, fn: (state: T, tx: Tx) => R): Promise<R> {
    let result!: R;
    const redo = (base: DbShape): DbShape => {
      const meta = base._meta;
      const ids = new IdSource(idKey(meta.seed, key, meta.idSalt), { ...meta.counters[key] });
      const blobs: [string, unknown][] = [];
      result = fn(base[key] as T, { ids, putBlob: (k, v) => void blobs.push([k, v]) });
      const next = { ...base, [key]: result.state, _meta: { ...meta, counters: { ...meta.counters, [key]: ids.counters } } };
      deepFreeze(next);
      for (const [k, v] of blobs) this.staged.set(k, v);
      this.queuedBlobs.push(...blobs);
      return next;
    };
    try {
      this.working = redo(this.working);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.enqueue(redo).then(() => result);
  }

  /** Changes the world's meta (the clock, poll counts, the scenario) in a commit of its own; `patch` sees the latest meta. */
  updateMeta(patch: (meta: Meta) => Partial<Pick<Meta, 'clock' | 'polls'>>): Promise<void> {
    const redo = (base: DbShape): DbShape => {
      const next = { ...base, _meta: { ...base._meta, ...patch(base._meta) } };
      deepFreeze(next);
      return next;
    };
    this.working = redo(this.working);
    return this.enqueue(redo);
  }

  /** Replaces everything with a new world (reset, scenario activation), in a new blob generation. */
  replace(world: World): Promise<void> {
    const redo = (base: DbShape): DbShape => {
      const old = base._meta;
      this.dropGeneration ??= old.generation;
      const next: DbShape = { ...world.data, _meta: { ...world.data._meta, boots: old.boots, generation: old.generation + 1, counters: world.data._meta.counters ?? {}, ...(old.idSalt ? { idSalt: old.idSalt } : {}) } };
      deepFreeze(next);
      this.staged.clear();
      this.queuedBlobs = Object.entries(world.blobs);
      for (const [k, v] of this.queuedBlobs) this.staged.set(k, v);
      return next;
    };
    this.working = redo(this.working);
    return this.enqueue(redo);
  }

  /**
   * Takes in what other replicas committed to a shared store since this one last looked (a store of one process has
   * nothing to take: resolves at once). Called before a request is served, so a client reads its writes whichever
   * replica took them. While changes of this replica are being written it waits for them (their write takes in the
   * others' changes itself).
   */
  sync(): Promise<void> {
    if (!this.backend.pull) return Promise.resolve();
    // A read already sent may have missed a commit another replica acknowledged just before this request came: the
    // request waits for the next read (one for every request that came meanwhile), never joins one begun before it.
    if (this.syncing) {
      const next = () => ((this.nextSync = undefined), this.sync());
      return (this.nextSync ??= this.syncing.then(next, next));
    }
    this.syncing = (async () => {
      try {
        // A write may start between the flush and this line (it resumes later): wait until none runs, then hold writes.
        while (this.writing) await this.flush();
        // No write starts while the store is read: the changes made meanwhile are made again on what it holds.
        this.writing = true;
        let fresh: DbShape | null = null;
        try {
          fresh = await this.backend.pull!();
        } finally {
          if (fresh) this.rebase(fresh, []);
          this.writing = false;
          this.kick();
        }
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  /**
   * Another replica's committed state as the base: every change of this one not yet durable (`unwritten`, then the
   * queue) is made again on it, in order — one that no longer holds is refused as it would have been.
   */
  private rebase(fresh: DbShape, unwritten: Waiter[]): void {
    const pending = [...unwritten, ...this.queue];
    this.queue = [];
    this.queuedBlobs = [];
    this.dropGeneration = undefined;
    this.staged.clear();
    deepFreeze(fresh);
    const newGeneration = fresh._meta.generation !== this.committed._meta.generation;
    this.committed = fresh;
    let w = fresh;
    for (const p of pending) {
      try {
        w = p.redo(w);
        this.queue.push(p);
      } catch (e) {
        p.reject(e);
      }
    }
    this.working = w;
    for (const f of this.remoteListeners) f(newGeneration);
  }

  /**
   * Runs `work` when no other replica of a shared store runs work of that name, and skips it when one does (resolves
   * with undefined then). A store of one process runs it at once.
   */
  exclusive<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
    return this.backend.exclusive ? this.backend.exclusive(name, work) : work();
  }

  /** Called when another replica's changes were taken in (`true`: a reset or scenario made a new generation). */
  onRemoteChange(listener: (newGeneration: boolean) => void): void {
    this.remoteListeners.push(listener);
  }

  /** Called after a failed write has rolled the state back (systems rebuild their runtime indexes). */
  onRollback(listener: () => void): void {
    this.rollbackListeners.push(listener);
  }

  private enqueue(redo: Waiter['redo']): Promise<void> {
    const p = new Promise<void>((resolve, reject) => this.queue.push({ redo, resolve, reject }));
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
        if (err instanceof Conflict) {
          // Another replica committed first: its state is the base now, and this batch is made and written again.
          this.rebase(err.state, batch);
          this.writing = false;
          this.kick();
          return;
        }
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
