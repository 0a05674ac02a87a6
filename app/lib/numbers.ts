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
