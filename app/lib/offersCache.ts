import { array, bool, decimal, nonEmptyText, nullable, object, oneOf, text, uuid } from './guards.ts';
import { offerStatuses, type OfferRow } from './offers.ts';
import { forgetKeys, keep, recall } from './summaryCache.ts';

/** The offers registry of one workspace as last fetched: what shows while the backend is out of reach. */
export interface OffersSnapshot {
  workspaceId: string;
  rows: OfferRow[];
  fetchedAt: string;
}

const readTerms = object({
  versionId: uuid,
  validFrom: text,
  validTo: nullable(text),
  geos: array(text),
  rateGeos: array(text),
  rate: decimal,
  currency: text,
  landingType: nullable(text),
  live: bool,
});

const readSnapshot = object({
  workspaceId: uuid,
  rows: array(
    object({
      id: uuid,
      code: nonEmptyText,
      name: text,
      product: nullable(text),
      status: oneOf(offerStatuses),
      programId: nullable(uuid),
      programName: nullable(text),
      terms: nullable(readTerms),
      versions: decimal,
      activeMappings: decimal,
    }),
  ),
  fetchedAt: text,
});

// Kept per person and workspace, as the summary and the caps are; signing out forgets them.
const prefix = 'arbidesk.offers.';
const key = (userId: string, workspaceId: string) => `${prefix}${userId}.${workspaceId}`;

export function rememberOffers(userId: string, snapshot: OffersSnapshot): void {
  keep(key(userId, snapshot.workspaceId), snapshot);
}

export function recallOffers(userId: string, workspaceId: string): OffersSnapshot | null {
  const kept = recall(key(userId, workspaceId), readSnapshot, 'stored offers');
  return kept?.workspaceId === workspaceId ? kept : null;
}

/** Removes every kept list, as signing out does with the summary. */
export function forgetOffers(): void {
  forgetKeys((k) => k.startsWith(prefix));
}
