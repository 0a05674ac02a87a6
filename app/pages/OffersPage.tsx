import { IonContent, IonPage } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../components/PageHeader.tsx';

/** The offers registry (list, filters, bulk status, export). (Being built.) */
export default function OffersPage() {
  const { t } = useTranslation();
  return (
    <IonPage data-page="offers">
      <PageHeader title={t('offers.nav')} />
      <IonContent />
    </IonPage>
  );
}
