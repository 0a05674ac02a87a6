import { IonButton, IonItem, IonLabel, IonList, IonListHeader, IonNote } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { LoadRowError } from '../lib/uploads.ts';

interface LoadErrorsListProps {
  errors: LoadRowError[];
  /** How many rejected rows are stored in all, formatted, and whether there are pages before and after. */
  total: string;
  range: string;
  hasPrevious: boolean;
  hasNext: boolean;
  busy: boolean;
  onPrevious(): void;
  onNext(): void;
  onDownload(): void;
}

/** A load's rejected rows, a page at a time, and the whole list as CSV. */
export function LoadErrorsList({ errors, total, range, hasPrevious, hasNext, busy, onPrevious, onNext, onDownload }: LoadErrorsListProps) {
  const { t } = useTranslation();
  return (
    // A list of no rejected rows would be a list without items (axe: aria-required-children).
    <section className="load-errors" data-load="errors">
      <IonListHeader>
        <IonLabel>{t('loads.rejectedRows', { total })}</IonLabel>
        <IonButton onClick={onDownload} disabled={busy || errors.length === 0} data-action="download-rejected">
          {t('loads.downloadCsv')}
        </IonButton>
      </IonListHeader>
      {errors.length > 0 && (
        <IonList>
          {errors.map((e, i) => (
            <IonItem key={`${e.line ?? ''}-${e.column ?? ''}-${i}`} data-line={e.line ?? ''}>
              <IonLabel className="ion-text-wrap">
                <h3>
                  {e.line === null ? t('loads.wholeFile') : t('loads.line', { line: e.line })}
                  {e.column ? ` · ${e.column}` : ''}
                </h3>
                <p>{e.reason}</p>
              </IonLabel>
            </IonItem>
          ))}
        </IonList>
      )}
      {(hasPrevious || hasNext) && (
        <div className="load-errors-pager">
          <IonButton fill="clear" disabled={!hasPrevious || busy} onClick={onPrevious}>
            {t('loads.previous')}
          </IonButton>
          <IonNote>{range}</IonNote>
          <IonButton fill="clear" disabled={!hasNext || busy} onClick={onNext}>
            {t('loads.next')}
          </IonButton>
        </div>
      )}
    </section>
  );
}
