import { IonBadge, IonButton, IonIcon, IonItem, IonLabel, IonList, IonListHeader, IonNote, IonSelect, IonSelectOption } from '@ionic/react';
import { personRemoveOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import { memberRoles, type MemberRole } from '../lib/dataApi.ts';
import type { WorkspaceMember } from '../lib/members.ts';

interface MemberListProps {
  members: WorkspaceMember[];
  /** The signed-in person, marked as "you". */
  currentUserId: string;
  /** Admins get a role picker and a remove button on each row; everyone else sees the roles. */
  canManage: boolean;
  disabled: boolean;
  onChangeRole(member: WorkspaceMember, role: MemberRole): void;
  onRemove(member: WorkspaceMember): void;
}

/** The workspace's people with their roles. */
export function MemberList({ members, currentUserId, canManage, disabled, onChangeRole, onRemove }: MemberListProps) {
  const { t } = useTranslation();
  return (
    <IonList inset data-list="members">
      <IonListHeader>
        <IonLabel>{t('members.listTitle', { count: members.length })}</IonLabel>
      </IonListHeader>
      {members.map((m) => {
        const name = m.displayName || m.email;
        return (
          <IonItem key={m.userId} data-member={m.email} data-role={m.role}>
            <IonLabel>
              <h2>
                {name}
                {m.userId === currentUserId && <IonNote className="member-you"> · {t('members.you')}</IonNote>}
              </h2>
              {m.displayName && <p>{m.email}</p>}
            </IonLabel>
            {canManage ? (
              <>
                <IonSelect
                  slot="end"
                  interface="popover"
                  aria-label={t('members.roleOf', { name })}
                  value={m.role}
                  disabled={disabled}
                  onIonChange={(e) => {
                    const role = memberRoles.find((r) => r === e.detail.value);
                    if (role && role !== m.role) onChangeRole(m, role);
                  }}
                  data-action="change-role"
                >
                  {memberRoles.map((role) => (
                    <IonSelectOption key={role} value={role}>
                      {t(`roles.${role}`)}
                    </IonSelectOption>
                  ))}
                </IonSelect>
                <IonButton slot="end" fill="clear" color="danger" disabled={disabled} aria-label={t('members.removeOf', { name })} onClick={() => onRemove(m)} data-action="remove-member">
                  <IonIcon slot="icon-only" icon={personRemoveOutline} aria-hidden="true" />
                </IonButton>
              </>
            ) : (
              <IonBadge slot="end" color={m.role === 'admin' ? 'primary' : 'medium'}>
                {t(`roles.${m.role}`)}
              </IonBadge>
            )}
          </IonItem>
        );
      })}
    </IonList>
  );
}
