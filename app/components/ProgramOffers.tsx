import { IonItem, IonLabel, IonList, IonNote } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { ProgramOffer } from '../lib/programs.ts';

/** The program's active offers, each opening its offer card. */
export function ProgramOffers({ offers }: { offers: ProgramOffer[] }) {
  const { t } = useTranslation();
  if (offers.length === 0) return <IonNote className="hint">{t('programs.offers.none')}</IonNote>;
  return (
    <IonList data-program="offers" lines="full">
      {offers.map((offer) => (
        <IonItem key={offer.id} routerLink={`/app/offers/${offer.id}`} detail data-offer={offer.id} data-code={offer.code}>
          <IonLabel>
            <h3>{offer.code}</h3>
            <p>{offer.product ? `${offer.name} · ${offer.product}` : offer.name}</p>
          </IonLabel>
        </IonItem>
      ))}
    </IonList>
  );
}
