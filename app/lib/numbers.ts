import type { Locale } from './dataApi.ts';

/** Money in the workspace's currency as the interface language writes it: "1 234,50 $" / "$1,234.50". */
export function formatMoney(value: number, currency: string, language: Locale): string {
  return new Intl.NumberFormat(language, { style: 'currency', currency, maximumFractionDigits: 2 }).format(value);
}

export function formatCount(value: number, language: Locale): string {
  return new Intl.NumberFormat(language).format(value);
}

/** A fraction as a percentage: 0.352 → "35,2 %" / "35.2%". */
export function formatPercent(fraction: number, language: Locale): string {
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(fraction);
}

/** A relative change with its sign: 0.12 → "+12 %", -0.05 → "−5 %". */
export function formatSignedPercent(fraction: number, language: Locale): string {
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(fraction);
}

/** A change of a ratio in percentage points (fraction 0.052 → "+5.2"); the unit is added by the caller's text. */
export function formatSignedPoints(fraction: number, language: Locale): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(fraction * 100);
}

const byteUnits = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/**
 * A size in bytes with its unit, in steps of 1024 as file managers count: 6291456 →
 * "6 МБ" / "6 MB", 1536 → "1,5 кБ" / "1.5 kB", 500 → "500 байт" / "500 bytes".
 */
export function formatBytes(bytes: number, language: Locale): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < byteUnits.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(language, {
    style: 'unit',
    unit: byteUnits[unit],
    // Short bytes read "500 byte" in English; long ones are "500 bytes" / "500 байт".
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}
