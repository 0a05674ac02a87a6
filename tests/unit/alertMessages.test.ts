import { describe, expect, it } from 'vitest';
import { alertLine, alertMessage, momentText } from '../../functions/_shared/alerts/messages.ts';

/** What an alert says on Telegram and the other text channels, in each person's language and zone. */
describe('alert messages', () => {
  const failed = { kind: 'load_failed', severity: 'warning', params: { file_name: 'spend.csv', error: 'Line 7: no date' } };

  it('words each kind in Russian and English, with the values of the alert', () => {
    expect(alertLine(failed, 'en', 'UTC')).toBe('⚠️ The load of “spend.csv” failed: Line 7: no date');
    expect(alertLine(failed, 'ru', 'UTC')).toBe('⚠️ Загрузка «spend.csv» не удалась: Line 7: no date');
    const payout = { kind: 'payout_due', severity: 'info', params: { program: 'Orbit', payout_date: '2026-05-08', period_start: '2026-04-27', period_end: '2026-05-03', time_zone: 'Asia/Vladivostok' } };
    expect(alertLine(payout, 'ru', 'Europe/Moscow')).toBe('ℹ️ Выплата от «Orbit» 08.05.2026 за 27.04.2026–03.05.2026 (дни по Asia/Vladivostok)');
    expect(alertLine(payout, 'en', 'Europe/Moscow')).toBe('ℹ️ Payout from “Orbit” on 2026-05-08 for 2026-04-27–2026-05-03 (days in Asia/Vladivostok)');
  });

  it('names a cap\'s offer with its GEO, and the run-out in the person\'s zone', () => {
    const params = { offer: 'Golden Fox', geo: 'KZ', used: 19, limit: 20, percent: 95, eta: '2026-03-16T17:00:00+00:00' };
    expect(alertLine({ kind: 'cap', severity: 'critical', params }, 'ru', 'UTC')).toBe('🔴 Кап «Golden Fox · KZ» близок: 19 из 20 (95 %)');
    expect(alertLine({ kind: 'cap_reached', severity: 'critical', params: { ...params, geo: null, used: 20 } }, 'en', 'UTC')).toBe('🔴 Cap of “Golden Fox” reached: 20 of 20');
    expect(alertLine({ kind: 'cap_forecast', severity: 'warning', params }, 'en', 'Europe/Moscow')).toBe('⚠️ Cap of “Golden Fox · KZ” runs out ≈ 2026-03-16 20:00 (Europe/Moscow)');
  });

  it('gives moments in the person\'s own zone and names it, DST included', () => {
    expect(momentText('2026-03-29T00:30:00Z', 'en', 'Europe/Berlin')).toBe('2026-03-29 01:30 (Europe/Berlin)');
    expect(momentText('2026-03-29T01:30:00Z', 'en', 'Europe/Berlin')).toBe('2026-03-29 03:30 (Europe/Berlin)');
    expect(momentText('2026-05-03T21:30:00Z', 'ru', 'Europe/Moscow')).toBe('04.05.2026 00:30 (Europe/Moscow)');
  });

  it('marks an alert told again because it still fires unacknowledged, in either language', () => {
    expect(alertMessage([{ ...failed, repeated: true }], 'en', 'UTC')).toBe('🔁 Still unresolved: ⚠️ The load of “spend.csv” failed: Line 7: no date');
    expect(alertMessage([{ ...failed, repeated: true }, failed], 'ru', 'UTC').split('\n')).toEqual([
      'ArbiDesk: 2 оповещения',
      '🔁 Всё ещё не решено: ⚠️ Загрузка «spend.csv» не удалась: Line 7: no date',
      '⚠️ Загрузка «spend.csv» не удалась: Line 7: no date',
    ]);
  });

  it('puts several alerts under one heading, counted as Russian counts', () => {
    const many = (n: number) => alertMessage(Array.from({ length: n }, () => failed), 'ru', 'UTC').split('\n')[0];
    expect(alertMessage([failed], 'ru', 'UTC')).toBe(alertLine(failed, 'ru', 'UTC'));
    expect([2, 5, 11, 21, 22].map(many)).toEqual([
      'ArbiDesk: 2 оповещения', 'ArbiDesk: 5 оповещений', 'ArbiDesk: 11 оповещений', 'ArbiDesk: 21 оповещение', 'ArbiDesk: 22 оповещения',
    ]);
    expect(alertMessage([failed, failed], 'en', 'UTC').split('\n')).toHaveLength(3);
  });
});
