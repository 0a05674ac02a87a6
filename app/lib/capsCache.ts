import { capStatuses, type CapRow } from './caps.ts';
import { array, bool, decimal, nonEmptyText, nullable, object, oneOf, text, uuid } from './guards.ts';
import { forgetKeys, keep, recall } from './summaryCache.ts';

/** The caps monitor of one workspace as last fetched: what shows while the backend is out of reach. */
export interface CapsSnapshot {
  workspaceId: string;
  rows: CapRow[];
  fetchedAt: string;
}

const readSnapshot = object({
  workspaceId: uuid,
  rows: array(
    object({
      offerId: uuid,
      offerCode: text,
      offerName: text,
      programId: nullable(uuid),
      programName: nullable(text),
      policyName: text,
      geo: text,
      metric: text,
      period: text,
      timeZone: nonEmptyText,
      periodStart: text,
      periodEnd: nullable(text),
      periodStartLocal: text,
      periodEndLocal: nullable(text),
      used: decimal,
      capLimit: decimal,
      effectiveLimit: decimal,
      percent: decimal,
      status: oneOf(capStatuses),
      hard: bool,
      expectedTotal: nullable(decimal),
      runsOutAt: nullable(text),
      runsOutLocal: nullable(text),
      confidence: decimal,
      spendAtRisk: nullable(decimal),
      currency: text,
      isCurrent: bool,
      asOf: text,
    }),
  ),
  fetchedAt: text,
});

// Kept per person and workspace, as the summary and the alerts are; signing out forgets them.
const prefix = 'arbidesk.caps.';
const key = (userId: string, workspaceId: string) => `${prefix}${userId}.${workspaceId}`;

export function rememberCaps(userId: string, snapshot: CapsSnapshot): void {
  keep(key(userId, snapshot.workspaceId), snapshot);
}

export function recallCaps(userId: string, workspaceId: string): CapsSnapshot | null {
  const kept = recall(key(userId, workspaceId), readSnapshot, 'stored caps');
  return kept?.workspaceId === workspaceId ? kept : null;
}

/** Removes every kept caps list, as signing out does with the alerts. */
export function forgetCaps(): void {
  forgetKeys((k) => k.startsWith(prefix));
}
