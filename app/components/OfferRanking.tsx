import { IonCard, IonCardContent, IonCardHeader, IonCardTitle, IonItem, IonLabel, IonList, IonNote } from '@ionic/react';
import { useTranslation } from 'react-i18next';

export interface RankedOffer {
  /** The TW offer id; null for facts without an offer. */
  offerId: string | null;
  /** The registry offer it maps to, when one does. */
  offerName: string | null;
  profit: string;
  roi: string | null;
  tone: 'good' | 'bad' | 'neutral';
}

interface OfferRankingProps {
  title: string;
  /** `top` or `bottom`, for tests and styling. */
  kind: 'top' | 'bottom';
  offers: RankedOffer[];
}

/** The best or worst offers of the period by profit: by their registry name, else by TW offer id. */
export function OfferRanking({ title, kind, offers }: OfferRankingProps) {
  const { t } = useTranslation();
  return (
    <IonCard className="summary-card" data-ranking={kind}>
      <IonCardHeader>
        <IonCardTitle className="section-title">{title}</IonCardTitle>
      </IonCardHeader>
      <IonCardContent>
        {offers.length === 0 ? (
          <IonNote>{t('summary.noOffers')}</IonNote>
        ) : (
          <IonList lines="inset" className="compact-list">
            {offers.map((offer, i) => (
              <IonItem key={offer.offerId ?? '∅'} data-offer={offer.offerId ?? ''}>
                <span slot="start" className="rank">
                  {i + 1}
                </span>
                <IonLabel className="offer-id">
                  {offer.offerName ?? offer.offerId ?? t('summary.noOffer')}
                  {offer.offerName && <p className="offer-tw-id">{offer.offerId}</p>}
                </IonLabel>
                <div slot="end" className="offer-figures">
                  <span className={`offer-profit tone-${offer.tone}`}>{offer.profit}</span>
                  <span className="offer-roi">{offer.roi === null ? '—' : t('summary.roiShort', { roi: offer.roi })}</span>
                </div>
              </IonItem>
            ))}
          </IonList>
        )}
      </IonCardContent>
    </IonCard>
  );
}
