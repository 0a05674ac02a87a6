import { IonItem, IonLabel, IonList, IonListHeader, IonNote, IonSelect, IonSelectOption } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { retentionChoices } from '../lib/uploads.ts';

interface ImportRetentionSettingProps {
  workspaceName: string;
  /** Days originals are kept, null for ever, undefined while unknown. */
  days: number | null | undefined;
  /** Admins choose; everyone else reads it. */
  canChange: boolean;
  disabled: boolean;
  onChange(days: number | null): void;
}

const forever = 'forever';

/** How long the workspace keeps the original files of finished loads. */
export function ImportRetentionSetting({ workspaceName, days, canChange, disabled, onChange }: ImportRetentionSettingProps) {
  const { t } = useTranslation();
  const label = (value: number | null) =>
    value === null ? t('retention.forever') : (retentionChoices as readonly (number | null)[]).includes(value) ? t('retention.option', { days: value }) : t('retention.custom', { days: value });
  // A period set through the API that the list lacks is offered as it is, so the select shows it.
  const choices: (number | null)[] = days === undefined || (retentionChoices as readonly (number | null)[]).includes(days) ? [...retentionChoices] : [days, ...retentionChoices];
  return (
    <IonList inset data-setting="import-retention">
      <IonListHeader>
        <IonLabel>{t('retention.title', { workspace: workspaceName })}</IonLabel>
      </IonListHeader>
      <IonItem>
        {canChange ? (
          <IonSelect
            label={t('retention.label')}
            labelPlacement="stacked"
            interface="popover"
            value={days === undefined ? undefined : (days ?? forever)}
            disabled={disabled || days === undefined}
            onIonChange={(e) => {
              const value: unknown = e.detail.value;
              const next = value === forever ? null : typeof value === 'number' ? value : undefined;
              if (next !== undefined && next !== days) onChange(next);
            }}
            data-action="change-retention"
          >
            {choices.map((value) => (
              <IonSelectOption key={value ?? forever} value={value ?? forever}>
                {label(value)}
              </IonSelectOption>
            ))}
          </IonSelect>
        ) : (
          <IonLabel>
            <p>{t('retention.label')}</p>
            <h2 data-retention-days={days ?? forever}>{days === undefined ? '…' : label(days)}</h2>
          </IonLabel>
        )}
      </IonItem>
      <IonItem lines="none">
        <IonNote className="hint">{canChange ? t('retention.hint') : t('retention.hintReadOnly')}</IonNote>
      </IonItem>
    </IonList>
  );
}
