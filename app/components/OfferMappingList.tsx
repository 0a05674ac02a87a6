import { IonButton, IonItem, IonLabel, IonList, IonListHeader, IonNote, IonSpinner } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { MappingSuggestion, OfferMapping } from '../lib/offersApi.ts';

interface OfferMappingListProps {
  /** Null while loading. */
  mappings: OfferMapping[] | null;
  suggestions: MappingSuggestion[] | null;
  canWrite: boolean;
  busy: boolean;
  formatMoney(value: number): string;
  formatCount(value: number): string;
  onMap(suggestion: MappingSuggestion): void;
  onUnmap(mapping: OfferMapping): void;
}

const what = (m: { twOfferId: string; linkTitle: string | null }) => (m.linkTitle ? `${m.twOfferId} · ${m.linkTitle}` : m.twOfferId);

/** Which TW offers and links are this offer, and the unmapped ones most like it, mapped with one tap. */
export function OfferMappingList({ mappings, suggestions, canWrite, busy, formatMoney, formatCount, onMap, onUnmap }: OfferMappingListProps) {
  const { t } = useTranslation();
  if (mappings === null || suggestions === null)
    return (
      <div className="centered">
        <IonSpinner aria-label={t('common.wait')} />
      </div>
    );
  const active = mappings.filter((m) => m.isActive);
  return (
    <>
      <IonList inset data-mapping="current">
        <IonListHeader>{t('offers.mapping.current')}</IonListHeader>
        {active.map((m) => (
          <IonItem key={m.id} data-mapping-id={m.id} data-tw-offer={m.twOfferId}>
            <IonLabel className="ion-text-wrap">
              <h3>{what(m)}</h3>
              <p>{m.linkTitle ? t('offers.mapping.oneLink') : t('offers.mapping.allLinks')}</p>
            </IonLabel>
            {canWrite && (
              <IonButton slot="end" size="small" fill="outline" color="medium" disabled={busy} data-action="unmap" onClick={() => onUnmap(m)}>
                {t('offers.mapping.unmap')}
              </IonButton>
            )}
          </IonItem>
        ))}
        {active.length === 0 && (
          <IonItem lines="none">
            <IonLabel color="medium">{t('offers.mapping.noneYet')}</IonLabel>
          </IonItem>
        )}
      </IonList>
      <IonList inset data-mapping="suggestions">
        <IonListHeader>{t('offers.mapping.suggestions')}</IonListHeader>
        {suggestions.map((s) => (
          <IonItem key={`${s.twOfferId}|${s.linkTitle ?? ''}`} data-suggestion={s.twOfferId} data-link-title={s.linkTitle ?? ''}>
            <IonLabel className="ion-text-wrap">
              <h3>{what(s)}</h3>
              <p>{t('offers.mapping.facts', { events: formatCount(s.events), revenue: formatMoney(s.revenue), similarity: Math.round(s.similarity * 100) })}</p>
            </IonLabel>
            {canWrite ? (
              <IonButton slot="end" size="small" disabled={busy} data-action="map" onClick={() => onMap(s)}>
                {t('offers.mapping.map')}
              </IonButton>
            ) : (
              <IonNote slot="end">{Math.round(s.similarity * 100)}%</IonNote>
            )}
          </IonItem>
        ))}
        {suggestions.length === 0 && (
          <IonItem lines="none">
            <IonLabel color="medium">{t('offers.mapping.noSuggestions')}</IonLabel>
          </IonItem>
        )}
      </IonList>
    </>
  );
}
