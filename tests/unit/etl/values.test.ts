import { describe, expect, it } from 'vitest';
import {
  ambiguousCommaFor,
  InvalidValue,
  parseCount,
  parseCountry,
  parseCurrency,
  parseDate,
  parseEventType,
  parseLowercase,
  parseMoney,
  parseText,
  parseTimestamp,
  type ParsedValue,
} from '../../../functions/_shared/etl/index.ts';
import { countryCodes, currencyCodes } from '../../../functions/_shared/etl/isoCodes.ts';

/** A parse result as the test reads it: the value, or `!` and the reason. */
function shown(value: ParsedValue): string | null {
  return value instanceof InvalidValue ? `! ${value.reason}` : value;
}

function table(parse: (raw: string) => ParsedValue, inputs: string[]): Record<string, string | null> {
  return Object.fromEntries(inputs.map((raw) => [raw, shown(parse(raw))]));
}

describe('parseMoney', () => {
  it('keeps money a canonical decimal string: decimal point or comma, scale as written', () => {
    expect(table((raw) => parseMoney(raw), ['12.50', '12,50', '12', '-3,5', '−7,25', '+4.00', ' 0,5 ', ',5', '007.10', '-0,00', '0.00', '-0'])).toEqual({
      '12.50': '12.50',
      '12,50': '12.50',
      '12': '12',
      '-3,5': '-3.5',
      '−7,25': '-7.25',
      '+4.00': '4.00',
      ' 0,5 ': '0.5',
      ',5': '0.5',
      '007.10': '7.10',
      '-0,00': '0.00',
      '0.00': '0.00',
      '-0': '0',
    });
  });

  it('reads thousands separators: space, NBSP, narrow NBSP, apostrophe, and , or . opposite the decimal separator', () => {
    expect(table((raw) => parseMoney(raw), ['1 234,50', '1\u00a0234\u00a0567,5', '1\u202f234', "1'234.50", '1,234.50', '1.234.567,89', '1,234,567', '1.234.567', '-1 000'])).toEqual({
      '1 234,50': '1234.50',
      '1\u00a0234\u00a0567,5': '1234567.5',
      '1\u202f234': '1234',
      "1'234.50": '1234.50',
      '1,234.50': '1234.50',
      '1.234.567,89': '1234567.89',
      '1,234,567': '1234567',
      '1.234.567': '1234567',
      '-1 000': '-1000',
    });
  });

  it('reads a lone comma before three digits by the file: thousands in a comma-delimited file, else decimals', () => {
    expect(ambiguousCommaFor(',')).toBe('thousands');
    expect(ambiguousCommaFor(';')).toBe('decimal');
    expect(ambiguousCommaFor('\t')).toBe('decimal');
    expect(parseMoney('1,234', 'thousands')).toBe('1234');
    expect(parseMoney('1,234', 'decimal')).toBe('1.234');
    // Not ambiguous: other grouping present, a leading zero, or not three digits.
    expect(parseMoney('1 234,567', 'thousands')).toBe('1234.567');
    expect(parseMoney('0,123', 'thousands')).toBe('0.123');
    expect(parseMoney('12,50', 'thousands')).toBe('12.50');
  });

  it('turns an empty cell into null', () => {
    expect(parseMoney('')).toBeNull();
    expect(parseMoney('   ')).toBeNull();
  });

  it('says what is wrong with a value that is not a number', () => {
    expect(table((raw) => parseMoney(raw), ['12.5.0', '12,5,0', 'abc', '12 $', '1,2.3,4', '12,', '1 23', '--1', '1.5E+6', '1,5e-3'])).toEqual({
      '12.5.0': "! '12.5.0' is not a number",
      '12,5,0': "! '12,5,0' is not a number",
      abc: "! 'abc' is not a number",
      '12 $': "! '12 $' is not a number",
      '1,2.3,4': "! '1,2.3,4' is not a number",
      '12,': "! '12,' is not a number",
      '1 23': "! '1 23' is not a number",
      '--1': "! '--1' is not a number",
      '1.5E+6': "! '1.5E+6' is in scientific notation; export the column as a plain number",
      '1,5e-3': "! '1,5e-3' is in scientific notation; export the column as a plain number",
    });
    expect(shown(parseMoney('1234567890123456.00'))).toBe("! '1234567890123456.00' is too large for an amount of money");
  });
});

describe('parseCount', () => {
  it('reads whole, non-negative numbers with the same separators as money', () => {
    expect(table((raw) => parseCount(raw), ['0', '42', '007', '1 234', '1\u00a0234', '12,00', '12.0', ''])).toEqual({
      '0': '0',
      '42': '42',
      '007': '7',
      '1 234': '1234',
      '1\u00a0234': '1234',
      '12,00': '12',
      '12.0': '12',
      '': null,
    });
    expect(parseCount('1,234', 'thousands')).toBe('1234');
  });

  it('rejects fractions, negatives and words', () => {
    expect(table((raw) => parseCount(raw), ['12,5', '-3', 'many', '1,234'])).toEqual({
      '12,5': "! '12,5' is not a whole number",
      '-3': "! '-3' is negative, and a count cannot be",
      many: "! 'many' is not a number",
      '1,234': "! '1,234' is not a whole number",
    });
  });
});

describe('parseTimestamp', () => {
  it('reads the shapes exports use into ISO 8601 UTC; no zone means UTC', () => {
    expect(
      table(parseTimestamp, [
        '2026-03-01 14:03:00',
        '2026-03-01T14:03:00',
        '2026-03-01T14:03:00Z',
        '2026-03-01T14:03:00+03:00',
        '2026-03-01 01:30:00 +0300',
        '2026-03-01T23:30:00-02',
        '2026-03-01 14:03',
        '2026-03-01',
        '01.03.2026',
        '01.03.2026 14:03',
        '1.3.2026 9:05:07',
        '01.03.26 14:03:00',
        '2026-03-01T14:03:00.123456789Z',
        '2026-03-01t14:03:00z',
      ]),
    ).toEqual({
      '2026-03-01 14:03:00': '2026-03-01T14:03:00Z',
      '2026-03-01T14:03:00': '2026-03-01T14:03:00Z',
      '2026-03-01T14:03:00Z': '2026-03-01T14:03:00Z',
      '2026-03-01T14:03:00+03:00': '2026-03-01T11:03:00Z',
      '2026-03-01 01:30:00 +0300': '2026-02-28T22:30:00Z',
      '2026-03-01T23:30:00-02': '2026-03-02T01:30:00Z',
      '2026-03-01 14:03': '2026-03-01T14:03:00Z',
      '2026-03-01': '2026-03-01T00:00:00Z',
      '01.03.2026': '2026-03-01T00:00:00Z',
      '01.03.2026 14:03': '2026-03-01T14:03:00Z',
      '1.3.2026 9:05:07': '2026-03-01T09:05:07Z',
      '01.03.26 14:03:00': '2026-03-01T14:03:00Z',
      '2026-03-01T14:03:00.123456789Z': '2026-03-01T14:03:00.123456Z',
      '2026-03-01t14:03:00z': '2026-03-01T14:03:00Z',
    });
  });

  it('checks the calendar and the clock, and says which', () => {
    expect(table(parseTimestamp, ['2026-02-29 10:00:00', '2028-02-29 10:00:00', '31.04.2026 10:00', '2026-03-01 24:00:00', '2026-03-01 12:60', '1999-12-31 10:00:00', '2026-03-01T10:00:00+15:00', '03/01/2026 10:00', 'yesterday'])).toEqual({
      '2026-02-29 10:00:00': "! '2026-02-29 10:00:00' is not a real date",
      '2028-02-29 10:00:00': '2028-02-29T10:00:00Z',
      '31.04.2026 10:00': "! '31.04.2026 10:00' is not a real date",
      '2026-03-01 24:00:00': "! '2026-03-01 24:00:00' is not a real time of day",
      '2026-03-01 12:60': "! '2026-03-01 12:60' is not a real time of day",
      '1999-12-31 10:00:00': "! '1999-12-31 10:00:00' is outside the years 2000–2099",
      '2026-03-01T10:00:00+15:00': "! '2026-03-01T10:00:00+15:00' has an impossible UTC offset",
      '03/01/2026 10:00':
        "! '03/01/2026 10:00' is not a date and time (expected YYYY-MM-DD HH:MM:SS or DD.MM.YYYY HH:MM, optionally with Z or +03:00)",
      yesterday: "! 'yesterday' is not a date and time (expected YYYY-MM-DD HH:MM:SS or DD.MM.YYYY HH:MM, optionally with Z or +03:00)",
    });
  });
});

describe('parseDate', () => {
  it('reads a day as YYYY-MM-DD, a midnight time allowed, its zone ignored', () => {
    expect(table(parseDate, ['2026-03-01', '01.03.2026', '1.3.26', '2026-03-01 00:00:00', '2026-03-01T00:00:00+03:00', ''])).toEqual({
      '2026-03-01': '2026-03-01',
      '01.03.2026': '2026-03-01',
      '1.3.26': '2026-03-01',
      '2026-03-01 00:00:00': '2026-03-01',
      '2026-03-01T00:00:00+03:00': '2026-03-01',
      '': null,
    });
  });

  it('rejects other times of day, impossible dates and other shapes', () => {
    expect(table(parseDate, ['2026-03-01 14:03', '2026-13-01', '32.01.2026', '2026/03/01'])).toEqual({
      '2026-03-01 14:03': "! '2026-03-01 14:03' has a time of day, but this column is a date",
      '2026-13-01': "! '2026-13-01' is not a real date",
      '32.01.2026': "! '32.01.2026' is not a real date",
      '2026/03/01': "! '2026/03/01' is not a date (expected YYYY-MM-DD or DD.MM.YYYY)",
    });
  });
});

describe('parseEventType', () => {
  it('reads canonical names and common aliases in any case', () => {
    expect(
      table(parseEventType, ['registration', 'REG', 'Sign-Up', 'Регистрация', 'first_deposit', 'FTD', 'First Deposit', 'deposit', 'dep', 'Re-Deposit', 'Депозит', 'chargeback', 'CB', 'charge back']),
    ).toEqual({
      registration: 'registration',
      REG: 'registration',
      'Sign-Up': 'registration',
      Регистрация: 'registration',
      first_deposit: 'first_deposit',
      FTD: 'first_deposit',
      'First Deposit': 'first_deposit',
      deposit: 'deposit',
      dep: 'deposit',
      'Re-Deposit': 'deposit',
      Депозит: 'deposit',
      chargeback: 'chargeback',
      CB: 'chargeback',
      'charge back': 'chargeback',
    });
  });

  it('names the four types when it cannot read one', () => {
    expect(shown(parseEventType('install'))).toBe("! 'install' is not an event type (expected registration, first_deposit, deposit or chargeback)");
  });
});

describe('parseCountry and parseCurrency', () => {
  it('accept ISO codes in any case, upper-cased; UK is GB', () => {
    expect(table(parseCountry, ['RU', 'kz', ' Uz ', 'UK', ''])).toEqual({ RU: 'RU', kz: 'KZ', ' Uz ': 'UZ', UK: 'GB', '': null });
    expect(table(parseCurrency, ['USD', 'eur', 'RUR', '₽', '$', 'руб', ''])).toEqual({ USD: 'USD', eur: 'EUR', RUR: 'RUB', '₽': 'RUB', $: 'USD', руб: 'RUB', '': null });
  });

  it('accept only alpha-2 countries (not alpha-3 or names) and only ISO 4217 currencies', () => {
    expect(table(parseCountry, ['RUS', 'Russia', 'XX', 'R1'])).toEqual({
      RUS: "! 'RUS' is not an ISO 3166-1 alpha-2 country code (two letters, like RU or KZ)",
      Russia: "! 'Russia' is not an ISO 3166-1 alpha-2 country code (two letters, like RU or KZ)",
      XX: "! 'XX' is not an ISO 3166-1 alpha-2 country code (two letters, like RU or KZ)",
      R1: "! 'R1' is not an ISO 3166-1 alpha-2 country code (two letters, like RU or KZ)",
    });
    expect(table(parseCurrency, ['USDT', 'RUBL', 'XXX'])).toEqual({
      USDT: "! 'USDT' is not an ISO 4217 currency code (three letters, like USD or RUB)",
      RUBL: "! 'RUBL' is not an ISO 4217 currency code (three letters, like USD or RUB)",
      XXX: "! 'XXX' is not an ISO 4217 currency code (three letters, like USD or RUB)",
    });
  });

  it('know only codes that ICU can name, and every currency ICU lists as current but the withdrawn ones', () => {
    const regions = new Intl.DisplayNames(['en'], { type: 'region' });
    const currencies = new Intl.DisplayNames(['en'], { type: 'currency' });
    expect([...countryCodes].filter((code) => regions.of(code) === code)).toEqual([]);
    expect([...currencyCodes].filter((code) => currencies.of(code) === code)).toEqual([]);
    expect(countryCodes.size).toBe(250);
    const withdrawnOrNotMoney = ['CUC', 'HRK', 'SLL', 'XDR', 'XSU', 'ZWL'];
    expect(Intl.supportedValuesOf('currency').filter((code) => !currencyCodes.has(code) && !withdrawnOrNotMoney.includes(code))).toEqual([]);
  });
});

describe('parseText and parseLowercase', () => {
  it('trim, keep Cyrillic and emoji, and turn empty into null', () => {
    expect(table(parseText, ['  Вулкан 🎰 | RU  ', '\u00a0x\u00a0', '', '  '])).toEqual({ '  Вулкан 🎰 | RU  ': 'Вулкан 🎰 | RU', '\u00a0x\u00a0': 'x', '': null, '  ': null });
    expect(parseLowercase(' Moloco ')).toBe('moloco');
  });

  it('rejects a NUL character, which PostgreSQL text cannot hold', () => {
    expect(shown(parseText('a\u0000b'))).toBe("! 'a␀b' contains a NUL character");
  });
});
