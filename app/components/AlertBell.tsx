import { IonBadge, IonButton, IonIcon } from '@ionic/react';
import { notificationsOutline } from 'ionicons/icons';

interface AlertBellProps {
  /** Firing alerts nobody has acknowledged yet. */
  count: number;
  /** What a screen reader says: the count in words. */
  label: string;
  href: string;
}

/** The toolbar's bell: opens the alert centre, with a badge while alerts wait for someone. */
export function AlertBell({ count, label, href }: AlertBellProps) {
  return (
    <IonButton routerLink={href} className="alert-bell" aria-label={label} data-alert-count={String(count)}>
      <IonIcon slot="icon-only" icon={notificationsOutline} aria-hidden="true" />
      {count > 0 && (
        <IonBadge color="danger" className="alert-bell-badge" aria-hidden="true">
          {count > 99 ? '99+' : count}
        </IonBadge>
      )}
    </IonButton>
  );
}
