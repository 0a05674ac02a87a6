import type { TFunction } from 'i18next';
import { createInstance } from 'i18next';
import { describe, expect, it } from 'vitest';
import { loadResources } from '../../app/i18n/resources.ts';
import { RequestError } from '../../app/lib/errors.ts';
import {
  canWritePrograms,
  channelList,
  checkComment,
  checkContactDraft,
  checkProgramDraft,
  contactRow,
  draftOf,
  emptyDraft,
  programFieldProblem,
  programRow,
  channelLabel,
  scheduleText,
  searchPrograms,
  weekdayName,
  type ProgramOutline,
} from '../../app/lib/programs.ts';

const valid = { ...emptyDraft('Europe/Moscow'), name: 'Alpha Partners' };

describe('checkProgramDraft', () => {
  it('accepts a filled-in draft and the defaults', () => {
    expect(checkProgramDraft(valid)).toEqual({});
    expect(checkProgramDraft({ ...valid, payoutSchedule: 'weekly', payoutWeekdays: [2, 5], holdDays: '365', minimumPayout: '99,50', invoiceEmail: 'billing@alpha.example' })).toEqual({});
  });

  it('names every field that needs a fix, with the limits the database keeps', () => {
    const problems = checkProgramDraft({
      ...valid,
      name: '   ',
      payoutSchedule: 'weekly',
      payoutWeekdays: [],
      holdDays: '366',
      defaultCurrency: 'US',
      minimumPayout: '-5',
      invoiceEmail: 'billing at alpha',
    });
    expect(problems).toEqual({
      name: { key: 'nameRequired' },
      payoutWeekdays: { key: 'weekdaysRequired' },
      holdDays: { key: 'holdDays' },
      defaultCurrency: { key: 'currency' },
      minimumPayout: { key: 'minimumPayout' },
      invoiceEmail: { key: 'email' },
    });
    expect(checkProgramDraft({ ...valid, name: 'x'.repeat(121) }).name).toEqual({ key: 'nameTooLong', values: { max: 120 } });
    expect(checkProgramDraft({ ...valid, holdDays: '2.5' }).holdDays).toBeDefined();
    expect(checkProgramDraft({ ...valid, minimumPayout: '10.005' }).minimumPayout).toBeDefined();
  });
});

describe('programRow', () => {
  it('trims, upper-cases the currency, keeps the amount as typed digits and drops weekdays of a NET schedule', () => {
    const row = programRow({ ...valid, name: ' Alpha ', defaultCurrency: 'eur', minimumPayout: '99,50', paymentChannels: 'wire, USDT TRC20, , wire', payoutWeekdays: [5, 2], contact: '  ' });
    expect(row).toMatchObject({ name: 'Alpha', default_currency: 'EUR', minimum_payout: '99.50', payment_channels: ['wire', 'USDT TRC20'], payout_weekdays: [], contact: null, hold_days: 0 });
    expect(programRow({ ...valid, payoutSchedule: 'weekly', payoutWeekdays: [5, 2] }).payout_weekdays).toEqual([2, 5]);
  });

  it('turns stored terms back into the same draft', () => {
    const terms = {
      name: 'Alpha',
      contact: null,
      paymentTerms: 'NET30 after approval',
      payoutSchedule: 'weekly' as const,
      payoutWeekdays: [1, 4],
      holdDays: 7,
      defaultCurrency: 'USD',
      minimumPayout: 500,
      invoiceEmail: null,
      timeZone: 'Asia/Vladivostok',
      paymentChannels: ['wire', 'paxum'],
      status: 'paused' as const,
    };
    expect(programRow(draftOf(terms))).toEqual({
      name: 'Alpha',
      contact: null,
      payment_terms: 'NET30 after approval',
      payout_schedule: 'weekly',
      payout_weekdays: [1, 4],
      hold_days: 7,
      default_currency: 'USD',
      minimum_payout: '500',
      invoice_email: null,
      time_zone: 'Asia/Vladivostok',
      payment_channels: ['wire', 'paxum'],
      status: 'paused',
    });
  });
});

describe('programFieldProblem', () => {
  it('puts a taken name on the name field and leaves other refusals to the toast', () => {
    const taken = new RequestError(409, '23505', 'duplicate key value violates unique constraint "affiliate_programs_name_idx"');
    expect(programFieldProblem(taken)).toEqual({ name: { key: 'nameTaken' } });
    expect(programFieldProblem(new RequestError(403, '42501', 'new row violates row-level security policy'))).toBeNull();
    expect(programFieldProblem(new Error('offline'))).toBeNull();
  });
});

describe('contacts and the contact log', () => {
  it('needs a name, a valid email, and the address of the preferred channel', () => {
    expect(checkContactDraft({ name: 'Ivan', email: '', telegram: '@ivan_aff', preferredChannel: 'telegram' })).toEqual({});
    expect(checkContactDraft({ name: '', email: 'ivan@', telegram: '', preferredChannel: 'email' })).toEqual({ name: { key: 'contactNameRequired' }, email: { key: 'email' } });
    expect(checkContactDraft({ name: 'Ivan', email: '', telegram: 'ivan', preferredChannel: 'email' })).toEqual({ email: { key: 'emailForChannel' } });
    expect(checkContactDraft({ name: 'Ivan', email: 'ivan@alpha.example', telegram: '', preferredChannel: 'telegram' })).toEqual({ telegram: { key: 'telegramForChannel' } });
    expect(checkContactDraft({ name: 'Ivan', email: '', telegram: 'x'.repeat(65), preferredChannel: 'other' }).telegram).toEqual({ key: 'telegramTooLong', values: { max: 64 } });
  });

  it('stores a Telegram username without its @', () => {
    expect(contactRow({ name: ' Ivan ', email: '', telegram: ' @ivan_aff ', preferredChannel: 'telegram' })).toEqual({ name: 'Ivan', email: null, telegram: 'ivan_aff', preferred_channel: 'telegram' });
  });

  it('refuses an empty or overlong comment', () => {
    expect(checkComment('Called, they pay on Friday')).toBeNull();
    expect(checkComment('  \n ')).toEqual({ key: 'commentRequired' });
    expect(checkComment('x'.repeat(4001))).toEqual({ key: 'commentTooLong', values: { max: 4000 } });
  });
});

describe('who writes', () => {
  it('is affiliate managers and admins', () => {
    expect(['affiliate_manager', 'admin', 'media_buyer', 'finance', 'read_only', undefined].map((r) => canWritePrograms(r as never))).toEqual([true, true, false, false, false, false]);
  });
});

describe('the list', () => {
  const outline = (name: string, defaultCurrency = 'USD'): ProgramOutline => ({
    id: name,
    name,
    status: 'active',
    payoutSchedule: 'net30',
    payoutWeekdays: [],
    holdDays: 0,
    defaultCurrency,
    activeOffers: 0,
    revenue: 0,
    otherCurrencyRows: 0,
    lastContactAt: null,
  });

  it('finds programs by part of the name or by currency', () => {
    const all = [outline('Alpha Partners'), outline('Promo Network', 'EUR'), outline('Quiet')];
    expect(searchPrograms(all, '  ').map((p) => p.name)).toEqual(['Alpha Partners', 'Promo Network', 'Quiet']);
    expect(searchPrograms(all, 'PART').map((p) => p.name)).toEqual(['Alpha Partners']);
    expect(searchPrograms(all, 'eur').map((p) => p.name)).toEqual(['Promo Network']);
  });

  it('writes schedules with weekday names and the hold', () => {
    const t = ((key: string, values?: Record<string, unknown>) => `${key}${values ? JSON.stringify(values) : ''}`) as unknown as TFunction;
    expect(weekdayName(1, 'en')).toBe('Mon');
    expect(weekdayName(7, 'ru')).toBe('вс');
    expect(scheduleText(t, { payoutSchedule: 'weekly', payoutWeekdays: [2, 5], holdDays: 0 }, 'en')).toBe('programs.scheduleText.weekly{"days":"Tue, Fri"}');
    expect(scheduleText(t, { payoutSchedule: 'net30', payoutWeekdays: [], holdDays: 7 }, 'en')).toBe('programs.withHold{"schedule":"programs.scheduleText.net30{\\"days\\":\\"\\"}","days":7}');
  });

  it('splits channels once, without blanks or repeats', () => {
    expect(channelList(' wire ,paxum,,wire')).toEqual(['wire', 'paxum']);
  });
});

describe('payment channels', () => {
  it('names known codes in the interface\'s language and keeps what a team typed otherwise', async () => {
    const i18n = createInstance();
    await i18n.init({ lng: 'ru', resources: { ru: { translation: await loadResources('ru') } } });
    expect(channelLabel(i18n.t, 'usdt_trc20')).toBe('USDT (TRC-20)');
    expect(channelLabel(i18n.t, 'wire')).toBe('Банковский перевод');
    expect(channelLabel(i18n.t, 'USDT TRC20')).toBe('USDT (TRC-20)');
    expect(channelLabel(i18n.t, 'Usdt-Trc20')).toBe('USDT (TRC-20)');
    expect(channelLabel(i18n.t, 'Qiwi кошелёк')).toBe('Qiwi кошелёк');
  });
});
