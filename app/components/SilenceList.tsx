import { IonButton, IonItem, IonLabel, IonList, IonListHeader, IonNote } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { AlertSilence } from '../lib/alertSettings.ts';

export interface SilenceEntry {
  silence: AlertSilence;
  /** The subject as people call it, or null for every subject of the kind. */
  subject: string | null;
  /** The end, worded in the person's zone. */
  until: string;
  author: string;
  mayLift: boolean;
}

interface SilenceListProps {
  entries: SilenceEntry[];
  timeZone: string;
  /** Adding is offered (a role that acts on alerts, online). */
  mayAdd: boolean;
  /** Why nothing can be changed here, when nothing can. */
  readOnlyNote: string | null;
  busy: boolean;
  onAdd(): void;
  onLift(silenceId: string): void;
}

/** The workspace's silences in force: what is muted, until when, why and by whom; lifted by their author or an admin. */
export function SilenceList({ entries, timeZone, mayAdd, readOnlyNote, busy, onAdd, onLift }: SilenceListProps) {
  const { t } = useTranslation();
  return (
    <div data-section="silences">
      <IonList inset>
        <IonListHeader>
          <IonLabel>{t('alertSettings.silences.title')}</IonLabel>
        </IonListHeader>
        {entries.length === 0 && (
          <IonItem>
            <IonLabel className="hint">{t('alertSettings.silences.none')}</IonLabel>
          </IonItem>
        )}
        {entries.map(({ silence, subject, until, author, mayLift }) => (
          <IonItem key={silence.id}>
            <IonLabel className="ion-text-wrap">
              <div data-silence={silence.id}>
                <h3>
                  {silence.kind ? t(`alertSettings.kinds.${silence.kind}`) : t('alertSettings.silences.anyKind')}
                  {subject !== null && ` · ${subject}`}
                </h3>
                <p data-silence-until>{t('alertSettings.silences.until', { when: until })}</p>
                <p data-silence-reason>{t('alertSettings.silences.reasonIs', { reason: silence.reason })}</p>
                <p>{t('alertSettings.silences.by', { who: author })}</p>
                {mayLift && (
                  <IonButton size="small" fill="outline" disabled={busy} data-action="lift-silence" onClick={() => onLift(silence.id)}>
                    {t('alertSettings.silences.lift')}
                  </IonButton>
                )}
              </div>
            </IonLabel>
          </IonItem>
        ))}
        <IonItem lines="none">
          <IonNote className="hint">{t('alertSettings.zone', { zone: timeZone.replace(/_/g, ' ') })}</IonNote>
        </IonItem>
      </IonList>
      <div className="ion-padding-horizontal">
        {readOnlyNote && <p className="hint" data-read-only="silences">{readOnlyNote}</p>}
        {mayAdd && (
          <IonButton disabled={busy} data-action="new-silence" onClick={onAdd}>
            {t('alertSettings.silences.new')}
          </IonButton>
        )}
      </div>
    </div>
  );
}
