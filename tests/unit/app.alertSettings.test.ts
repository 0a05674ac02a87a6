import { describe, expect, it } from 'vitest';
import { canLift, canSilence, readQuietHours, readSilenceDraft, readWebhookUrl, readWholeNumber, ruleSentence, silenceHours, subjectName } from '../../app/lib/alertSettings.ts';
import { currentDestination, destinations } from '../../app/navigation.ts';

const currentDestinationOf = (path: string) => currentDestination(destinations, path)?.tab;

describe('a rule as a sentence', () => {
  it('names the channels in a fixed order, and says "not sent" without a severity or a channel', () => {
    expect(ruleSentence({ minSeverity: 'warning', channels: ['telegram', 'web_push'] })).toEqual({ key: 'from', severity: 'warning', channels: ['web_push', 'telegram'] });
    expect(ruleSentence({ minSeverity: 'critical', channels: ['email'] })).toEqual({ key: 'only', severity: 'critical', channels: ['email'] });
    expect(ruleSentence({ minSeverity: 'info', channels: [] })).toEqual({ key: 'off', severity: null, channels: [] });
    expect(ruleSentence({ minSeverity: null, channels: ['web_push'] })).toEqual({ key: 'off', severity: null, channels: [] });
  });
});

describe('how long a silence lasts', () => {
  it('takes the presets, and a custom whole number of hours or days up to 90 days', () => {
    expect(silenceHours('1h', '', 'days')).toEqual({ hours: 1 });
    expect(silenceHours('4h', '', 'days')).toEqual({ hours: 4 });
    expect(silenceHours('1d', '', 'days')).toEqual({ hours: 24 });
    expect(silenceHours('1w', '', 'days')).toEqual({ hours: 168 });
    expect(silenceHours('custom', ' 36 ', 'hours')).toEqual({ hours: 36 });
    expect(silenceHours('custom', '90', 'days')).toEqual({ hours: 2160 });
    expect(silenceHours('custom', '2160', 'hours')).toEqual({ hours: 2160 });
  });

  it('refuses zero, fractions, words and more than 90 days', () => {
    for (const amount of ['0', '', '1.5', 'two', '-3']) expect(silenceHours('custom', amount, 'days')).toEqual({ problem: 'alertSettings.silences.invalid.amount' });
    expect(silenceHours('custom', '91', 'days')).toEqual({ problem: 'alertSettings.silences.invalid.tooLong' });
    expect(silenceHours('custom', '2161', 'hours')).toEqual({ problem: 'alertSettings.silences.invalid.tooLong' });
  });

  it('needs a kind or a subject, and a reason', () => {
    const base = { kind: 'cap', subjectId: null, preset: '1d' as const, amount: '', unit: 'days' as const, reason: ' Network raised it ' };
    expect(readSilenceDraft(base)).toEqual({ silence: { kind: 'cap', subjectId: null, hours: 24, reason: 'Network raised it' } });
    expect(readSilenceDraft({ ...base, kind: 'any', subjectId: 'offer-1' })).toEqual({ silence: { kind: null, subjectId: 'offer-1', hours: 24, reason: 'Network raised it' } });
    expect(readSilenceDraft({ ...base, kind: 'any', reason: '  ', preset: 'custom', amount: '100' })).toEqual({
      problems: { kind: 'alertSettings.silences.invalid.kind', reason: 'alertSettings.silences.invalid.reason', amount: 'alertSettings.silences.invalid.tooLong' },
    });
  });
});

describe('who may silence and lift', () => {
  it('lets those who act on alerts add, their author or an admin lift', () => {
    expect(canSilence('media_buyer')).toBe(true);
    expect(canSilence('read_only')).toBe(false);
    expect(canSilence(undefined)).toBe(false);
    expect(canLift({ createdBy: 'u1' }, 'media_buyer', 'u1')).toBe(true);
    expect(canLift({ createdBy: 'u2' }, 'media_buyer', 'u1')).toBe(false);
    expect(canLift({ createdBy: null }, 'admin', 'u1')).toBe(true);
    expect(canLift({ createdBy: 'u1' }, 'read_only', 'u1')).toBe(false);
  });
});

describe('settings as typed', () => {
  it('reads quiet hours: both or neither, not the same time', () => {
    expect(readQuietHours('23:00', '08:00')).toEqual({ start: '23:00', end: '08:00' });
    expect(readQuietHours(' ', '')).toEqual({ start: null, end: null });
    expect(readQuietHours('23:00', '')).toEqual({ problem: 'alertSettings.quiet.invalid.both' });
    expect(readQuietHours('24:00', '08:00')).toEqual({ problem: 'alertSettings.quiet.invalid.both' });
    expect(readQuietHours('08:00', '08:00')).toEqual({ problem: 'alertSettings.quiet.invalid.same' });
  });

  it('reads whole numbers within bounds, empty as off', () => {
    expect(readWholeNumber('45', 1, 10080)).toEqual({ value: 45 });
    expect(readWholeNumber(' ', 1, 10080)).toEqual({ value: null });
    for (const typed of ['0', '10081', '1.5', 'x']) expect(readWholeNumber(typed, 1, 10080)).toEqual({ problem: true });
  });

  it('takes an https webhook URL only', () => {
    expect(readWebhookUrl(' https://hooks.slack.com/services/T0/B0/abc ')).toBe('https://hooks.slack.com/services/T0/B0/abc');
    expect(readWebhookUrl('http://hooks.slack.com/services/T0/B0/abc')).toBeNull();
    expect(readWebhookUrl('https://hooks.slack.com')).toBeNull();
    expect(readWebhookUrl(`https://hooks.slack.com/${'x'.repeat(480)}`)).toBeNull();
  });
});

describe('what a silence is about', () => {
  const source = (name: string) => `source:${name}`;
  it('names the subject from an alert about it, a source by its name, else the id', () => {
    const alerts = [
      { subjectId: 'o1', params: { offer: 'NOVA-1' } },
      { subjectId: 'p1', params: { program: 'Nova Partners' } },
      { subjectId: 'l1', params: { file_name: 'march.csv', source: 'tw_events' } },
    ];
    expect(subjectName('o1', alerts, source)).toBe('NOVA-1');
    expect(subjectName('p1', alerts, source)).toBe('Nova Partners');
    expect(subjectName('l1', alerts, source)).toBe('march.csv');
    expect(subjectName('tw_clicks', alerts, source)).toBe('source:tw_clicks');
    expect(subjectName('9b3c0f7e-0000-4000-8000-000000000001', alerts, source)).toBe('9b3c0f7e-0000-4000-8000-000000000001');
  });
});

describe('the side menu', () => {
  it('marks the longest matching destination: notifications, not settings, on /app/settings/alerts', () => {
    expect(currentDestinationOf('/app/settings/alerts')).toBe('alert-settings');
    expect(currentDestinationOf('/app/settings')).toBe('settings');
    expect(currentDestinationOf('/app/offers/abc')).toBe('offers');
    expect(currentDestinationOf('/app/offersx')).toBeUndefined();
  });
});
