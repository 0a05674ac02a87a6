import { IonButton, IonIcon, IonItem, IonLabel, IonList, IonListHeader, IonText } from '@ionic/react';
import { closeCircleOutline, copyOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import { formatDay } from '../lib/dates.ts';
import { isExpired, type PendingInvitation } from '../lib/members.ts';

interface InvitationListProps {
  invitations: PendingInvitation[];
  now: Date;
  disabled: boolean;
  linkOf(invitation: PendingInvitation): string;
  onCopy(link: string): void;
  onRevoke(invitation: PendingInvitation): void;
}

/** Invitations nobody has accepted yet, with their expiry (an expired one is marked). */
export function InvitationList({ invitations, now, disabled, linkOf, onCopy, onRevoke }: InvitationListProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'ru';
  return (
    <IonList inset data-list="invitations">
      <IonListHeader>
        <IonLabel>{t('members.invitations.title', { count: invitations.length })}</IonLabel>
      </IonListHeader>
      {invitations.length === 0 && (
        <IonItem lines="none">
          <IonLabel color="medium">{t('members.invitations.none')}</IonLabel>
        </IonItem>
      )}
      {invitations.map((i) => {
        const expired = isExpired(i, now);
        const day = formatDay(i.expiresAt, language);
        return (
          <IonItem key={i.id} data-invitation={i.email} data-expired={expired ? 'true' : undefined}>
            <IonLabel>
              <h2>{i.email}</h2>
              <p>{t(`roles.${i.role}`)}</p>
              <p>
                <IonText color={expired ? 'danger' : undefined}>{t(expired ? 'members.invitations.expired' : 'members.invitations.expires', { date: day })}</IonText>
              </p>
            </IonLabel>
            {!expired && (
              <IonButton slot="end" fill="clear" aria-label={t('members.invitations.copyFor', { email: i.email })} onClick={() => onCopy(linkOf(i))} data-action="copy-link">
                <IonIcon slot="icon-only" icon={copyOutline} aria-hidden="true" />
              </IonButton>
            )}
            <IonButton slot="end" fill="clear" color="danger" disabled={disabled} aria-label={t('members.invitations.revokeFor', { email: i.email })} onClick={() => onRevoke(i)} data-action="revoke">
              <IonIcon slot="icon-only" icon={closeCircleOutline} aria-hidden="true" />
            </IonButton>
          </IonItem>
        );
      })}
    </IonList>
  );
}
