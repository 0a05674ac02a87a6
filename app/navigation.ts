import { briefcaseOutline, notificationsOutline, speedometerOutline, businessOutline, cloudUploadOutline, gridOutline, layersOutline, personCircleOutline, pricetagsOutline, settingsOutline, statsChartOutline } from 'ionicons/icons';
import type { MemberRole } from './lib/dataApi.ts';
import { uploaderRoles } from './lib/uploads.ts';

/** A top-level screen of the signed-in app: a tab on the phone, a menu entry on wider screens. */
export interface Destination {
  tab: string;
  path: string;
  labelKey: string;
  icon: string;
  /** Only these roles see it; everyone when absent. */
  roles?: readonly MemberRole[];
  /**
   * Left out of the phone's tab bar, which holds five at 390 px: reached from another screen
   * there (upload from Loads, programs from Offers, caps from the summary's caps block,
   * workspaces and profile from Settings), from the menu on wider screens.
   */
  menuOnly?: boolean;
}

export const destinations: Destination[] = [
  { tab: 'summary', path: '/app/summary', labelKey: 'nav.summary', icon: statsChartOutline },
  { tab: 'analytics', path: '/app/analytics', labelKey: 'analytics.nav', icon: gridOutline },
  { tab: 'offers', path: '/app/offers', labelKey: 'offers.nav', icon: pricetagsOutline },
  { tab: 'caps', path: '/app/caps', labelKey: 'caps.nav', icon: speedometerOutline, menuOnly: true },
  { tab: 'programs', path: '/app/programs', labelKey: 'programs.nav', icon: briefcaseOutline, menuOnly: true },
  { tab: 'upload', path: '/app/upload', labelKey: 'upload.nav', icon: cloudUploadOutline, roles: uploaderRoles, menuOnly: true },
  { tab: 'loads', path: '/app/loads', labelKey: 'loads.nav', icon: layersOutline },
  { tab: 'workspaces', path: '/app/workspaces', labelKey: 'nav.workspaces', icon: businessOutline, menuOnly: true },
  { tab: 'profile', path: '/app/profile', labelKey: 'nav.profile', icon: personCircleOutline, menuOnly: true },
  { tab: 'alert-settings', path: '/app/settings/alerts', labelKey: 'alertSettings.nav', icon: notificationsOutline, menuOnly: true },
  { tab: 'settings', path: '/app/settings', labelKey: 'nav.settings', icon: settingsOutline },
];

/** The destination a path belongs to: the longest path it starts with (/app/settings/alerts is not /app/settings). */
export function currentDestination(destinationList: Destination[], path: string): Destination | undefined {
  return destinationList.filter((d) => path === d.path || path.startsWith(`${d.path}/`)).sort((a, b) => b.path.length - a.path.length)[0];
}

/** The destinations a role sees (none of the role-bound ones before the workspace is known). */
export function destinationsFor(role: MemberRole | undefined): Destination[] {
  return destinations.filter((d) => !d.roles || (role !== undefined && d.roles.includes(role)));
}
