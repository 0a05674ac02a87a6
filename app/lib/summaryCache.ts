import { loadStatuses, type LoadOutline, type OfferProfit, type PeriodTotals } from './dataApi.ts';
import { array, bool, decimal, nullable, object, oneOf, readAs, text, uuid } from './guards.ts';
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

const key = (workspaceId: string, period: Period) => `arbidesk.summary.${workspaceId}.${period}`;

/** Keeps the last summary of a workspace and period on this device, for when the backend is out of reach. */
export function rememberSummary(snapshot: SummarySnapshot): void {
  try {
    localStorage.setItem(key(snapshot.workspaceId, snapshot.period), JSON.stringify(snapshot));
  } catch {
    // A full or disabled storage only costs the offline copy.
  }
}

/** The kept summary, or null when there is none or it does not read as one (an older app version wrote it). */
export function recallSummary(workspaceId: string, period: Period): SummarySnapshot | null {
  const stored = localStorage.getItem(key(workspaceId, period));
  if (!stored) return null;
  try {
    return readAs(readSnapshot, JSON.parse(stored), 'stored summary');
  } catch {
    return null;
  }
}
