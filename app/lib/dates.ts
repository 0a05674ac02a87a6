import { format, isValid, parseISO } from 'date-fns';
import { enUS, ru } from 'date-fns/locale';
import type { Locale } from './dataApi.ts';

const dateLocales = { ru, en: enUS };

/** A calendar day as people write it: "25 ноября 2026 г." / "November 25th, 2026"; unreadable input is shown as it came. */
export function formatDay(isoDate: string, language: Locale): string {
  const day = parseISO(isoDate);
  return isValid(day) ? format(day, 'PPP', { locale: dateLocales[language] }) : isoDate;
}
