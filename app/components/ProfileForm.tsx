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

const telegramIdPattern = /^\d{1,19}$/;

/** The person's name, language, time zone and Telegram id, saved together. */
export function ProfileForm({ profile, email, saving, onSave }: ProfileFormProps) {
  const { t } = useTranslation();
  const [displayName, setDisplayName] = useState(profile.displayName);
  const [locale, setLocale] = useState<Locale>(profile.locale);
  const [timeZone, setTimeZone] = useState(profile.timeZone);
  const [telegramId, setTelegramId] = useState(profile.telegramId ?? '');
  const telegramInvalid = telegramId.trim() !== '' && !telegramIdPattern.test(telegramId.trim());
  const changed =
    displayName.trim() !== profile.displayName || locale !== profile.locale || timeZone !== profile.timeZone || telegramId.trim() !== (profile.telegramId ?? '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (saving || telegramInvalid || !changed) return;
    onSave({ displayName: displayName.trim(), locale, timeZone, telegramId: telegramId.trim() === '' ? null : telegramId.trim() });
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
        <IonItem>
          <IonInput
            name="telegramId"
            label={t('profile.telegramId')}
            labelPlacement="stacked"
            inputmode="numeric"
            placeholder={t('profile.telegramIdPlaceholder')}
            helperText={t('profile.telegramIdHelp')}
            errorText={t('profile.telegramIdInvalid')}
            className={telegramInvalid ? 'ion-invalid ion-touched' : ''}
            value={telegramId}
            onIonInput={(e) => setTelegramId(e.detail.value ?? '')}
          />
        </IonItem>
      </IonList>
      <div className="ion-padding-horizontal">
        <IonButton type="submit" expand="block" disabled={saving || telegramInvalid || !changed}>
          {saving ? <IonSpinner name="dots" aria-label={t('common.wait')} /> : t('profile.save')}
        </IonButton>
      </div>
    </form>
  );
}
