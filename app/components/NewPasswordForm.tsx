import { IonButton, IonInput, IonNote, IonSpinner } from '@ionic/react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

interface NewPasswordFormProps {
  busy: boolean;
  /** Shown when the password is to be set with an emailed code rather than a link. */
  withCode?: { initialEmail: string };
  onSubmit(values: { password: string; email: string; code: string }): void;
}

/** A new password typed twice; with `withCode`, also the email and the code from the recovery email. */
export function NewPasswordForm({ busy, withCode, onSubmit }: NewPasswordFormProps) {
  const { t } = useTranslation();
  const [email, setEmail] = useState(withCode?.initialEmail ?? '');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const mismatch = repeated !== '' && repeated !== password;
  const missingCode = withCode !== undefined && (email.trim() === '' || code.trim() === '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!busy && !mismatch && !missingCode && password !== '') onSubmit({ password, email: email.trim(), code: code.trim() });
  };

  return (
    <form className="stack" onSubmit={submit} noValidate>
      {withCode && (
        <>
          <IonInput name="email" type="email" label={t('auth.email')} labelPlacement="floating" fill="outline" autocomplete="email" value={email} onIonInput={(e) => setEmail(e.detail.value ?? '')} />
          <IonInput
            name="code"
            label={t('reset.code')}
            labelPlacement="floating"
            fill="outline"
            inputmode="numeric"
            autocomplete="one-time-code"
            maxlength={10}
            value={code}
            onIonInput={(e) => setCode(e.detail.value ?? '')}
          />
        </>
      )}
      <IonInput name="newPassword" type="password" label={t('reset.newPassword')} labelPlacement="floating" fill="outline" autocomplete="new-password" value={password} onIonInput={(e) => setPassword(e.detail.value ?? '')} />
      <IonInput
        name="repeatPassword"
        type="password"
        label={t('reset.repeatPassword')}
        labelPlacement="floating"
        fill="outline"
        autocomplete="new-password"
        value={repeated}
        errorText={t('reset.mismatch')}
        className={mismatch ? 'ion-invalid ion-touched' : ''}
        onIonInput={(e) => setRepeated(e.detail.value ?? '')}
      />
      <IonNote className="hint">{t('auth.passwordRules')}</IonNote>
      <IonButton type="submit" expand="block" disabled={busy || password === '' || repeated !== password || missingCode}>
        {busy ? <IonSpinner name="dots" aria-label={t('common.wait')} /> : t('reset.save')}
      </IonButton>
    </form>
  );
}
