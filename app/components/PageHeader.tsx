import { IonButtons, IonHeader, IonTitle, IonToolbar } from '@ionic/react';
import { createContext, useContext, type ReactNode } from 'react';

interface PageHeaderProps {
  title: string;
  /** A second line, e.g. the workspace the screen shows. */
  subtitle?: string;
}

/**
 * What every signed-in screen's toolbar carries at its end (the alert bell): given once by
 * MainTabs instead of by each screen.
 */
export const PageHeaderEnd = createContext<ReactNode>(null);

/** The toolbar of a signed-in screen (navigation is in the tab bar or the side menu). */
export function PageHeader({ title, subtitle }: PageHeaderProps) {
  const end = useContext(PageHeaderEnd);
  return (
    <IonHeader>
      <IonToolbar>
        <IonTitle>
          <span className="toolbar-title">{title}</span>
          {subtitle && <span className="toolbar-subtitle">{subtitle}</span>}
        </IonTitle>
        {end && <IonButtons slot="end">{end}</IonButtons>}
      </IonToolbar>
    </IonHeader>
  );
}
