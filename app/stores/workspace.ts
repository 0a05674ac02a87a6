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

/** The workspace last chosen on this device, per person. */
const rememberedKey = (userId: string) => `arbidesk.workspace.${userId}`;

function pickCurrent(userId: string, memberships: Membership[], preferred: string | null): string | null {
  const remembered = preferred ?? localStorage.getItem(rememberedKey(userId));
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
      set({ memberships, currentId: pickCurrent(userId, memberships, get().currentId), status: 'ready' });
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
