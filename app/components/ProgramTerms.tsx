import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../lib/dataApi.ts';
import { formatMoney } from '../lib/numbers.ts';
import { channelLabel, scheduleText, type ProgramTerms as Terms } from '../lib/programs.ts';
import { ProgramStatusBadge } from './ProgramStatusBadge.tsx';

interface ProgramTermsProps {
  terms: Terms;
  language: Locale;
}

/** A program's terms to read: schedule and hold, money, where invoices go, how it pays. */
export function ProgramTerms({ terms, language }: ProgramTermsProps) {
  const { t } = useTranslation();
  const none = t('programs.terms.none');
  const rows: [string, string, ReactNode][] = [
    ['status', t('programs.fields.status'), <ProgramStatusBadge key="status" status={terms.status} />],
    ['schedule', t('programs.fields.payoutSchedule'), scheduleText(t, terms, language)],
    ['holdDays', t('programs.fields.holdDays'), String(terms.holdDays)],
    ['minimumPayout', t('programs.fields.minimumPayout'), formatMoney(terms.minimumPayout, terms.defaultCurrency, language)],
    ['defaultCurrency', t('programs.fields.defaultCurrency'), terms.defaultCurrency],
    ['invoiceEmail', t('programs.fields.invoiceEmail'), terms.invoiceEmail ?? none],
    ['timeZone', t('programs.fields.timeZone'), terms.timeZone.replace(/_/g, ' ')],
    ['paymentChannels', t('programs.fields.paymentChannels'), terms.paymentChannels.map((c) => channelLabel(t, c)).join(', ') || none],
    ['contact', t('programs.fields.contact'), terms.contact ?? none],
    ['paymentTerms', t('programs.fields.paymentTerms'), terms.paymentTerms ?? none],
  ];
  return (
    <dl className="program-terms" data-program="terms">
      {rows.map(([key, label, value]) => (
        <div key={key} className="program-term" data-term={key}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
