import { IonButton, IonButtons, IonContent, IonHeader, IonItem, IonLabel, IonList, IonModal, IonTitle, IonToolbar } from '@ionic/react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SearchField } from './SearchField.tsx';

interface TimeZonePickerProps {
  value: string;
  onChange(timeZone: string): void;
}

/** Every IANA zone the browser knows, plus the saved one if the browser does not know it. */
function zoneList(current: string): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes(current) ? zones : [current, ...zones];
}

/** A time zone chosen from a searchable list ("mos" finds Europe/Moscow). */
export function TimeZonePicker({ value, onChange }: TimeZonePickerProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const zones = useMemo(() => zoneList(value), [value]);
  const needle = query.trim().toLowerCase().replace(/\s+/g, '_');
  const matches = needle ? zones.filter((z) => z.toLowerCase().includes(needle)) : zones;

  const choose = (zone: string) => {
    onChange(zone);
    setOpen(false);
  };

  return (
    <>
      <IonItem button detail onClick={() => setOpen(true)} className="time-zone-item">
        <IonLabel>
          <span className="field-label">{t('profile.timeZone')}</span>
          <span className="field-value">{value.replace(/_/g, ' ')}</span>
        </IonLabel>
      </IonItem>
      <IonModal isOpen={open} onDidDismiss={() => setOpen(false)} aria-label={t('profile.timeZone')}>
        <IonHeader>
          <IonToolbar>
            <IonTitle>{t('profile.timeZone')}</IonTitle>
            <IonButtons slot="end">
              <IonButton onClick={() => setOpen(false)}>{t('common.close')}</IonButton>
            </IonButtons>
          </IonToolbar>
          <IonToolbar>
            <SearchField label={t('profile.timeZoneSearch')} value={query} placeholder={t('profile.timeZoneSearch')} debounce={100} onIonInput={(e) => setQuery(e.detail.value ?? '')} />
          </IonToolbar>
        </IonHeader>
        <IonContent>
          <IonList>
            {matches.slice(0, 100).map((zone) => (
              <IonItem key={zone} button detail={false} onClick={() => choose(zone)} color={zone === value ? 'light' : undefined}>
                <IonLabel>{zone.replace(/_/g, ' ')}</IonLabel>
              </IonItem>
            ))}
            {matches.length === 0 && (
              <IonItem lines="none">
                <IonLabel color="medium">{t('profile.timeZoneNone')}</IonLabel>
              </IonItem>
            )}
          </IonList>
        </IonContent>
      </IonModal>
    </>
  );
}
