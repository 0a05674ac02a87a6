import { IonButton, IonIcon, IonInput, IonItem, IonLabel, IonList, useIonAlert } from '@ionic/react';
import { checkmarkOutline, createOutline, trashOutline } from 'ionicons/icons';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FilterPreset } from '../lib/analyticsPresets.ts';

interface AnalyticsPresetsProps {
  presets: FilterPreset[];
  onSave(name: string): void;
  onLoad(preset: FilterPreset): void;
  onRename(id: string, name: string): void;
  onDelete(id: string): void;
  onExport(): void;
  onImport(file: File): void;
}

/** Named selections on this device: save the current one, load, rename, delete, move them between devices as JSON. */
export function AnalyticsPresets({ presets, onSave, onLoad, onRename, onDelete, onExport, onImport }: AnalyticsPresetsProps) {
  const { t } = useTranslation();
  const [confirm] = useIonAlert();
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const save = () => {
    if (name.trim() === '') return;
    onSave(name.trim());
    setName('');
  };
  const finishRename = () => {
    if (renaming && renaming.name.trim() !== '') onRename(renaming.id, renaming.name.trim());
    setRenaming(null);
  };
  const askDelete = (preset: FilterPreset) =>
    void confirm({
      header: t('analytics.presets.deleteTitle', { name: preset.name }),
      buttons: [{ text: t('common.cancel'), role: 'cancel' }, { text: t('analytics.presets.delete'), role: 'destructive', handler: () => onDelete(preset.id) }],
    });

  return (
    <div className="analytics-presets">
      <form className="analytics-preset-save" onSubmit={(e) => (e.preventDefault(), save())}>
        <IonInput name="preset-name" label={t('analytics.presets.name')} labelPlacement="stacked" value={name} onIonInput={(e) => setName(e.detail.value ?? '')} />
        <IonButton type="submit" data-action="save-preset" disabled={name.trim() === ''}>
          {t('analytics.presets.save')}
        </IonButton>
      </form>
      {presets.length === 0 ? (
        <p className="analytics-muted">{t('analytics.presets.none')}</p>
      ) : (
        <IonList lines="full">
          {presets.map((preset) =>
            renaming?.id === preset.id ? (
              <IonItem key={preset.id} data-preset={preset.name}>
                <IonInput name="preset-rename" aria-label={t('analytics.presets.rename')} value={renaming.name} onIonInput={(e) => setRenaming({ id: preset.id, name: e.detail.value ?? '' })} onKeyDown={(e) => e.key === 'Enter' && finishRename()} />
                <IonButton slot="end" fill="clear" data-action="finish-rename" aria-label={t('analytics.presets.rename')} onClick={finishRename}>
                  <IonIcon icon={checkmarkOutline} slot="icon-only" />
                </IonButton>
              </IonItem>
            ) : (
              <IonItem key={preset.id} data-preset={preset.name} button detail={false} onClick={() => onLoad(preset)}>
                <IonLabel>{preset.name}</IonLabel>
                <IonButton slot="end" fill="clear" data-action="rename-preset" aria-label={t('analytics.presets.rename')} onClick={(e) => (e.stopPropagation(), setRenaming({ id: preset.id, name: preset.name }))}>
                  <IonIcon icon={createOutline} slot="icon-only" />
                </IonButton>
                <IonButton slot="end" fill="clear" color="danger" data-action="delete-preset" aria-label={t('analytics.presets.delete')} onClick={(e) => (e.stopPropagation(), askDelete(preset))}>
                  <IonIcon icon={trashOutline} slot="icon-only" />
                </IonButton>
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
