import { IonButton, IonIcon, IonInput, IonList, IonListHeader, IonLabel, IonNote, IonSelect, IonSelectOption, IonSpinner } from '@ionic/react';
import { mailOutline } from 'ionicons/icons';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { memberRoles, type MemberRole } from '../lib/dataApi.ts';
import type { InviteeProblem } from '../lib/members.ts';

interface InvitationFormProps {
  busy: boolean;
  /** Why the address cannot be invited, or null when it can. */
  check(email: string): InviteeProblem | null;
  /** Answers whether the invitation was made, so the form can empty itself. */
  onInvite(email: string, role: MemberRole): Promise<boolean>;
}

/** An admin invites someone by email with a role; the link to send appears once it is made. */
export function InvitationForm({ busy, check, onInvite }: InvitationFormProps) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<MemberRole>('media_buyer');
  const [problem, setProblem] = useState<InviteeProblem | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const found = check(email);
    setProblem(found);
    if (!found && (await onInvite(email.trim(), role))) setEmail('');
  };

  return (
    <IonList inset data-form="invite">
      <IonListHeader>
        <IonLabel>{t('members.invite.title')}</IonLabel>
      </IonListHeader>
      <form className="stack list-block" onSubmit={(e) => void submit(e)} noValidate>
        <IonInput
          name="email"
          type="email"
          label={t('auth.email')}
          labelPlacement="floating"
          fill="outline"
          autocomplete="off"
          inputmode="email"
          value={email}
          errorText={problem ? t(`members.invite.${problem}`) : undefined}
          className={problem ? 'ion-touched ion-invalid' : undefined}
          onIonInput={(e) => {
            setEmail(e.detail.value ?? '');
            setProblem(null);
          }}
        />
        <IonSelect
          name="role"
          label={t('members.role')}
          labelPlacement="floating"
          fill="outline"
          interface="popover"
          value={role}
          onIonChange={(e) => setRole(memberRoles.find((r) => r === e.detail.value) ?? 'media_buyer')}
          data-field="role"
        >
          {memberRoles.map((r) => (
            <IonSelectOption key={r} value={r}>
              {t(`roles.${r}`)}
            </IonSelectOption>
          ))}
        </IonSelect>
        <IonNote className="hint">{t('members.invite.help')}</IonNote>
        <IonButton type="submit" expand="block" disabled={busy || email.trim() === ''}>
          {busy ? (
            <IonSpinner name="dots" aria-label={t('common.wait')} />
          ) : (
            <>
              <IonIcon slot="start" icon={mailOutline} aria-hidden="true" />
              {t('members.invite.submit')}
            </>
          )}
        </IonButton>
      </form>
    </IonList>
  );
}
