import { addDays, differenceInCalendarDays, format, parseISO } from 'date-fns';

export const periods = ['today', 'yesterday', 'week'] as const;
export type Period = (typeof periods)[number];

/** Inclusive range of calendar days as the metrics RPC takes them: `YYYY-MM-DD`. */
export interface DayRange {
  from: string;
  to: string;
}

/** The calendar day it is in `timeZone` at `now`, as `YYYY-MM-DD`. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The person's time zone: the profile's, else the browser's. */
export function chosenTimeZone(profileTimeZone: string | undefined): string {
  return profileTimeZone || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const iso = (day: Date) => format(day, 'yyyy-MM-dd');

/**
 * The days a period covers, counted from the person's `today`. The rollup keys facts by
 * their UTC date, so "today" in Moscow after midnight local time asks for a UTC day that
 * has barely begun; the ranges are sent as plain dates and the RPC compares them to those
 * UTC days.
 */
export function periodRange(period: Period, today: string): DayRange {
  const day = parseISO(today);
  switch (period) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday': {
      const yesterday = iso(addDays(day, -1));
      return { from: yesterday, to: yesterday };
    }
    case 'week':
      return { from: iso(addDays(day, -6)), to: today };
  }
}

/** The range of the same length just before `range` (7 days → the 7 before them). */
export function previousRange(range: DayRange): DayRange {
  const length = differenceInCalendarDays(parseISO(range.to), parseISO(range.from)) + 1;
  return { from: iso(addDays(parseISO(range.from), -length)), to: iso(addDays(parseISO(range.to), -length)) };
}

/**
 * Relative change from `previous` to `current` as a fraction (0.25 = +25 %), measured
 * against the size of `previous` so that a loss shrinking reads as a rise; null when there
 * is nothing to compare with.
 */
export function relativeChange(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return (current - previous) / Math.abs(previous);
}

/** Change of a ratio (ROI) in percentage points, as a fraction: 0.35 → 0.40 is +0.05. */
export function pointsChange(current: number | null, previous: number | null): number | null {
  return current === null || previous === null ? null : current - previous;
}

export type Tone = 'good' | 'bad' | 'neutral';

/**
 * Whether a change is good news. More spend is neither good nor bad on its own (it is the
 * budget working), so spend stays neutral; for the others up is good.
 */
export function changeTone(metric: 'spend' | 'revenue' | 'profit' | 'roi' | 'ftds', change: number | null): Tone {
  if (change === null || change === 0 || metric === 'spend') return 'neutral';
  return change > 0 ? 'good' : 'bad';
}

/**
 * The best and worst rows by profit. The worst are taken from what is not already among the
 * best, so with few offers nothing is shown twice.
 */
export function rankByProfit<T extends { profit: number }>(rows: T[], size = 3): { top: T[]; bottom: T[] } {
  const sorted = [...rows].sort((a, b) => b.profit - a.profit);
  const top = sorted.slice(0, size);
  const bottom = sorted.slice(top.length).reverse().slice(0, size);
  return { top, bottom };
}
