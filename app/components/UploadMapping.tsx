import { IonBadge, IonCheckbox, IonItem, IonLabel, IonList, IonListHeader, IonNote, IonSelect, IonSelectOption } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { MappingProposal, SourceName } from '../../functions/_shared/etl/index.ts';

interface UploadMappingProps {
  sources: readonly SourceName[];
  source: SourceName | null;
  headers: string[];
  proposal: MappingProposal | null;
  remember: boolean;
  disabled: boolean;
  onSource(source: SourceName): void;
  onColumn(column: string, header: string | null): void;
  onRemember(remember: boolean): void;
}

const notInFile = '\u0000none';

/** The file's source and how its headers become canonical columns, each changeable. */
export function UploadMapping({ sources, source, headers, proposal, remember, disabled, onSource, onColumn, onRemember }: UploadMappingProps) {
  const { t } = useTranslation();
  const missing = new Set(proposal?.missingRequired ?? []);
  return (
    <IonList className="upload-mapping" inset>
      <IonItem>
        <IonSelect
          label={t('upload.source')}
          interface="popover"
          value={source}
          disabled={disabled}
          placeholder={t('upload.chooseSource')}
          onIonChange={(e) => onSource(e.detail.value as SourceName)}
          data-upload="source"
        >
          {sources.map((s) => (
            <IonSelectOption key={s} value={s}>
              {t(`upload.sources.${s}`)}
            </IonSelectOption>
          ))}
        </IonSelect>
      </IonItem>
      {proposal && (
        <>
          <IonListHeader>
            <IonLabel>{t('upload.mapping')}</IonLabel>
          </IonListHeader>
          {proposal.columns.map((c) => (
            <IonItem key={c.column} data-column={c.column} data-missing={missing.has(c.column) ? 'true' : undefined} color={missing.has(c.column) ? 'danger' : undefined}>
              <IonSelect
                label={`${c.column}${c.required ? ' *' : ''}`}
                interface="popover"
                disabled={disabled}
                value={c.header ?? (c.constant !== null ? undefined : notInFile)}
                placeholder={c.constant !== null ? t('upload.constant', { value: c.constant }) : t('upload.notInFile')}
                onIonChange={(e) => onColumn(c.column, e.detail.value === notInFile ? null : String(e.detail.value))}
              >
                <IonSelectOption value={notInFile}>{t('upload.notInFile')}</IonSelectOption>
                {headers.map((h) => (
                  <IonSelectOption key={h} value={h}>
                    {h}
                  </IonSelectOption>
                ))}
              </IonSelect>
              {c.match && (
                <IonBadge slot="end" color={c.confidence >= 0.9 ? 'success' : 'warning'} title={t(`upload.match.${c.match}`)}>
                  {Math.round(c.confidence * 100)}%
                </IonBadge>
              )}
            </IonItem>
          ))}
          {missing.size > 0 && (
            <IonNote color="danger" className="upload-missing" data-upload="missing">
              {t('upload.missingRequired', { columns: [...missing].join(', ') })}
            </IonNote>
          )}
          <IonItem lines="none">
            <IonCheckbox checked={remember} disabled={disabled} onIonChange={(e) => onRemember(e.detail.checked)} labelPlacement="end" justify="start">
              {t('upload.remember')}
            </IonCheckbox>
          </IonItem>
        </>
      )}
    </IonList>
  );
}
