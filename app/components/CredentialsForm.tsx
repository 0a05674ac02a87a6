import { IonButton, IonInput, IonNote, IonSpinner } from '@ionic/react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

export interface Credentials {
  email: string;
  password: string;
  displayName: string;
}

interface CredentialsFormProps {
  submitLabel: string;
  busy: boolean;
  /** Sign-up: asks for a name too and offers the browser's password generator. */
  newAccount?: boolean;
  initialEmail?: string;
  onSubmit(credentials: Credentials): void;
}

/** Email and password (and a name for a new account), submitted with the button or Enter. */
export function CredentialsForm({ submitLabel, busy, newAccount = false, initialEmail = '', onSubmit }: CredentialsFormProps) {
  const { t } = useTranslation();
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!busy) onSubmit({ email: email.trim(), password, displayName: displayName.trim() });
  };

  return (
    <form className="stack" onSubmit={submit} noValidate>
      {newAccount && (
        <IonInput
          name="displayName"
          label={t('auth.displayName')}
          labelPlacement="floating"
          fill="outline"
          autocomplete="name"
          maxlength={120}
          value={displayName}
          onIonInput={(e) => setDisplayName(e.detail.value ?? '')}
        />
      )}
      <IonInput
        name="email"
        type="email"
        label={t('auth.email')}
        labelPlacement="floating"
        fill="outline"
        autocomplete="email"
        inputmode="email"
        required
        value={email}
        onIonInput={(e) => setEmail(e.detail.value ?? '')}
      />
      <IonInput
        name="password"
        type="password"
        label={t('auth.password')}
        labelPlacement="floating"
        fill="outline"
        autocomplete={newAccount ? 'new-password' : 'current-password'}
        required
        value={password}
        onIonInput={(e) => setPassword(e.detail.value ?? '')}
      />
      {newAccount && <IonNote className="hint">{t('auth.passwordRules')}</IonNote>}
      <IonButton type="submit" expand="block" disabled={busy || email.trim() === '' || password === ''}>
        {busy ? <IonSpinner name="dots" aria-label={t('common.wait')} /> : submitLabel}
      </IonButton>
    </form>
  );
}
