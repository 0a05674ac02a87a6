import { format, isValid, parseISO } from 'date-fns';
import { enUS, ru } from 'date-fns/locale';
import type { Locale } from './dataApi.ts';

const dateLocales = { ru, en: enUS };

/** A calendar day as people write it: "25 ноября 2026 г." / "November 25th, 2026"; unreadable input is shown as it came. */
export function formatDay(isoDate: string, language: Locale): string {
  const day = parseISO(isoDate);
  return isValid(day) ? format(day, 'PPP', { locale: dateLocales[language] }) : isoDate;
}

/** A moment as a short day and time in `timeZone`: "26 нояб., 14:05" / "Nov 26, 2:05 PM". */
export function formatMoment(isoMoment: string, language: Locale, timeZone: string): string {
  const moment = new Date(isoMoment);
  if (Number.isNaN(moment.getTime())) return isoMoment;
  return new Intl.DateTimeFormat(language, { timeZone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(moment);
}

/** The calendar day of a moment in `timeZone`, with its year: "8 мар. 2027 г." / "Mar 8, 2027". */
export function formatDate(moment: Date | string, language: Locale, timeZone: string): string {
  const at = typeof moment === 'string' ? new Date(moment) : moment;
  if (Number.isNaN(at.getTime())) return String(moment);
  return new Intl.DateTimeFormat(language, { timeZone, day: 'numeric', month: 'short', year: 'numeric' }).format(at);
}

/** The time of day of a moment, HH:MM, in `timeZone` or else the device's (for "as of 14:05"). */
export function formatClock(isoMoment: string, language: Locale, timeZone?: string): string {
  const moment = new Date(isoMoment);
  return Number.isNaN(moment.getTime()) ? isoMoment : new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', timeZone }).format(moment);
}

/** "14:05 (Europe/Moscow)" for a moment of today in `timeZone`, with the day too on another day: the "as of" of kept lists. */
export function formatAsOf(isoMoment: string, language: Locale, timeZone: string, now: Date = new Date()): string {
  const sameDay = formatDate(isoMoment, 'en', timeZone) === formatDate(now, 'en', timeZone);
  const when = sameDay ? formatClock(isoMoment, language, timeZone) : formatMoment(isoMoment, language, timeZone);
  return `${when} (${timeZone.replace(/_/g, ' ')})`;
}
