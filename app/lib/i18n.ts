import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from './dataApi.ts';
import { loadResources } from '../i18n/resources.ts';

/** Russian for a browser that prefers Russian, English for every other. */
export function browserLanguage(preferred: readonly string[] = navigator.languages ?? [navigator.language]): Locale {
  return preferred[0]?.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

/** Starts i18next with the texts of one language; the other is fetched if the person switches. */
export async function initI18n(language: Locale): Promise<void> {
  const translation = await loadResources(language);
  await i18next.use(initReactI18next).init({
    resources: { [language]: { translation } },
    lng: language,
    // Both languages have every key (tests/unit/app.i18n.test.ts), so nothing to fall back to.
    fallbackLng: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = language;
}

export async function applyLanguage(language: Locale): Promise<void> {
  if (!i18next.hasResourceBundle(language, 'translation')) i18next.addResourceBundle(language, 'translation', await loadResources(language));
  if (i18next.language !== language) await i18next.changeLanguage(language);
  document.documentElement.lang = language;
}
