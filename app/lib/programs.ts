import type { TFunction } from 'i18next';
import type { Locale, MemberRole } from './dataApi.ts';
import { RequestError } from './errors.ts';

/**
 * Affiliate programs as the app edits them: the terms form and its checks (the same rules as
 * the table's constraints in 20261126090000_affiliate_programs.sql, said so a person can act
 * on them), contacts and the contact log.
 */

export const payoutSchedules = ['net7', 'net15', 'net30', 'weekly'] as const;
export type PayoutSchedule = (typeof payoutSchedules)[number];

export const programStatuses = ['active', 'paused', 'archived'] as const;
export type ProgramStatus = (typeof programStatuses)[number];

export const contactChannels = ['telegram', 'email', 'phone', 'other'] as const;
export type ContactChannel = (typeof contactChannels)[number];

/** ISO weekdays, 1 = Monday … 7 = Sunday. */
export const isoWeekdays = [1, 2, 3, 4, 5, 6, 7] as const;

/** Who may change programs, contacts and the contact log (the tables' policies say the same). */
export const programWriterRoles: readonly MemberRole[] = ['affiliate_manager', 'admin'];

export function canWritePrograms(role: MemberRole | undefined): boolean {
  return role !== undefined && programWriterRoles.includes(role);
}

/** A program's terms as stored. Money stays numeric in SQL; here it is only shown. */
export interface ProgramTerms {
  name: string;
  contact: string | null;
  paymentTerms: string | null;
  payoutSchedule: PayoutSchedule;
  payoutWeekdays: number[];
  holdDays: number;
  defaultCurrency: string;
  minimumPayout: number;
  invoiceEmail: string | null;
  timeZone: string;
  paymentChannels: string[];
  status: ProgramStatus;
}

export interface Program extends ProgramTerms {
  id: string;
  workspaceId: string;
  updatedAt: string;
}

/** A row of the programs list (program_overview). */
export interface ProgramOutline {
  id: string;
  name: string;
  status: ProgramStatus;
  payoutSchedule: PayoutSchedule;
  payoutWeekdays: number[];
  holdDays: number;
  defaultCurrency: string;
  activeOffers: number;
  /** Net payouts over the chosen days in the workspace's base currency. */
  revenue: number;
  otherCurrencyRows: number;
  lastContactAt: string | null;
}

export interface ProgramContact {
  id: string;
  name: string;
  email: string | null;
  telegram: string | null;
  preferredChannel: ContactChannel;
}

export interface ContactLogEntry {
  id: string;
  comment: string;
  author: string | null;
  at: string;
}

export interface ProgramOffer {
  id: string;
  code: string;
  name: string;
  product: string | null;
}

/** One payout of the calendar (program_payout_calendar): its date and the days it pays for. */
export interface ProgramPayout {
  payoutDate: string;
  periodStart: string;
  periodEnd: string;
  conversionsFrom: string;
  conversionsTo: string;
}

/** The terms form as typed: text fields stay text until they pass the checks. */
export interface ProgramDraft {
  name: string;
  contact: string;
  paymentTerms: string;
  payoutSchedule: PayoutSchedule;
  payoutWeekdays: number[];
  holdDays: string;
  defaultCurrency: string;
  minimumPayout: string;
  invoiceEmail: string;
  timeZone: string;
  /** Comma-separated, as typed. */
  paymentChannels: string;
  status: ProgramStatus;
}

export type ProgramField = keyof ProgramDraft;

/** What is wrong with a field: an i18n key under `programs.problems.` and its values. */
export type FieldProblems<F extends string> = Partial<Record<F, { key: string; values?: Record<string, string | number> }>>;

/** The row to insert or update, in the table's column names. */
export interface ProgramRow {
  name: string;
  contact: string | null;
  payment_terms: string | null;
  payout_schedule: PayoutSchedule;
  payout_weekdays: number[];
  hold_days: number;
  default_currency: string;
  /** Sent as typed (digits), so the amount reaches numeric without a float in between. */
  minimum_payout: string;
  invoice_email: string | null;
  time_zone: string;
  payment_channels: string[];
  status: ProgramStatus;
}

// The database's own pattern (affiliate_programs.invoice_email, affiliate_contacts.email).
const emailPattern = /^[^@\s]+@[^@\s]+$/;
const moneyPattern = /^\d{1,16}(\.\d{1,2})?$/;
export const nameMaxLength = 120;
export const commentMaxLength = 4000;
export const telegramMaxLength = 64;

export function emptyDraft(timeZone: string): ProgramDraft {
  return {
    name: '',
    contact: '',
    paymentTerms: '',
    payoutSchedule: 'net30',
    payoutWeekdays: [],
    holdDays: '0',
    defaultCurrency: 'USD',
    minimumPayout: '0',
    invoiceEmail: '',
    timeZone,
    paymentChannels: '',
    status: 'active',
  };
}

export function draftOf(program: ProgramTerms): ProgramDraft {
  return {
    name: program.name,
    contact: program.contact ?? '',
    paymentTerms: program.paymentTerms ?? '',
    payoutSchedule: program.payoutSchedule,
    payoutWeekdays: [...program.payoutWeekdays],
    holdDays: String(program.holdDays),
    defaultCurrency: program.defaultCurrency,
    minimumPayout: String(program.minimumPayout),
    invoiceEmail: program.invoiceEmail ?? '',
    timeZone: program.timeZone,
    paymentChannels: program.paymentChannels.join(', '),
    status: program.status,
  };
}

const orNull = (value: string) => (value.trim() === '' ? null : value.trim());

/** The channels typed as "wire, USDT TRC20, wire": trimmed, without blanks and repeats. */
export function channelList(typed: string): string[] {
  return [...new Set(typed.split(',').map((c) => c.trim()).filter((c) => c !== ''))];
}

/**
 * A payment channel as a person reads it: a known code in the interface's words ("usdt_trc20"
 * → "USDT (TRC-20)", "wire" → "Банковский перевод"), anything else as the team typed it.
 */
export function channelLabel(t: TFunction, channel: string): string {
  const code = channel.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return t(`programs.channels.${code}`, { defaultValue: channel });
}

/** Checks a draft; every problem found is returned, so the form marks all fields at once. */
export function checkProgramDraft(draft: ProgramDraft): FieldProblems<ProgramField> {
  const problems: FieldProblems<ProgramField> = {};
  const name = draft.name.trim();
  if (name === '') problems.name = { key: 'nameRequired' };
  else if (name.length > nameMaxLength) problems.name = { key: 'nameTooLong', values: { max: nameMaxLength } };
  if (draft.payoutSchedule === 'weekly' && draft.payoutWeekdays.length === 0) problems.payoutWeekdays = { key: 'weekdaysRequired' };
  const hold = draft.holdDays.trim();
  if (!/^\d{1,3}$/.test(hold) || Number(hold) > 365) problems.holdDays = { key: 'holdDays' };
  if (!/^[A-Za-z]{3}$/.test(draft.defaultCurrency.trim())) problems.defaultCurrency = { key: 'currency' };
  if (!moneyPattern.test(draft.minimumPayout.trim().replace(',', '.'))) problems.minimumPayout = { key: 'minimumPayout' };
  if (draft.invoiceEmail.trim() !== '' && !emailPattern.test(draft.invoiceEmail.trim())) problems.invoiceEmail = { key: 'email' };
  if (draft.timeZone.trim() === '') problems.timeZone = { key: 'timeZone' };
  return problems;
}

/** The row a checked draft saves. */
export function programRow(draft: ProgramDraft): ProgramRow {
  return {
    name: draft.name.trim(),
    contact: orNull(draft.contact),
    payment_terms: orNull(draft.paymentTerms),
    payout_schedule: draft.payoutSchedule,
    payout_weekdays: draft.payoutSchedule === 'weekly' ? [...draft.payoutWeekdays].sort((a, b) => a - b) : [],
    hold_days: Number(draft.holdDays.trim()),
    default_currency: draft.defaultCurrency.trim().toUpperCase(),
    minimum_payout: draft.minimumPayout.trim().replace(',', '.'),
    invoice_email: orNull(draft.invoiceEmail),
    time_zone: draft.timeZone,
    payment_channels: channelList(draft.paymentChannels),
    status: draft.status,
  };
}

/** A refusal by the database that belongs to one field of the form (the rest go to the toast). */
export function programFieldProblem(error: unknown): FieldProblems<ProgramField> | null {
  if (!(error instanceof RequestError)) return null;
  if (error.code === '23505' && /affiliate_programs_name_idx/.test(error.message)) return { name: { key: 'nameTaken' } };
  if (error.code === '22023' && /time zone/i.test(error.message)) return { timeZone: { key: 'timeZone' } };
  return null;
}

/** The contact form as typed. */
export interface ContactDraft {
  name: string;
  email: string;
  telegram: string;
  preferredChannel: ContactChannel;
}

export type ContactField = keyof ContactDraft;

export function contactDraftOf(contact: ProgramContact | null): ContactDraft {
  return { name: contact?.name ?? '', email: contact?.email ?? '', telegram: contact?.telegram ?? '', preferredChannel: contact?.preferredChannel ?? 'telegram' };
}

/** "@pinup_aff" and "pinup_aff" are the same username; the table keeps it without the @. */
const telegramOf = (typed: string) => typed.trim().replace(/^@/, '');

export function checkContactDraft(draft: ContactDraft): FieldProblems<ContactField> {
  const problems: FieldProblems<ContactField> = {};
  const name = draft.name.trim();
  if (name === '') problems.name = { key: 'contactNameRequired' };
  else if (name.length > nameMaxLength) problems.name = { key: 'nameTooLong', values: { max: nameMaxLength } };
  const email = draft.email.trim();
  if (email !== '' && !emailPattern.test(email)) problems.email = { key: 'email' };
  else if (email === '' && draft.preferredChannel === 'email') problems.email = { key: 'emailForChannel' };
  const telegram = telegramOf(draft.telegram);
  if (telegram.length > telegramMaxLength) problems.telegram = { key: 'telegramTooLong', values: { max: telegramMaxLength } };
  else if (telegram === '' && (draft.preferredChannel === 'telegram' || draft.preferredChannel === 'phone')) problems.telegram = { key: 'telegramForChannel' };
  return problems;
}

/** A contact as the table takes it. */
export interface ContactRow {
  name: string;
  email: string | null;
  telegram: string | null;
  preferred_channel: ContactChannel;
}

export function contactRow(draft: ContactDraft): ContactRow {
  return { name: draft.name.trim(), email: orNull(draft.email), telegram: orNull(telegramOf(draft.telegram)), preferred_channel: draft.preferredChannel };
}

/** A contact log comment's problem, or null when it can be written. */
export function checkComment(comment: string): { key: string; values?: Record<string, number> } | null {
  if (comment.trim() === '') return { key: 'commentRequired' };
  if (comment.trim().length > commentMaxLength) return { key: 'commentTooLong', values: { max: commentMaxLength } };
  return null;
}

/** Whether any field has a problem. */
export function hasProblems(problems: FieldProblems<string>): boolean {
  return Object.keys(problems).length > 0;
}

/** Programs whose name or currency holds the typed text (case and spacing ignored). */
export function searchPrograms(outlines: ProgramOutline[], query: string): ProgramOutline[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return outlines;
  return outlines.filter((p) => p.name.toLowerCase().includes(needle) || p.defaultCurrency.toLowerCase() === needle);
}

/** A weekday's short name in the language: 1 → "Mon" / "пн". */
export function weekdayName(isoDay: number, language: Locale): string {
  // 1 January 2024 was a Monday.
  return new Intl.DateTimeFormat(language, { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, isoDay)));
}

/** "NET30", "Weekly: Tue, Fri", with the hold when there is one: "NET30 · hold 7 d". */
export function scheduleText(t: TFunction, terms: Pick<ProgramTerms, 'payoutSchedule' | 'payoutWeekdays' | 'holdDays'>, language: Locale): string {
  const schedule = t(`programs.scheduleText.${terms.payoutSchedule}`, { days: terms.payoutWeekdays.map((d) => weekdayName(d, language)).join(', ') });
  return terms.holdDays > 0 ? t('programs.withHold', { schedule, days: terms.holdDays }) : schedule;
}
