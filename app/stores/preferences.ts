import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { Locale } from '../lib/dataApi.ts';
import { browserLanguage } from '../lib/i18n.ts';
import type { Theme } from '../lib/theme.ts';

interface PreferencesState {
  /** The interface language of this device: the browser's, or the signed-in person's profile's, until someone picks one here. */
  language: Locale;
  /** Someone picked the language on this device: the profile's no longer overrides it. */
  languageChosen: boolean;
  theme: Theme;
  chooseLanguage(language: Locale): void;
  /** The profile's language, on a device where nobody has picked one (a new phone of a Russian-speaking buyer). */
  adoptProfileLanguage(language: Locale): void;
  chooseTheme(theme: Theme): void;
}

/** This device's choices, kept in localStorage. */
export const usePreferences = create<PreferencesState>()(
  persist(
    (set, get) => ({
      language: browserLanguage(),
      languageChosen: false,
      theme: 'system',
      chooseLanguage: (language) => set({ language, languageChosen: true }),
      adoptProfileLanguage: (language) => {
        if (!get().languageChosen) set({ language });
      },
      chooseTheme: (theme) => set({ theme }),
    }),
    { name: 'arbidesk.preferences', partialize: ({ language, languageChosen, theme }) => ({ language, languageChosen, theme }) },
  ),
);

export const selectLanguage = (s: PreferencesState) => s.language;
export const selectTheme = (s: PreferencesState) => s.theme;
