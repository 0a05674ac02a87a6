import { IonContent, IonPage } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../components/PageHeader.tsx';

/** The workspace's people: members, roles and invitations (admins manage them). (Being built.) */
export default function MembersPage() {
  const { t } = useTranslation();
  return (
    <IonPage data-page="members">
      <PageHeader title={t('members.nav')} />
      <IonContent />
    </IonPage>
  );
}
