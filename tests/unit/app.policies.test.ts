import { describe, expect, it } from 'vitest';
import { RequestError } from '../../app/lib/errors.ts';
import { emptyTerms, readGeoRates, readTerms } from '../../app/lib/offersTerms.ts';
import {
  capDraftOf,
  capPolicySentence,
  describePolicyError,
  formatRequirement,
  kpiDraftOf,
  pickable,
  readCapDraft,
  readKpiDraft,
  requirementInput,
  shiftDecimal,
  usesOf,
  type PolicyUse,
} from '../../app/lib/policies.ts';

describe('cap policy form', () => {
  const draft = { ...capDraftOf(null), name: ' Daily 50 ', capLimit: '50' };
  const defaults = { metric: 'conversions', time_zone: null, scope: 'offer', hard: true, warning_percent: 80, critical_percent: 95 };

  it('reads the row the table takes, the new fields with their defaults', () => {
    expect(readCapDraft(draft)).toEqual({ row: { name: 'Daily 50', period: 'day', event_type: 'first_deposit', cap_limit: 50, notes: null, ...defaults } });
    expect(readCapDraft({ ...draft, period: 'lifetime', eventType: 'registration', notes: ' soft cap ' })).toMatchObject({ row: { period: 'lifetime', event_type: 'registration', notes: 'soft cap' } });
    expect(readCapDraft({ ...draft, metric: 'revenue', timeZone: 'Europe/Berlin', scope: 'geo', hard: false, warningPercent: '70,5', criticalPercent: '99.25' })).toMatchObject({
      row: { metric: 'revenue', time_zone: 'Europe/Berlin', scope: 'geo', hard: false, warning_percent: 70.5, critical_percent: 99.25 },
    });
  });

  it('says what to fix: a cap that is not a whole number above zero, a missing name, an unknown period', () => {
    for (const capLimit of ['0', '-5', '12.5', 'fifty', '', '2147483648']) expect(readCapDraft({ ...draft, capLimit })).toEqual({ problems: { capLimit: 'offers.policies.invalid.capLimit' } });
    expect(readCapDraft({ ...draft, capLimit: '2147483647' })).toMatchObject({ row: { cap_limit: 2147483647 } });
    expect(readCapDraft({ ...draft, name: '  ', period: 'hour', eventType: 'click', notes: 'x'.repeat(2001), metric: 'leads', scope: 'city' })).toEqual({
      problems: {
        name: 'offers.policies.invalid.name',
        period: 'offers.policies.invalid.period',
        eventType: 'offers.policies.invalid.eventType',
        notes: 'offers.policies.invalid.notes',
        metric: 'offers.policies.invalid.metric',
        scope: 'offers.policies.invalid.scope',
      },
    });
  });

  it('refuses a warning at or above the critical threshold, and thresholds outside (0, 100)', () => {
    expect(readCapDraft({ ...draft, warningPercent: '95', criticalPercent: '95' })).toEqual({ problems: { warningPercent: 'offers.policies.invalid.warningBelowCritical' } });
    expect(readCapDraft({ ...draft, warningPercent: '96', criticalPercent: '90' })).toEqual({ problems: { warningPercent: 'offers.policies.invalid.warningBelowCritical' } });
    // 100 % is "reached" (the table's check: critical below 100).
    expect(readCapDraft({ ...draft, warningPercent: '0', criticalPercent: '100' })).toEqual({
      problems: { warningPercent: 'offers.policies.invalid.percent', criticalPercent: 'offers.policies.invalid.percent' },
    });
    expect(readCapDraft({ ...draft, warningPercent: '80.125', criticalPercent: '' })).toMatchObject({ problems: { warningPercent: 'offers.policies.invalid.percent', criticalPercent: 'offers.policies.invalid.percent' } });
  });

  it('starts from the policy being changed; "total" reads as its new name, lifetime', () => {
    const weekly = { id: 'c', name: 'Weekly', period: 'week', eventType: 'deposit', capLimit: 300, notes: null, archivedAt: null, metric: 'payout', timeZone: null, scope: 'geo', hard: false, warningPercent: 70, criticalPercent: 90 };
    expect(capDraftOf(weekly)).toEqual({ name: 'Weekly', period: 'week', eventType: 'deposit', capLimit: '300', notes: '', metric: 'payout', timeZone: '', scope: 'geo', hard: false, warningPercent: '70', criticalPercent: '90' });
    expect(capDraftOf({ ...weekly, period: 'total', timeZone: 'Asia/Tokyo' })).toMatchObject({ period: 'lifetime', timeZone: 'Asia/Tokyo' });
  });

  it('words a policy as one sentence from its fields', () => {
    const policy = { id: 'c', name: 'GEO', period: 'total', eventType: 'first_deposit', capLimit: 1500, notes: null, archivedAt: null, metric: 'payout', timeZone: 'America/New_York', scope: 'geo', hard: false, warningPercent: 70, criticalPercent: 92.5 };
    const t = (key: string, values?: Record<string, string>) => `${key}${values ? JSON.stringify(values) : ''}`;
    const sentence = capPolicySentence(policy, t, (n) => `#${n}`, (f) => `${Math.round(f * 1000) / 10}%`);
    expect(JSON.parse(sentence.replace('offers.policy.caps.sentence', ''))).toEqual({
      limit: '#1500',
      what: 'offers.policy.caps.what.payout{"event":"offers.policy.caps.eventType.first_deposit"}',
      period: 'offers.policy.caps.perPeriod.lifetime',
      geo: 'offers.policy.caps.perGeo',
      hardness: 'offers.policy.caps.soft',
      warning: '70%',
      critical: '92.5%',
      zone: 'offers.policy.caps.zoneOwn{"zone":"America/New York"}',
    });
    expect(capPolicySentence({ ...policy, timeZone: null, scope: 'offer', hard: true }, t, String, String)).toContain('"zone":"offers.policy.caps.zoneProgram"');
  });
});

describe('KPI policy form', () => {
  const draft = {
    name: 'Standard',
    description: '',
    requirements: [
      { key: 'min_reg_to_ftd', value: '12,5' },
      { key: 'min_deposit', value: '20' },
      { key: 'Min CTR', value: '1.5' },
      { key: 'traffic', value: 'no brand bidding' },
      { key: '', value: ' ' },
    ],
  };

  it('keeps ratios typed in percent as exact fractions, amounts and own keys as typed, and drops blank rows', () => {
    expect(readKpiDraft(draft)).toEqual({
      row: { name: 'Standard', description: null, requirements: { min_reg_to_ftd: 0.125, min_deposit: 20, min_ctr: 1.5, traffic: 'no brand bidding' } },
    });
    expect(readKpiDraft({ ...draft, requirements: [{ key: 'max_chargeback_rate', value: '33.3' }] })).toMatchObject({ row: { requirements: { max_chargeback_rate: 0.333 } } });
  });

  it('refuses a ratio over 100 %, a bad amount or count, a bad or repeated key, each on its row', () => {
    const bad = readKpiDraft({
      ...draft,
      requirements: [
        { key: 'min_reg_to_ftd', value: '150' },
        { key: 'min_deposit', value: '-1' },
        { key: 'min_ftds', value: '2.5' },
        { key: '9lives', value: '1' },
        { key: 'min_deposit', value: '10' },
        { key: 'note', value: '' },
      ],
    });
    expect(bad).toEqual({
      problems: {
        'requirements.0.value': 'offers.policies.invalid.ratio',
        'requirements.1.value': 'offers.policies.invalid.amount',
        'requirements.2.value': 'offers.policies.invalid.count',
        'requirements.3.key': 'offers.policies.invalid.requirementKey',
        'requirements.4.key': 'offers.policies.invalid.requirementTwice',
        'requirements.5.value': 'offers.policies.invalid.customValue',
      },
    });
  });

  it('shows a kept policy in the form as it was typed, and reads it back unchanged', () => {
    const policy = { id: 'k', name: 'Kept', description: 'Tier 1', requirements: [['min_reg_to_ftd', 0.1], ['max_chargeback_rate', 0.333], ['min_deposit', 20], ['traffic', 'no brand']] as [string, number | string][], archivedAt: null };
    const form = kpiDraftOf(policy);
    expect(form.requirements).toEqual([
      { key: 'min_reg_to_ftd', value: '10' },
      { key: 'max_chargeback_rate', value: '33.3' },
      { key: 'min_deposit', value: '20' },
      { key: 'traffic', value: 'no brand' },
    ]);
    expect(readKpiDraft(form)).toEqual({ row: { name: 'Kept', description: 'Tier 1', requirements: { min_reg_to_ftd: 0.1, max_chargeback_rate: 0.333, min_deposit: 20, traffic: 'no brand' } } });
  });

  it('moves decimal points without floating-point noise', () => {
    expect(shiftDecimal('33.3', -2)).toBe('0.333');
    expect(shiftDecimal('1.25', -2)).toBe('0.0125');
    expect(shiftDecimal('100', -2)).toBe('1');
    expect(shiftDecimal('0', -2)).toBe('0');
    expect(shiftDecimal('0.07', 2)).toBe('7');
    expect(shiftDecimal('12.5', 2)).toBe('1250');
    expect(requirementInput('min_reg_to_ftd', 0.0000001)).toBe('0.00001');
  });

  it('formats thresholds for people: ratios as percent', () => {
    expect(formatRequirement('min_reg_to_ftd', 0.125, 'en')).toBe('12.5%');
    expect(formatRequirement('min_reg_to_ftd', 0.1, 'ru')).toBe('10\u00a0%');
    expect(formatRequirement('min_deposit', 1500, 'en')).toBe('1,500');
    expect(formatRequirement('traffic', 'no brand', 'en')).toBe('no brand');
  });
});

describe('GEO rates in the terms forms', () => {
  it('gives each GEO its own rate, a blank rate being the version rate, and drops blank rows', () => {
    const draft = { ...emptyTerms(new Date(2026, 11, 1)), rate: '45', geoRates: [{ geo: 'de', rate: '12,5', currency: '' }, { geo: 'KZ', rate: '', currency: 'kzt' }, { geo: '', rate: '', currency: '' }] };
    expect(readTerms(draft)).toMatchObject({ terms: { rate: 45, geoRates: [{ geo: 'DE', rate: 12.5, currency: null }, { geo: 'KZ', rate: 45, currency: 'KZT' }] } });
    const none = readTerms({ ...draft, geoRates: [] });
    expect('terms' in none && 'geoRates' in none.terms).toBe(false);
  });

  it('says which row is wrong', () => {
    const rows = [{ geo: 'Germany', rate: '1', currency: '' }, { geo: 'KZ', rate: 'x', currency: 'tenge' }, { geo: 'kz', rate: '2', currency: '' }];
    expect(readGeoRates(rows, 10).problems).toEqual({
      'geoRates.0.geo': 'offers.form.invalid.geoRateGeo',
      'geoRates.1.rate': 'offers.form.invalid.rate',
      'geoRates.1.currency': 'offers.form.invalid.currency',
      'geoRates.2.geo': 'offers.form.invalid.geoRateTwice',
    });
    expect(readTerms({ ...emptyTerms(new Date(2026, 11, 1)), rate: '5', geoRates: rows })).toMatchObject({ problems: { 'geoRates.1.rate': 'offers.form.invalid.rate' } });
  });
});

describe('policies in lists and pickers', () => {
  const use = (code: string, inForce: boolean, policyId = 'p1', kind: 'kpi' | 'caps' = 'caps'): PolicyUse => ({ kind, policyId, offerId: code, code, name: code, status: 'active', inForce });

  it('lists a policy’s offers, those in force first', () => {
    const usage = [use('B', false), use('C', true), use('A', true), use('X', true, 'p2'), use('Y', true, 'p1', 'kpi')];
    expect(usesOf(usage, 'caps', 'p1').map((u) => u.code)).toEqual(['A', 'C', 'B']);
  });

  it('offers archived policies only where already chosen', () => {
    const policies = [
      { id: 'a', archivedAt: null },
      { id: 'b', archivedAt: '2026-11-01T00:00:00Z' },
    ];
    expect(pickable(policies, '').map((p) => p.id)).toEqual(['a']);
    expect(pickable(policies, 'b').map((p) => p.id)).toEqual(['a', 'b']);
  });

  it('turns the database’s refusals into what the form shows', () => {
    expect(describePolicyError(new RequestError(409, '23505', 'duplicate key value violates unique constraint "cap_policies_name_idx"'))).toEqual({ field: 'name', key: 'offers.policies.invalid.nameTaken' });
    expect(describePolicyError(new RequestError(400, 'PL002', 'Policy Daily is used by the terms of offers A, B: archive it instead'))).toEqual({ message: { key: 'offers.policies.errors.inUse', values: { offers: 'A, B' } } });
    expect(describePolicyError(new RequestError(400, 'PL001', 'KPI policy X is archived: restore it before attaching it to new terms'))).toEqual({ message: { key: 'offers.policies.errors.archived' } });
    expect(describePolicyError(new RequestError(403, '42501', 'The change was refused'))).toEqual({ message: { key: 'errors.forbidden' } });
  });
});
