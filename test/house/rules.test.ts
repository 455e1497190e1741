/**
 * The house rules of DESIGN.md, checked on the sources (not on a built bundle): a system never imports another; core
 * and control import no system; no import cycle anywhere in simulator/ (type-only imports count: a cycle of types is a
 * cycle of meaning); no reading of real time or unseeded randomness outside the clock and the seeded generator.
 * Imports are read with TypeScript's own pre-processor, so comments and strings never count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../simulator/core/paths.js';

const SIM = join(PROJECT_ROOT, 'simulator');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []));
}

const files = sources(SIM);
const rel = (f: string) => relative(SIM, f);

/** Each source's imports of other sources in simulator/ (relative specifiers resolved; `.js` names its `.ts`). */
const graph = new Map<string, string[]>(
  files.map((f) => {
    const info = ts.preProcessFile(readFileSync(f, 'utf8'), true, true);
    const local = info.importedFiles
      .map((i) => i.fileName)
      .filter((s) => s.startsWith('.'))
      .map((s) => resolve(dirname(f), s).replace(/\.js$/, '.ts'));
    return [f, local];
  }),
);

const systemOf = (f: string) => /^systems\/([^/]+)\//.exec(rel(f))?.[1];

describe('house rules', () => {
  it('reads every import of every source (the check has something to check)', () => {
    expect(files.length).toBeGreaterThan(50);
    expect([...graph.values()].flat().length).toBeGreaterThan(200);
  });

  it('a system never imports another system', () => {
    const bad: string[] = [];
    for (const [f, deps] of graph) {
      const own = systemOf(f);
      if (!own) continue;
      for (const d of deps) if (systemOf(d) && systemOf(d) !== own) bad.push(`${rel(f)} → ${rel(d)}`);
    }
    expect(bad).toEqual([]);
  });

  it('core and the control plane import no system (and core nothing outside core)', () => {
    const bad: string[] = [];
    for (const [f, deps] of graph) {
      const r = rel(f);
      if (r.startsWith('core/')) for (const d of deps) if (!rel(d).startsWith('core/')) bad.push(`${r} → ${rel(d)}`);
      if (r.startsWith('control/')) for (const d of deps) if (systemOf(d)) bad.push(`${r} → ${rel(d)}`);
    }
    expect(bad).toEqual([]);
  });

  it('no route file imports another route file', () => {
    const route = (f: string) => /\/routes[^/]*\.ts$/.test(f);
    const bad = [...graph].flatMap(([f, deps]) => (route(f) ? deps.filter(route).map((d) => `${rel(f)} → ${rel(d)}`) : []));
    expect(bad).toEqual([]);
  });

  it('has no import cycle anywhere in simulator/', () => {
    // Tarjan's strongly connected components: any component of more than one module (or a self-import) is a cycle.
    let index = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const on = new Set<string>();
    const cycles: string[][] = [];
    const visit = (v: string) => {
      idx.set(v, index);
      low.set(v, index++);
      stack.push(v);
      on.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!graph.has(w)) continue;
        if (!idx.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          on.delete(w);
          scc.push(w);
        } while (w !== v);
        if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc.map(rel).sort());
      }
    };
    for (const f of files) if (!idx.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('reads real time and randomness only in the clock and the seeded generator', () => {
    const allowed = new Set(['core/clock.ts', 'core/random.ts']);
    const bad: string[] = [];
    for (const f of files) {
      if (allowed.has(rel(f))) continue;
      const src = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true);
      const at = (n: ts.Node) => `${rel(f)}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
      const walk = (n: ts.Node): void => {
        if (ts.isPropertyAccessExpression(n)) {
          const text = n.getText(src);
          if (text === 'Date.now' || text === 'Math.random') bad.push(`${at(n)} ${text}`);
        }
        if (ts.isNewExpression(n) && n.expression.getText(src) === 'Date' && (n.arguments?.length ?? 0) === 0) bad.push(`${at(n)} new Date()`);
        if (ts.isIdentifier(n) && n.text === 'randomUUID') bad.push(`${at(n)} randomUUID`);
        ts.forEachChild(n, walk);
      };
      walk(src);
    }
    expect(bad).toEqual([]);
  });

  it('keeps every module of simulator/ within about 500 lines', () => {
    const long = files.map((f) => [rel(f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > 520);
    expect(long).toEqual([]);
  });
});
