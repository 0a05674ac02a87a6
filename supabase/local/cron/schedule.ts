/**
 * A pg_cron schedule: '[1-59] seconds', or five cron fields (minute hour day-of-month month
 * day-of-week) read in UTC, as pg_cron reads them by default (cron.timezone = GMT), with `*`,
 * lists, ranges, steps, `$` for the last day of the month, and the @hourly… macros.
 * https://github.com/citusdata/pg_cron#what-is-pg_cron
 */
export type Schedule =
  | { kind: 'seconds'; seconds: number }
  | { kind: 'fields'; minute: Set<number>; hour: Set<number>; day: Set<number>; lastDay: boolean; month: Set<number>; weekday: Set<number>; dayAny: boolean; weekdayAny: boolean };

const macros: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

function field(text: string, min: number, max: number, name: string): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) throw new Error(`invalid schedule: ${name} field "${text}"`);
    const [, whole, from, to, step] = match;
    const start = whole === '*' ? min : Number(from);
    const end = whole === '*' ? max : to !== undefined ? Number(to) : step !== undefined ? max : start;
    const by = step !== undefined ? Number(step) : 1;
    if (start < min || end > max || start > end || by < 1) throw new Error(`invalid schedule: ${name} field "${text}" is outside ${min}-${max}`);
    for (let v = start; v <= end; v += by) values.add(v);
  }
  return values;
}

export function parseSchedule(text: string): Schedule {
  const trimmed = text.trim();
  const seconds = /^(\d+)\s+seconds?$/.exec(trimmed);
  if (seconds) {
    const n = Number(seconds[1]);
    if (n < 1 || n > 59) throw new Error(`invalid schedule: ${text} (seconds must be 1-59)`);
    return { kind: 'seconds', seconds: n };
  }
  const parts = (macros[trimmed] ?? trimmed).split(/\s+/);
  if (parts.length !== 5) throw new Error(`invalid schedule: ${text}`);
  const [minute = '', hour = '', day = '', month = '', weekday = ''] = parts;
  const lastDay = day.split(',').includes('$');
  const days = day.split(',').filter((p) => p !== '$').join(',');
  return {
    kind: 'fields',
    minute: field(minute, 0, 59, 'minute'),
    hour: field(hour, 0, 23, 'hour'),
    day: days ? field(days, 1, 31, 'day of month') : new Set(),
    lastDay,
    month: field(month, 1, 12, 'month'),
    // 7 is Sunday too, as in cron.
    weekday: new Set([...field(weekday, 0, 7, 'day of week')].map((d) => d % 7)),
    dayAny: day === '*',
    weekdayAny: weekday === '*',
  };
}

/** Whether a field schedule fires in the minute (UTC) that `moment` falls in. */
export function firesInMinute(schedule: Extract<Schedule, { kind: 'fields' }>, moment: Date): boolean {
  const lastOfMonth = new Date(Date.UTC(moment.getUTCFullYear(), moment.getUTCMonth() + 1, 0)).getUTCDate();
  const dayMatches = schedule.day.has(moment.getUTCDate()) || (schedule.lastDay && moment.getUTCDate() === lastOfMonth);
  const weekdayMatches = schedule.weekday.has(moment.getUTCDay());
  // As in cron: with both day fields restricted, either one matching is enough.
  const calendar = schedule.dayAny || schedule.weekdayAny ? (schedule.dayAny || dayMatches) && (schedule.weekdayAny || weekdayMatches) : dayMatches || weekdayMatches;
  return calendar && schedule.minute.has(moment.getUTCMinutes()) && schedule.hour.has(moment.getUTCHours()) && schedule.month.has(moment.getUTCMonth() + 1);
}
