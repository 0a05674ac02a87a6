import { IonButton, IonIcon } from '@ionic/react';
import { downloadOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';

export const exportFormats = ['csv', 'xlsx', 'json'] as const;
export type ExportFormat = (typeof exportFormats)[number];

interface AnalyticsExportProps {
  busy: boolean;
  disabled: boolean;
  onExport(format: ExportFormat): void;
}

/** Downloads of what the table shows: its columns, filters and order. */
export function AnalyticsExport({ busy, disabled, onExport }: AnalyticsExportProps) {
  const { t } = useTranslation();
  return (
    <div className="button-row analytics-export">
      {exportFormats.map((format) => (
        <IonButton key={format} fill="outline" size="small" data-export={format} disabled={disabled || busy} onClick={() => onExport(format)}>
          <IonIcon icon={downloadOutline} slot="start" aria-hidden="true" />
          {t(`analytics.export.${format}`)}
        </IonButton>
      ))}
    </div>
  );
}
