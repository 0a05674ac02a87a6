import { IonContent, IonPage } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../components/PageHeader.tsx';

/** One affiliate program: terms, contacts, contact log, offers, payout calendar. (Being built.) */
export default function ProgramPage() {
  const { t } = useTranslation();
  return (
    <IonPage data-page="program">
      <PageHeader title={t('programs.nav')} />
      <IonContent />
    </IonPage>
  );
}
