import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IdSource, idKey, ResponseIds } from '../../simulator/core/ids.js';
import { BACKENDS } from '../../simulator/core/backends/index.js';
import { MemoryBackend } from '../../simulator/core/backends/memory.js';
import { MissingBlob, Store, StoreWriteFailed, type DbShape, type World } from '../../simulator/core/store.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'store-'));
  dirs.push(d);
  return d;
};

type S = { n: number; ids: string[] };
const world = (blobs: Record<string, unknown> = {}): World => ({
  data: { _meta: { seed: 1, createdAt: 0, counters: {}, boots: 0, generation: 0 }, sys: { n: 0, ids: [] } } as DbShape,
  blobs,
});

async function open(dir: string, blobs: Record<string, unknown> = {}): Promise<Store> {
  const s = await Store.open({ kind: 'file', dir }, () => world(blobs));
  stores.push(s);
  return s;
}

/** What a start would find if the process died now: a copy of the data directory as it is on disk. */
function crashCopy(dir: string): string {
  const copy = tmp();
  cpSync(dir, copy, { recursive: true });
  rmSync(join(copy, 'LOCK'));
  return copy;
}

/** Makes the next append fail (the log cannot be opened), and mends it. */
const breakLog = (dir: string) => (rmSync(join(dir, 'log.jsonl'), { force: true }), mkdirSync(join(dir, 'log.jsonl')));
const mendLog = (dir: string) => rmSync(join(dir, 'log.jsonl'), { recursive: true });
const logLines = (dir: string) => readFileSync(join(dir, 'log.jsonl'), 'utf8').split('\n').filter(Boolean);

const add = (store: Store, blob?: [string, unknown]) =>
  store.update<S, { state: S; id: string }>('sys', (s, tx) => {
    const id = tx.ids.uuid('thing');
    if (blob) tx.putBlob(blob[0], blob[1]);
    return { state: { n: s.n + 1, ids: [...s.ids, id] }, id };
  });

describe('ids', () => {
  it('are UUIDs of version 4, distinct across kinds and numbers, the same for the same seed', () => {
    const a = new IdSource(idKey(1, 'sys'), {});
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) for (const kind of ['order', 'pack']) seen.add(a.uuid(kind));
    expect(seen.size).toBe(40_000);
    for (const u of [...seen].slice(0, 100)) expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new IdSource(idKey(1, 'sys'), {}).uuid('order')).toBe(new IdSource(idKey(1, 'sys'), {}).uuid('order'));
    expect(new IdSource(idKey(2, 'sys'), {}).uuid('order')).not.toBe(new IdSource(idKey(1, 'sys'), {}).uuid('order'));
  });

  it('continue from the counters they are given, and count per kind', () => {
    const a = new IdSource(1, {});
    a.uuid('order');
    a.uuid('order');
    a.hex('token', 40);
    expect(a.counters).toEqual({ order: 2, token: 1 });
    const resumed = new IdSource(1, { ...a.counters });
    const next = resumed.uuid('order');
    expect(next).not.toBe(new IdSource(1, {}).uuid('order'));
    expect(a.hex('token', 40)).toMatch(/^[0-9a-f]{40}$/);
  });

  it('response ids never repeat across boots', () => {
    const seen = new Set<string>();
    for (const boot of [1, 2, 3]) {
      const r = new ResponseIds(7, boot);
      for (let i = 0; i < 1000; i++) seen.add(r.uuid());
    }
    expect(seen.size).toBe(3000);
  });
});

describe('store', () => {
  it('never hands out an id twice across restarts: counters are committed with the change', async () => {
    const dir = tmp();
    const a = await open(dir);
    const first = await add(a);
    await a.close();
    const b = await open(dir);
    const second = await add(b);
    expect(second.id).not.toBe(first.id);
    expect(b.get<S>('sys').ids).toEqual([first.id, second.id]);
    expect(b.meta().boots).toBe(2);
  });

  it('acknowledges a change only once it is durable, and shows it to readers only then', async () => {
    const dir = tmp();
    const s = await open(dir);
    const pending = add(s);
    expect(s.latest<S>('sys').n).toBe(1);
    expect(s.get<S>('sys').n).toBe(0); // readers do not see it yet
    expect(existsSync(join(dir, 'log.jsonl')) ? logLines(dir) : []).toEqual([]);
    await pending;
    expect(s.get<S>('sys').n).toBe(1);
    expect(logLines(dir).map((l) => JSON.parse(l))).toEqual([
      { s: 1, o: [['s', ['_meta', 'counters', 'sys'], { thing: 1 }], ['s', ['sys', 'n'], 1], ['a', ['sys', 'ids'], [s.get<S>('sys').ids[0]]]] },
    ]);
  });

  it('coalesces concurrent changes into few writes, each change acknowledged after the write that holds it', async () => {
    const s = await open(tmp());
    const before = s.writes;
    const results = await Promise.all(Array.from({ length: 50 }, () => add(s)));
    expect(new Set(results.map((r) => r.id)).size).toBe(50);
    expect(s.get<S>('sys').n).toBe(50);
    const writes = s.writes - before;
    expect(writes).toBeGreaterThanOrEqual(1);
    expect(writes).toBeLessThanOrEqual(3); // the first change starts a write; the other 49 ride on the next one
  });

  it('writes a blob before the state that names it, readable at once, and keeps binary blobs as bytes', async () => {
    const dir = tmp();
    const s = await open(dir);
    const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff]);
    const p = add(s, ['doc/1', { errors: [1, 2] }]);
    expect(s.blobs.get('doc/1')).toEqual({ errors: [1, 2] }); // staged: readable by the mutation's own indexes
    await p;
    await add(s, ['zip/1', bytes]);
    await s.close();
    const again = await open(dir);
    expect(again.blobs.get('doc/1')).toEqual({ errors: [1, 2] });
    expect(again.blobs.get<Buffer>('zip/1')).toEqual(bytes);
    expect(() => again.blobs.require('doc/2')).toThrow(MissingBlob);
  });

  it('a failed write changes nothing: the caller gets an error, state and ids roll back, later writes work', async () => {
    const dir = tmp();
    const s = await open(dir);
    const kept = await add(s);
    let rolledBack = 0;
    s.onRollback(() => rolledBack++);
    breakLog(dir);
    const failing = add(s, ['doc/lost', { x: 1 }]);
    const alsoFailing = add(s); // built on the failing one: fails with it
    await expect(failing).rejects.toBeInstanceOf(StoreWriteFailed);
    await expect(alsoFailing).rejects.toBeInstanceOf(StoreWriteFailed);
    expect(rolledBack).toBe(1);
    expect(s.latest<S>('sys')).toEqual({ n: 1, ids: [kept.id] });
    expect(s.blobs.get('doc/lost')).toBeUndefined();
    mendLog(dir);
    const next = await add(s);
    expect(s.get<S>('sys').ids).toEqual([kept.id, next.id]);
    // After a failed append the next write is a snapshot (whatever the failed one left in the log is dropped).
    expect(JSON.parse(readFileSync(join(dir, 'db.json'), 'utf8')).sys.ids).toEqual([kept.id, next.id]);
    const after = await add(s);
    const again = await open(crashCopy(dir));
    expect(again.get<S>('sys').ids).toEqual([kept.id, next.id, after.id]);
  });

  it('a write that cannot empty the log after its snapshot still succeeds, and the log stays correct', async () => {
    const dir = tmp();
    const s = await open(dir);
    const first = await add(s);
    breakLog(dir);
    await expect(add(s)).rejects.toBeInstanceOf(StoreWriteFailed);
    const second = await add(s); // a snapshot: durable although the log (a directory now) cannot be emptied
    mendLog(dir);
    writeFileSync(join(dir, 'log.jsonl'), `${JSON.stringify({ s: 1, o: [['s', ['sys', 'n'], 99]] })}\n`); // older than the snapshot
    const third = await add(s); // the log is emptied now: records continue after the snapshot
    await s.update<S, { state: S }>('sys', (st) => ({ state: { ...st, n: 10 } }));
    const again = await open(crashCopy(dir));
    expect(again.get<S>('sys')).toEqual({ n: 10, ids: [first.id, second.id, third.id] });
  });

  it('a mutation that throws changes nothing and writes nothing', async () => {
    const s = await open(tmp());
    const writes = s.writes;
    await expect(s.update('sys', () => { throw new Error('refused'); })).rejects.toThrow('refused');
    expect(s.latest<S>('sys').n).toBe(0);
    expect(s.writes).toBe(writes);
  });

  it('replaces the world in a new blob generation and removes the old one only after', async () => {
    const dir = tmp();
    const s = await open(dir, { 'w/1': { v: 'first' } });
    await s.replace(world({ 'w/1': { v: 'second' } }));
    expect(s.blobs.get('w/1')).toEqual({ v: 'second' });
    expect(readdirSync(join(dir, 'blobs'))).toEqual(['g2']);
    await s.close();
    // A reset interrupted before its document was written leaves a generation nobody names: swept at start.
    mkdirSync(join(dir, 'blobs', 'g9'));
    writeFileSync(join(dir, 'blobs', 'g9', 'x.json'), '{}');
    const again = await open(dir);
    expect(readdirSync(join(dir, 'blobs'))).toEqual(['g2']);
    expect(again.blobs.get('w/1')).toEqual({ v: 'second' });
  });

  it('reads the layout written before generations existed (blobs/ itself, no counters)', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'blobs'));
    writeFileSync(join(dir, 'db.json'), JSON.stringify({ _meta: { seed: 1, rngState: 5, createdAt: 0 }, sys: { n: 3, ids: [] } }));
    writeFileSync(join(dir, 'blobs', `${encodeURIComponent('doc/1')}.json`), '{"old":true}');
    const s = await open(dir);
    expect(s.blobs.get('doc/1')).toEqual({ old: true });
    await add(s);
    expect(s.get<S>('sys').n).toBe(4);
  });

  it('refuses a data directory another live simulator holds, and takes over one a killed process left', async () => {
    const dir = tmp();
    await open(dir);
    await expect(Store.open({ kind: 'file', dir }, () => world())).rejects.toThrow(/in use by another simulator \(pid \d+/);
    const other = tmp();
    writeFileSync(join(other, 'LOCK'), '999999999'); // no such process
    const s = await open(other);
    expect(existsSync(join(other, 'LOCK'))).toBe(true);
    await s.close();
    expect(existsSync(join(other, 'LOCK'))).toBe(false);
  });

  it('appends what changed, not the state: a write of one record of 2,000 is a small line', async () => {
    const dir = tmp();
    const s = await open(dir);
    const big = (i: number) => ({ i, text: 'x'.repeat(200) });
    await s.update<Record<string, unknown>, { state: Record<string, unknown> }>('sys', (st) => ({ state: { ...st, rows: Array.from({ length: 2_000 }, (_, i) => big(i)) } }));
    const snapshot = statSync(join(dir, 'db.json')).size;
    const before = statSync(join(dir, 'log.jsonl')).size;
    await s.update<{ rows: unknown[] }, { state: { rows: unknown[] } }>('sys', (st) => ({ state: { ...st, rows: st.rows.map((r, i) => (i === 1_500 ? big(-1) : r)) } }));
    const line = statSync(join(dir, 'log.jsonl')).size - before;
    expect(before).toBeGreaterThan(400_000); // the first write set the array whole
    expect(line).toBeLessThan(400);
    expect(statSync(join(dir, 'db.json')).size).toBe(snapshot);
    await s.close(); // a clean stop folds the log into the snapshot
    expect([statSync(join(dir, 'log.jsonl')).size, JSON.parse(readFileSync(join(dir, 'db.json'), 'utf8')).sys.rows[1_500].i]).toEqual([0, -1]);
  });

  it('a start replays the log over the snapshot, drops a record cut short by a crash, and continues after it', async () => {
    const dir = tmp();
    const s = await open(dir);
    const ids = [(await add(s)).id, (await add(s)).id];
    const copy = crashCopy(dir);
    expect(logLines(copy)).toHaveLength(2);
    appendFileSync(join(copy, 'log.jsonl'), '{"s":3,"o":[["s",["sys","n"],'); // an append the crash cut
    const again = await open(copy);
    expect(again.get<S>('sys')).toEqual({ n: 2, ids });
    expect(readFileSync(join(copy, 'log.jsonl'), 'utf8')).toBe(''); // folded into the snapshot at start
    const third = await add(again);
    const once = await open(crashCopy(copy));
    expect(once.get<S>('sys')).toEqual({ n: 3, ids: [...ids, third.id] });
    expect(once.meta().boots).toBe(3);
  });

  it('skips records a snapshot already holds (a stop between the snapshot and emptying the log)', async () => {
    const dir = tmp();
    const s = await open(dir);
    await add(s);
    await add(s);
    const log = readFileSync(join(dir, 'log.jsonl'));
    await s.close();
    writeFileSync(join(dir, 'log.jsonl'), log); // the snapshot written at close, the log not yet emptied
    const again = await open(dir);
    expect(again.get<S>('sys').n).toBe(2);
  });

  it('refuses a log damaged before its end, or with records missing, and leaves the files as they were', async () => {
    for (const damage of [
      (lines: string[]) => [lines[0], '{"s":2,"o":[["s",["sys"', lines[1]], // a bad line that is not the last
      (lines: string[]) => [lines[0], lines[1].replace('"s":2', '"s":5')], // a gap in the sequence
      (lines: string[]) => [lines[0], '{"s":2,"o":[["s",["nothing","here"],1]]}'], // a path the state does not have
    ]) {
      const dir = tmp();
      const s = await open(dir);
      await add(s);
      await add(s);
      const copy = crashCopy(dir);
      const text = `${damage(logLines(copy)).join('\n')}\n`;
      writeFileSync(join(copy, 'log.jsonl'), text);
      await expect(Store.open({ kind: 'file', dir: copy }, () => world())).rejects.toThrow(/log.jsonl cannot be replayed \(.+\); the simulator will not overwrite it/);
      expect(readFileSync(join(copy, 'log.jsonl'), 'utf8')).toBe(text);
      expect(existsSync(join(copy, 'LOCK'))).toBe(false);
    }
  });

  it('keeps the state immutable: a mutation that changes committed state in place fails and changes nothing', async () => {
    const s = await open(tmp());
    await add(s);
    await expect(
      s.update<S, { state: S }>('sys', (st) => {
        st.ids.push('sneaked in'); // invisible to a diff: refused
        return { state: st };
      }),
    ).rejects.toThrow(TypeError);
    expect(s.latest<S>('sys').ids).toHaveLength(1);
  });

  it('refuses to start on a corrupt state file instead of silently replacing it', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'db.json'), '{"_meta": {');
    await expect(Store.open({ kind: 'file', dir }, () => world())).rejects.toThrow(/db.json cannot be read/);
    expect(readFileSync(join(dir, 'db.json'), 'utf8')).toBe('{"_meta": {');
    expect(existsSync(join(dir, 'LOCK'))).toBe(false);
  });
});

describe('a store shared by replicas', () => {
  /** A memory backend that says what "the database" holds when asked, as slowly as the test lets it. */
  class Shared extends MemoryBackend {
    db: DbShape | null = null;
    pulls: { resolve: () => void }[] = [];
    pull(): Promise<DbShape | null> {
      // What the database holds when the read is sent, answered when the test says.
      const at = this.db;
      return new Promise((resolve) => this.pulls.push({ resolve: () => resolve(at) }));
    }
  }

  /** A shared backend whose reads and writes take a turn of the event loop and note when they overlap. */
  class Overlaps extends MemoryBackend {
    active = 0;
    overlapped = 0;
    private async turn<T>(v: T): Promise<T> {
      if (++this.active > 1) this.overlapped++;
      await new Promise((r) => setImmediate(r));
      this.active--;
      return v;
    }
    pull(): Promise<DbShape | null> {
      return this.turn(null);
    }
    async write(batch: Parameters<MemoryBackend['write']>[0]): Promise<void> {
      await super.write(batch);
      await this.turn(undefined);
    }
  }

  async function openOn(backend: MemoryBackend): Promise<Store> {
    const saved = BACKENDS.memory;
    BACKENDS.memory = () => backend;
    try {
      const store = await Store.open({ kind: 'memory' }, () => world());
      stores.push(store);
      return store;
    } finally {
      BACKENDS.memory = saved;
    }
  }

  it('never reads the database while one of its own writes is in flight, even one that started as the last ended', async () => {
    const backend = new Overlaps();
    const store = await openOn(backend);
    // A first write in flight; a second queued the moment the store is idle again, before the sync waiting for that
    // moment goes on (as a request the last sync let through does).
    const first = add(store);
    const second = store.flush().then(() => add(store));
    await Promise.all([first, second, store.sync(), store.sync()]);
    expect(backend.overlapped).toBe(0);
    expect(store.get<S>('sys').n).toBe(2);
  });

  it('never serves a request on a read sent before it came: it waits for the next one (read-your-writes across replicas)', async () => {
    const backend = new Shared();
    const store = await openOn(backend);
    const first = store.sync();
    await Promise.resolve();
    await Promise.resolve();
    expect(backend.pulls).toHaveLength(1);
    // Another replica commits and acknowledges now, after the read in flight was sent; then a request comes here.
    const other = store.meta();
    backend.db = { _meta: other, sys: { n: 41, ids: [] } } as DbShape;
    let later = false;
    const second = store.sync().then(() => (later = true));
    const third = store.sync();
    backend.pulls[0].resolve();
    await first;
    expect(later).toBe(false);
    // One more read serves every request that came while the first was in flight.
    await new Promise((r) => setImmediate(r));
    expect(backend.pulls).toHaveLength(2);
    backend.pulls[1].resolve();
    await Promise.all([second, third]);
    expect(store.get<S>('sys').n).toBe(41);
  });
});

