import { describe, expect, it } from 'vitest';
import { invitationLink, inviteeProblem, isExpired, type PendingInvitation, type WorkspaceMember } from '../../app/lib/members.ts';

const now = new Date('2026-11-26T12:00:00Z');
const member = (email: string): WorkspaceMember => ({ userId: crypto.randomUUID(), email, displayName: '', role: 'media_buyer', joinedAt: '2026-11-01T00:00:00Z' });
const invitation = (email: string, expiresAt: string): PendingInvitation => ({
  id: crypto.randomUUID(),
  email,
  role: 'finance',
  token: '6f1c1f0e-8a51-4d7e-9a57-1f0d3c1b2a90',
  createdAt: '2026-11-20T00:00:00Z',
  expiresAt,
});

describe('members: checks before an admin invites', () => {
  const members = [member('Anna@Team.example')];
  const invitations = [invitation('boris@team.example', '2026-12-01T00:00:00Z'), invitation('vera@team.example', '2026-11-25T00:00:00Z')];

  it('refuses typos, current members and addresses with a live invitation, ignoring case and spaces', () => {
    expect(inviteeProblem('anna@team', members, invitations, now)).toBe('invalidEmail');
    expect(inviteeProblem('anna team.example', members, invitations, now)).toBe('invalidEmail');
    expect(inviteeProblem('', members, invitations, now)).toBe('invalidEmail');
    expect(inviteeProblem(' anna@team.EXAMPLE ', members, invitations, now)).toBe('alreadyMember');
    expect(inviteeProblem('Boris@team.example', members, invitations, now)).toBe('alreadyInvited');
  });

  it('lets an address whose invitation expired, or a new one, be invited', () => {
    expect(inviteeProblem('vera@team.example', members, invitations, now)).toBeNull();
    expect(inviteeProblem('gleb@team.example', members, invitations, now)).toBeNull();
  });

  it('expiry is to the moment, and the link is the app page /invite/<token>', () => {
    expect(isExpired(invitation('x@y.example', '2026-11-26T11:59:59Z'), now)).toBe(true);
    expect(isExpired(invitation('x@y.example', '2026-11-26T12:00:01Z'), now)).toBe(false);
    expect(invitationLink('https://app.arbidesk.example', 'abc')).toBe('https://app.arbidesk.example/invite/abc');
  });
});
