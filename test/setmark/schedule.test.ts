import { describe, expect, it } from 'vitest';
import { dateTime, journalTimestamp, nextFire, parseCron } from '../../simulator/systems/setmark/schedule.js';
import { validInn } from '../../simulator/systems/setmark/reference.js';
import { pushId } from '../../simulator/systems/setmark/push.js';

const next = (cron: string, after: string) => new Date(nextFire(parseCron(cron), Date.parse(after))!).toISOString();

describe('Spring cron (the document\'s examples), Moscow time', () => {
  it('fires as the help copied into the document says', () => {
    expect(next('0 0 2 * * *', '2026-03-02T09:00:00Z')).toBe('2026-03-02T23:00:00.000Z');
    expect(next('0 0 * * * *', '2026-03-02T09:00:00Z')).toBe('2026-03-02T10:00:00.000Z');
    expect(next('*/10 * * * * *', '2026-03-02T09:00:03Z')).toBe('2026-03-02T09:00:10.000Z');
    expect(next('0 0 8-10 * * *', '2026-03-02T07:30:00Z')).toBe('2026-03-03T05:00:00.000Z');
    expect(next('0 0 6,19 * * *', '2026-03-02T09:00:00Z')).toBe('2026-03-02T16:00:00.000Z');
    expect(next('0 0/30 8-10 * * *', '2026-03-02T07:31:00Z')).toBe('2026-03-03T05:00:00.000Z');
    // Saturday 2026-03-07 10:00 Moscow: the next weekday hour is Monday 09:00.
    expect(next('0 0 9-17 * * MON-FRI', '2026-03-07T07:00:00Z')).toBe('2026-03-09T06:00:00.000Z');
    expect(next('0 0 0 25 12 ?', '2026-03-02T09:00:00Z')).toBe('2026-12-24T21:00:00.000Z');
  });

  it('says what is wrong with a cron', () => {
    expect(() => parseCron('0 0 2 * *')).toThrow('six fields');
    expect(() => parseCron('0 0 25 * * *')).toThrow('25 is not between 0 and 23');
    expect(() => parseCron('0 0 5-2 * * *')).toThrow('backwards');
    expect(() => parseCron('0 0 2 * * FUNDAY')).toThrow('FUNDAY');
    expect(nextFire(parseCron('0 0 0 31 2 *'), 0)).toBeUndefined();
  });
});

describe('formats and ids', () => {
  it('writes the journal timestamp and the reserve date in Moscow time', () => {
    expect(journalTimestamp(Date.parse('2021-11-23T11:17:35Z'))).toBe('2021-11-23T14:17:35+0300');
    expect(dateTime(Date.parse('2021-07-09T17:05:36Z'))).toBe('09.07.2021 20:05:36');
  });

  it('checks INN check digits (10 and 12 digits)', () => {
    expect(['7701234560', '7802345676', '500100732259'].map(validInn)).toEqual([true, true, true]);
    expect(['7701234561', '0000000001', '77012345', '500100732258'].map(validInn)).toEqual([false, false, false, false]);
  });

  it('push ids are negative and never repeat', () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => pushId(i + 1, 1));
    expect(ids.every((x) => x < 0 && x >= -0x7fffffff)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
