import { IonButton, IonInput, IonItem, IonLabel, IonList, IonSegment, IonSegmentButton, IonSpinner } from '@ionic/react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { checkContactDraft, contactChannels, hasProblems, type ContactDraft, type ContactField, type FieldProblems } from '../lib/programs.ts';

interface ProgramContactFormProps {
  initial: ContactDraft;
  saving: boolean;
  /** Resolves with the problems that stopped the save, or null once it is saved. */
  onSave(draft: ContactDraft): Promise<FieldProblems<ContactField> | null>;
  onCancel(): void;
}

/** A person at the program: name, email, Telegram (or phone) and how they prefer to be reached. */
export function ProgramContactForm({ initial, saving, onSave, onCancel }: ProgramContactFormProps) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(initial);
  const [problems, setProblems] = useState<FieldProblems<ContactField>>({});
  const change = (changes: Partial<ContactDraft>) => setDraft({ ...draft, ...changes });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (saving) return;
    const found = checkContactDraft(draft);
    setProblems(found);
    if (hasProblems(found)) return;
    setProblems((await onSave(draft)) ?? {});
  };

  const input = (field: Exclude<ContactField, 'preferredChannel'>, type: 'text' | 'email') => {
    const problem = problems[field];
    return (
      <IonItem>
        <IonInput
          name={`contact-${field}`}
          type={type}
          label={t(`programs.contacts.${field}`)}
          labelPlacement="stacked"
          value={draft[field]}
          errorText={problem ? t(`programs.problems.${problem.key}`, problem.values) : undefined}
          className={problem ? 'ion-invalid ion-touched' : ''}
          onIonInput={(e) => change({ [field]: e.detail.value ?? '' })}
        />
      </IonItem>
    );
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate data-form="contact" className="program-contact-form">
      <IonList lines="full">
        {input('name', 'text')}
        {input('email', 'email')}
        {input('telegram', 'text')}
        <IonItem>
          <div className="item-block">
            <span className="field-label">{t('programs.contacts.preferredChannel')}</span>
            <IonSegment value={draft.preferredChannel} onIonChange={(e) => change({ preferredChannel: contactChannels.find((c) => c === e.detail.value) ?? draft.preferredChannel })}>
              {contactChannels.map((c) => (
                <IonSegmentButton key={c} value={c} data-channel={c}>
                  <IonLabel>{t(`programs.channel.${c}`)}</IonLabel>
                </IonSegmentButton>
              ))}
            </IonSegment>
          </div>
        </IonItem>
      </IonList>
      <div className="button-row">
        <IonButton type="submit" size="small" disabled={saving} data-action="save-contact">
          {saving ? <IonSpinner name="dots" aria-label={t('common.wait')} /> : t('programs.contacts.save')}
        </IonButton>
        <IonButton fill="clear" size="small" onClick={onCancel} data-action="cancel-contact">
          {t('common.cancel')}
        </IonButton>
      </div>
    </form>
  );
}
