/**
 * What an alert says, in the person's language, for the channels that carry text (Telegram,
 * Slack, email, push). The alert row holds values (alerts.params), never words: each person
 * reads it in their own language and time zone. The app's alert centre words the same kinds
 * in app/i18n.
 */

export type Locale = 'ru' | 'en';

export interface AlertForText {
  kind: string;
  severity: string;
  params: Record<string, unknown>;
  /** Told again because it still fires unacknowledged (the workspace's repeat interval). */
  repeated?: boolean;
}

const sources: Record<Locale, Record<string, string>> = {
  ru: { tw_events: 'конверсии TrafficWave', tw_clicks: 'клики TrafficWave', ad_spend: 'расходы рекламных сетей' },
  en: { tw_events: 'TrafficWave conversions', tw_clicks: 'TrafficWave clicks', ad_spend: 'ad network spend' },
};

const severityMark: Record<string, string> = { info: 'ℹ️', warning: '⚠️', critical: '🔴' };

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** A moment in the person's zone, with the zone named: "04.05.2026 09:00 (Europe/Moscow)", "2026-05-04 09:00 (Europe/Moscow)". */
export function momentText(value: unknown, locale: Locale, timeZone: string): string {
  const at = new Date(text(value));
  if (Number.isNaN(at.getTime())) return text(value);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at).map((part) => [part.type, part.value]),
  );
  const day = locale === 'ru' ? `${parts.day}.${parts.month}.${parts.year}` : `${parts.year}-${parts.month}-${parts.day}`;
  return `${day} ${parts.hour}:${parts.minute} (${timeZone})`;
}

/** A calendar day as the person reads it: "08.05.2026" / "2026-05-08". */
function dayText(value: unknown, locale: Locale): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text(value));
  if (!match) return text(value);
  const [, y, m, d] = match;
  return locale === 'ru' ? `${d}.${m}.${y}` : `${y}-${m}-${d}`;
}

/** An offer as a cap alert names it: with its GEO when the cap counts per GEO. */
function offerName(p: Record<string, unknown>): string {
  return p.geo ? `${text(p.offer)} · ${text(p.geo)}` : text(p.offer);
}

/** One line of a message about `alert`: its severity's mark, then what happened. */
export function alertLine(alert: AlertForText, locale: Locale, timeZone: string): string {
  return `${severityMark[alert.severity] ?? ''} ${alertSentence(alert, locale, timeZone)}`;
}

/** What happened, in a sentence without the severity's mark. */
function alertSentence(alert: AlertForText, locale: Locale, timeZone: string): string {
  const p = alert.params;
  const ru = locale === 'ru';
  switch (alert.kind) {
    case 'load_failed':
      return ru
        ? `Загрузка «${text(p.file_name)}» не удалась: ${text(p.error)}`
        : `The load of “${text(p.file_name)}” failed: ${text(p.error)}`;
    case 'data_stale': {
      const source = sources[locale][text(p.source)] ?? text(p.source);
      return ru
        ? `Нет новых данных (${source}) дольше ${text(p.hours)} ч: последняя загрузка ${momentText(p.last_load_at, locale, timeZone)}`
        : `No new data (${source}) for over ${text(p.hours)} h: last load ${momentText(p.last_load_at, locale, timeZone)}`;
    }
    case 'payout_due':
      return ru
        ? `Выплата от «${text(p.program)}» ${dayText(p.payout_date, locale)} за ${dayText(p.period_start, locale)}–${dayText(p.period_end, locale)} (дни по ${text(p.time_zone)})`
        : `Payout from “${text(p.program)}” on ${dayText(p.payout_date, locale)} for ${dayText(p.period_start, locale)}–${dayText(p.period_end, locale)} (days in ${text(p.time_zone)})`;
    case 'cap':
      return ru
        ? `Кап «${offerName(p)}» близок: ${text(p.used)} из ${text(p.limit)} (${text(p.percent)} %)`
        : `Cap of “${offerName(p)}” is close: ${text(p.used)} of ${text(p.limit)} (${text(p.percent)}%)`;
    case 'cap_reached':
      return ru
        ? `Кап «${offerName(p)}» исчерпан: ${text(p.used)} из ${text(p.limit)}`
        : `Cap of “${offerName(p)}” reached: ${text(p.used)} of ${text(p.limit)}`;
    case 'cap_forecast':
      return ru
        ? `Кап «${offerName(p)}» закончится ≈ ${momentText(p.eta, locale, timeZone)}`
        : `Cap of “${offerName(p)}” runs out ≈ ${momentText(p.eta, locale, timeZone)}`;
    default:
      return ru ? `Оповещение: ${alert.kind}` : `Alert: ${alert.kind}`;
  }
}

/** Russian counts: 1 оповещение, 2 оповещения, 5 оповещений, 21 оповещение. */
function ruAlerts(n: number): string {
  const tens = n % 100;
  const units = n % 10;
  if (tens >= 11 && tens <= 14) return `${n} оповещений`;
  if (units === 1) return `${n} оповещение`;
  if (units >= 2 && units <= 4) return `${n} оповещения`;
  return `${n} оповещений`;
}

/** "ArbiDesk: 3 оповещения" / "ArbiDesk: 3 alerts". */
function heading(count: number, locale: Locale): string {
  return locale === 'ru' ? `ArbiDesk: ${ruAlerts(count)}` : `ArbiDesk: ${count} alerts`;
}

/** What a repeat of an alert still firing unacknowledged starts with. */
const stillUnresolved = (locale: Locale) => (locale === 'ru' ? 'Всё ещё не решено: ' : 'Still unresolved: ');

/** The message for several alerts due to one person on one channel at once: one line each, under a heading when more than one. */
export function alertMessage(alerts: readonly AlertForText[], locale: Locale, timeZone: string): string {
  const lines = alerts.map((a) => (a.repeated ? `🔁 ${stillUnresolved(locale)}` : '') + alertLine(a, locale, timeZone));
  if (lines.length === 1) return lines[0] ?? '';
  return [heading(alerts.length, locale), ...lines].join('\n');
}

/**
 * An email's subject for the same alerts: what a single alert says (cut at 120 characters,
 * as mail clients show little more), or the heading that counts them.
 */
export function alertSubject(alerts: readonly AlertForText[], locale: Locale, timeZone: string): string {
  const [only] = alerts;
  if (alerts.length !== 1 || !only) return heading(alerts.length, locale);
  const subject = [...`ArbiDesk: ${only.repeated ? stillUnresolved(locale) : ''}${alertSentence(only, locale, timeZone)}`];
  return subject.length > 120 ? `${subject.slice(0, 119).join('')}…` : subject.join('');
}

/** A notification's heading per kind (push): short, as a phone's lock screen shows it. */
const kindTitles: Record<Locale, Record<string, string>> = {
  ru: { load_failed: 'Загрузка не удалась', data_stale: 'Нет новых данных', payout_due: 'Выплата', cap: 'Кап близок', cap_reached: 'Кап исчерпан', cap_forecast: 'Кап скоро закончится' },
  en: { load_failed: 'Load failed', data_stale: 'No new data', payout_due: 'Payout', cap: 'Cap is close', cap_reached: 'Cap reached', cap_forecast: 'Cap runs out soon' },
};

/**
 * A notification (Web Push, native push): one alert is headed by its kind and told without
 * the mark (the notification has its own icon); several are headed by their count, a line each.
 */
export function alertNotification(alerts: readonly AlertForText[], locale: Locale, timeZone: string): { title: string; body: string } {
  const [only] = alerts;
  if (alerts.length === 1 && only) {
    const title = kindTitles[locale][only.kind] ?? (locale === 'ru' ? 'Оповещение ArbiDesk' : 'ArbiDesk alert');
    const still = only.repeated ? (locale === 'ru' ? 'Всё ещё не решено: ' : 'Still unresolved: ') : '';
    return { title, body: still + alertSentence(only, locale, timeZone) };
  }
  const [title, ...lines] = alertMessage(alerts, locale, timeZone).split('\n');
  return { title: title ?? '', body: lines.join('\n') };
}
