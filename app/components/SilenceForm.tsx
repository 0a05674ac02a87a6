import { IonButton, IonButtons, IonContent, IonHeader, IonInput, IonItem, IonList, IonModal, IonNote, IonSpinner, IonText, IonTextarea, IonTitle, IonToolbar } from '@ionic/react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import '../theme/alertSettings.css';
import { alertKinds, type AlertKind } from '../lib/alerts.ts';
import { readSilenceDraft, reasonMaxLength, silencePresets, silenceUnits, type SilencePreset, type SilenceUnit } from '../lib/alertSettings.ts';

/** What the form starts with: from an alert card, its kind and subject. */
export interface SilencePrefill {
  kind: AlertKind | null;
  subjectId: string | null;
  /** How the subject is called on screen (an offer's code, a program's name). */
  subjectName: string | null;
}

interface SilenceFormProps {
  /** Null: closed. */
  prefill: SilencePrefill | null;
  busy: boolean;
  onSubmit(silence: { kind: AlertKind | null; subjectId: string | null; hours: number; reason: string }): Promise<boolean>;
  onClose(): void;
}

const anyKind = 'any';

/** Mutes a kind and/or subject for a while, with a reason (the alerts still show; nobody is told). */
export function SilenceForm({ prefill, busy, onSubmit, onClose }: SilenceFormProps) {
  const { t } = useTranslation();
  return (
    <IonModal isOpen={prefill !== null} onDidDismiss={onClose} data-modal="silence" aria-label={t('alertSettings.silences.new')}>
      <IonHeader>
        <IonToolbar>
          <IonTitle>{t('alertSettings.silences.new')}</IonTitle>
          <IonButtons slot="end">
            <IonButton onClick={onClose}>{t('common.close')}</IonButton>
          </IonButtons>
        </IonToolbar>
      </IonHeader>
      <IonContent>{prefill && <SilenceFields prefill={prefill} busy={busy} onSubmit={onSubmit} onClose={onClose} />}</IonContent>
    </IonModal>
  );
}

function SilenceFields({ prefill, busy, onSubmit, onClose }: SilenceFormProps & { prefill: SilencePrefill }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<string>(prefill.kind ?? (prefill.subjectId ? anyKind : 'cap'));
  const [withSubject, setWithSubject] = useState(prefill.subjectId !== null);
  const [preset, setPreset] = useState<SilencePreset>('4h');
  const [amount, setAmount] = useState('');
  const [unit, setUnit] = useState<SilenceUnit>('days');
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const read = readSilenceDraft({ kind, subjectId: withSubject ? prefill.subjectId : null, preset, amount, unit, reason });
    setProblems('problems' in read ? read.problems : {});
    if ('silence' in read && (await onSubmit(read.silence))) onClose();
  };
  const problem = (field: string) =>
    problems[field] && (
      <IonText color="danger">
        <p className="field-problem" role="alert" data-problem={problems[field]}>
          {t(problems[field])}
        </p>
      </IonText>
    );

  return (
    <form onSubmit={(e) => void submit(e)} noValidate data-form="silence">
      <IonList inset>
        <IonItem>
          <label className="item-block">
            <span className="field-label">{t('alertSettings.silences.kind')}</span>
            <select className="setting-select" name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
              {withSubject && <option value={anyKind}>{t('alertSettings.silences.anyKind')}</option>}
              {alertKinds.map((k) => (
                <option key={k} value={k}>
                  {t(`alertSettings.kinds.${k}`)}
                </option>
              ))}
            </select>
            {problem('kind')}
          </label>
        </IonItem>
        {prefill.subjectId && (
          <IonItem>
            <label className="alert-rule-channel">
              <input type="checkbox" name="withSubject" checked={withSubject} onChange={(e) => { setWithSubject(e.target.checked); if (!e.target.checked && kind === anyKind) setKind(prefill.kind ?? 'cap'); }} />
              <span>{t('alertSettings.silences.onlySubject', { subject: prefill.subjectName ?? prefill.subjectId })}</span>
            </label>
          </IonItem>
        )}
        <IonItem>
          <label className="item-block">
            <span className="field-label">{t('alertSettings.silences.duration')}</span>
            <select className="setting-select" name="preset" value={preset} onChange={(e) => setPreset(silencePresets.find((p) => p === e.target.value) ?? '4h')}>
              {silencePresets.map((p) => (
                <option key={p} value={p}>
                  {t(`alertSettings.silences.presets.${p}`)}
                </option>
              ))}
            </select>
          </label>
        </IonItem>
        {preset === 'custom' && (
          <IonItem>
            <div className="silence-custom">
              <IonInput name="amount" label={t('alertSettings.silences.amount')} labelPlacement="stacked" inputmode="numeric" value={amount} onIonInput={(e) => setAmount(e.detail.value ?? '')} />
              <label className="item-block">
                <span className="field-label">{t('alertSettings.silences.unit')}</span>
                <select className="setting-select" name="unit" value={unit} onChange={(e) => setUnit(silenceUnits.find((u) => u === e.target.value) ?? 'days')}>
                  {silenceUnits.map((u) => (
                    <option key={u} value={u}>
                      {t(`alertSettings.silences.units.${u}`)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          </IonItem>
        )}
        {problem('amount')}
        <IonItem>
          <IonTextarea name="reason" label={t('alertSettings.silences.reason')} labelPlacement="stacked" autoGrow maxlength={reasonMaxLength} value={reason} onIonInput={(e) => setReason(e.detail.value ?? '')} />
        </IonItem>
        {problem('reason')}
      </IonList>
      <p className="ion-padding-horizontal">
        <IonNote className="hint">{t('alertSettings.silences.hint')}</IonNote>
      </p>
      <div className="ion-padding-horizontal">
        <IonButton type="submit" expand="block" disabled={busy} data-action="add-silence">
          {busy ? <IonSpinner name="dots" aria-label={t('common.wait')} /> : t('alertSettings.silences.add')}
        </IonButton>
      </div>
    </form>
  );
}
