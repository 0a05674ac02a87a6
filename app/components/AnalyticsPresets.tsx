import { IonButton, IonIcon, IonInput, IonItem, IonLabel, IonList, useIonAlert } from '@ionic/react';
import { checkmarkOutline, createOutline, peopleOutline, phonePortraitOutline, trashOutline } from 'ionicons/icons';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ListedPreset, PresetScope } from '../lib/analyticsPresets.ts';

interface AnalyticsPresetsProps {
  /** This device's presets and the workspace's, marked by scope. */
  presets: ListedPreset[];
  /** Whether the person may share presets with the workspace (read_only may not). */
  canShare: boolean;
  onSave(name: string, scope: PresetScope): void;
  onLoad(preset: ListedPreset): void;
  onRename(preset: ListedPreset, name: string): void;
  onDelete(preset: ListedPreset): void;
  onExport(): void;
  onImport(file: File): void;
}

const keyOf = (preset: ListedPreset) => `${preset.scope}:${preset.id}`;

/**
 * Named selections: save the current one on this device or for the workspace, load, rename and
 * delete (shared ones where the person may), move them between devices as JSON.
 */
export function AnalyticsPresets({ presets, canShare, onSave, onLoad, onRename, onDelete, onExport, onImport }: AnalyticsPresetsProps) {
  const { t } = useTranslation();
  const [confirm] = useIonAlert();
  const [name, setName] = useState('');
  const [chosenScope, setScope] = useState<PresetScope>('device');
  const [renaming, setRenaming] = useState<{ key: string; name: string } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const scope = canShare ? chosenScope : 'device';

  const save = () => {
    if (name.trim() === '') return;
    onSave(name.trim(), scope);
    setName('');
  };
  const finishRename = (preset: ListedPreset) => {
    if (renaming && renaming.name.trim() !== '' && renaming.name.trim() !== preset.name) onRename(preset, renaming.name.trim());
    setRenaming(null);
  };
  const askDelete = (preset: ListedPreset) =>
    void confirm({
      header: t(preset.scope === 'workspace' ? 'analytics.presets.deleteSharedTitle' : 'analytics.presets.deleteTitle', { name: preset.name }),
      cssClass: 'preset-confirm-delete',
      buttons: [{ text: t('common.cancel'), role: 'cancel' }, { text: t('analytics.presets.delete'), role: 'destructive', handler: () => onDelete(preset) }],
    });
  const scopeChip = (value: PresetScope) => (
    <button type="button" className="analytics-chip" data-scope={value} aria-pressed={scope === value} onClick={() => setScope(value)}>
      {t(value === 'workspace' ? 'analytics.presets.forWorkspace' : 'analytics.presets.onDevice')}
    </button>
  );

  return (
    <div className="analytics-presets">
      {canShare ? (
        <div className="analytics-chips" role="group" aria-label={t('analytics.presets.where')}>
          {scopeChip('device')}
          {scopeChip('workspace')}
        </div>
      ) : (
        <p className="analytics-muted">{t('analytics.presets.readOnly')}</p>
      )}
      <form className="analytics-preset-save" onSubmit={(e) => (e.preventDefault(), save())}>
        <IonInput name="preset-name" label={t('analytics.presets.name')} labelPlacement="stacked" maxlength={120} value={name} onIonInput={(e) => setName(e.detail.value ?? '')} />
        <IonButton type="submit" data-action="save-preset" disabled={name.trim() === ''}>
          {t('analytics.presets.save')}
        </IonButton>
      </form>
      {presets.length === 0 ? (
        <p className="analytics-muted">{t('analytics.presets.none')}</p>
      ) : (
        <IonList lines="full">
          {presets.map((preset) =>
            renaming?.key === keyOf(preset) ? (
              <IonItem key={keyOf(preset)} data-preset={preset.name} data-scope={preset.scope}>
                <IonInput name="preset-rename" aria-label={t('analytics.presets.rename')} maxlength={120} value={renaming.name} onIonInput={(e) => setRenaming({ key: keyOf(preset), name: e.detail.value ?? '' })} onKeyDown={(e) => e.key === 'Enter' && finishRename(preset)} />
                <IonButton slot="end" fill="clear" data-action="finish-rename" aria-label={t('analytics.presets.rename')} onClick={() => finishRename(preset)}>
                  <IonIcon icon={checkmarkOutline} slot="icon-only" />
                </IonButton>
              </IonItem>
            ) : (
              <IonItem key={keyOf(preset)} data-preset={preset.name} data-scope={preset.scope} button detail={false} onClick={() => onLoad(preset)}>
                <IonIcon slot="start" icon={preset.scope === 'workspace' ? peopleOutline : phonePortraitOutline} aria-hidden="true" />
                <IonLabel>
                  {preset.name}
                  <p>
                    {preset.scope === 'device'
                      ? t('analytics.presets.deviceMark')
                      : preset.ownerName
                        ? t('analytics.presets.sharedBy', { name: preset.ownerName })
                        : t('analytics.presets.sharedMark')}
                  </p>
                </IonLabel>
                {preset.editable && (
                  <>
                    <IonButton slot="end" fill="clear" data-action="rename-preset" aria-label={t('analytics.presets.rename')} onClick={(e) => (e.stopPropagation(), setRenaming({ key: keyOf(preset), name: preset.name }))}>
                      <IonIcon icon={createOutline} slot="icon-only" />
                    </IonButton>
                    <IonButton slot="end" fill="clear" color="danger" data-action="delete-preset" aria-label={t('analytics.presets.delete')} onClick={(e) => (e.stopPropagation(), askDelete(preset))}>
                      <IonIcon icon={trashOutline} slot="icon-only" />
                    </IonButton>
                  </>
                )}
              </IonItem>
            ),
          )}
        </IonList>
      )}
      <div className="button-row">
        <IonButton fill="outline" size="small" data-action="export-presets" disabled={presets.length === 0} onClick={onExport}>
          {t('analytics.presets.export')}
        </IonButton>
        <IonButton fill="outline" size="small" data-action="import-presets" onClick={() => fileInput.current?.click()}>
          {t('analytics.presets.import')}
        </IonButton>
        <input
          ref={fileInput}
          type="file"
          name="presets-file"
          accept="application/json,.json"
          hidden
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) onImport(file);
            e.target.value = '';
          }}
        />
      </div>
    </div>
  );
}
