import { IonButton, IonInput, IonItem, IonLabel, IonList, IonNote, IonSegment, IonSegmentButton, IonSpinner, IonTextarea } from '@ionic/react';
import { useState, type ComponentProps, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../lib/dataApi.ts';
import { checkProgramDraft, hasProblems, payoutSchedules, programStatuses, type FieldProblems, type ProgramDraft, type ProgramField } from '../lib/programs.ts';
import { ProgramWeekdays } from './ProgramWeekdays.tsx';
import { TimeZonePicker } from './TimeZonePicker.tsx';

interface ProgramFormProps {
  initial: ProgramDraft;
  /** Problems the database found on the last save (a taken name). */
  refused: FieldProblems<ProgramField>;
  saving: boolean;
  submitLabel: string;
  language: Locale;
  onSubmit(draft: ProgramDraft): void;
  onCancel(): void;
}

type TextField = Exclude<ProgramField, 'payoutSchedule' | 'payoutWeekdays' | 'status'>;

/** All terms of a program, checked on submit with a message on each field that needs a fix. */
export function ProgramForm({ initial, refused, saving, submitLabel, language, onSubmit, onCancel }: ProgramFormProps) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(initial);
  const [problems, setProblems] = useState<FieldProblems<ProgramField>>({});
  const [submitted, setSubmitted] = useState<ProgramDraft | null>(null);
  // The database's refusal applies to the draft it was given, until the person edits it.
  const shown = { ...(submitted === draft ? refused : {}), ...problems };
  const change = (changes: Partial<ProgramDraft>) => setDraft({ ...draft, ...changes });
  const problemText = (field: ProgramField) => {
    const problem = shown[field];
    return problem ? t(`programs.problems.${problem.key}`, problem.values) : undefined;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (saving) return;
    const found = checkProgramDraft(draft);
    setProblems(found);
    setSubmitted(draft);
    if (!hasProblems(found)) onSubmit(draft);
  };

  const input = (field: TextField, extra: Partial<ComponentProps<typeof IonInput>> = {}) => (
    <IonItem>
      <IonInput
        name={field}
        label={t(`programs.fields.${field}`)}
        labelPlacement="stacked"
        value={draft[field]}
        errorText={problemText(field)}
        className={shown[field] ? 'ion-invalid ion-touched' : ''}
        onIonInput={(e) => change({ [field]: e.detail.value ?? '' })}
        {...extra}
      />
    </IonItem>
  );

  return (
    <form onSubmit={submit} noValidate data-form="program">
      <IonList lines="full">
        {input('name', { maxlength: 200, required: true })}
        <IonItem>
          <div className="item-block">
            <span className="field-label">{t('programs.fields.status')}</span>
            <IonSegment value={draft.status} onIonChange={(e) => change({ status: programStatuses.find((s) => s === e.detail.value) ?? draft.status })}>
              {programStatuses.map((s) => (
                <IonSegmentButton key={s} value={s} data-status={s}>
                  <IonLabel>{t(`programs.status.${s}`)}</IonLabel>
                </IonSegmentButton>
              ))}
            </IonSegment>
          </div>
        </IonItem>
        <IonItem>
          <div className="item-block">
            <span className="field-label">{t('programs.fields.payoutSchedule')}</span>
            <IonSegment value={draft.payoutSchedule} onIonChange={(e) => change({ payoutSchedule: payoutSchedules.find((s) => s === e.detail.value) ?? draft.payoutSchedule })}>
              {payoutSchedules.map((s) => (
                <IonSegmentButton key={s} value={s} data-schedule={s}>
                  <IonLabel>{t(`programs.scheduleName.${s}`)}</IonLabel>
                </IonSegmentButton>
              ))}
            </IonSegment>
            <IonNote className="hint">{t(`programs.scheduleHint.${draft.payoutSchedule}`)}</IonNote>
            {draft.payoutSchedule === 'weekly' && (
              <ProgramWeekdays value={draft.payoutWeekdays} language={language} problem={problemText('payoutWeekdays')} onChange={(payoutWeekdays) => change({ payoutWeekdays })} />
            )}
          </div>
        </IonItem>
        {input('holdDays', { inputmode: 'numeric', helperText: t('programs.hints.holdDays') })}
        {input('defaultCurrency', { maxlength: 3, autocapitalize: 'characters' })}
        {input('minimumPayout', { inputmode: 'decimal' })}
        {input('invoiceEmail', { type: 'email', inputmode: 'email' })}
        <TimeZonePicker value={draft.timeZone} onChange={(timeZone) => change({ timeZone })} />
        {input('paymentChannels', { helperText: t('programs.hints.paymentChannels') })}
        {input('contact', { helperText: t('programs.hints.contact') })}
        <IonItem>
          <IonTextarea
            name="paymentTerms"
            label={t('programs.fields.paymentTerms')}
            labelPlacement="stacked"
            autoGrow
            value={draft.paymentTerms}
            helperText={t('programs.hints.paymentTerms')}
            onIonInput={(e) => change({ paymentTerms: e.detail.value ?? '' })}
          />
        </IonItem>
      </IonList>
      {hasProblems(shown) && (
        <IonNote color="danger" className="program-form-problem" data-problem="form">
          {t('programs.problems.fixFields')}
        </IonNote>
      )}
      <div className="button-row program-form-buttons">
        <IonButton type="submit" disabled={saving} data-action="save-program">
          {saving ? <IonSpinner name="dots" aria-label={t('common.wait')} /> : submitLabel}
        </IonButton>
        <IonButton fill="clear" onClick={onCancel} data-action="cancel-program">
          {t('common.cancel')}
        </IonButton>
      </div>
    </form>
  );
}
