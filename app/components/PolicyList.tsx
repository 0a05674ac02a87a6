import { IonBadge, IonButton, IonIcon, IonItem, IonLabel, IonList, IonListHeader, IonNote } from '@ionic/react';
import { addCircleOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import type { PolicyKind, PolicyUse } from '../lib/policies.ts';

/** One policy as the list shows it; the summary is written by the caller (limits, thresholds). */
export interface PolicyEntry {
  id: string;
  name: string;
  archivedAt: string | null;
  summary: string;
  uses: PolicyUse[];
}

interface PolicyListProps {
  kind: PolicyKind;
  entries: PolicyEntry[];
  /** The policy the offer's current terms use, if any. */
  attachedId: string | null;
  canWrite: boolean;
  /** The offer can take new terms (it is active). */
  canAttach: boolean;
  busy: boolean;
  onNew(): void;
  onEdit(policyId: string): void;
  onAttach(policyId: string): void;
  onArchive(policyId: string, archived: boolean): void;
  onDelete(policyId: string): void;
}

/** The workspace's KPI or cap policies, the offers using each, and (for writers) what can be done with them. */
export function PolicyList(props: PolicyListProps) {
  const { kind, entries, attachedId, canWrite, canAttach, busy } = props;
  const { t } = useTranslation();
  const usedBy = (uses: PolicyUse[]) =>
    uses.length ? t('offers.policies.usedBy', { offers: uses.map((u) => (u.inForce ? u.code : t('offers.policies.pastUse', { code: u.code }))).join(', ') }) : t('offers.policies.unused');
  return (
    <div data-policies={kind}>
      <IonList inset>
        <IonListHeader>{t(`offers.policies.${kind}.title`)}</IonListHeader>
        {entries.length === 0 && (
          <IonItem>
            <IonLabel className="hint">{t(`offers.policies.${kind}.empty`)}</IonLabel>
          </IonItem>
        )}
        {entries.map((entry) => (
          <IonItem key={entry.id}>
            {/* Ionic's elements do not follow changed data attributes: a plain element carries them. */}
            <IonLabel className="ion-text-wrap">
              <div data-policy-row={entry.id} data-name={entry.name} data-archived={entry.archivedAt !== null} className={entry.archivedAt ? 'policy-archived' : undefined}>
                <strong>{entry.name}</strong> {entry.id === attachedId && <IonBadge color="primary">{t('offers.policies.attached')}</IonBadge>}{' '}
                {entry.archivedAt && <IonBadge color="medium">{t('offers.policies.archived')}</IonBadge>}
                <span className="offer-sub">{entry.summary}</span>
                <IonNote className="offer-sub">
                  <span data-uses={entry.uses.length}>{usedBy(entry.uses)}</span>
                </IonNote>
                {canWrite && (
                  <div className="button-row">
                    <IonButton size="small" fill="outline" disabled={busy} data-policy-action="edit" onClick={() => props.onEdit(entry.id)}>
                      {t('offers.policies.editAction')}
                    </IonButton>
                    {canAttach && entry.id !== attachedId && !entry.archivedAt && (
                      <IonButton size="small" fill="outline" disabled={busy} data-policy-action="attach" onClick={() => props.onAttach(entry.id)}>
                        {t('offers.policies.attach')}
                      </IonButton>
                    )}
                    <IonButton size="small" fill="outline" disabled={busy} data-policy-action={entry.archivedAt ? 'restore' : 'archive'} onClick={() => props.onArchive(entry.id, !entry.archivedAt)}>
                      {t(entry.archivedAt ? 'offers.policies.restore' : 'offers.policies.archive')}
                    </IonButton>
                    {entry.uses.length === 0 && (
                      <IonButton size="small" fill="outline" color="danger" disabled={busy} data-policy-action="delete" onClick={() => props.onDelete(entry.id)}>
                        {t('offers.policies.delete')}
                      </IonButton>
                    )}
                  </div>
                )}
              </div>
            </IonLabel>
          </IonItem>
        ))}
      </IonList>
      {canWrite && (
        <div className="ion-padding-horizontal">
          <p className="hint">{t('offers.policies.howItWorks')}</p>
          <IonButton data-action={`new-${kind}-policy`} disabled={busy} onClick={props.onNew}>
            <IonIcon icon={addCircleOutline} slot="start" aria-hidden="true" />
            {t(`offers.policies.${kind}.new`)}
          </IonButton>
        </div>
      )}
    </div>
  );
}
