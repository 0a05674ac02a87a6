import { IonItem, IonLabel, IonList, IonListHeader, IonNote } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { changeGroups, historyValue, isLive } from '../lib/offers.ts';
import type { OfferChange, OfferVersion } from '../lib/offersApi.ts';

interface OfferHistoryProps {
  /** Newest first. */
  versions: OfferVersion[];
  changes: OfferChange[];
  names: Record<string, string>;
  formatRate(rate: number, currency: string): string;
  formatMoment(iso: string): string;
  /** A logged value in words, where the page knows better than the text (a person's or program's name, a rate). */
  describe(field: string, value: string): string | null;
}

/** The offer's versions (periods of terms) and every field change, who made it and when. */
export function OfferHistory({ versions, changes, names, formatRate, formatMoment, describe }: OfferHistoryProps) {
  const { t } = useTranslation();
  const who = (id: string | null) => (id && names[id]) || t('offers.history.someone');
  const versionFrom = (id: string) => versions.find((v) => v.id === id);
  const value = (field: string, logged: string | null) => (logged !== null && describe(field, logged)) || historyValue(logged, formatMoment);
  return (
    <div data-tab-body="history">
      <IonList inset data-history="versions">
        <IonListHeader>{t('offers.history.versions', { count: versions.length })}</IonListHeader>
        {versions.map((v) => (
          <IonItem key={v.id} data-version={v.id} data-live={String(isLive(v))}>
            <IonLabel>
              <h3>
                {formatMoment(v.validFrom)} — {v.validTo ? formatMoment(v.validTo) : t('offers.openEnd')}
              </h3>
              <p>
                {formatRate(v.rate, v.currency)} · {v.geos.length ? v.geos.join(', ') : t('offers.allGeos')} · {who(v.author)}
              </p>
              {v.backdateReason && <p>{t('offers.history.reason', { reason: v.backdateReason })}</p>}
            </IonLabel>
            {isLive(v) && <IonNote slot="end">{t('offers.history.live')}</IonNote>}
          </IonItem>
        ))}
      </IonList>
      <IonList inset data-history="changes">
        <IonListHeader>{t('offers.history.changes')}</IonListHeader>
        {changeGroups(changes).map((group) => {
          const version = group.versionId ? versionFrom(group.versionId) : undefined;
          const subject = group.versionId
            ? t(group.created ? 'offers.history.versionOpened' : 'offers.history.versionChanged', { from: version ? formatMoment(version.validFrom) : '…' })
            : t(group.created ? 'offers.history.offerCreated' : 'offers.history.offerChanged');
          return (
            <IonItem key={group.key} data-change-group={group.versionId ? 'version' : 'offer'}>
              <IonLabel className="ion-text-wrap">
                <h3>{subject}</h3>
                <p>
                  {formatMoment(group.changedAt)} · {who(group.changedBy)}
                </p>
                <ul className="offer-changes">
                  {group.changes.map((c) => (
                    <li key={c.id} data-field={c.field}>
                      <span className="offer-change-field">{t(`offers.history.field.${c.field}`, { defaultValue: c.field })}:</span>{' '}
                      {group.created ? value(c.field, c.newValue) : `${value(c.field, c.oldValue)} → ${value(c.field, c.newValue)}`}
                    </li>
                  ))}
                </ul>
              </IonLabel>
            </IonItem>
          );
        })}
        {changes.length === 0 && (
          <IonItem lines="none">
            <IonLabel color="medium">{t('offers.history.none')}</IonLabel>
          </IonItem>
        )}
      </IonList>
    </div>
  );
}
