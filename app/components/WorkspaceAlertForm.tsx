import { IonButton, IonInput, IonItem, IonLabel, IonList, IonListHeader, IonNote } from '@ionic/react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { readWholeNumber, type WorkspaceAlertSettings } from '../lib/alertSettings.ts';
import { invalidField } from './invalidField.ts';

interface WorkspaceAlertFormProps {
  workspaceName: string;
  settings: WorkspaceAlertSettings;
  /** Admins change them; everyone else reads them, with why. */
  readOnlyNote: string | null;
  busy: boolean;
  onSave(settings: WorkspaceAlertSettings): void;
}

// The bounds of workspaces' checks (20261208130000, 20261208140000, 20261209150000).
const escalateBounds = [1, 10080] as const;
const repeatBounds = [15, 10080] as const;
const staleBounds = [1, 720] as const;

/** When an unacknowledged critical alert goes to the admins, and after how long without a load data counts as stale. */
export function WorkspaceAlertForm({ workspaceName, settings, readOnlyNote, busy, onSave }: WorkspaceAlertFormProps) {
  const { t } = useTranslation();
  const [escalate, setEscalate] = useState(settings.escalateAfterMinutes === null ? '' : String(settings.escalateAfterMinutes));
  const [repeat, setRepeat] = useState(settings.repeatAfterMinutes === null ? '' : String(settings.repeatAfterMinutes));
  const [stale, setStale] = useState(settings.staleAfterHours === null ? '' : String(settings.staleAfterHours));
  const [problems, setProblems] = useState<Record<string, string>>({});

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const minutes = readWholeNumber(escalate, ...escalateBounds);
    const repeats = readWholeNumber(repeat, ...repeatBounds);
    const hours = readWholeNumber(stale, ...staleBounds);
    const found: Record<string, string> = {};
    if ('problem' in minutes) found.escalate = 'alertSettings.workspace.invalidMinutes';
    if ('problem' in repeats) found.repeat = 'alertSettings.workspace.invalidRepeat';
    if ('problem' in hours) found.stale = 'alertSettings.workspace.invalidHours';
    setProblems(found);
    if (!('problem' in minutes) && !('problem' in repeats) && !('problem' in hours)) {
      onSave({ escalateAfterMinutes: minutes.value, repeatAfterMinutes: repeats.value, staleAfterHours: hours.value });
    }
  };
  const shown = (value: number | null, key: string) => (value === null ? t('alertSettings.workspace.off') : t(key, { count: value }));

  return (
    <form onSubmit={submit} noValidate data-form="workspace-alerts">
      <IonList inset>
        <IonListHeader>
          <IonLabel>{t('alertSettings.workspace.title', { workspace: workspaceName })}</IonLabel>
        </IonListHeader>
        {readOnlyNote ? (
          <>
            <IonItem>
              <IonLabel className="ion-text-wrap">
                <p>{t('alertSettings.workspace.escalate')}</p>
                <h2 data-setting="escalate">{shown(settings.escalateAfterMinutes, 'alertSettings.workspace.minutes')}</h2>
              </IonLabel>
            </IonItem>
            <IonItem>
              <IonLabel className="ion-text-wrap">
                <p>{t('alertSettings.workspace.repeat')}</p>
                <h2 data-setting="repeat">{shown(settings.repeatAfterMinutes, 'alertSettings.workspace.minutes')}</h2>
              </IonLabel>
            </IonItem>
            <IonItem>
              <IonLabel className="ion-text-wrap">
                <p>{t('alertSettings.workspace.stale')}</p>
                <h2 data-setting="stale">{shown(settings.staleAfterHours, 'alertSettings.workspace.hours')}</h2>
              </IonLabel>
            </IonItem>
          </>
        ) : (
          <>
            <IonItem>
              <IonInput
                name="escalateMinutes"
                inputmode="numeric"
                label={t('alertSettings.workspace.escalate')}
                labelPlacement="stacked"
                helperText={t('alertSettings.workspace.escalateHelp')}
                value={escalate}
                {...invalidField(problems.escalate, t)}
                onIonInput={(e) => setEscalate(e.detail.value ?? '')}
              />
            </IonItem>
            <IonItem>
              <IonInput
                name="repeatMinutes"
                inputmode="numeric"
                label={t('alertSettings.workspace.repeat')}
                labelPlacement="stacked"
                helperText={t('alertSettings.workspace.repeatHelp')}
                value={repeat}
                {...invalidField(problems.repeat, t)}
                onIonInput={(e) => setRepeat(e.detail.value ?? '')}
              />
            </IonItem>
            <IonItem>
              <IonInput
                name="staleHours"
                inputmode="numeric"
                label={t('alertSettings.workspace.stale')}
                labelPlacement="stacked"
                helperText={t('alertSettings.workspace.staleHelp')}
                value={stale}
                {...invalidField(problems.stale, t)}
                onIonInput={(e) => setStale(e.detail.value ?? '')}
              />
            </IonItem>
          </>
        )}
        {readOnlyNote && (
          <IonItem lines="none">
            <IonNote className="hint" data-read-only="workspace">
              {readOnlyNote}
            </IonNote>
          </IonItem>
        )}
      </IonList>
      {!readOnlyNote && (
        <div className="ion-padding-horizontal">
          <IonButton type="submit" disabled={busy} data-action="save-workspace-alerts">
            {t('alertSettings.workspace.save')}
          </IonButton>
        </div>
      )}
    </form>
  );
}
