/**
 * The request journal: what clients sent and what they got, newest last, bounded.
 *
 * @example
 * journal.record({ system: 'mcoi', method: 'GET', path: '/api/orders', status: 200, ... });
 * journal.list({ system: 'mcoi', limit: 20 });
 */
import { preview, tooDeep } from './bounds.js';
import type { DomainEvent } from './system.js';
import type { JournalSink } from './backends/backend.js';

/** How an exchange ended: answered in full, cut short by a truncate fault, or dropped (a fault, or a client gone). */
export type Outcome = 'answered' | 'truncated' | 'dropped';

export interface Exchange {
  id: number;
  /** Virtual time of the request, ISO 8601. */
  at: string;
  system: string;
  operationId?: string;
  method: string;
  /** Path below the system's base (`/api/orders`), or the full path for the control plane. */
  path: string;
  query: Record<string, unknown>;
  /** The Authorization header as sent (the simulator holds no real secrets), so a recorded session can be replayed. */
  authorization?: string;
  requestBody?: unknown;
  /** A request the simulator sent itself (a push to a client's server): `path` is its URL. */
  direction?: 'outbound';
  status: number;
  outcome: Outcome;
  /** The scenario fault that shaped the answer: its rule (0-based), its action, its description. */
  fault?: { rule: number; action: string; description?: string };
  /** Who called, as the system names its callers. */
  principal?: string;
  contentType?: string;
  responseBody?: unknown;
  durationMs: number;
  /** What the exchange changed in the world, in the document's terms (the domain events of its mutations). */
  events?: readonly DomainEvent[];
}

export interface JournalFilter {
  system?: string;
  method?: string;
  status?: number;
  operationId?: string;
  limit?: number;
}

/** Whether an exchange passes a journal filter (the list and the live tail use one rule). */
export function journalMatch(e: Exchange, f: JournalFilter): boolean {
  return (
    (f.system === undefined || e.system === f.system) &&
    (f.method === undefined || e.method === f.method.toUpperCase()) &&
    (f.status === undefined || e.status === f.status) &&
    (f.operationId === undefined || e.operationId === f.operationId)
  );
}

const MAX_BODY_CHARS = 4096;

/**
 * Keeps a body small enough to list: large bodies are replaced by a note of their size and a preview. `wire` is the
 * body as sent (or its size) when the caller has it, so the hot path never serializes a body just to measure it.
 * Never throws and never recurses over what a client sent (bounds.ts preview).
 */
export function clip(body: unknown, wire?: string | number): unknown {
  if (body === undefined || body === null) return body;
  if (typeof body === 'string') return body.length > MAX_BODY_CHARS ? `${body.slice(0, MAX_BODY_CHARS)}… (${body.length} chars)` : body;
  if (Buffer.isBuffer(body)) return `<${body.length} bytes>`;
  if (typeof body !== 'object') return body;
  if (typeof wire === 'number' && wire <= MAX_BODY_CHARS && !tooDeep(body, 16)) return body;
  if (typeof wire === 'string' && wire.length <= MAX_BODY_CHARS) return body;
  const shown = preview(body, MAX_BODY_CHARS);
  return shown.length < MAX_BODY_CHARS && !tooDeep(body, 16) ? body : { _clipped: typeof wire === 'string' ? `${wire.length} chars` : typeof wire === 'number' ? `${wire} bytes` : 'large or deep', head: shown.slice(0, 512) };
}

export class Journal {
  private entries: Exchange[] = [];
  private seq = 0;
  private readonly listeners = new Set<(e: Exchange) => void>();

  /** Calls `fn` with every exchange recorded from now on (the dashboard's live tail); returns the unsubscribe. */
  subscribe(fn: (e: Exchange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  constructor(
    private readonly capacity = 1000,
    /** Replicas of a shared store: every exchange also goes there, and listings come from there. */
    private readonly sink?: JournalSink<Exchange>,
  ) {}

  /** `sizes` are the bodies' lengths on the wire when known (saves serializing them again). */
  record(e: Omit<Exchange, 'id'>, sizes: { request?: number; response?: string | number } = {}): Exchange {
    const entry = { ...e, id: ++this.seq, requestBody: clip(e.requestBody, sizes.request), responseBody: clip(e.responseBody, sizes.response) };
    this.entries.push(entry);
    // The sink holds it until it is sent with others (never a write per exchange); lost if the database is gone.
    if (this.sink) void this.sink.append([entry]).catch(() => undefined);
    // Trimmed a quarter at a time (not one entry a request: a splice moves every entry after it).
    if (this.entries.length >= this.capacity * 1.25) this.entries.splice(0, this.entries.length - this.capacity);
    for (const fn of this.listeners) {
      try {
        fn(entry);
      } catch {
        // A listener (a dashboard tail whose client went away) never fails the exchange it hears of.
      }
    }
    return entry;
  }

  /** The newest exchange. */
  last(): Exchange | undefined {
    return this.entries[this.entries.length - 1];
  }

  list(f: JournalFilter = {}): Exchange[] {
    const kept = this.entries.length > this.capacity ? this.entries.slice(-this.capacity) : this.entries;
    const out = kept.filter((e) => journalMatch(e, f));
    return f.limit === undefined ? out : out.slice(-f.limit);
  }

  clear(): void {
    this.entries.length = 0;
    void this.sink?.clear().catch(() => undefined);
  }

  /**
   * With a shared sink: every replica's exchanges, in the order they were kept, become this journal's listing (this
   * replica's own sent first). Without one: nothing to do.
   */
  async refresh(): Promise<void> {
    if (!this.sink) return;
    try {
      this.entries = await this.sink.recent(this.capacity);
    } catch {
      // The database out of reach: this replica's own exchanges are what it can show.
    }
  }
}
