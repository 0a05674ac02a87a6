import type { SupabaseClient } from '@supabase/supabase-js';
import { dataOf } from './dataApi.ts';
import { RequestError } from './errors.ts';
import { array, decimal, integerDigits, InvalidResponseError, nonEmptyText, nullable, object, oneOf, readAs, text, uuid, type Reader } from './guards.ts';
import {
  contactChannels,
  payoutSchedules,
  programStatuses,
  type ContactLogEntry,
  type ContactRow,
  type Program,
  type ProgramContact,
  type ProgramOffer,
  type ProgramOutline,
  type ProgramPayout,
  type ProgramRow,
} from './programs.ts';
import type { DayRange } from './summary.ts';

const day: Reader<string> = (value, path) => {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  throw new InvalidResponseError(path, 'a day (YYYY-MM-DD)');
};

const weekdays: Reader<number[]> = array(decimal);

const readProgram = object({
  id: uuid,
  workspace_id: uuid,
  name: nonEmptyText,
  contact: nullable(text),
  payment_terms: nullable(text),
  payout_schedule: oneOf(payoutSchedules),
  payout_weekdays: weekdays,
  hold_days: decimal,
  default_currency: text,
  minimum_payout: decimal,
  invoice_email: nullable(text),
  time_zone: nonEmptyText,
  payment_channels: array(text),
  status: oneOf(programStatuses),
  updated_at: text,
});
const programColumns =
  'id, workspace_id, name, contact, payment_terms, payout_schedule, payout_weekdays, hold_days, default_currency, minimum_payout, invoice_email, time_zone, payment_channels, status, updated_at';

const readOutline = object({
  program_id: uuid,
  name: nonEmptyText,
  status: oneOf(programStatuses),
  payout_schedule: oneOf(payoutSchedules),
  payout_weekdays: weekdays,
  hold_days: decimal,
  default_currency: text,
  active_offers: decimal,
  revenue: decimal,
  other_currency_rows: decimal,
  last_contact_at: nullable(text),
});

const readContact = object({ id: uuid, name: nonEmptyText, email: nullable(text), telegram: nullable(text), preferred_channel: oneOf(contactChannels) });
const contactColumns = 'id, name, email, telegram, preferred_channel';

const readLogEntry = object({ id: integerDigits, comment: text, author: nullable(uuid), at: text });

const readOffer = object({ id: uuid, code: nonEmptyText, name: text, product: nullable(text) });

const readPayout = object({ payout_date: day, period_start: day, period_end: day, conversions_from: day, conversions_to: day });

function toProgram(row: unknown): Program {
  const p = readAs(readProgram, row, 'program');
  return {
    id: p.id,
    workspaceId: p.workspace_id,
    name: p.name,
    contact: p.contact,
    paymentTerms: p.payment_terms,
    payoutSchedule: p.payout_schedule,
    payoutWeekdays: p.payout_weekdays,
    holdDays: p.hold_days,
    defaultCurrency: p.default_currency,
    minimumPayout: p.minimum_payout,
    invoiceEmail: p.invoice_email,
    timeZone: p.time_zone,
    paymentChannels: p.payment_channels,
    status: p.status,
    updatedAt: p.updated_at,
  };
}

function toContact(row: unknown): ProgramContact {
  const c = readAs(readContact, row, 'contact');
  return { id: c.id, name: c.name, email: c.email, telegram: c.telegram, preferredChannel: c.preferred_channel };
}

/**
 * Programs, their contacts, contact log, offers and payout calendar, over supabase-js as
 * dataApi.ts does: answers are validated where they enter; RLS decides who may write, and a
 * refusal comes back as a RequestError.
 */
export function createProgramsApi(client: SupabaseClient) {
  return {
    /** Every program of the workspace with its active offers, revenue over `range` and last contact. */
    async overview(workspaceId: string, range: DayRange): Promise<ProgramOutline[]> {
      const rows = dataOf(await client.rpc('program_overview', { workspace: workspaceId, date_from: range.from, date_to: range.to }, { get: true }).retry(false));
      return readAs(array(readOutline), rows, 'programs').map((p) => ({
        id: p.program_id,
        name: p.name,
        status: p.status,
        payoutSchedule: p.payout_schedule,
        payoutWeekdays: p.payout_weekdays,
        holdDays: p.hold_days,
        defaultCurrency: p.default_currency,
        activeOffers: p.active_offers,
        revenue: p.revenue,
        otherCurrencyRows: p.other_currency_rows,
        lastContactAt: p.last_contact_at,
      }));
    },

    async program(programId: string): Promise<Program> {
      return toProgram(dataOf(await client.from('affiliate_programs').select(programColumns).eq('id', programId).single().retry(false)));
    },

    async createProgram(workspaceId: string, row: ProgramRow): Promise<Program> {
      return toProgram(dataOf(await client.from('affiliate_programs').insert({ workspace_id: workspaceId, ...row }).select(programColumns).single()));
    },

    async updateProgram(programId: string, row: ProgramRow): Promise<Program> {
      return toProgram(dataOf(await client.from('affiliate_programs').update(row).eq('id', programId).select(programColumns).single()));
    },

    async contacts(programId: string): Promise<ProgramContact[]> {
      const rows = dataOf(await client.from('affiliate_contacts').select(contactColumns).eq('program_id', programId).order('name').retry(false));
      return readAs(array((row) => row), rows, 'contacts').map(toContact);
    },

    async saveContact(workspaceId: string, programId: string, contactId: string | null, row: ContactRow): Promise<ProgramContact> {
      const request = contactId
        ? client.from('affiliate_contacts').update(row).eq('id', contactId)
        : client.from('affiliate_contacts').insert({ workspace_id: workspaceId, program_id: programId, ...row });
      return toContact(dataOf(await request.select(contactColumns).single()));
    },

    async removeContact(contactId: string): Promise<void> {
      const rows = dataOf(await client.from('affiliate_contacts').delete().eq('id', contactId).select('id'));
      // RLS hides what a role may not delete: nothing deleted is a refusal, not a success.
      if (readAs(array(object({ id: uuid })), rows, 'deleted contacts').length === 0) throw new RequestError(403, '42501', 'The contact was not removed');
    },

    /** The newest entries of the program's contact log first. */
    async contactLog(programId: string, limit = 100): Promise<ContactLogEntry[]> {
      const rows = dataOf(await client.from('program_contact_log').select('id, comment, author, at').eq('program_id', programId).order('at', { ascending: false }).order('id', { ascending: false }).limit(limit).retry(false));
      return readAs(array(readLogEntry), rows, 'contact log');
    },

    async addLogEntry(workspaceId: string, programId: string, comment: string): Promise<ContactLogEntry> {
      const row = dataOf(await client.from('program_contact_log').insert({ workspace_id: workspaceId, program_id: programId, comment }).select('id, comment, author, at').single());
      return readAs(readLogEntry, row, 'contact log entry');
    },

    async activeOffers(programId: string): Promise<ProgramOffer[]> {
      const rows = dataOf(await client.from('offers').select('id, code, name, product').eq('program_id', programId).eq('status', 'active').order('code').retry(false));
      return readAs(array(readOffer), rows, 'offers');
    },

    /** The next payouts from the program's today (program_payout_calendar). */
    async payoutCalendar(programId: string, payouts: number): Promise<ProgramPayout[]> {
      const rows = dataOf(await client.rpc('program_payout_calendar', { program: programId, payouts }, { get: true }).retry(false));
      return readAs(array(readPayout), rows, 'payout calendar').map((p) => ({
        payoutDate: p.payout_date,
        periodStart: p.period_start,
        periodEnd: p.period_end,
        conversionsFrom: p.conversions_from,
        conversionsTo: p.conversions_to,
      }));
    },
  };
}

export type ProgramsApi = ReturnType<typeof createProgramsApi>;
