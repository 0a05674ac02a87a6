import { IonContent, IonPage } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../components/PageHeader.tsx';

/** One offer: parameters, history, linked campaigns, caps, KPI. (Being built.) */
export default function OfferPage() {
  const { t } = useTranslation();
  return (
    <IonPage data-page="offer">
      <PageHeader title={t('offers.nav')} />
      <IonContent />
    </IonPage>
  );
}
