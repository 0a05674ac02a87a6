import { IonButton, IonInput, IonItem, IonList, IonNote, IonSpinner, IonTextarea } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { CapPolicy } from '../lib/offersApi.ts';
import { capDraftOf, capEventTypes, capMetrics, capPeriods, capScopes, metricHasEventType, nameMaxLength, readCapDraft, type CapDraft, type CapRow } from '../lib/policies.ts';
import type { Problems } from '../lib/offersTerms.ts';
import { TimeZonePicker } from './TimeZonePicker.tsx';
import { usePolicyDraft } from './usePolicyDraft.ts';

interface PolicyCapFormProps {
  /** The policy being changed; null: a new one. */
  policy: CapPolicy | null;
  busy: boolean;
  /** What the server refused, by field (the name taken). */
  refused: Problems;
  onSubmit(row: CapRow): void;
}

type ChoiceField = 'metric' | 'period' | 'eventType' | 'scope';

/** The zone a cap of its own starts from when the person unticks "the program's zone": the device's. */
const deviceZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * A cap policy's fields: name, what it counts (a conversion type, clicks, payout, revenue) and
 * how much, the period and the zone its midnights follow, for the offer or per GEO, hard or
 * soft, the warning and critical thresholds, notes.
 */
export function PolicyCapForm({ policy, busy, refused, onSubmit }: PolicyCapFormProps) {
  const { t } = useTranslation();
  const { draft, setDraft, submit, invalid } = usePolicyDraft<CapDraft, CapRow>(() => capDraftOf(policy), readCapDraft, refused, onSubmit);
  const choice = (field: ChoiceField, options: readonly string[], label: (o: string) => string) => (
    <IonItem>
      <label className="item-block">
        <span className="field-label">{t(`offers.policies.caps.${field}`)}</span>
        <select className="offer-select" name={field} value={draft[field]} onChange={(e) => setDraft({ ...draft, [field]: e.target.value })}>
          {options.map((o) => (
            <option key={o} value={o}>
              {label(o)}
            </option>
          ))}
        </select>
      </label>
    </IonItem>
  );
  const percent = (field: 'warningPercent' | 'criticalPercent') => (
    <IonInput
      name={field}
      label={t(`offers.policies.caps.${field}`)}
      labelPlacement="stacked"
      inputmode="decimal"
      value={draft[field]}
      {...invalid(field)}
      onIonInput={(e) => setDraft({ ...draft, [field]: e.detail.value ?? '' })}
    />
  );

  return (
    <form onSubmit={submit} noValidate data-form="cap-policy">
      <IonList inset>
        <IonItem>
          <IonInput name="name" label={t('offers.policies.name')} labelPlacement="stacked" maxlength={nameMaxLength} value={draft.name} {...invalid('name')} onIonInput={(e) => setDraft({ ...draft, name: e.detail.value ?? '' })} />
        </IonItem>
        {choice('metric', capMetrics, (m) => t(`offers.policies.caps.metricName.${m}`))}
        {metricHasEventType(draft.metric) && choice('eventType', capEventTypes, (e) => t(`offers.policies.caps.eventName.${e}`))}
        <IonItem>
          <IonInput
            name="capLimit"
            label={t('offers.policies.caps.capLimit')}
            labelPlacement="stacked"
            inputmode="numeric"
            helperText={t('offers.policies.caps.capLimitHelp')}
            value={draft.capLimit}
            {...invalid('capLimit')}
            onIonInput={(e) => setDraft({ ...draft, capLimit: e.detail.value ?? '' })}
          />
        </IonItem>
        {choice('period', capPeriods, (p) => t(`offers.policies.caps.periodName.${p}`))}
        <IonItem>
          <label className="item-block cap-zone-choice">
            <input type="checkbox" name="programZone" checked={draft.timeZone === ''} onChange={(e) => setDraft({ ...draft, timeZone: e.target.checked ? '' : deviceZone() })} />
            <span>{t('offers.policies.caps.programZone')}</span>
          </label>
        </IonItem>
        {draft.timeZone !== '' && <TimeZonePicker value={draft.timeZone} onChange={(zone) => setDraft({ ...draft, timeZone: zone })} />}
        <IonItem lines="none">
          <IonNote className="hint">{t('offers.policies.caps.zoneHelp')}</IonNote>
        </IonItem>
        {choice('scope', capScopes, (s) => t(`offers.policies.caps.scopeName.${s}`))}
        <IonItem>
          <label className="item-block">
            <span className="field-label">{t('offers.policies.caps.hard')}</span>
            <select className="offer-select" name="hard" value={draft.hard ? 'hard' : 'soft'} onChange={(e) => setDraft({ ...draft, hard: e.target.value === 'hard' })}>
              {(['hard', 'soft'] as const).map((h) => (
                <option key={h} value={h}>
                  {t(`offers.policies.caps.hardName.${h}`)}
                </option>
              ))}
            </select>
          </label>
        </IonItem>
        <IonItem>
          <div className="cap-thresholds">
            {percent('warningPercent')}
            {percent('criticalPercent')}
          </div>
        </IonItem>
        <IonItem lines="none">
          <IonNote className="hint">{t('offers.policies.caps.thresholdsHelp')}</IonNote>
        </IonItem>
        <IonItem>
          <IonTextarea name="notes" label={t('offers.fields.notes')} labelPlacement="stacked" autoGrow value={draft.notes} {...invalid('notes')} onIonInput={(e) => setDraft({ ...draft, notes: e.detail.value ?? '' })} />
        </IonItem>
      </IonList>
      <div className="ion-padding-horizontal">
        <IonButton type="submit" expand="block" disabled={busy}>
          {busy ? <IonSpinner name="dots" aria-label={t('common.wait')} /> : t('offers.policies.save')}
        </IonButton>
      </div>
    </form>
  );
}
