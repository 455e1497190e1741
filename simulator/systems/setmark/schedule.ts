/**
 * SetMark's clock conventions: Spring's six-field cron (`setmark.alco.minprice.report.cron`, the help the document
 * copies: "0 0 * * * *", "*\/10 * * * * *", "0 0 9-17 * * MON-FRI", "0 0 0 25 12 ?"), in Moscow time (UTC+3), and
 * the date formats of the journal ("2021-11-23T14:17:35+0300"), MRC periods (dd.MM.yyyy) and reserve texts.
 *
 * @example
 * nextFire(parseCron('0 0 2 * * *'), Date.parse('2026-03-02T09:00:00Z')); // 2026-03-02T23:00:00Z (02:00 Moscow)
 */
import { UTC_OFFSET_MS } from './reference.js';

export interface Cron {
  sec: Set<number>;
  min: Set<number>;
  hour: Set<number>;
  dom: Set<number> | null;
  month: Set<number>;
  dow: Set<number> | null;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

function field(text: string, min: number, max: number, names: string[] = [], nameBase = 0): Set<number> {
  const out = new Set<number>();
  const value = (v: string) => {
    const i = names.indexOf(v.toUpperCase());
    const n = i >= 0 ? i + nameBase : /^\d{1,2}$/.test(v) ? Number(v) : NaN;
    if (!(n >= min && n <= max)) throw new Error(`${v} is not between ${min} and ${max}`);
    return n;
  };
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : /^\d{1,2}$/.test(stepText) && Number(stepText) > 0 ? Number(stepText) : NaN;
    if (Number.isNaN(step)) throw new Error(`${part}: the step must be a positive number`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') [lo, hi] = [min, max];
    else if (range.includes('-')) {
      const [a, b] = range.split('-');
      [lo, hi] = [value(a), value(b)];
      if (lo > hi) throw new Error(`${range}: the range runs backwards`);
    } else {
      lo = value(range);
      hi = stepText === undefined ? lo : max;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** Parses a Spring cron; throws saying what is wrong. */
export function parseCron(text: string): Cron {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 6) throw new Error('a Spring cron has six fields: second minute hour day-of-month month day-of-week');
  const [s, m, h, dom, mon, dow] = parts;
  const days = field(dow, 0, 7, DAYS);
  if (days.has(7)) days.add(0);
  return {
    sec: field(s, 0, 59),
    min: field(m, 0, 59),
    hour: field(h, 0, 23),
    dom: dom === '*' || dom === '?' ? null : field(dom, 1, 31),
    month: field(mon, 1, 12, MONTHS, 1),
    dow: dow === '*' || dow === '?' ? null : days,
  };
}

const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);

/** The first instant strictly after `afterMs` the cron fires (Moscow time); undefined if none within 5 years. */
export function nextFire(c: Cron, afterMs: number): number | undefined {
  const local = afterMs + UTC_OFFSET_MS;
  const start = new Date(Math.floor(local / 1000) * 1000 + 1000);
  const secs = sorted(c.sec);
  const mins = sorted(c.min);
  const hours = sorted(c.hour);
  let day = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
  for (let i = 0; i < 366 * 5; i++, day += 86_400_000) {
    const d = new Date(day);
    const domOk = c.dom === null || c.dom.has(d.getUTCDate());
    const dowOk = c.dow === null || c.dow.has(d.getUTCDay());
    // Spring: both restricted means both must match.
    if (!c.month.has(d.getUTCMonth() + 1) || !domOk || !dowOk) continue;
    for (const h of hours) {
      for (const m of mins) {
        for (const s of secs) {
          const t = day + h * 3_600_000 + m * 60_000 + s * 1000;
          if (t >= start.getTime()) return t - UTC_OFFSET_MS;
        }
      }
    }
  }
  return undefined;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const moscow = (ms: number) => new Date(ms + UTC_OFFSET_MS);

/** The journal's timestamp: `yyyy-MM-dd'T'HH:mm:ssZ` in Moscow time ("2021-11-23T14:17:35+0300"). */
export function journalTimestamp(ms: number): string {
  const d = moscow(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+0300`;
}

/** `dd.MM.yyyy HH:mm:ss` in Moscow time (the reserve's "Срок жизни резерва 19.01.1970 11:24:56"). */
export function dateTime(ms: number): string {
  const d = moscow(ms);
  return `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** A `dd.MM.yyyy` date as a day number (days since the epoch), or undefined when it is no date. */
export function dayOf(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(text);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1]));
  const d = new Date(t);
  if (d.getUTCDate() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1) return undefined;
  return t / 86_400_000;
}

/** Today in Moscow, as a day number. */
export const today = (ms: number) => Math.floor((ms + UTC_OFFSET_MS) / 86_400_000);
