import { IonButton, IonCard, IonCardContent, IonCardHeader, IonCardTitle, IonIcon, IonInput } from '@ionic/react';
import { copyOutline, linkOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';

interface InvitationLinkProps {
  email: string;
  link: string;
  onCopy(link: string): void;
  onDone(): void;
}

/**
 * The link of the invitation just made, to send to the person: Auth mails no invitations,
 * so the admin passes it on (chat, email). Shown in a field too, to select by hand.
 */
export function InvitationLink({ email, link, onCopy, onDone }: InvitationLinkProps) {
  const { t } = useTranslation();
  return (
    <IonCard className="invitation-link" data-invitation-link={link}>
      <IonCardHeader>
        <IonIcon icon={linkOutline} className="card-icon" aria-hidden="true" />
        <IonCardTitle>{t('members.link.title')}</IonCardTitle>
      </IonCardHeader>
      <IonCardContent>
        <p>{t('members.link.sendTo', { email })}</p>
        <IonInput name="invitation-link" readonly value={link} fill="outline" aria-label={t('members.link.title')} onIonFocus={(e) => void e.target.getInputElement().then((input) => input.select())} />
        <div className="button-row">
          <IonButton onClick={() => onCopy(link)} data-action="copy-link">
            <IonIcon slot="start" icon={copyOutline} aria-hidden="true" />
            {t('members.link.copy')}
          </IonButton>
          <IonButton fill="outline" onClick={onDone}>
            {t('members.link.done')}
          </IonButton>
        </div>
      </IonCardContent>
    </IonCard>
  );
}
