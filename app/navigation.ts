import { businessOutline, personCircleOutline, settingsOutline, statsChartOutline } from 'ionicons/icons';

/** A top-level screen of the signed-in app: a tab on the phone, a menu entry on wider screens. */
export interface Destination {
  tab: string;
  path: string;
  labelKey: string;
  icon: string;
}

export const destinations: Destination[] = [
  { tab: 'summary', path: '/app/summary', labelKey: 'nav.summary', icon: statsChartOutline },
  { tab: 'workspaces', path: '/app/workspaces', labelKey: 'nav.workspaces', icon: businessOutline },
  { tab: 'profile', path: '/app/profile', labelKey: 'nav.profile', icon: personCircleOutline },
  { tab: 'settings', path: '/app/settings', labelKey: 'nav.settings', icon: settingsOutline },
];
