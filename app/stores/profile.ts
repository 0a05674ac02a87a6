import { create } from 'zustand';
import { api } from '../lib/backend.ts';
import type { Profile, ProfileChanges } from '../lib/dataApi.ts';
import { reportError } from './notices.ts';
import { usePreferences } from './preferences.ts';

interface ProfileState {
  profile: Profile | null;
  status: 'idle' | 'loading' | 'ready' | 'failed';
  saving: boolean;
  load(userId: string): Promise<Profile | null>;
  /** Saves and answers whether it worked; a failure has been reported by then. */
  save(userId: string, changes: Partial<ProfileChanges>): Promise<boolean>;
  clear(): void;
}

/** The signed-in person's row of `profiles`. */
export const useProfile = create<ProfileState>()((set) => ({
  profile: null,
  status: 'idle',
  saving: false,
  load: async (userId) => {
    set({ status: 'loading' });
    try {
      const profile = await api().loadProfile(userId);
      set({ profile, status: 'ready' });
      if (profile.localeChosen) usePreferences.getState().adoptProfileLanguage(profile.locale);
      return profile;
    } catch (error) {
      set({ status: 'failed' });
      reportError(error);
      return null;
    }
  },
  save: async (userId, changes) => {
    set({ saving: true });
    try {
      const profile = await api().saveProfile(userId, changes);
      set({ profile, saving: false });
      return true;
    } catch (error) {
      set({ saving: false });
      reportError(error);
      return false;
    }
  },
  clear: () => set({ profile: null, status: 'idle', saving: false }),
}));

export const selectProfile = (s: ProfileState) => s.profile;
export const selectProfileStatus = (s: ProfileState) => s.status;
export const selectProfileSaving = (s: ProfileState) => s.saving;
