import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from './dataApi.ts';
import en from '../i18n/en.json';
import ru from '../i18n/ru.json';

/** Russian for a browser that prefers Russian, English for every other. */
export function browserLanguage(preferred: readonly string[] = navigator.languages ?? [navigator.language]): Locale {
  return preferred[0]?.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export function initI18n(language: Locale): void {
  void i18next.use(initReactI18next).init({
    resources: { ru: { translation: ru }, en: { translation: en } },
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
