import { countryCodes, currencyCodes } from './isoCodes.ts';

/**
 * Cell parsers. Each takes the raw cell and returns its canonical text (what PostgreSQL
 * reads in COPY), null for an empty cell, or an {@link InvalidValue} saying why not.
 * Money stays a decimal string from file to database: no value ever passes through a float.
 */

/** Why a cell cannot be read; the reason quotes the value and says what was expected. */
export class InvalidValue {
  constructor(readonly reason: string) {}
}

export type ParsedValue = string | null | InvalidValue;

/**
 * How to read a lone comma followed by exactly three digits (`1,234`), which is 1234 in
 * "1,234.56" files and 1.234 in "1 234,56" files. The file's delimiter decides: a comma can
 * only sit inside a number unquoted when it is not the delimiter (see {@link ambiguousCommaFor}).
 */
export type AmbiguousComma = 'decimal' | 'thousands';

/** The reading of `1,234` that fits a file with this delimiter. */
export function ambiguousCommaFor(delimiter: string): AmbiguousComma {
  return delimiter === ',' ? 'thousands' : 'decimal';
}

/** The value as a reason quotes it: trimmed, and cut short so a garbled cell stays readable. */
export function quoteValue(raw: string): string {
  const value = raw.trim();
  return `'${value.length > 40 ? `${value.slice(0, 39)}…` : value}'`;
}

/** Whether trim() could change the value; most cells start and end with printable ASCII, and skip it. */
function hasEdgeSpace(raw: string): boolean {
  const first = raw.charCodeAt(0);
  const last = raw.charCodeAt(raw.length - 1);
  return !(first > 32 && first < 127 && last > 32 && last < 127);
}

/** Trimmed text, null when empty; Cyrillic, emoji and inner spacing are kept as they are. */
export function parseText(raw: string): ParsedValue {
  const value = hasEdgeSpace(raw) ? raw.trim() : raw;
  if (value === '') return null;
  // PostgreSQL text cannot hold U+0000; COPY would fail the whole batch on it.
  if (value.includes('\u0000')) return new InvalidValue(`${quoteValue(value.replaceAll('\u0000', '␀'))} contains a NUL character`);
  return value;
}

/** Trimmed lower-case text (traffic sources, networks), so `Moloco` and `moloco` group together. */
export function parseLowercase(raw: string): ParsedValue {
  const value = parseText(raw);
  return typeof value === 'string' ? value.toLowerCase() : value;
}

/** Already canonical: no leading zeros, a point for decimals (and not a negative zero, checked apart). */
const canonicalDecimal = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;
const groupingChars = new Set([' ', '\u00a0', '\u202f', '\u2009', "'", '’', ',', '.']);
const spaceLike = new Set([' ', '\u00a0', '\u202f', '\u2009']);
const scientific = /^\d(?:[.,]\d+)?e[+-]?\d+$/i;

interface NumberParts {
  negative: boolean;
  integer: string;
  fraction: string;
}

function canonicalNumber({ negative, integer, fraction }: NumberParts): string {
  let start = 0;
  while (start < integer.length - 1 && integer.charCodeAt(start) === 48) start++;
  const whole = integer.slice(start) || '0';
  const body = fraction ? `${whole}.${fraction}` : whole;
  const isZero = whole === '0' && !/[1-9]/.test(fraction);
  return negative && !isZero ? `-${body}` : body;
}

/** Digits of an integer part written with one kind of grouping separator ("1 234 567"). */
function ungroup(integer: string): string | null {
  if (/^\d*$/.test(integer)) return integer;
  let kind: string | null = null;
  const groups: string[] = [];
  let groupStart = 0;
  for (let i = 0; i < integer.length; i++) {
    const char = integer.charAt(i);
    if (char >= '0' && char <= '9') continue;
    const charKind = spaceLike.has(char) ? ' ' : char === '’' ? "'" : char;
    if (kind !== null && charKind !== kind) return null;
    kind = charKind;
    groups.push(integer.slice(groupStart, i));
    groupStart = i + 1;
  }
  groups.push(integer.slice(groupStart));
  const [first, ...rest] = groups;
  if (first === undefined || first.length < 1 || first.length > 3) return null;
  if (rest.some((g) => g.length !== 3)) return null;
  return groups.join('');
}

function numberParts(value: string, ambiguousComma: AmbiguousComma): NumberParts | null {
  let negative = false;
  let body = value;
  const sign = value.charAt(0);
  if (sign === '-' || sign === '−' || sign === '+') {
    negative = sign !== '+';
    body = value.slice(1);
  }
  if (body === '') return null;
  let commas = 0;
  let dots = 0;
  let otherGrouping = false;
  for (let i = 0; i < body.length; i++) {
    const char = body.charAt(i);
    if (char >= '0' && char <= '9') continue;
    if (!groupingChars.has(char)) return null;
    if (char === ',') commas++;
    else if (char === '.') dots++;
    else otherGrouping = true;
  }
  const lastComma = body.lastIndexOf(',');
  const lastDot = body.lastIndexOf('.');
  let decimalAt = -1;
  if (commas > 0 && dots > 0) {
    // Both present: the one written last is the decimal separator, and it occurs once.
    const decimalIsComma = lastComma > lastDot;
    if ((decimalIsComma ? commas : dots) > 1) return null;
    decimalAt = decimalIsComma ? lastComma : lastDot;
  } else if (dots === 1) {
    decimalAt = lastDot;
  } else if (commas === 1) {
    const digitsBefore = lastComma;
    const digitsAfter = body.length - lastComma - 1;
    const couldBeGrouping = !otherGrouping && digitsAfter === 3 && digitsBefore >= 1 && digitsBefore <= 3 && body.charAt(0) !== '0';
    if (!couldBeGrouping || ambiguousComma === 'decimal') decimalAt = lastComma;
  }
  const fraction = decimalAt === -1 ? '' : body.slice(decimalAt + 1);
  if (decimalAt !== -1 && !/^\d+$/.test(fraction)) return null;
  const integer = ungroup(decimalAt === -1 ? body : body.slice(0, decimalAt));
  if (integer === null || (integer === '' && fraction === '')) return null;
  return { negative, integer, fraction };
}

function notANumber(value: string): InvalidValue {
  if (scientific.test(value)) return new InvalidValue(`${quoteValue(value)} is in scientific notation; export the column as a plain number`);
  return new InvalidValue(`${quoteValue(value)} is not a number`);
}

/**
 * An amount of money as a canonical decimal string for PostgreSQL `numeric`: decimal point
 * or comma, thousands grouped by space, NBSP, apostrophe, or by `,`/`.` opposite the decimal
 * separator; a leading `-` or `−`. `1 234,50` → `1234.50`, `-0,5` → `-0.5`. The scale is kept
 * as written (`12,50` → `12.50`).
 */
export function parseMoney(raw: string, ambiguousComma: AmbiguousComma = 'decimal'): ParsedValue {
  const value = hasEdgeSpace(raw) ? raw.trim() : raw;
  if (value === '') return null;
  if (value.length <= 15 && canonicalDecimal.test(value) && !(value.charCodeAt(0) === 45 && /^-0(?:\.0+)?$/.test(value))) return value;
  const parts = numberParts(value, ambiguousComma);
  if (parts === null) return notANumber(value);
  if (parts.integer.length > 15) return new InvalidValue(`${quoteValue(value)} is too large for an amount of money`);
  return canonicalNumber(parts);
}

/**
 * A count (clicks, impressions): a whole, non-negative number, read with the same separators
 * as money; `1 234` and `12,00` are accepted, `12,5` and `-3` are not.
 */
export function parseCount(raw: string, ambiguousComma: AmbiguousComma = 'decimal'): ParsedValue {
  const value = raw.trim();
  if (value === '') return null;
  if (/^\d{1,15}$/.test(value)) return value.charCodeAt(0) === 48 ? canonicalNumber({ negative: false, integer: value, fraction: '' }) : value;
  const parts = numberParts(value, ambiguousComma);
  if (parts === null) return notANumber(value);
  if (/[1-9]/.test(parts.fraction)) return new InvalidValue(`${quoteValue(value)} is not a whole number`);
  const count = canonicalNumber({ negative: parts.negative, integer: parts.integer, fraction: '' });
  if (count.startsWith('-')) return new InvalidValue(`${quoteValue(value)} is negative, and a count cannot be`);
  if (count.length > 18) return new InvalidValue(`${quoteValue(value)} is too large for a count`);
  return count;
}

const isoDateTime = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)? ?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const dottedDateTime = /^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)? ?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hasTime: boolean;
  hour: number;
  minute: number;
  second: number;
  /** Fractional seconds as written, cut to microseconds (PostgreSQL's resolution). */
  fraction: string;
  /** Minutes east of UTC; 0 when the value has no zone (no zone means UTC). */
  offsetMinutes: number;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Parts of a date or date-time, or the reason it is not one (without the "expected" hint). */
function dateTimeParts(value: string): DateTimeParts | string | null {
  const iso = value.charCodeAt(4) === 45 ? isoDateTime.exec(value) : null;
  const match = iso ?? dottedDateTime.exec(value);
  if (match === null) return null;
  const [, a = '', b = '', c = '', hour = '', minute = '', second = '', fraction = '', zone = ''] = match;
  const year = iso ? Number(a) : c.length === 2 ? 2000 + Number(c) : Number(c);
  const month = Number(b);
  const day = Number(iso ? c : a);
  if (year < 2000 || year > 2099) return `${quoteValue(value)} is outside the years 2000–2099`;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return `${quoteValue(value)} is not a real date`;
  const parts: DateTimeParts = {
    year, month, day, hasTime: hour !== '',
    hour: Number(hour), minute: Number(minute), second: Number(second), fraction: fraction.slice(0, 6), offsetMinutes: 0,
  };
  if (parts.hour > 23 || parts.minute > 59 || parts.second > 59) return `${quoteValue(value)} is not a real time of day`;
  if (zone !== '' && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2) || '0');
    if (hours > 14 || minutes > 59) return `${quoteValue(value)} has an impossible UTC offset`;
    parts.offsetMinutes = (zone.charAt(0) === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  return parts;
}

/** Digits at i, i+1 as a number, or -1. */
function twoDigits(value: string, i: number): number {
  const tens = value.charCodeAt(i) - 48;
  const ones = value.charCodeAt(i + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

/**
 * The common shape, `YYYY-MM-DD HH:MM:SS` (or with T, or a Z), read without a regular
 * expression: most exports write every row this way, and this is the hot path of a load.
 * Null for anything else, which the general parser then reads.
 */
function commonTimestamp(value: string): string | null {
  const length = value.length;
  if (length !== 19 && !(length === 20 && value.charCodeAt(19) === 90)) return null;
  const separator = value.charCodeAt(10);
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45 || (separator !== 32 && separator !== 84) || value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) {
    return null;
  }
  const century = twoDigits(value, 0);
  const year = twoDigits(value, 2);
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  if (century !== 20 || year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(2000 + year, month)) return null;
  const hour = twoDigits(value, 11);
  const minute = twoDigits(value, 14);
  const second = twoDigits(value, 17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  if (separator === 84) return length === 20 ? value : `${value}Z`;
  return `${value.slice(0, 10)}T${value.slice(11, 19)}Z`;
}

/**
 * A calendar date (`2026-03-01`, `01.03.2026`, `01.03.26`) as `YYYY-MM-DD`. A time of day is
 * accepted only at midnight, and its zone is ignored: a report's date is the day as the
 * network counts it, which a shift to UTC would change.
 */
export function parseDate(raw: string): ParsedValue {
  const value = raw.trim();
  if (value === '') return null;
  const parts = dateTimeParts(value);
  if (parts === null) return new InvalidValue(`${quoteValue(value)} is not a date (expected YYYY-MM-DD or DD.MM.YYYY)`);
  if (typeof parts === 'string') return new InvalidValue(parts);
  if (parts.hasTime && (parts.hour !== 0 || parts.minute !== 0 || parts.second !== 0 || /[1-9]/.test(parts.fraction))) {
    return new InvalidValue(`${quoteValue(value)} has a time of day, but this column is a date`);
  }
  return `${parts.year}-${pad2(parts.month)}-${pad2(parts.day)}`;
}

/**
 * A moment in time as ISO 8601 UTC (`2026-03-01T14:03:00Z`) from `2026-03-01 14:03:00`,
 * `2026-03-01T14:03:00+03:00`, `01.03.2026 14:03`, a date alone (midnight), with `Z`, `±HH`,
 * `±HHMM` or `±HH:MM`; no zone means UTC.
 */
export function parseTimestamp(raw: string): ParsedValue {
  const value = hasEdgeSpace(raw) ? raw.trim() : raw;
  if (value === '') return null;
  const common = commonTimestamp(value);
  if (common !== null) return common;
  const parts = dateTimeParts(value);
  if (parts === null) {
    return new InvalidValue(`${quoteValue(value)} is not a date and time (expected YYYY-MM-DD HH:MM:SS or DD.MM.YYYY HH:MM, optionally with Z or +03:00)`);
  }
  if (typeof parts === 'string') return new InvalidValue(parts);
  const fraction = parts.fraction ? `.${parts.fraction}` : '';
  if (parts.offsetMinutes === 0) {
    return `${parts.year}-${pad2(parts.month)}-${pad2(parts.day)}T${pad2(parts.hour)}:${pad2(parts.minute)}:${pad2(parts.second)}${fraction}Z`;
  }
  const utc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute - parts.offsetMinutes, parts.second);
  return `${new Date(utc).toISOString().slice(0, 19)}${fraction}Z`;
}

/** What a conversion is (docs: DATA.md, tw_events.event_type). */
export type EventType = 'registration' | 'first_deposit' | 'deposit' | 'chargeback';

/** The event types of TrafficWave conversions, in the order messages list them. */
export const eventTypes: readonly EventType[] = ['registration', 'first_deposit', 'deposit', 'chargeback'];

const eventTypeAliases = new Map<string, EventType>();
for (const [type, aliases] of [
  ['registration', ['registration', 'registrations', 'reg', 'signup', 'sign_up', 'lead', 'регистрация', 'рег']],
  ['first_deposit', ['first_deposit', 'ftd', 'fd', 'firstdeposit', 'first_dep', 'первый_депозит', 'фд', 'фдеп']],
  ['deposit', ['deposit', 'dep', 'redeposit', 're_deposit', 'rd', 'repeat_deposit', 'депозит', 'деп', 'повторный_депозит', 'редеп', 'редепозит']],
  ['chargeback', ['chargeback', 'cb', 'charge_back', 'чарджбэк', 'чарджбек', 'чб']],
] as const) {
  for (const alias of aliases) eventTypeAliases.set(alias, type);
}

/** An event type, from its canonical name or an alias (`FTD`, `reg`, `dep`, `Регистрация`). */
export function parseEventType(raw: string): ParsedValue {
  const exact = eventTypeAliases.get(raw);
  if (exact !== undefined) return exact;
  const value = raw.trim();
  if (value === '') return null;
  const type = eventTypeAliases.get(value.toLowerCase().replaceAll('ё', 'е').replace(/[\s_-]+/g, '_'));
  if (type !== undefined) return type;
  return new InvalidValue(`${quoteValue(value)} is not an event type (expected ${eventTypes.slice(0, -1).join(', ')} or chargeback)`);
}

/**
 * An ISO 3166-1 alpha-2 country code, upper-cased. Only alpha-2 is accepted (not alpha-3
 * or names), so that one country is never stored two ways; UK is read as GB, its ISO code.
 */
export function parseCountry(raw: string): ParsedValue {
  if (raw.length === 2 && countryCodes.has(raw)) return raw;
  const value = raw.trim();
  if (value === '') return null;
  const code = value.toUpperCase();
  if (countryCodes.has(code)) return code;
  if (code === 'UK') return 'GB';
  return new InvalidValue(`${quoteValue(value)} is not an ISO 3166-1 alpha-2 country code (two letters, like RU or KZ)`);
}

const currencyAliases = new Map([['RUR', 'RUB'], ['РУБ', 'RUB'], ['РУБ.', 'RUB'], ['₽', 'RUB'], ['$', 'USD'], ['€', 'EUR']]);

/** An ISO 4217 currency code, upper-cased; RUR (the pre-1998 code Russian tools still print) and ₽, $, € are read as RUB, USD, EUR. */
export function parseCurrency(raw: string): ParsedValue {
  if (raw.length === 3 && currencyCodes.has(raw)) return raw;
  const value = raw.trim();
  if (value === '') return null;
  const code = value.toUpperCase();
  if (currencyCodes.has(code)) return code;
  const alias = currencyAliases.get(code);
  if (alias !== undefined) return alias;
  return new InvalidValue(`${quoteValue(value)} is not an ISO 4217 currency code (three letters, like USD or RUB)`);
}
