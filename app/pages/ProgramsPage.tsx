import { IonContent, IonPage } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../components/PageHeader.tsx';

/** Affiliate programs. (Being built.) */
export default function ProgramsPage() {
  const { t } = useTranslation();
  return (
    <IonPage data-page="programs">
      <PageHeader title={t('programs.nav')} />
      <IonContent />
    </IonPage>
  );
}
