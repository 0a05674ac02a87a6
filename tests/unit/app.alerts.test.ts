import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { alertKinds, alertLink, alertMessage, arrangeAlerts, canAcknowledge, compareAlerts, groupName, needsAttention, type Alert, type AlertFormat } from '../../app/lib/alerts.ts';
import { toAlert } from '../../app/lib/alertsApi.ts';
import { InvalidResponseError } from '../../app/lib/guards.ts';
import { loadResources } from '../../app/i18n/resources.ts';

/** Values marked so a test sees which formatter wrote them. */
const format: AlertFormat = {
  moment: (iso) => `moment(${iso})`,
  day: (iso) => `day(${iso})`,
  count: (n) => `count(${n})`,
  percent: (f) => `percent(${f})`,
  source: (name) => `source(${name})`,
};

let sequence = 0;
function alert(fields: Partial<Alert> = {}): Alert {
  sequence += 1;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    kind: 'load_failed',
    severity: 'warning',
    subjectType: 'load',
    subjectId: 'subject',
    groupKey: null,
    params: {},
    status: 'firing',
    firedAt: '2026-05-04T06:00:00Z',
    resolvedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    ...fields,
  };
}

describe('alertMessage', () => {
  it('words a failed load with its file, source and error, and says when the server gave no reason', () => {
    const params = { file_name: 'tw-may.csv', source: 'tw_events', error: 'Line 7: the date 31.02.2026 does not exist' };
    expect(alertMessage(alert({ params }), format)).toEqual({
      title: 'alerts.kinds.load_failed.title',
      detail: 'alerts.kinds.load_failed.detail',
      values: { file: 'tw-may.csv', source: 'source(tw_events)', error: 'Line 7: the date 31.02.2026 does not exist' },
    });
    expect(alertMessage(alert({ params: { file_name: 'x.csv', source: 'ad_spend', error: null } }), format).detail).toBe('alerts.kinds.load_failed.noError');
  });

  it('words stale data with the source, since when (a moment) and the workspace\'s hours', () => {
    const message = alertMessage(alert({ kind: 'data_stale', subjectType: 'source', subjectId: 'tw_clicks', params: { source: 'tw_clicks', last_load_at: '2026-05-02T04:00:00+00:00', hours: 26 } }), format);
    expect(message).toEqual({
      title: 'alerts.kinds.data_stale.title',
      detail: 'alerts.kinds.data_stale.detail',
      values: { source: 'source(tw_clicks)', since: 'moment(2026-05-02T04:00:00+00:00)', hours: 'count(26)' },
    });
    // Without params the subject names the source.
    expect(alertMessage(alert({ kind: 'data_stale', subjectType: 'source', subjectId: 'ad_spend' }), format)).toMatchObject({ title: 'alerts.kinds.data_stale.titleNoDate', detail: null, values: { source: 'source(ad_spend)' } });
  });

  it('words a payout with the program, its day and period (days, not moments) and the program\'s zone', () => {
    const params = { program: 'Nova', payout_date: '2026-05-05', period_start: '2026-04-01', period_end: '2026-04-30', time_zone: 'America/New_York' };
    expect(alertMessage(alert({ kind: 'payout_due', subjectType: 'program', params }), format)).toEqual({
      title: 'alerts.kinds.payout_due.title',
      detail: 'alerts.kinds.payout_due.detail',
      values: { program: 'Nova', date: 'day(2026-05-05)', from: 'day(2026-04-01)', to: 'day(2026-04-30)', zone: 'America/New York' },
    });
  });

  it('words cap alerts from whatever the cap model sends, percent as 85 or 0.85, and falls back to the offer id', () => {
    const params = { offer: 'FIX-A', percent: 85, used: 170, limit: 200, first_day: '2026-05-01', last_day: '2026-05-31' };
    expect(alertMessage(alert({ kind: 'cap', subjectType: 'offer', params }), format)).toEqual({
      title: 'alerts.kinds.cap.title',
      detail: 'alerts.kinds.cap.detail',
      values: { offer: 'FIX-A', percent: 'percent(0.85)', used: 'count(170)', limit: 'count(200)', from: 'day(2026-05-01)', to: 'day(2026-05-31)' },
    });
    expect(alertMessage(alert({ kind: 'cap', subjectType: 'offer', params: { percent: 0.85, used: '170', limit: 200 } }), format)).toMatchObject({
      detail: 'alerts.kinds.cap.detailNoPeriod',
      values: { percent: 'percent(0.85)', used: 'count(170)' },
    });
    expect(alertMessage(alert({ kind: 'cap', subjectType: 'offer', subjectId: 'offer-7' }), format)).toMatchObject({ title: 'alerts.kinds.cap.titleNoPercent', detail: null, values: { offer: 'offer-7' } });
    expect(alertMessage(alert({ kind: 'cap_forecast', subjectType: 'offer', params: { ...params, eta: '2026-05-20T12:00:00Z' } }), format)).toMatchObject({
      title: 'alerts.kinds.cap_forecast.title',
      values: { eta: 'moment(2026-05-20T12:00:00Z)' },
    });
  });

  it('has every text it names in both languages, each filled in with no variable left over', async () => {
    const samples: Alert[] = [
      alert({ params: { file_name: 'f.csv', source: 'tw_events', error: 'bad' } }),
      alert({ params: {} }),
      alert({ kind: 'data_stale', subjectType: 'source', params: { source: 'tw_events', last_load_at: '2026-05-02T04:00:00Z', hours: 26 } }),
      alert({ kind: 'data_stale', subjectType: 'source' }),
      alert({ kind: 'payout_due', subjectType: 'program', params: { program: 'P', payout_date: '2026-05-05', period_start: '2026-04-01', period_end: '2026-04-30', time_zone: 'UTC' } }),
      alert({ kind: 'payout_due', subjectType: 'program', params: { program: 'P', period_start: '2026-04-01', period_end: '2026-04-30' } }),
      ...(['cap', 'cap_reached', 'cap_forecast'] as const).flatMap((kind) => [
        alert({ kind, subjectType: 'offer', params: { offer: 'O', percent: 90, used: 9, limit: 10, first_day: '2026-05-01', last_day: '2026-05-31', eta: '2026-05-20T00:00:00Z' } }),
        alert({ kind, subjectType: 'offer', params: { used: 9, limit: 10 } }),
      ]),
    ];
    expect(new Set(samples.map((s) => s.kind))).toEqual(new Set(alertKinds));
    for (const language of ['ru', 'en'] as const) {
      const texts = i18next.createInstance();
      await texts.init({ resources: { [language]: { translation: await loadResources(language) } }, lng: language, fallbackLng: false, interpolation: { escapeValue: false } });
      for (const sample of samples) {
        const message = alertMessage(sample, format);
        for (const key of [message.title, message.detail].filter((k): k is string => k !== null)) {
          expect(texts.exists(key), `${language} ${key}`).toBe(true);
          expect(texts.t(key, message.values), `${language} ${key}`).not.toMatch(/\{\{|undefined/);
        }
      }
    }
  });
});

describe('alertLink', () => {
  it('opens what the alert is about; stale data opens the upload screen, or the loads for those who do not upload', () => {
    expect(alertLink({ subjectType: 'load', subjectId: 'b1c2' }, 'read_only')).toBe('/app/loads/b1c2');
    expect(alertLink({ subjectType: 'program', subjectId: 'p1' }, 'finance')).toBe('/app/programs/p1');
    // A cap counted per GEO is about "<offer>/<GEO>": the offer's page.
    expect(alertLink({ subjectType: 'offer', subjectId: '9f1c/KZ' }, 'affiliate_manager')).toBe('/app/offers/9f1c');
    expect(alertLink({ subjectType: 'offer', subjectId: 'o 1' }, 'affiliate_manager')).toBe('/app/offers/o%201');
    expect(alertLink({ subjectType: 'source', subjectId: 'tw_events' }, 'media_buyer')).toBe('/app/upload');
    expect(alertLink({ subjectType: 'source', subjectId: 'tw_events' }, 'read_only')).toBe('/app/loads');
  });
});

describe('who acknowledges and what the bell counts', () => {
  it('lets every role but read_only acknowledge, and counts firing alerts nobody acknowledged', () => {
    expect((['media_buyer', 'affiliate_manager', 'finance', 'admin'] as const).every(canAcknowledge)).toBe(true);
    expect(canAcknowledge('read_only')).toBe(false);
    expect(canAcknowledge(undefined)).toBe(false);
    expect(needsAttention(alert())).toBe(true);
    expect(needsAttention(alert({ acknowledgedAt: '2026-05-04T07:00:00Z' }))).toBe(false);
    expect(needsAttention(alert({ status: 'resolved', resolvedAt: '2026-05-04T07:00:00Z' }))).toBe(false);
  });
});

describe('the order of the alert centre', () => {
  const resolvedEarly = alert({ status: 'resolved', severity: 'critical', firedAt: '2026-05-04T09:00:00Z', resolvedAt: '2026-05-04T10:00:00Z' });
  const resolvedLate = alert({ status: 'resolved', severity: 'info', firedAt: '2026-05-03T09:00:00Z', resolvedAt: '2026-05-05T10:00:00Z' });
  const infoNew = alert({ severity: 'info', firedAt: '2026-05-06T00:00:00Z' });
  const warningOld = alert({ severity: 'warning', firedAt: '2026-05-01T00:00:00Z' });
  const warningNew = alert({ severity: 'warning', firedAt: '2026-05-02T00:00:00Z' });
  const critical = alert({ severity: 'critical', firedAt: '2026-04-01T00:00:00Z' });

  it('puts firing alerts first, critical → warning → info and newest first, then resolved ones, latest resolved first', () => {
    const all = [resolvedEarly, infoNew, warningOld, resolvedLate, critical, warningNew];
    for (const start of [all, [...all].reverse()]) {
      expect([...start].sort(compareAlerts)).toEqual([critical, warningNew, warningOld, infoNew, resolvedLate, resolvedEarly]);
    }
  });

  it('shows alerts of one group and status together, at the place of the group\'s first, and a group of one alone', () => {
    const capA = alert({ kind: 'cap', severity: 'critical', subjectType: 'offer', groupKey: 'prog-1', firedAt: '2026-05-03T00:00:00Z', params: { program: 'Nova' } });
    const capB = alert({ kind: 'cap', severity: 'info', subjectType: 'offer', groupKey: 'prog-1', firedAt: '2026-05-04T00:00:00Z' });
    const lonely = alert({ kind: 'payout_due', severity: 'info', subjectType: 'program', groupKey: 'prog-2', firedAt: '2026-05-05T00:00:00Z' });
    const resolvedCap = alert({ kind: 'cap', subjectType: 'offer', groupKey: 'prog-1', status: 'resolved', resolvedAt: '2026-05-04T00:00:00Z' });
    const entries = arrangeAlerts([capB, lonely, resolvedCap, warningNew, capA]);
    expect(entries).toEqual([
      { type: 'group', groupKey: 'prog-1', alerts: [capA, capB] },
      { type: 'single', alert: warningNew },
      { type: 'single', alert: lonely },
      { type: 'single', alert: resolvedCap },
    ]);
    expect(groupName([capB, capA], {})).toBe('Nova');
    expect(groupName([capB], { 'prog-1': 'Looked up' })).toBe('Looked up');
    expect(groupName([capB], {})).toBeNull();
  });
});

describe('toAlert', () => {
  const row = {
    id: '6b1f2f4e-8f1e-4a43-9d0a-2f6c2d7f9a10',
    kind: 'load_failed',
    severity: 'warning',
    subject_type: 'load',
    subject_id: '0b5a1c8e-64f6-4d6f-8e0a-0c7f5b6f1e22',
    group_key: null,
    params: { file_name: 'a.csv' },
    status: 'firing',
    fired_at: '2026-05-04T06:00:00+00:00',
    resolved_at: null,
    acknowledged_at: null,
    acknowledged_by: null,
  };

  it('reads a row as the API sends it, and refuses a kind the app does not know', () => {
    expect(toAlert(row)).toMatchObject({ kind: 'load_failed', subjectType: 'load', params: { file_name: 'a.csv' }, firedAt: '2026-05-04T06:00:00+00:00', acknowledgedBy: null });
    expect(() => toAlert({ ...row, kind: 'weather' })).toThrow(InvalidResponseError);
    expect(() => toAlert({ ...row, params: ['not', 'an', 'object'] })).toThrow(InvalidResponseError);
  });
});
