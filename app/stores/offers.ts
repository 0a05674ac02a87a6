import { create } from 'zustand';
import { api } from '../lib/backend.ts';
import type { UserMessage } from '../lib/errors.ts';
import { describeOfferError, noFilters, type OfferFilters, type OfferRow, type OfferStatus } from '../lib/offers.ts';
import { recallOffers, rememberOffers } from '../lib/offersCache.ts';
import { offersApi, type CapPolicy, type KpiPolicy, type LinkedCampaign, type MappingSuggestion, type OfferChange, type OfferDetail, type OfferMapping, type ProgramOption } from '../lib/offersApi.ts';
import type { NewOffer, OfferTerms } from '../lib/offersTerms.ts';
import type { DayRange } from '../lib/summary.ts';
import { reportSuccess, useNotices } from './notices.ts';

type LoadStatus = 'idle' | 'loading' | 'ready' | 'failed';

function report(error: unknown): UserMessage {
  const message = describeOfferError(error);
  useNotices.getState().push(message, 'error');
  return message;
}

interface OffersState {
  /** Whose list it is: the copy this device keeps is per person. */
  userId: string | null;
  workspaceId: string | null;
  rows: OfferRow[];
  status: LoadStatus;
  /** When the list on screen was fetched, if it is the copy this device kept because the backend did not answer. */
  keptAt: string | null;
  programs: ProgramOption[];
  policies: { kpi: KpiPolicy[]; caps: CapPolicy[] };
  filters: OfferFilters;
  /** Chosen offers' ids, for the bulk actions and the export. */
  selected: string[];
  busy: boolean;
  /** Loads the registry; without an answer the list this device kept for the person stands in. */
  load(workspaceId: string, userId?: string): Promise<void>;
  setFilters(changes: Partial<OfferFilters>): void;
  toggle(offerId: string): void;
  select(offerIds: string[]): void;
  /** Gives the chosen offers a status; what the database refused is reported. */
  setStatus(status: OfferStatus): Promise<void>;
  /** Creates an offer with its first terms; resolves with its id, or with what went wrong. */
  create(offer: NewOffer, terms: OfferTerms): Promise<{ id: string } | { problem: UserMessage }>;
}

/** The registry: the workspace's offers, the filters and the selection. */
export const useOffers = create<OffersState>()((set, get) => ({
  userId: null,
  workspaceId: null,
  rows: [],
  status: 'idle',
  keptAt: null,
  programs: [],
  policies: { kpi: [], caps: [] },
  filters: noFilters,
  selected: [],
  busy: false,
  load: async (workspaceId, userId = get().userId ?? undefined) => {
    if (get().workspaceId !== workspaceId || get().userId !== (userId ?? null))
      set({ userId: userId ?? null, workspaceId, rows: [], keptAt: null, selected: [], filters: noFilters, programs: [], policies: { kpi: [], caps: [] } });
    set({ status: 'loading' });
    try {
      const [rows, programs, policies] = await Promise.all([offersApi().listOffers(workspaceId), offersApi().listPrograms(workspaceId), offersApi().listPolicies(workspaceId)]);
      if (get().workspaceId !== workspaceId) return;
      if (userId) rememberOffers(userId, { workspaceId, rows, fetchedAt: new Date().toISOString() });
      const known = new Set(rows.map((r) => r.id));
      set({ rows, programs, policies, status: 'ready', keptAt: null, selected: get().selected.filter((id) => known.has(id)) });
    } catch (error) {
      if (get().workspaceId !== workspaceId) return;
      report(error);
      // A list already on screen stays; else the one this device kept stands in, marked with its time.
      const kept = get().rows.length === 0 && userId ? recallOffers(userId, workspaceId) : null;
      set(kept ? { rows: kept.rows, status: 'failed', keptAt: kept.fetchedAt } : { status: 'failed' });
    }
  },
  setFilters: (changes) => set({ filters: { ...get().filters, ...changes } }),
  toggle: (offerId) => set((s) => ({ selected: s.selected.includes(offerId) ? s.selected.filter((id) => id !== offerId) : [...s.selected, offerId] })),
  select: (offerIds) => set({ selected: offerIds }),
  setStatus: async (status) => {
    const { workspaceId, selected } = get();
    if (!workspaceId || selected.length === 0) return;
    set({ busy: true });
    try {
      const changed = await offersApi().setStatus(workspaceId, selected, status);
      reportSuccess('offers.bulk.done', { count: changed.length });
      if (changed.length < selected.length) useNotices.getState().push({ key: 'offers.bulk.partly', values: { count: selected.length - changed.length } }, 'error');
    } catch (error) {
      report(error);
    } finally {
      set({ busy: false });
      await get().load(workspaceId);
    }
  },
  create: async (offer, terms) => {
    const workspaceId = get().workspaceId;
    if (!workspaceId) return { problem: { key: 'workspaces.none' } };
    set({ busy: true });
    try {
      const id = await offersApi().createOffer(workspaceId, offer, terms);
      void get().load(workspaceId);
      return { id };
    } catch (error) {
      return { problem: describeOfferError(error) };
    } finally {
      set({ busy: false });
    }
  },
}));

interface OfferCardState {
  offerId: string | null;
  detail: OfferDetail | null;
  status: LoadStatus;
  history: OfferChange[] | null;
  /** Display names of the people in the history and versions. */
  names: Record<string, string>;
  mappings: OfferMapping[] | null;
  suggestions: MappingSuggestion[] | null;
  campaigns: { range: DayRange; rows: LinkedCampaign[] } | null;
  busy: boolean;
  open(offerId: string): Promise<void>;
  loadHistory(): Promise<void>;
  loadMapping(): Promise<void>;
  loadCampaigns(range: DayRange): Promise<void>;
  /** Opens new terms; resolves with what the server objected to (the form shows it), or null. */
  openVersion(terms: OfferTerms): Promise<UserMessage | null>;
  map(suggestion: Pick<MappingSuggestion, 'twOfferId' | 'linkTitle'>): Promise<void>;
  unmap(mappingId: string): Promise<void>;
  setStatus(status: OfferStatus): Promise<void>;
}

/** One offer's card: its terms, history, mapping and linked campaigns, each loaded when its tab opens. */
export const useOfferCard = create<OfferCardState>()((set, get) => {
  async function withNames(ids: (string | null)[]): Promise<void> {
    const missing = [...new Set(ids.filter((id): id is string => id !== null && !(id in get().names)))];
    if (missing.length === 0) return;
    const found = await api().displayNames(missing).catch(() => ({}));
    set({ names: { ...get().names, ...found } });
  }
  /** Runs a request for the card still on screen; a late answer for another offer is dropped. */
  async function forCard<T>(request: (offerId: string) => Promise<T>, apply: (value: T) => void): Promise<void> {
    const offerId = get().offerId;
    if (!offerId) return;
    try {
      const value = await request(offerId);
      if (get().offerId === offerId) apply(value);
    } catch (error) {
      if (get().offerId === offerId) report(error);
    }
  }

  return {
    offerId: null,
    detail: null,
    status: 'idle',
    history: null,
    names: {},
    mappings: null,
    suggestions: null,
    campaigns: null,
    busy: false,
    open: async (offerId) => {
      if (get().offerId !== offerId) set({ offerId, detail: null, history: null, mappings: null, suggestions: null, campaigns: null });
      set({ status: 'loading' });
      try {
        const detail = await offersApi().offer(offerId);
        if (get().offerId !== offerId) return;
        set({ detail, status: 'ready' });
        await withNames(detail.versions.map((v) => v.author));
      } catch (error) {
        if (get().offerId !== offerId) return;
        report(error);
        set({ status: 'failed' });
      }
    },
    loadHistory: () =>
      forCard(
        (id) => offersApi().history(id),
        (history) => {
          set({ history });
          void withNames(history.map((c) => c.changedBy));
        },
      ),
    loadMapping: () =>
      forCard(
        (id) => Promise.all([offersApi().mappings(id), offersApi().suggestions(id)]),
        ([mappings, suggestions]) => set({ mappings, suggestions }),
      ),
    loadCampaigns: (range) => forCard((id) => offersApi().linkedCampaigns(id, range), (rows) => set({ campaigns: { range, rows } })),
    openVersion: async (terms) => {
      const offerId = get().offerId;
      if (!offerId) return null;
      set({ busy: true });
      try {
        await offersApi().openVersion(offerId, terms);
        reportSuccess('offers.version.opened');
        await Promise.all([get().open(offerId), get().loadHistory()]);
        return null;
      } catch (error) {
        return describeOfferError(error);
      } finally {
        set({ busy: false });
      }
    },
    map: async (suggestion) => {
      const detail = get().detail;
      if (!detail) return;
      set({ busy: true });
      try {
        await offersApi().map(detail.workspaceId, detail.id, suggestion.twOfferId, suggestion.linkTitle);
        reportSuccess('offers.mapping.mapped', { id: suggestion.twOfferId });
      } catch (error) {
        report(error);
      } finally {
        set({ busy: false, campaigns: null });
        await get().loadMapping();
      }
    },
    unmap: async (mappingId) => {
      set({ busy: true });
      try {
        await offersApi().unmap(mappingId);
      } catch (error) {
        report(error);
      } finally {
        set({ busy: false, campaigns: null });
        await get().loadMapping();
      }
    },
    setStatus: async (status) => {
      const detail = get().detail;
      if (!detail) return;
      set({ busy: true });
      try {
        await offersApi().setStatus(detail.workspaceId, [detail.id], status);
        await Promise.all([get().open(detail.id), get().history ? get().loadHistory() : Promise.resolve()]);
      } catch (error) {
        report(error);
      } finally {
        set({ busy: false });
      }
    },
  };
});
