import { IonButton, IonCard, IonCardContent, IonCardHeader, IonCardTitle, IonIcon } from '@ionic/react';
import { alertCircleOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import { formatDay } from '../lib/dates.ts';
import type { UserMessage } from '../lib/errors.ts';

interface InvitationOutcomeProps {
  problem: UserMessage;
  /** The address the person is signed in with, when they are. */
  signedInAs: string | null;
  onUseAnotherAccount(): void;
  onContinue(): void;
}

/** Why an invitation could not be accepted, and the ways on from there. */
export function InvitationOutcome({ problem, signedInAs, onUseAnotherAccount, onContinue }: InvitationOutcomeProps) {
  const { t, i18n } = useTranslation();
  const date = problem.values?.date;
  const values = typeof date === 'string' ? { ...problem.values, date: formatDay(date, i18n.language === 'en' ? 'en' : 'ru') } : problem.values;
  return (
    <IonCard color="warning" className="invitation-problem" role="alert">
      <IonCardHeader>
        <IonIcon icon={alertCircleOutline} className="card-icon" aria-hidden="true" />
        <IonCardTitle>{t(problem.key, values)}</IonCardTitle>
      </IonCardHeader>
      <IonCardContent>
        <p>{t(problem.key === 'invitation.wrongEmail' ? 'invitation.wrongEmailHelp' : 'invitation.askAgain', { email: signedInAs ?? '' })}</p>
        <div className="button-row">
          {signedInAs && (
            <IonButton fill="outline" onClick={onUseAnotherAccount}>
              {t('invitation.useAnotherAccount')}
            </IonButton>
          )}
          {signedInAs && <IonButton onClick={onContinue}>{t('invitation.continue')}</IonButton>}
        </div>
      </IonCardContent>
    </IonCard>
  );
}
