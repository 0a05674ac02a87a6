import { IonButton, IonItem, IonLabel, IonList, IonNote, IonSpinner, IonTextarea } from '@ionic/react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { checkComment, commentMaxLength, type ContactLogEntry } from '../lib/programs.ts';

interface ProgramContactLogProps {
  entries: ContactLogEntry[];
  canWrite: boolean;
  saving: boolean;
  /** When and by whom, formatted. */
  when(entry: ContactLogEntry): string;
  who(entry: ContactLogEntry): string;
  /** Resolves true once the comment is written. */
  onAdd(comment: string): Promise<boolean>;
}

/** The team's timestamped notes on the program (calls, disputes, promises to pay), newest first. */
export function ProgramContactLog({ entries, canWrite, saving, when, who, onAdd }: ProgramContactLogProps) {
  const { t } = useTranslation();
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (saving) return;
    const found = checkComment(comment);
    setProblem(found ? t(`programs.problems.${found.key}`, found.values) : null);
    if (!found && (await onAdd(comment))) setComment('');
  };

  return (
    <>
      {canWrite && (
        <form onSubmit={(e) => void submit(e)} noValidate data-form="contact-log" className="program-log-form">
          <IonTextarea
            name="comment"
            fill="outline"
            autoGrow
            rows={2}
            maxlength={commentMaxLength}
            label={t('programs.log.comment')}
            labelPlacement="stacked"
            placeholder={t('programs.log.commentPlaceholder')}
            value={comment}
            errorText={problem ?? undefined}
            className={problem ? 'ion-invalid ion-touched' : ''}
            onIonInput={(e) => setComment(e.detail.value ?? '')}
          />
          <IonButton type="submit" size="small" disabled={saving} data-action="add-log-entry">
            {saving ? <IonSpinner name="dots" aria-label={t('common.wait')} /> : t('programs.log.add')}
          </IonButton>
        </form>
      )}
      {entries.length === 0 ? (
        <IonNote className="hint">{t('programs.log.none')}</IonNote>
      ) : (
        <IonList data-program="contact-log" lines="full">
          {entries.map((entry) => (
            <IonItem key={entry.id} data-log-entry={entry.id} data-at={entry.at}>
              <IonLabel className="ion-text-wrap">
                <p className="program-log-meta">
                  {when(entry)} · {who(entry)}
                </p>
                <p className="program-log-comment">{entry.comment}</p>
              </IonLabel>
            </IonItem>
          ))}
        </IonList>
      )}
    </>
  );
}
