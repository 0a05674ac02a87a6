import { loadStatuses, memberRoles, type LoadOutline, type Membership, type OfferProfit, type PeriodTotals } from './dataApi.ts';
import { array, bool, decimal, nonEmptyText, nullable, object, oneOf, readAs, text, uuid, type Reader } from './guards.ts';
import { periods, type DayRange, type Period } from './summary.ts';

/** What the summary screen shows for one workspace and period, as fetched at `fetchedAt`. */
export interface SummarySnapshot {
  workspaceId: string;
  period: Period;
  range: DayRange;
  current: PeriodTotals;
  previous: PeriodTotals;
  top: OfferProfit[];
  bottom: OfferProfit[];
  latestLoad: LoadOutline | null;
  /** Some upload has brought data; until then the screen explains instead of showing zeros. */
  hasData: boolean;
  fetchedAt: string;
}

const readTotals = object({ spend: decimal, revenue: decimal, profit: decimal, roi: nullable(decimal), ftds: decimal, otherCurrencyRows: decimal });
const readOffer = object({ offerId: nullable(text), offerName: nullable(text), profit: decimal, roi: nullable(decimal) });
const readSnapshot = object({
  workspaceId: uuid,
  period: oneOf(periods),
  range: object({ from: text, to: text }),
  current: readTotals,
  previous: readTotals,
  top: array(readOffer),
  bottom: array(readOffer),
  latestLoad: nullable(
    object({ id: uuid, fileName: text, status: oneOf(loadStatuses), rowsAccepted: decimal, rowsRejected: decimal, startedAt: text, finishedAt: nullable(text) }),
  ),
  hasData: bool,
  fetchedAt: text,
});

const readMembership = object({ workspaceId: uuid, workspaceName: nonEmptyText, baseCurrency: text, role: oneOf(memberRoles) });
const readShown = object({ workspace: readMembership, timeZone: nonEmptyText });

/** The workspace a person last saw the summary of, and the time zone its days were counted in. */
export interface ShownSummary {
  workspace: Membership;
  timeZone: string;
}

// Everything is kept per person: another person signing in on the device finds none of it.
const prefix = 'arbidesk.summary.';
const personPrefix = (userId: string) => `${prefix}${userId}.`;
const workspacePrefix = (userId: string, workspaceId: string) => `${personPrefix(userId)}${workspaceId}.`;
const key = (userId: string, workspaceId: string, period: Period) => `${workspacePrefix(userId, workspaceId)}${period}`;
const shownKey = (userId: string) => `${personPrefix(userId)}shown`;

/** Keeps `value` as JSON on this device; other kept copies (alertsCache.ts) go through here too. */
export function keep(storageKey: string, value: unknown): void {
  try {
    localStorage.setItem(storageKey, JSON.stringify(value));
  } catch {
    // A full or disabled storage only costs the kept copy.
  }
}

/** What is kept under `storageKey`, or null when nothing is or it does not read as `read` (an older app version wrote it). */
export function recall<T>(storageKey: string, read: Reader<T>, what: string): T | null {
  try {
    const stored = localStorage.getItem(storageKey);
    return stored ? readAs(read, JSON.parse(stored), what) : null;
  } catch {
    return null;
  }
}

export function forgetKeys(matches: (storageKey: string) => boolean): void {
  try {
    const kept = Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i)).filter((k) => k !== null && matches(k));
    for (const storageKey of kept) if (storageKey) localStorage.removeItem(storageKey);
  } catch {
    // Storage that cannot be read holds nothing to forget.
  }
}

/**
 * Keeps the last summary a person saw of a workspace and period on this device: the next
 * start shows it at once while fresh figures load, and it stands in while the backend is out of reach.
 */
export function rememberSummary(userId: string, snapshot: SummarySnapshot): void {
  keep(key(userId, snapshot.workspaceId, snapshot.period), snapshot);
}

export function recallSummary(userId: string, workspaceId: string, period: Period): SummarySnapshot | null {
  const kept = recall(key(userId, workspaceId, period), readSnapshot, 'stored summary');
  return kept?.workspaceId === workspaceId && kept.period === period ? kept : null;
}

/**
 * Keeps which workspace the person last saw the summary of, and in which time zone: the next
 * start asks for its figures before the list of their workspaces answers, and without the
 * backend that list cannot load at all.
 */
export function rememberShownSummary(userId: string, shown: ShownSummary): void {
  keep(shownKey(userId), shown);
}

export function recallShownSummary(userId: string): ShownSummary | null {
  return recall(shownKey(userId), readShown, 'stored workspace');
}

/** Forgets what a person kept of a workspace they are no longer a member of. */
export function forgetWorkspaceSummaries(userId: string, workspaceId: string): void {
  const shownThere = recallShownSummary(userId)?.workspace.workspaceId === workspaceId;
  forgetKeys((k) => k.startsWith(workspacePrefix(userId, workspaceId)) || (shownThere && k === shownKey(userId)));
}

/** Removes every kept summary: signing out leaves no figures of the workspace on a shared device. */
export function forgetSummaries(): void {
  forgetKeys((k) => k.startsWith(prefix));
}
