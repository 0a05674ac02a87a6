import type { Locale } from './dataApi.ts';
import { describeError, RequestError, type UserMessage } from './errors.ts';
import type { CapPolicy, KpiPolicy } from './offersApi.ts';
import type { Problems } from './offersTerms.ts';

/** The offer card's tabs the two kinds of policy live on. */
export type PolicyKind = 'kpi' | 'caps';

// 'total' is the old name of 'lifetime' (20261208120000_cap_usage.sql): the form offers the new one.
export const capPeriods = ['day', 'week', 'month', 'lifetime'] as const;
export const capEventTypes = ['registration', 'first_deposit', 'deposit', 'chargeback'] as const;
export const capMetrics = ['conversions', 'clicks', 'payout', 'revenue'] as const;
export type CapMetric = (typeof capMetrics)[number];
export const capScopes = ['offer', 'geo'] as const;
/** Metrics that count events of one type (the others count every event, or clicks). */
export const metricHasEventType = (metric: string) => metric === 'conversions' || metric === 'payout';
/** The thresholds a new policy starts with (the table's defaults). */
export const defaultThresholds = { warning: 80, critical: 95 } as const;

/**
 * KPI requirements the app knows, and how their thresholds are typed: a ratio is typed in
 * percent and kept as a fraction (10 % → 0.1), an amount in the offer's currency, a count
 * whole. Other keys are the team's own and keep what was typed (a number, else text).
 */
export const knownRequirements = {
  min_reg_to_ftd: 'ratio',
  min_deposit: 'amount',
  min_avg_deposit: 'amount',
  max_chargeback_rate: 'ratio',
  min_ftds: 'count',
} as const;
type RequirementUnit = (typeof knownRequirements)[keyof typeof knownRequirements] | 'custom';

export function requirementUnit(key: string): RequirementUnit {
  return Object.hasOwn(knownRequirements, key) ? knownRequirements[key as keyof typeof knownRequirements] : 'custom';
}

/** A cap policy's columns as the table takes them. */
export interface CapRow {
  name: string;
  period: (typeof capPeriods)[number];
  event_type: (typeof capEventTypes)[number];
  cap_limit: number;
  notes: string | null;
  metric: CapMetric;
  /** Null: the program's zone. */
  time_zone: string | null;
  scope: (typeof capScopes)[number];
  hard: boolean;
  warning_percent: number;
  critical_percent: number;
}

/** A KPI policy's columns as the table takes them. */
export interface KpiRow {
  name: string;
  description: string | null;
  requirements: Record<string, number | string>;
}

export type PolicyRow = { kind: 'caps'; row: CapRow } | { kind: 'kpi'; row: KpiRow };

/** The policy a person adds (policy null) or changes. */
export type PolicyEditing = { kind: 'caps'; policy: CapPolicy | null } | { kind: 'kpi'; policy: KpiPolicy | null };

/** How a save ended: the policy's id, or what the form shows (under the name, or above the button). */
export type PolicySaveOutcome = { id: string } | { field: 'name'; key: string } | { message: UserMessage };

export interface CapDraft {
  name: string;
  period: string;
  eventType: string;
  capLimit: string;
  notes: string;
  metric: string;
  /** '' : the program's zone. */
  timeZone: string;
  scope: string;
  hard: boolean;
  warningPercent: string;
  criticalPercent: string;
}

export interface RequirementDraft {
  key: string;
  value: string;
}

export interface KpiDraft {
  name: string;
  description: string;
  requirements: RequirementDraft[];
}

/** An offer whose terms use a policy (policy_offers()). */
export interface PolicyUse {
  kind: PolicyKind;
  policyId: string;
  offerId: string;
  code: string;
  name: string;
  status: string;
  /** Terms valid now or still to come use it; else only past terms did. */
  inForce: boolean;
}

export const nameMaxLength = 120;
export const textMaxLength = 2000;
const int4Max = 2_147_483_647;

/** Moves a plain decimal's point by `places` without floating-point noise ("12.5", 2 → "1250"; "10", -2 → "0.1"). */
export function shiftDecimal(plain: string, places: number): string {
  const [whole = '0', fraction = ''] = plain.split('.');
  const digits = whole + fraction;
  const point = whole.length + places;
  const padded = point <= 0 ? '0'.repeat(1 - point) + digits : digits.padEnd(point, '0');
  const at = Math.max(point, 1);
  const result = `${padded.slice(0, at)}.${padded.slice(at)}`.replace(/\.?0*$/, '').replace(/^0+(?=\d)/, '');
  return result === '' ? '0' : result;
}

function plainNumber(value: number): string {
  const text = String(value);
  return /e/i.test(text) ? value.toFixed(12) : text;
}

/** A requirement's threshold as the form shows it (ratios in percent). */
export function requirementInput(key: string, value: number | string): string {
  return typeof value === 'number' && requirementUnit(key) === 'ratio' ? shiftDecimal(plainNumber(value), 2) : String(value);
}

/** A requirement's threshold as people read it: "10 %", "20", or as kept. */
export function formatRequirement(key: string, value: number | string, language: Locale): string {
  if (typeof value !== 'number') return value;
  if (requirementUnit(key) === 'ratio') return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 4 }).format(value);
  return new Intl.NumberFormat(language, { maximumFractionDigits: 4 }).format(value);
}

export function capDraftOf(policy: CapPolicy | null): CapDraft {
  return policy
    ? {
        name: policy.name,
        period: policy.period === 'total' ? 'lifetime' : policy.period,
        eventType: policy.eventType,
        capLimit: String(policy.capLimit),
        notes: policy.notes ?? '',
        metric: policy.metric,
        timeZone: policy.timeZone ?? '',
        scope: policy.scope,
        hard: policy.hard,
        warningPercent: String(policy.warningPercent),
        criticalPercent: String(policy.criticalPercent),
      }
    : {
        name: '',
        period: 'day',
        eventType: 'first_deposit',
        capLimit: '',
        notes: '',
        metric: 'conversions',
        timeZone: '',
        scope: 'offer',
        hard: true,
        warningPercent: String(defaultThresholds.warning),
        criticalPercent: String(defaultThresholds.critical),
      };
}

/** A threshold typed in percent (numeric(5,2)): above 0 and below 100, two decimals at most. */
function readPercent(typed: string): number | null {
  const text = typed.trim().replace(',', '.');
  if (!/^\d{1,2}(\.\d{1,2})?$/.test(text)) return null;
  const value = Number(text);
  return value > 0 && value < 100 ? value : null;
}

export function kpiDraftOf(policy: KpiPolicy | null): KpiDraft {
  if (!policy) return { name: '', description: '', requirements: [{ key: 'min_reg_to_ftd', value: '' }] };
  return { name: policy.name, description: policy.description ?? '', requirements: policy.requirements.map(([key, value]) => ({ key, value: requirementInput(key, value) })) };
}

const optional = (value: string) => (value.trim() === '' ? null : value.trim());

function checkName(name: string, problems: Problems): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > nameMaxLength) problems.name = 'offers.policies.invalid.name';
  return trimmed;
}

/** The cap policy's row, or what to fix. */
export function readCapDraft(draft: CapDraft): { row: CapRow } | { problems: Problems } {
  const problems: Problems = {};
  const name = checkName(draft.name, problems);
  const period = capPeriods.find((p) => p === draft.period);
  if (!period) problems.period = 'offers.policies.invalid.period';
  const eventType = capEventTypes.find((e) => e === draft.eventType);
  if (!eventType) problems.eventType = 'offers.policies.invalid.eventType';
  const limitText = draft.capLimit.trim();
  const capLimit = /^\d{1,10}$/.test(limitText) ? Number(limitText) : 0;
  if (capLimit < 1 || capLimit > int4Max) problems.capLimit = 'offers.policies.invalid.capLimit';
  if (draft.notes.trim().length > textMaxLength) problems.notes = 'offers.policies.invalid.notes';
  const metric = capMetrics.find((m) => m === draft.metric);
  if (!metric) problems.metric = 'offers.policies.invalid.metric';
  const scope = capScopes.find((s) => s === draft.scope);
  if (!scope) problems.scope = 'offers.policies.invalid.scope';
  // The table's check: 0 < warning <= critical < 100 (100 % is "reached"); equal thresholds would make "warning" never show.
  const warning = readPercent(draft.warningPercent);
  const critical = readPercent(draft.criticalPercent);
  if (warning === null) problems.warningPercent = 'offers.policies.invalid.percent';
  if (critical === null) problems.criticalPercent = 'offers.policies.invalid.percent';
  else if (warning !== null && warning >= critical) problems.warningPercent = 'offers.policies.invalid.warningBelowCritical';
  if (Object.keys(problems).length > 0 || !period || !eventType || !metric || !scope || warning === null || critical === null) return { problems };
  return {
    row: {
      name,
      period,
      event_type: eventType,
      cap_limit: capLimit,
      notes: optional(draft.notes),
      metric,
      time_zone: optional(draft.timeZone),
      scope,
      hard: draft.hard,
      warning_percent: warning,
      critical_percent: critical,
    },
  };
}

/** One threshold as kept, or the i18n key of what is wrong with it. */
function readThreshold(key: string, typed: string): { value: number | string } | { problem: string } {
  const text = typed.trim().replace(',', '.');
  const decimal = /^\d{1,12}(\.\d{1,6})?$/.test(text);
  switch (requirementUnit(key)) {
    case 'ratio':
      return decimal && Number(text) <= 100 ? { value: Number(shiftDecimal(text, -2)) } : { problem: 'offers.policies.invalid.ratio' };
    case 'amount':
      return decimal ? { value: Number(text) } : { problem: 'offers.policies.invalid.amount' };
    case 'count':
      return /^\d{1,9}$/.test(text) ? { value: Number(text) } : { problem: 'offers.policies.invalid.count' };
    case 'custom':
      if (typed.trim() === '' || typed.trim().length > 200) return { problem: 'offers.policies.invalid.customValue' };
      return { value: /^-?\d{1,12}(\.\d{1,6})?$/.test(text) ? Number(text) : typed.trim() };
  }
}

/** The KPI policy's row, or what to fix; requirement problems are keyed requirements.N.key|value. */
export function readKpiDraft(draft: KpiDraft): { row: KpiRow } | { problems: Problems } {
  const problems: Problems = {};
  const name = checkName(draft.name, problems);
  if (draft.description.trim().length > textMaxLength) problems.description = 'offers.policies.invalid.description';
  const requirements: Record<string, number | string> = {};
  const seen = new Set<string>();
  draft.requirements.forEach((requirement, i) => {
    if (requirement.key.trim() === '' && requirement.value.trim() === '') return;
    const key = requirement.key.trim().toLowerCase().replace(/[\s-]+/g, '_');
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(key)) problems[`requirements.${i}.key`] = 'offers.policies.invalid.requirementKey';
    else if (seen.has(key)) problems[`requirements.${i}.key`] = 'offers.policies.invalid.requirementTwice';
    seen.add(key);
    const threshold = readThreshold(key, requirement.value);
    if ('problem' in threshold) problems[`requirements.${i}.value`] = threshold.problem;
    else requirements[key] = threshold.value;
  });
  if (Object.keys(problems).length > 0) return { problems };
  return { row: { name, description: optional(draft.description), requirements } };
}

/** What the database refused in a policy's write: a field's problem where one field is to blame, else a message. */
export function describePolicyError(error: unknown): { field: 'name'; key: string } | { message: UserMessage } {
  if (!(error instanceof RequestError)) return { message: describeError(error) };
  if (error.code === '23505' && /(kpi|cap)_policies_name_idx/.test(error.message)) return { field: 'name', key: 'offers.policies.invalid.nameTaken' };
  const used = /^Policy .+ is used by the terms of offers (.+): archive it instead$/.exec(error.message);
  if (error.code === 'PL002' || (error.code === '23503' && /policies/.test(error.message))) return { message: { key: 'offers.policies.errors.inUse', values: { offers: used?.[1] ?? '' } } };
  if (error.code === 'PL001') return { message: { key: 'offers.policies.errors.archived' } };
  return { message: describeError(error) };
}

/** The offers using one policy, those whose terms use it now or later first. */
export function usesOf(usage: PolicyUse[], kind: PolicyKind, policyId: string): PolicyUse[] {
  return usage.filter((u) => u.kind === kind && u.policyId === policyId).sort((a, b) => Number(b.inForce) - Number(a.inForce) || a.code.localeCompare(b.code));
}

/** The policies a picker offers: those not archived, and the one already chosen whatever it is. */
export function pickable<P extends { id: string; archivedAt: string | null }>(policies: P[], chosenId: string): P[] {
  return policies.filter((p) => p.archivedAt === null || p.id === chosenId);
}

/** Translates a key with values (i18next's t, narrowed so pure code can take a stand-in). */
export type Translate = (key: string, values?: Record<string, string>) => string;

/**
 * A cap policy as one sentence: what it counts and how much, over which period (per GEO),
 * hard or soft, its thresholds and the zone its periods follow. Keys under offers.policy.caps.
 */
export function capPolicySentence(policy: CapPolicy, t: Translate, formatCount: (value: number) => string, formatPercentage: (fraction: number) => string): string {
  const period = policy.period === 'total' ? 'lifetime' : policy.period;
  const event = t(`offers.policy.caps.eventType.${policy.eventType}`);
  return t('offers.policy.caps.sentence', {
    limit: formatCount(policy.capLimit),
    what: t(`offers.policy.caps.what.${policy.metric}`, { event }),
    period: t(`offers.policy.caps.perPeriod.${period}`),
    geo: policy.scope === 'geo' ? t('offers.policy.caps.perGeo') : '',
    hardness: t(policy.hard ? 'offers.policy.caps.hard' : 'offers.policy.caps.soft'),
    warning: formatPercentage(policy.warningPercent / 100),
    critical: formatPercentage(policy.criticalPercent / 100),
    zone: policy.timeZone ? t('offers.policy.caps.zoneOwn', { zone: policy.timeZone.replace(/_/g, ' ') }) : t('offers.policy.caps.zoneProgram'),
  });
}
