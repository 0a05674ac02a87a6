import { IonContent, IonNote, IonPage, IonRefresher, IonRefresherContent, IonSpinner, useIonAlert, useIonRouter, type RefresherEventDetail } from '@ionic/react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { InvitationForm } from '../components/InvitationForm.tsx';
import { InvitationLink } from '../components/InvitationLink.tsx';
import { InvitationList } from '../components/InvitationList.tsx';
import { LoadProblem } from '../components/LoadProblem.tsx';
import { MemberList } from '../components/MemberList.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import type { MemberRole } from '../lib/dataApi.ts';
import { invitationLink, inviteeProblem, type PendingInvitation, type WorkspaceMember } from '../lib/members.ts';
import { selectInvitations, selectMembers, selectMembersSaving, selectMembersStatus, useMembers } from '../stores/members.ts';
import { reportSuccess, useNotices } from '../stores/notices.ts';
import { selectUser, useSession } from '../stores/session.ts';
import { selectCurrentWorkspace, useWorkspace } from '../stores/workspace.ts';

const linkOf = (invitation: PendingInvitation) => invitationLink(window.location.origin, invitation.token);

/** The workspace's people: everyone sees members and roles; admins change roles, remove people and invite. */
export default function MembersPage() {
  const { t } = useTranslation();
  const router = useIonRouter();
  const [confirm] = useIonAlert();
  const user = useSession(selectUser);
  const workspace = useWorkspace(selectCurrentWorkspace);
  const members = useMembers(selectMembers);
  const invitations = useMembers(selectInvitations);
  const status = useMembers(selectMembersStatus);
  const saving = useMembers(selectMembersSaving);
  const revision = useMembers((s) => s.revision);
  const loadedFor = useMembers((s) => s.workspaceId);
  // The invitation just made, for its link; kept with its workspace so a switch hides it.
  const [made, setMade] = useState<{ workspaceId: string; invitation: PendingInvitation } | null>(null);
  const workspaceId = workspace?.workspaceId;
  const isAdmin = workspace?.role === 'admin';
  const created = made && made.workspaceId === workspaceId ? made.invitation : null;

  const load = () => (workspaceId ? useMembers.getState().load(workspaceId, isAdmin) : Promise.resolve());
  useEffect(() => {
    if (workspaceId) void useMembers.getState().load(workspaceId, isAdmin);
  }, [workspaceId, isAdmin]);

  const refresh = async (event: CustomEvent<RefresherEventDetail>) => {
    await load();
    event.detail.complete();
  };

  const copy = async (link: string) => {
    try {
      await navigator.clipboard.writeText(link);
      reportSuccess('members.link.copied');
    } catch {
      useNotices.getState().push({ key: 'members.link.copyFailed' }, 'error');
    }
  };

  /** A change to one's own membership changes what this screen, and the app, may show. */
  const afterOwnChange = async (left: boolean) => {
    if (!user) return;
    await useWorkspace.getState().load(user.id);
    if (left) router.push('/app/summary', 'root', 'replace');
  };

  const changeRole = async (member: WorkspaceMember, role: MemberRole) => {
    if ((await useMembers.getState().changeRole(member.userId, role)) && member.userId === user?.id) await afterOwnChange(false);
  };

  const removeConfirmed = async (member: WorkspaceMember, self: boolean) => {
    if ((await useMembers.getState().remove(member.userId, self)) && self) await afterOwnChange(true);
  };

  const remove = (member: WorkspaceMember) => {
    const self = member.userId === user?.id;
    void confirm({
      header: t(self ? 'members.leaveTitle' : 'members.removeTitle', { name: member.displayName || member.email }),
      message: t(self ? 'members.leaveText' : 'members.removeText', { name: member.displayName || member.email, workspace: workspace?.workspaceName ?? '' }),
      cssClass: 'member-confirm-remove',
      buttons: [
        { text: t('common.cancel'), role: 'cancel' },
        {
          text: t('members.remove'),
          role: 'confirm',
          handler: () => void removeConfirmed(member, self),
        },
      ],
    });
  };

  const revokeConfirmed = async (invitation: PendingInvitation) => {
    if ((await useMembers.getState().revoke(invitation.id)) && created?.id === invitation.id) setMade(null);
  };

  const revoke = (invitation: PendingInvitation) =>
    void confirm({
      header: t('members.invitations.revokeTitle', { email: invitation.email }),
      message: t('members.invitations.revokeText'),
      cssClass: 'member-confirm-revoke',
      buttons: [
        { text: t('common.cancel'), role: 'cancel' },
        {
          text: t('members.invitations.revoke'),
          role: 'confirm',
          handler: () => void revokeConfirmed(invitation),
        },
      ],
    });

  const invite = async (email: string, role: MemberRole) => {
    const invitation = await useMembers.getState().invite(email, role);
    if (invitation && workspaceId) setMade({ workspaceId, invitation });
    return invitation !== null;
  };

  return (
    <IonPage data-page="members">
      <PageHeader title={t('members.nav')} subtitle={workspace?.workspaceName} />
      <IonContent>
        <IonRefresher slot="fixed" onIonRefresh={(e) => void refresh(e)}>
          <IonRefresherContent />
        </IonRefresher>
        <div className="page-body" data-admin={isAdmin ? 'true' : 'false'}>
          {!workspace || !user ? (
            <IonNote className="ion-padding">{t('summary.noWorkspaceText')}</IonNote>
          ) : status === 'failed' && loadedFor === workspaceId ? (
            <LoadProblem onRetry={() => void load()} />
          ) : status !== 'ready' || loadedFor !== workspaceId ? (
            <div className="centered">
              <IonSpinner aria-label={t('common.wait')} />
            </div>
          ) : (
            <>
              <MemberList
                key={revision}
                members={members}
                currentUserId={user.id}
                canManage={isAdmin}
                disabled={saving}
                onChangeRole={(m, role) => void changeRole(m, role)}
                onRemove={remove}
              />
              {isAdmin ? (
                <>
                  <InvitationForm busy={saving} check={(email) => inviteeProblem(email, members, invitations, new Date())} onInvite={invite} />
                  {created && <InvitationLink email={created.email} link={linkOf(created)} onCopy={(link) => void copy(link)} onDone={() => setMade(null)} />}
                  <InvitationList invitations={invitations} now={new Date()} disabled={saving} linkOf={linkOf} onCopy={(link) => void copy(link)} onRevoke={revoke} />
                </>
              ) : (
                <p className="ion-padding-horizontal">
                  <IonNote>{t('members.onlyAdmins')}</IonNote>
                </p>
              )}
            </>
          )}
        </div>
      </IonContent>
    </IonPage>
  );
}
