import { IonButton, IonIcon } from '@ionic/react';
import { archiveOutline, downloadOutline, pauseOutline, playOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import type { OfferStatus } from '../lib/offers.ts';

export const offerExportFormats = ['xlsx', 'csv'] as const;
export type OfferExportFormat = (typeof offerExportFormats)[number];

interface OfferBulkBarProps {
  count: number;
  /** Whether the person may change offers (the status buttons are left out otherwise). */
  canWrite: boolean;
  busy: boolean;
  onStatus(status: OfferStatus): void;
  onExport(format: OfferExportFormat): void;
  onClear(): void;
}

const statusActions: { status: OfferStatus; icon: string }[] = [
  { status: 'active', icon: playOutline },
  { status: 'paused', icon: pauseOutline },
  { status: 'archived', icon: archiveOutline },
];

/** What can be done with the chosen offers: change their status, export them for approval. */
export function OfferBulkBar({ count, canWrite, busy, onStatus, onExport, onClear }: OfferBulkBarProps) {
  const { t } = useTranslation();
  return (
    <div className="offer-bulk" data-offers="bulk" data-count={count}>
      <span className="offer-bulk-count">{t('offers.bulk.selected', { count })}</span>
      {canWrite &&
        statusActions.map(({ status, icon }) => (
          <IonButton key={status} size="small" fill="outline" disabled={busy} data-bulk-status={status} onClick={() => onStatus(status)}>
            <IonIcon icon={icon} slot="start" aria-hidden="true" />
            {t(`offers.bulk.to.${status}`)}
          </IonButton>
        ))}
      {offerExportFormats.map((format) => (
        <IonButton key={format} size="small" fill="outline" disabled={busy} data-export={format} onClick={() => onExport(format)}>
          <IonIcon icon={downloadOutline} slot="start" aria-hidden="true" />
          {t(`offers.export.${format}`)}
        </IonButton>
      ))}
      <IonButton size="small" fill="clear" data-action="clear-selection" onClick={onClear}>
        {t('offers.bulk.clear')}
      </IonButton>
    </div>
  );
}
