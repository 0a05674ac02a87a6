import { describe, expect, it } from 'vitest';
import { firesInMinute, parseSchedule, type Schedule } from '../../supabase/local/cron/schedule.ts';

function fields(text: string): Extract<Schedule, { kind: 'fields' }> {
  const schedule = parseSchedule(text);
  if (schedule.kind !== 'fields') throw new Error(`${text} is not a field schedule`);
  return schedule;
}

const at = (iso: string) => new Date(iso);

describe('pg_cron schedules, as the local stack reads them', () => {
  it('reads interval schedules of 1 to 59 seconds, and refuses others', () => {
    expect(parseSchedule('10 seconds')).toEqual({ kind: 'seconds', seconds: 10 });
    expect(parseSchedule(' 1 second ')).toEqual({ kind: 'seconds', seconds: 1 });
    expect(() => parseSchedule('0 seconds')).toThrow(/invalid schedule/);
    expect(() => parseSchedule('60 seconds')).toThrow(/invalid schedule/);
  });

  it('fires field schedules in the UTC minutes they name: steps, ranges, lists', () => {
    const every5 = fields('*/5 * * * *');
    expect(firesInMinute(every5, at('2027-03-28T01:05:00Z'))).toBe(true);
    expect(firesInMinute(every5, at('2027-03-28T01:06:00Z'))).toBe(false);
    const workHours = fields('30 9-17/4 * * 1-5');
    expect(firesInMinute(workHours, at('2027-03-29T13:30:00Z'))).toBe(true); // a Monday
    expect(firesInMinute(workHours, at('2027-03-28T13:30:00Z'))).toBe(false); // a Sunday
    expect(firesInMinute(workHours, at('2027-03-29T11:30:00Z'))).toBe(false); // 11 is not 9 + 4n
    expect(firesInMinute(fields('0 0 1,15 * *'), at('2027-01-15T00:00:30Z'))).toBe(true);
  });

  it('reads $ as the last day of the month, leap years included', () => {
    const monthEnd = fields('0 21 $ * *');
    expect(firesInMinute(monthEnd, at('2028-02-29T21:00:00Z'))).toBe(true);
    expect(firesInMinute(monthEnd, at('2027-02-28T21:00:00Z'))).toBe(true);
    expect(firesInMinute(monthEnd, at('2028-02-28T21:00:00Z'))).toBe(false);
  });

  it('fires when either day field matches if both are restricted, as cron does; 7 is Sunday', () => {
    const either = fields('0 12 13 * 5');
    expect(firesInMinute(either, at('2027-08-13T12:00:00Z'))).toBe(true); // a Friday, the 13th
    expect(firesInMinute(either, at('2027-08-20T12:00:00Z'))).toBe(true); // a Friday
    expect(firesInMinute(either, at('2027-09-13T12:00:00Z'))).toBe(true); // a Monday, the 13th
    expect(firesInMinute(either, at('2027-09-14T12:00:00Z'))).toBe(false);
    expect(firesInMinute(fields('0 0 * * 7'), at('2027-03-28T00:00:00Z'))).toBe(true);
  });

  it('expands the macros and refuses what is not a schedule', () => {
    expect(firesInMinute(fields('@daily'), at('2027-01-01T00:00:00Z'))).toBe(true);
    expect(firesInMinute(fields('@hourly'), at('2027-01-01T05:01:00Z'))).toBe(false);
    for (const bad of ['* * * *', '61 * * * *', '* 24 * * *', '5-1 * * * *', 'every minute']) expect(() => parseSchedule(bad), bad).toThrow(/invalid schedule/);
  });
});
