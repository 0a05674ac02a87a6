import type { SupabaseClient } from '@supabase/supabase-js';
import { dataOf, memberRoles, type MemberRole } from './dataApi.ts';
import { RequestError } from './errors.ts';
import { array, object, oneOf, readAs, text, uuid } from './guards.ts';

/** A person in the workspace, as list_workspace_members() shows them to every member. */
export interface WorkspaceMember {
  userId: string;
  email: string;
  /** Empty when the person has not named themselves. */
  displayName: string;
  role: MemberRole;
  joinedAt: string;
}

/** An invitation nobody has accepted or revoked yet (it may have expired). */
export interface PendingInvitation {
  id: string;
  email: string;
  role: MemberRole;
  /** The secret of the /invite/<token> link. */
  token: string;
  createdAt: string;
  expiresAt: string;
}

/** Why an address cannot be invited, as an i18n key under `members.invite.`. */
export type InviteeProblem = 'invalidEmail' | 'alreadyMember' | 'alreadyInvited';

const readMember = object({ user_id: uuid, email: text, display_name: text, role: oneOf(memberRoles), joined_at: text });
const readInvitation = object({ id: uuid, email: text, role: oneOf(memberRoles), token: uuid, created_at: text, expires_at: text });
const invitationColumns = 'id, email, role, token, created_at, expires_at';

function toInvitation(row: unknown): PendingInvitation {
  const i = readAs(readInvitation, row, 'invitation');
  return { id: i.id, email: i.email, role: i.role, token: i.token, createdAt: i.created_at, expiresAt: i.expires_at };
}

// The database's own check (workspace_invitations.email) is looser; this one catches typos.
const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** The link an invitee opens: the app's /invite/<token> page. */
export function invitationLink(appOrigin: string, token: string): string {
  return `${appOrigin}/invite/${token}`;
}

export function isExpired(invitation: PendingInvitation, now: Date): boolean {
  return new Date(invitation.expiresAt).getTime() < now.getTime();
}

/**
 * Checks an address before inviting it: a typo, a current member, or someone with a live
 * invitation already (an expired one is replaced instead).
 */
export function inviteeProblem(email: string, members: WorkspaceMember[], invitations: PendingInvitation[], now: Date): InviteeProblem | null {
  const address = email.trim().toLowerCase();
  if (!emailPattern.test(address)) return 'invalidEmail';
  if (members.some((m) => m.email.toLowerCase() === address)) return 'alreadyMember';
  if (invitations.some((i) => i.email.toLowerCase() === address && !isExpired(i, now))) return 'alreadyInvited';
  return null;
}

/** A change the policies filtered out touches no row and returns no error: that is a refusal too. */
function refusedUnlessChanged(rows: unknown[] | null, what: string): void {
  if (!rows?.length) throw new RequestError(403, '42501', `Only the workspace's admins can ${what}`);
}

/**
 * Members and invitations of a workspace over supabase-js. Everyone in the workspace lists
 * the members (an RPC, since emails live in auth.users); admins, and only admins by the
 * policies on workspace_members and workspace_invitations, change them.
 */
export function createMembersApi(client: SupabaseClient) {
  return {
    async listMembers(workspaceId: string): Promise<WorkspaceMember[]> {
      const rows = dataOf(await client.rpc('list_workspace_members', { workspace: workspaceId }, { get: true }).retry(false));
      return readAs(array(readMember), rows, 'members').map((m) => ({ userId: m.user_id, email: m.email, displayName: m.display_name, role: m.role, joinedAt: m.joined_at }));
    },

    /** Open invitations, newest first (RLS shows them to admins only). */
    async listInvitations(workspaceId: string): Promise<PendingInvitation[]> {
      const rows = dataOf(
        await client
          .from('workspace_invitations')
          .select(invitationColumns)
          .eq('workspace_id', workspaceId)
          .is('accepted_at', null)
          .is('revoked_at', null)
          .order('created_at', { ascending: false })
          .retry(false),
      );
      return readAs(array((row) => row), rows, 'invitations').map(toInvitation);
    },

    async changeRole(workspaceId: string, userId: string, role: MemberRole): Promise<void> {
      const rows = dataOf(await client.from('workspace_members').update({ role }).eq('workspace_id', workspaceId).eq('user_id', userId).select('role'));
      refusedUnlessChanged(rows, 'change roles');
    },

    async removeMember(workspaceId: string, userId: string): Promise<void> {
      const rows = dataOf(await client.from('workspace_members').delete().eq('workspace_id', workspaceId).eq('user_id', userId).select('user_id'));
      refusedUnlessChanged(rows, 'remove members');
    },

    /** Creates an invitation (invited_by defaults to the caller); the link carries its token. */
    async invite(workspaceId: string, email: string, role: MemberRole): Promise<PendingInvitation> {
      return toInvitation(dataOf(await client.from('workspace_invitations').insert({ workspace_id: workspaceId, email: email.trim(), role }).select(invitationColumns).single()));
    },

    async revokeInvitation(invitationId: string): Promise<void> {
      dataOf(await client.rpc('revoke_invitation', { invitation_id: invitationId }));
    },
  };
}

export type MembersApi = ReturnType<typeof createMembersApi>;
