import { IonLabel, IonNote, IonSegment, IonSegmentButton, IonSpinner } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { LinkedCampaign } from '../lib/offersApi.ts';

export const campaignPeriods = [7, 30, 90] as const;
export type CampaignPeriod = (typeof campaignPeriods)[number];

interface OfferCampaignsProps {
  period: CampaignPeriod;
  /** Null while loading. */
  rows: LinkedCampaign[] | null;
  formatMoney(value: number): string;
  formatCount(value: number): string;
  onPeriod(period: CampaignPeriod): void;
}

/** TW campaigns the offer's mappings bring, with their metrics over the last days. */
export function OfferCampaigns({ period, rows, formatMoney, formatCount, onPeriod }: OfferCampaignsProps) {
  const { t } = useTranslation();
  const money = (value: number | null) => (value === null ? '—' : formatMoney(value));
  const otherCurrencies = rows?.reduce((n, r) => n + r.otherCurrencyRows, 0) ?? 0;
  return (
    <section className="offer-campaigns" data-offer-section="campaigns">
      <h3 className="offer-section-title">{t('offers.campaigns.title')}</h3>
      <IonSegment
        value={String(period)}
        aria-label={t('offers.campaigns.period')}
        onIonChange={(e) => {
          const chosen = campaignPeriods.find((p) => String(p) === e.detail.value);
          if (chosen) onPeriod(chosen);
        }}
      >
        {campaignPeriods.map((p) => (
          <IonSegmentButton key={p} value={String(p)} data-period={p}>
            <IonLabel>{t('offers.campaigns.days', { count: p })}</IonLabel>
          </IonSegmentButton>
        ))}
      </IonSegment>
      {rows === null ? (
        <div className="centered">
          <IonSpinner aria-label={t('common.wait')} />
        </div>
      ) : rows.length === 0 ? (
        <p className="hint">{t('offers.campaigns.none')}</p>
      ) : (
        <div className="offer-scroll">
          <table className="offer-metrics" data-campaigns="table">
            <thead>
              <tr>
                <th>{t('offers.campaigns.campaign')}</th>
                <th>{t('offers.campaigns.via')}</th>
                <th className="offer-number">{t('offers.campaigns.clicks')}</th>
                <th className="offer-number">{t('offers.campaigns.registrations')}</th>
                <th className="offer-number">{t('offers.campaigns.ftds')}</th>
                <th className="offer-number">{t('offers.campaigns.revenue')}</th>
                <th className="offer-number">{t('offers.campaigns.spend')}</th>
                <th className="offer-number">{t('offers.campaigns.profit')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.campaignId}|${r.twOfferId}|${r.linkTitle ?? ''}`} data-campaign={r.campaignId} data-tw-offer={r.twOfferId}>
                  <td>
                    <strong>{r.campaignName ?? r.campaignId}</strong>
                    {r.campaignName && <span className="offer-sub">{r.campaignId}</span>}
                  </td>
                  <td>{r.linkTitle ? `${r.twOfferId} · ${r.linkTitle}` : r.twOfferId}</td>
                  <td className="offer-number" data-metric="clicks">{formatCount(r.clicks)}</td>
                  <td className="offer-number" data-metric="registrations">{formatCount(r.registrations)}</td>
                  <td className="offer-number" data-metric="ftds">{formatCount(r.ftds)}</td>
                  <td className="offer-number" data-metric="revenue">{money(r.revenue)}</td>
                  <td className="offer-number" data-metric="spend">{money(r.spend)}</td>
                  <td className="offer-number" data-metric="profit">{money(r.profit)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {otherCurrencies > 0 && <IonNote>{t('offers.campaigns.otherCurrencies', { count: otherCurrencies })}</IonNote>}
      {rows?.some((r) => r.linkTitle !== null) && <IonNote className="offer-note">{t('offers.campaigns.linkNoSpend')}</IonNote>}
    </section>
  );
}
