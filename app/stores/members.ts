import { create } from 'zustand';
import { backendClient } from '../lib/backend.ts';
import type { MemberRole } from '../lib/dataApi.ts';
import { RequestError } from '../lib/errors.ts';
import { createMembersApi, isExpired, type MembersApi, type PendingInvitation, type WorkspaceMember } from '../lib/members.ts';
import { reportError, reportSuccess, useNotices } from './notices.ts';

interface MembersState {
  /** The workspace the lists belong to. */
  workspaceId: string | null;
  members: WorkspaceMember[];
  /** Open invitations; only admins can read them, so empty for everyone else. */
  invitations: PendingInvitation[];
  /** Whether the lists were loaded for an admin (with the invitations). */
  adminView: boolean;
  status: 'idle' | 'loading' | 'ready' | 'failed';
  /**
   * Counts loads, so pickers remount with what the database holds: after a refused role
   * change the role is the same string as before and would not reset a picker on its own.
   */
  revision: number;
  /** A change is on its way: the controls wait for it. */
  saving: boolean;
  load(workspaceId: string, isAdmin: boolean): Promise<void>;
  /** Each change answers whether it worked; a failure has been reported by then. */
  changeRole(userId: string, role: MemberRole): Promise<boolean>;
  /** `leaving`: the person removes themselves, after which the lists are no longer theirs to read. */
  remove(userId: string, leaving?: boolean): Promise<boolean>;
  /** Invites an address; an expired invitation to it is revoked first. Answers the new invitation. */
  invite(email: string, role: MemberRole): Promise<PendingInvitation | null>;
  revoke(invitationId: string): Promise<boolean>;
}

let membersApi: MembersApi | undefined;
const remote = () => (membersApi ??= createMembersApi(backendClient()));

/** The current workspace's people and open invitations, and the admin's changes to them. */
export const useMembers = create<MembersState>()((set, get) => {
  /**
   * Runs one change, then re-reads the lists so they show what the database now holds; not
   * after the person left the workspace, whose lists are no longer theirs to read.
   */
  async function change(step: (api: MembersApi, workspaceId: string) => Promise<void>, success: string, options: { values?: Record<string, string>; leaving?: boolean } = {}): Promise<boolean> {
    const workspaceId = get().workspaceId;
    if (!workspaceId) return false;
    set({ saving: true });
    let changed = false;
    try {
      await step(remote(), workspaceId);
      changed = true;
      reportSuccess(success, options.values);
    } catch (error) {
      // Two admins inviting one address at once: the open-invitation index refuses the second.
      if (error instanceof RequestError && error.code === '23505') useNotices.getState().push({ key: 'members.invite.alreadyInvited' }, 'error');
      else reportError(error);
    }
    set({ saving: false });
    if (!(changed && options.leaving)) await get().load(workspaceId, get().adminView);
    return changed;
  }

  return {
    workspaceId: null,
    members: [],
    invitations: [],
    adminView: false,
    status: 'idle',
    revision: 0,
    saving: false,
    load: async (workspaceId, isAdmin) => {
      const other = get().workspaceId !== workspaceId;
      set(other ? { workspaceId, members: [], invitations: [], adminView: isAdmin, status: 'loading' } : { adminView: isAdmin, status: get().status === 'ready' ? 'ready' : 'loading' });
      try {
        const [members, invitations] = await Promise.all([remote().listMembers(workspaceId), isAdmin ? remote().listInvitations(workspaceId) : Promise.resolve([])]);
        if (get().workspaceId === workspaceId) set({ members, invitations, status: 'ready', revision: get().revision + 1 });
      } catch (error) {
        if (get().workspaceId === workspaceId) set({ status: 'failed' });
        reportError(error);
      }
    },
    changeRole: (userId, role) => change((api, ws) => api.changeRole(ws, userId, role), 'members.roleChanged'),
    remove: (userId, leaving = false) => change((api, ws) => api.removeMember(ws, userId), 'members.removed', { leaving }),
    invite: async (email, role) => {
      let created: PendingInvitation | null = null;
      const address = email.trim().toLowerCase();
      const stale = get().invitations.find((i) => i.email.toLowerCase() === address && isExpired(i, new Date()));
      await change(
        async (api, ws) => {
          if (stale) await api.revokeInvitation(stale.id);
          created = await api.invite(ws, email, role);
        },
        'members.invite.created',
        { values: { email: email.trim() } },
      );
      return created;
    },
    revoke: (invitationId) => change((api) => api.revokeInvitation(invitationId), 'members.invitations.revoked'),
  };
});

export const selectMembers = (s: MembersState) => s.members;
export const selectInvitations = (s: MembersState) => s.invitations;
export const selectMembersStatus = (s: MembersState) => s.status;
export const selectMembersSaving = (s: MembersState) => s.saving;
