import { IonLabel, IonSegment, IonSegmentButton } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { locales, type Locale } from '../lib/dataApi.ts';

interface LanguageSwitchProps {
  value: Locale;
  onChange(language: Locale): void;
}

/** Русский | English, each written in its own language so anyone can find theirs. */
export function LanguageSwitch({ value, onChange }: LanguageSwitchProps) {
  const { t } = useTranslation();
  return (
    <IonSegment value={value} aria-label={t('settings.language')} onIonChange={(e) => onChange(e.detail.value === 'en' ? 'en' : 'ru')}>
      {locales.map((l) => (
        <IonSegmentButton key={l} value={l} lang={l}>
          <IonLabel>{t(`languages.${l}`)}</IonLabel>
        </IonSegmentButton>
      ))}
    </IonSegment>
  );
}
