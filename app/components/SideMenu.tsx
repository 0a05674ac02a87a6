import { IonButton, IonContent, IonFooter, IonIcon, IonItem, IonLabel, IonList, IonMenu, IonMenuToggle, IonNote, IonToolbar } from '@ionic/react';
import { logOutOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import type { Membership } from '../lib/dataApi.ts';
import { currentDestination, type Destination } from '../navigation.ts';

interface SideMenuProps {
  contentId: string;
  /** Off while nobody is signed in, so sign-in screens get the whole width. */
  disabled: boolean;
  destinations: Destination[];
  currentPath: string;
  workspace: Membership | undefined;
  personName: string;
  onSignOut(): void;
}

/** The navigation of tablets and desktops, shown beside the content by IonSplitPane. */
export function SideMenu({ contentId, disabled, destinations, currentPath, workspace, personName, onSignOut }: SideMenuProps) {
  const { t } = useTranslation();
  const current = currentDestination(destinations, currentPath);
  return (
    // Ionic names the menu "menu" in English unless given a label; it reads the label when it loads.
    <IonMenu contentId={contentId} type="overlay" disabled={disabled} swipeGesture={false} className="side-menu" aria-label={t('nav.menu')}>
      <IonContent>
        <IonList lines="none">
          <div className="side-menu-brand">
            <img src="/icons/icon.svg" alt="" width="28" height="28" />
            <span>ArbiDesk</span>
          </div>
          <IonNote className="side-menu-workspace">
            {workspace ? `${workspace.workspaceName} · ${t(`roles.${workspace.role}`)}` : t('workspaces.none')}
          </IonNote>
          {destinations.map((d) => (
            <IonMenuToggle key={d.path} autoHide={false}>
              <IonItem
                routerLink={d.path}
                routerDirection="root"
                detail={false}
                className={d === current ? 'selected' : undefined}
                aria-current={d === current ? 'page' : undefined}
              >
                <IonIcon slot="start" icon={d.icon} aria-hidden="true" />
                <IonLabel>{t(d.labelKey)}</IonLabel>
              </IonItem>
            </IonMenuToggle>
          ))}
        </IonList>
      </IonContent>
      <IonFooter>
        <IonToolbar>
          <IonNote className="side-menu-person">{personName}</IonNote>
          <IonButton slot="end" fill="clear" onClick={onSignOut}>
            <IonIcon slot="start" icon={logOutOutline} aria-hidden="true" />
            {t('auth.signOut')}
          </IonButton>
        </IonToolbar>
      </IonFooter>
    </IonMenu>
  );
}
