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
const readOffer = object({ offerId: nullable(text), profit: decimal, roi: nullable(decimal) });
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

const key = (workspaceId: string, period: Period) => `arbidesk.summary.${workspaceId}.${period}`;
const workspaceKey = (userId: string) => `arbidesk.summary.workspace.${userId}`;

function keep(storageKey: string, value: unknown): void {
  try {
    localStorage.setItem(storageKey, JSON.stringify(value));
  } catch {
    // A full or disabled storage only costs the offline copy.
  }
}

/** What is kept under `storageKey`, or null when nothing is or it does not read as `read` (an older app version wrote it). */
function recall<T>(storageKey: string, read: Reader<T>, what: string): T | null {
  try {
    const stored = localStorage.getItem(storageKey);
    return stored ? readAs(read, JSON.parse(stored), what) : null;
  } catch {
    return null;
  }
}

/** Keeps the last summary of a workspace and period on this device, for when the backend is out of reach. */
export function rememberSummary(snapshot: SummarySnapshot): void {
  keep(key(snapshot.workspaceId, snapshot.period), snapshot);
}

export function recallSummary(workspaceId: string, period: Period): SummarySnapshot | null {
  return recall(key(workspaceId, period), readSnapshot, 'stored summary');
}

/**
 * Keeps which workspace the person last saw the summary of: without the backend the list of
 * their workspaces cannot load, and this one stands in so the kept summary can show.
 */
export function rememberShownWorkspace(userId: string, workspace: Membership): void {
  keep(workspaceKey(userId), workspace);
}

export function recallShownWorkspace(userId: string): Membership | null {
  return recall(workspaceKey(userId), readMembership, 'stored workspace');
}

/** Removes every kept summary: signing out leaves no figures of the workspace on a shared device. */
export function forgetSummaries(): void {
  try {
    const kept = Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i)).filter((k) => k?.startsWith('arbidesk.summary.'));
    for (const storageKey of kept) if (storageKey) localStorage.removeItem(storageKey);
  } catch {
    // Storage that cannot be read holds nothing to forget.
  }
}
