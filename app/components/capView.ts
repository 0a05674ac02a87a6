import type { TFunction } from 'i18next';
import { confidenceWord, etaText, periodWording, zoneName, type CapRow, type CapStatus } from '../lib/caps.ts';
import type { Locale } from '../lib/dataApi.ts';
import { formatCount, formatMoney, formatPercent } from '../lib/numbers.ts';

/** A cap as the monitor, the offer card and the summary write it, in the person's language. */
export interface CapView {
  key: string;
  offerId: string;
  title: string;
  program: string | null;
  status: CapStatus;
  statusText: string;
  /** 0–1 for the progress bar. */
  progress: number;
  percent: string;
  usage: string;
  period: string;
  eta: string | null;
  spendAtRisk: string | null;
  href: string;
}

export const capKey = (row: Pick<CapRow, 'offerId' | 'geo'>) => `${row.offerId}/${row.geo}`;

export function capView(row: CapRow, t: TFunction, language: Locale): CapView {
  const period = periodWording(row, language);
  const eta = etaText(row, language);
  const count = (n: number) => (row.metric === 'conversions' || row.metric === 'clicks' ? formatCount(n, language) : formatMoney(n, row.currency, language));
  return {
    key: capKey(row),
    offerId: row.offerId,
    title: row.geo ? `${row.offerName} · ${row.geo}` : row.offerName,
    program: row.programName,
    status: row.status,
    statusText: t(`caps.status.${row.status}`),
    progress: Math.min(1, Math.max(0, row.percent / 100)),
    percent: formatPercent(row.percent / 100, language),
    usage: t('caps.usage', { used: count(row.used), limit: count(row.effectiveLimit), metric: t(`caps.metric.${row.metric}`, { defaultValue: row.metric }) }),
    period: t(period.key, period.values),
    eta: eta ? t('caps.eta', { time: eta, zone: zoneName(row.timeZone), confidence: t(`caps.confidence.${confidenceWord(row.confidence)}`) }) : null,
    spendAtRisk: row.spendAtRisk ? t('caps.spendAtRisk', { amount: formatMoney(row.spendAtRisk, row.currency, language) }) : null,
    href: `/app/offers/${encodeURIComponent(row.offerId)}`,
  };
}
