import { create } from 'zustand';
import { api } from '../lib/backend.ts';
import type { Membership } from '../lib/dataApi.ts';
import { reportError } from './notices.ts';

type LoadStatus = 'idle' | 'loading' | 'ready' | 'failed';

interface WorkspaceState {
  memberships: Membership[];
  currentId: string | null;
  status: LoadStatus;
  load(userId: string): Promise<void>;
  choose(userId: string, workspaceId: string): void;
  clear(): void;
}

/** The workspace last shown on this device, per person. */
const rememberedKey = (userId: string) => `arbidesk.workspace.${userId}`;

/** Which workspace the app showed this person last on this device, known before their workspaces load. */
export function rememberedWorkspaceId(userId: string): string | null {
  return localStorage.getItem(rememberedKey(userId));
}

function pickCurrent(userId: string, memberships: Membership[], preferred: string | null): string | null {
  const remembered = preferred ?? rememberedWorkspaceId(userId);
  return memberships.find((m) => m.workspaceId === remembered)?.workspaceId ?? memberships[0]?.workspaceId ?? null;
}

/** The workspaces the signed-in person belongs to and the one the app shows. */
export const useWorkspace = create<WorkspaceState>()((set, get) => ({
  memberships: [],
  currentId: null,
  status: 'idle',
  load: async (userId) => {
    set({ status: 'loading' });
    try {
      const memberships = await api().listMemberships(userId);
      const currentId = pickCurrent(userId, memberships, get().currentId);
      // Kept even when picked for want of a choice, so that the next start knows it before this list answers.
      if (currentId) localStorage.setItem(rememberedKey(userId), currentId);
      set({ memberships, currentId, status: 'ready' });
    } catch (error) {
      set({ status: 'failed' });
      reportError(error);
    }
  },
  choose: (userId, workspaceId) => {
    localStorage.setItem(rememberedKey(userId), workspaceId);
    set({ currentId: workspaceId });
  },
  clear: () => set({ memberships: [], currentId: null, status: 'idle' }),
}));

export const selectMemberships = (s: WorkspaceState) => s.memberships;
export const selectWorkspaceStatus = (s: WorkspaceState) => s.status;
export const selectCurrentWorkspace = (s: WorkspaceState) => s.memberships.find((m) => m.workspaceId === s.currentId);
