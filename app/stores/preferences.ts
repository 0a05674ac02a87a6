import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { Locale } from '../lib/dataApi.ts';
import { browserLanguage } from '../lib/i18n.ts';
import type { Theme } from '../lib/theme.ts';

interface PreferencesState {
  /** The interface language of this device: the browser's until the person picks one. */
  language: Locale;
  theme: Theme;
  chooseLanguage(language: Locale): void;
  chooseTheme(theme: Theme): void;
}

/** This device's choices, kept in localStorage. */
export const usePreferences = create<PreferencesState>()(
  persist(
    (set) => ({
      language: browserLanguage(),
      theme: 'system',
      chooseLanguage: (language) => set({ language }),
      chooseTheme: (theme) => set({ theme }),
    }),
    { name: 'arbidesk.preferences', partialize: ({ language, theme }) => ({ language, theme }) },
  ),
);

export const selectLanguage = (s: PreferencesState) => s.language;
export const selectTheme = (s: PreferencesState) => s.theme;
