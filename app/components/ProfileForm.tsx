import { IonButton, IonInput, IonItem, IonList, IonSpinner } from '@ionic/react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale, Profile, ProfileChanges } from '../lib/dataApi.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { TimeZonePicker } from './TimeZonePicker.tsx';

interface ProfileFormProps {
  profile: Profile;
  email: string;
  saving: boolean;
  onSave(changes: ProfileChanges): void;
}

/** The person's name, language and time zone, saved together (Telegram is linked through the bot: TelegramLink). */
export function ProfileForm({ profile, email, saving, onSave }: ProfileFormProps) {
  const { t } = useTranslation();
  const [displayName, setDisplayName] = useState(profile.displayName);
  const [locale, setLocale] = useState<Locale>(profile.locale);
  const [timeZone, setTimeZone] = useState(profile.timeZone);
  const changed = displayName.trim() !== profile.displayName || locale !== profile.locale || timeZone !== profile.timeZone;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (saving || !changed) return;
    onSave({ displayName: displayName.trim(), locale, timeZone });
  };

  return (
    <form onSubmit={submit} noValidate>
      <IonList inset>
        <IonItem>
          <IonInput name="displayName" label={t('profile.displayName')} labelPlacement="stacked" maxlength={120} value={displayName} onIonInput={(e) => setDisplayName(e.detail.value ?? '')} />
        </IonItem>
        <IonItem>
          <IonInput name="email" label={t('auth.email')} labelPlacement="stacked" value={email} readonly />
        </IonItem>
        <IonItem>
          <div className="item-block">
            <span className="field-label">{t('profile.language')}</span>
            <LanguageSwitch value={locale} onChange={setLocale} />
          </div>
        </IonItem>
        <TimeZonePicker value={timeZone} onChange={setTimeZone} />
      </IonList>
      <div className="ion-padding-horizontal">
        <IonButton type="submit" expand="block" disabled={saving || !changed}>
          {saving ? <IonSpinner name="dots" aria-label={t('common.wait')} /> : t('profile.save')}
        </IonButton>
      </div>
    </form>
  );
}
