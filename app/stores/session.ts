import { create } from 'zustand';
import { api } from '../lib/backend.ts';
import type { SessionUser } from '../lib/dataApi.ts';
import { reportError, useNotices } from './notices.ts';

export type SessionStatus = 'loading' | 'signedOut' | 'signedIn';

interface SessionState {
  status: SessionStatus;
  user: SessionUser | null;
  /** Signed in through a password-recovery link: the next step is a new password. */
  recovering: boolean;
  setUser(user: SessionUser | null, recovering?: boolean): void;
}

/** Who is signed in, kept in step with supabase-js by main.tsx. */
export const useSession = create<SessionState>()((set) => ({
  status: 'loading',
  user: null,
  recovering: false,
  setUser: (user, recovering) =>
    set((state) => {
      // "Wrong email or password" from an earlier try must not stay over the summary once a try worked.
      if (user && state.status !== 'signedIn') useNotices.getState().clearErrors();
      return {
        status: user ? 'signedIn' : 'signedOut',
        user,
        recovering: user ? (recovering ?? state.recovering) : false,
      };
    }),
}));

export const selectUser = (s: SessionState) => s.user;
export const selectStatus = (s: SessionState) => s.status;
export const selectRecovering = (s: SessionState) => s.recovering;

/** Ends the session on this device; the session listener then clears the stores and the shell returns to sign-in. */
export async function signOut(): Promise<void> {
  try {
    await api().signOut();
  } catch (error) {
    reportError(error);
  }
}
