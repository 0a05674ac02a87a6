import { create } from 'zustand';
import { importsApi } from '../lib/importsApi.ts';
import { reportError, reportSuccess } from './notices.ts';

interface RetentionState {
  /** Days each workspace keeps its imported originals (null: for ever), once read. */
  days: Record<string, number | null>;
  saving: boolean;
  load(workspaceId: string): Promise<void>;
  /** Saves a new retention (admins only); answers whether it was saved. */
  change(workspaceId: string, days: number | null): Promise<boolean>;
}

/** The workspace setting of how long originals of finished loads are kept. */
export const useRetention = create<RetentionState>()((set, get) => ({
  days: {},
  saving: false,
  load: async (workspaceId) => {
    try {
      const days = await importsApi().importRetention(workspaceId);
      set({ days: { ...get().days, [workspaceId]: days } });
    } catch (error) {
      reportError(error);
    }
  },
  change: async (workspaceId, days) => {
    set({ saving: true });
    try {
      const saved = await importsApi().setImportRetention(workspaceId, days);
      set({ days: { ...get().days, [workspaceId]: saved } });
      reportSuccess('retention.saved');
      return true;
    } catch (error) {
      reportError(error);
      return false;
    } finally {
      set({ saving: false });
    }
  },
}));

/** The retention of a workspace: a number of days, null for ever, undefined while unknown. */
export const selectRetentionOf = (workspaceId: string | undefined) => (s: RetentionState) => (workspaceId === undefined ? undefined : s.days[workspaceId]);
