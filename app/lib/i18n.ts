import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from './dataApi.ts';
import { resources } from '../i18n/resources.ts';

/** Russian for a browser that prefers Russian, English for every other. */
export function browserLanguage(preferred: readonly string[] = navigator.languages ?? [navigator.language]): Locale {
  return preferred[0]?.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export function initI18n(language: Locale): void {
  void i18next.use(initReactI18next).init({
    resources: { ru: { translation: resources.ru }, en: { translation: resources.en } },
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = language;
}

export function applyLanguage(language: Locale): void {
  if (i18next.language !== language) void i18next.changeLanguage(language);
  document.documentElement.lang = language;
}
