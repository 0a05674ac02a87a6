import { IonButton, IonItem, IonLabel, IonList, IonListHeader, IonNote, IonText } from '@ionic/react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { readQuietHours } from '../lib/alertSettings.ts';

interface QuietHoursFormProps {
  start: string | null;
  end: string | null;
  timeZone: string;
  readOnly: boolean;
  busy: boolean;
  onSave(start: string | null, end: string | null): void;
}

/** Quiet hours in the person's own time zone: alerts that are not critical wait for their end. */
export function QuietHoursForm({ start, end, timeZone, readOnly, busy, onSave }: QuietHoursFormProps) {
  const { t } = useTranslation();
  const [from, setFrom] = useState(start ?? '');
  const [to, setTo] = useState(end ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const zone = timeZone.replace(/_/g, ' ');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const read = readQuietHours(from, to);
    setProblem('problem' in read ? read.problem : null);
    if (!('problem' in read)) onSave(read.start, read.end);
  };

  return (
    <form onSubmit={submit} noValidate data-form="quiet-hours">
      <IonList inset>
        <IonListHeader>
          <IonLabel>{t('alertSettings.quiet.title')}</IonLabel>
        </IonListHeader>
        <IonItem>
          <IonLabel className="ion-text-wrap">
            {readOnly ? (
              <p data-quiet={start && end ? `${start}-${end}` : 'none'}>{start && end ? t('alertSettings.quiet.value', { start, end, zone }) : t('alertSettings.quiet.none')}</p>
            ) : (
              <div className="quiet-hours-fields">
                <label>
                  <span className="field-label">{t('alertSettings.quiet.start')}</span>
                  <input type="time" name="quietStart" className="setting-select" value={from} onChange={(e) => setFrom(e.target.value)} />
                </label>
                <label>
                  <span className="field-label">{t('alertSettings.quiet.end')}</span>
                  <input type="time" name="quietEnd" className="setting-select" value={to} onChange={(e) => setTo(e.target.value)} />
                </label>
              </div>
            )}
          </IonLabel>
        </IonItem>
        <IonItem lines="none">
          <IonNote className="hint" data-quiet-zone={timeZone}>
            {t('alertSettings.quiet.hint', { zone })}
          </IonNote>
        </IonItem>
      </IonList>
      {problem && (
        <IonText color="danger">
          <p className="ion-padding-horizontal" role="alert" data-problem={problem}>
            {t(problem)}
          </p>
        </IonText>
      )}
      {!readOnly && (
        <div className="ion-padding-horizontal button-row">
          <IonButton type="submit" disabled={busy} data-action="save-quiet-hours">
            {t('alertSettings.quiet.save')}
          </IonButton>
          {(start || from || to) && (
            <IonButton fill="outline" disabled={busy} data-action="clear-quiet-hours" onClick={() => { setFrom(''); setTo(''); onSave(null, null); }}>
              {t('alertSettings.quiet.clear')}
            </IonButton>
          )}
        </div>
      )}
    </form>
  );
}
