import { IonHeader, IonTitle, IonToolbar } from '@ionic/react';

interface PageHeaderProps {
  title: string;
  /** A second line, e.g. the workspace the screen shows. */
  subtitle?: string;
}

/** The toolbar of a signed-in screen (navigation is in the tab bar or the side menu). */
export function PageHeader({ title, subtitle }: PageHeaderProps) {
  return (
    <IonHeader>
      <IonToolbar>
        <IonTitle>
          <span className="toolbar-title">{title}</span>
          {subtitle && <span className="toolbar-subtitle">{subtitle}</span>}
        </IonTitle>
      </IonToolbar>
    </IonHeader>
  );
}
