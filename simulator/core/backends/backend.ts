/**
 * What a store backend is: where a world's committed state and its write-once blobs live. The commit core
 * (core/store.ts) decides what is written and when; a backend only reads and writes it, durably. One module per
 * backend (file.ts, memory.ts), chosen through the registry in index.ts by SIM_STORE; systems never know which runs.
 */
import type { ClockSnapshot } from '../clock.js';

export interface Meta {
  seed: number;
  createdAt: number;
  /** The scenario the world was made from, if any. */
  scenario?: string;
  /** That scenario whole (replicas of a shared store apply its settings and faults from it). */
  scenarioDoc?: unknown;
  /** Id counters per system, then per kind (ids.ts). */
  counters: Record<string, Record<string, number>>;
  /** How many times this data has been opened: the first part of response ids. */
  boots: number;
  /** The blob generation this document names (a reset starts a new one). */
  generation: number;
  /** The virtual clock, so a restart resumes virtual time rather than falling back to real time. */
  clock?: ClockSnapshot;
  /** Reads of entities by clients, per system then entity key (progressions that advance `afterPolls`). */
  polls?: Record<string, Record<string, number>>;
  /**
   * Mixed into every id's key (ids.ts), so that two worlds of one simulator with the same seed never hand out the
   * same token or id; the default world has none (its ids are those of its seed alone). Kept across resets.
   */
  idSalt?: string;
}

export type DbShape = { _meta: Meta } & Record<string, unknown>;

/** The write a mutation (or a batch of them) leads to. */
export interface Batch {
  data: DbShape;
  blobs: [string, unknown][];
  /** The generation the previous document named, when this batch starts a new one (a reset). */
  dropGeneration?: number;
}

export interface Backend {
  /** Whether what is written outlives the process. */
  readonly persistent: boolean;
  /** The state written before, or null for a new store. */
  read(): Promise<DbShape | null>;
  /** Removes what an interrupted write or reset left behind: blob generations other than this one, temp files. */
  discard(generation: number): void;
  readBlob(generation: number, key: string): unknown;
  hasBlob(generation: number, key: string): boolean;
  /** Durable when it resolves: blobs first, then the document that names them. */
  write(batch: Batch): Promise<void>;
  /** Releases what the backend holds; given the last written state once every write is done (not after a failed open). */
  close(state?: DbShape): Promise<void>;
  /**
   * A store shared by replicas: the state as the database has it now, when other replicas committed since this one
   * last read or wrote (null when nothing changed). A write that finds such changes throws Conflict instead.
   */
  pull?(): Promise<DbShape | null>;
  /** A store shared by replicas: where the world's rate-limit hits are counted by all of them. */
  rates?(): RateSink;
  /** A store shared by replicas: where the world's journal is kept for all of them. */
  journal?(capacity: number): JournalSink;
  /** A store shared by replicas: runs `work` unless another replica runs work of that name (then resolves undefined). */
  exclusive?<T>(name: string, work: () => Promise<T>): Promise<T | undefined>;
}

/** Where a journal shared by replicas keeps every replica's entries (a table of the shared store). */
export interface JournalSink<E extends { id: number } = { id: number }> {
  /** Held by this replica until it is sent with others (a batch a second, or when a listing asks). */
  append(entries: E[]): Promise<void>;
  /** The newest `limit` entries of every replica, oldest first in the order they happened, each with an `id` of its own. */
  recent(limit: number): Promise<E[]>;
  clear(): Promise<void>;
}

/** Where replicas of a shared store count rate-limit hits together: the same decision, for all of them. */
export interface RateSink {
  hit(key: string, nowMs: number, limit: number, windowMs: number): Promise<{ allowed: true; remaining: number } | { allowed: false; retryAfterMs: number }>;
  clear(): Promise<void>;
}

/** A write that found changes another replica committed first: nothing was written; `state` is where the store is. */
export class Conflict extends Error {
  constructor(readonly state: DbShape) {
    super('another replica committed first');
    this.name = 'Conflict';
  }
}

/** How a store is chosen: SIM_STORE's value, parsed (`memory`, `file` with its directory, `postgres` with its URL and the world it holds). */
export type StoreOptions = { kind: 'memory' } | { kind: 'file'; dir: string } | { kind: 'postgres'; url: string; world: string };

/** Where a simulator keeps its worlds (SIM_STORE): each world's StoreOptions follows from it (`storeOf`). */
export type StoreChoice = { kind: 'memory' } | { kind: 'file'; dir: string } | { kind: 'postgres'; url: string };

/** The store of one world: the default world in the directory or database itself, another under its id. */
export function storeOf(choice: StoreChoice, world: string, dir?: string): StoreOptions {
  if (choice.kind === 'postgres') return { kind: 'postgres', url: choice.url, world };
  if (choice.kind === 'file') return { kind: 'file', dir: dir ?? choice.dir };
  return { kind: 'memory' };
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

/** Blob values as bytes on the wire to a backend: JSON text, or the bytes themselves. */
export function encodeBlob(v: unknown): { bytes: Buffer; binary: boolean } {
  return isBytes(v) ? { bytes: Buffer.from(v), binary: true } : { bytes: Buffer.from(JSON.stringify(v)), binary: false };
}
