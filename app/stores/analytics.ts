import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { defaultSelection, resolveRange, rpcFilters, type AnalyticsRow, type AnalyticsSelection, type AnalyticsTable, type FilterDimension } from '../lib/analytics.ts';
import { recallAnalytics, rememberAnalytics } from '../lib/analyticsCache.ts';
import { mergePresets, readSelection, type FilterPreset, type PresetScope, type SharedPreset } from '../lib/analyticsPresets.ts';
import { api } from '../lib/backend.ts';
import { RequestError } from '../lib/errors.ts';
import { sharedPresetsApi } from '../lib/sharedPresetsApi.ts';
import { todayIn, type DayRange } from '../lib/summary.ts';
import { reportError, useNotices } from './notices.ts';

interface AnalyticsTarget {
  userId: string;
  workspaceId: string;
  timeZone: string;
}

/** What a loaded table answers: the request it answers, so a stale one is never shown for a new selection. */
interface Loaded<T> {
  query: string;
  range: DayRange;
  data: T;
}

interface AnalyticsState {
  selection: AnalyticsSelection;
  target: AnalyticsTarget | null;
  table: Loaded<AnalyticsTable> | null;
  status: 'idle' | 'loading' | 'ready' | 'failed';
  /** When the table on screen was fetched, if it is the copy this device kept because the backend did not answer. */
  keptAt: string | null;
  /** Values to filter by, per dimension, over the chosen range. */
  filterValues: { query: string; values: Partial<Record<FilterDimension, string[]>> };
  /** The chosen metrics per day (the chart). */
  chart: Loaded<AnalyticsRow[]> | null;
  setTarget(target: AnalyticsTarget): Promise<void>;
  /** Changes the selection; a new range, grouping or filter loads the table again. */
  choose(changes: Partial<AnalyticsSelection>): Promise<void>;
  reload(): Promise<void>;
  loadFilterValues(dimension: FilterDimension): Promise<void>;
  loadChart(): Promise<void>;
}

/** The days the selection covers for a target, today being the person's. */
export function selectedRange(s: Pick<AnalyticsState, 'selection' | 'target'>): DayRange {
  return resolveRange(s.selection.range, todayIn(s.target?.timeZone ?? 'UTC'));
}

/** Identity of the data a selection needs (columns and sort are only presentation). */
function queryOf(s: Pick<AnalyticsState, 'selection' | 'target'>, extra = ''): string {
  const { groupBy, filters } = s.selection;
  return JSON.stringify([s.target?.workspaceId, selectedRange(s), groupBy, rpcFilters(filters), extra]);
}

/** The Analytics screen: the selection, its table and chart, and the values its filters offer. */
export const useAnalytics = create<AnalyticsState>()((set, get) => ({
  selection: defaultSelection,
  target: null,
  table: null,
  status: 'idle',
  keptAt: null,
  filterValues: { query: '', values: {} },
  chart: null,
  setTarget: async (target) => {
    const current = get().target;
    if (current?.userId === target.userId && current.workspaceId === target.workspaceId && current.timeZone === target.timeZone && get().status !== 'failed') return;
    set({ target });
    await get().reload();
  },
  choose: async (changes) => {
    const before = queryOf(get());
    set({ selection: { ...get().selection, ...changes } });
    if (queryOf(get()) !== before) await get().reload();
  },
  reload: async () => {
    const state = get();
    if (!state.target) return;
    const query = queryOf(state);
    const range = selectedRange(state);
    const { userId, workspaceId } = state.target;
    set({ status: 'loading' });
    try {
      const data = await api().analyticsTable(workspaceId, range, state.selection.groupBy, rpcFilters(state.selection.filters));
      if (queryOf(get()) !== query) return;
      rememberAnalytics(userId, { workspaceId, query, range, data, fetchedAt: new Date().toISOString() });
      set({ table: { query, range, data }, status: 'ready', keptAt: null });
    } catch (error) {
      if (queryOf(get()) !== query) return;
      reportError(error);
      // The last table this device showed stands in, if it answers the same selection (a table of another grouping would mislead).
      const kept = recallAnalytics(userId, workspaceId);
      if (kept?.query === query) set({ table: { query, range: kept.range, data: kept.data }, status: 'ready', keptAt: kept.fetchedAt });
      else set({ status: 'failed', keptAt: null });
    }
  },
  loadFilterValues: async (dimension) => {
    const state = get();
    if (!state.target) return;
    // The values over the range, whatever else is filtered, so a chosen value never disappears from its own list.
    const query = JSON.stringify([state.target.workspaceId, selectedRange(state)]);
    const known = state.filterValues.query === query ? state.filterValues.values : {};
    if (known[dimension]) return;
    try {
      const { rows } = await api().analyticsTable(state.target.workspaceId, selectedRange(state), [dimension], {});
      const values = rows.map((r) => r.dims[dimension]).filter((v): v is string => typeof v === 'string').sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
      const now = get().filterValues;
      set({ filterValues: { query, values: { ...(now.query === query ? now.values : {}), [dimension]: values } } });
    } catch (error) {
      reportError(error);
    }
  },
  loadChart: async () => {
    const state = get();
    if (!state.target) return;
    const query = queryOf(state, 'chart');
    if (state.chart?.query === query) return;
    const range = selectedRange(state);
    try {
      const { rows } = await api().analyticsTable(state.target.workspaceId, range, ['date'], rpcFilters(state.selection.filters));
      if (queryOf(get(), 'chart') === query) set({ chart: { query, range, data: rows } });
    } catch (error) {
      reportError(error);
    }
  },
}));

export const selectSelection = (s: AnalyticsState) => s.selection;
export const selectAnalyticsStatus = (s: AnalyticsState) => s.status;
export const selectAnalyticsKeptAt = (s: AnalyticsState) => s.keptAt;
/** The table, if it answers the current selection (else the screen shows it is loading). */
export const selectCurrentTable = (s: AnalyticsState) => (s.table && s.table.query === queryOf(s) ? s.table : null);
export const selectChart = (s: AnalyticsState) => (s.chart && s.chart.query === queryOf(s, 'chart') ? s.chart : null);
export const selectFilterValues = (s: AnalyticsState) => s.filterValues.values;

interface PresetsState {
  /** Personal presets, kept on this device. */
  presets: FilterPreset[];
  /** The workspace's shared presets, for the workspace they were read from. */
  shared: { workspaceId: string; presets: SharedPreset[] } | null;
  /**
   * Saves the selection under a name, on this device or for the workspace. Over a preset of the
   * same name it replaces its selection: on the device always, in the workspace if it is the
   * person's own (another's name is refused as taken).
   */
  savePreset(scope: PresetScope, name: string, selection: AnalyticsSelection, viewer: { workspaceId: string; userId: string | null }): Promise<void>;
  renamePreset(preset: { scope: PresetScope; id: string }, name: string): Promise<void>;
  removePreset(preset: { scope: PresetScope; id: string }): Promise<void>;
  /** Imports presets to this device. */
  importPresets(imported: { name: string; selection: AnalyticsSelection }[]): void;
  /** Reads the workspace's shared presets and follows their changes live; returns the stop. */
  watchShared(workspaceId: string): () => void;
  refreshShared(): Promise<void>;
}

const newId = () => crypto.randomUUID();

/**
 * Runs a change to the shared presets, then reads them again so the person sees the outcome at
 * once (realtime tells the others). A name the workspace already uses gets its own message.
 */
async function changeShared(change: () => Promise<void>, name: string | null): Promise<void> {
  try {
    await change();
  } catch (error) {
    if (name !== null && error instanceof RequestError && error.code === '23505') useNotices.getState().push({ key: 'analytics.presets.nameTaken', values: { name } }, 'error');
    else reportError(error);
  }
  await useAnalyticsPresets.getState().refreshShared();
}

/**
 * Named selections: personal ones in this device's localStorage, shared ones in the
 * workspace's `saved_filters` (read on open, then kept current over realtime).
 */
export const useAnalyticsPresets = create<PresetsState>()(
  persist(
    (set, get) => ({
      presets: [],
      shared: null,
      savePreset: async (scope, name, selection, { workspaceId, userId }) => {
        if (scope === 'device') {
          set((s) => ({ presets: mergePresets(s.presets, [{ name, selection }], newId) }));
          return;
        }
        const own = get().shared?.presets.find((p) => p.name.toLocaleLowerCase() === name.toLocaleLowerCase() && p.ownerId === userId);
        await changeShared(() => (own ? sharedPresetsApi().change(own.id, { selection }) : sharedPresetsApi().share(workspaceId, name, selection)), name);
      },
      renamePreset: async ({ scope, id }, name) => {
        if (scope === 'device') set((s) => ({ presets: s.presets.map((p) => (p.id === id ? { ...p, name } : p)) }));
        else await changeShared(() => sharedPresetsApi().change(id, { name }), name);
      },
      removePreset: async ({ scope, id }) => {
        if (scope === 'device') set((s) => ({ presets: s.presets.filter((p) => p.id !== id) }));
        else await changeShared(() => sharedPresetsApi().remove(id), null);
      },
      importPresets: (imported) => set((s) => ({ presets: mergePresets(s.presets, imported, newId) })),
      watchShared: (workspaceId) => {
        if (get().shared?.workspaceId !== workspaceId) set({ shared: { workspaceId, presets: [] } });
        void get().refreshShared();
        return sharedPresetsApi().watch(workspaceId, () => void get().refreshShared());
      },
      refreshShared: async () => {
        const workspaceId = get().shared?.workspaceId;
        if (!workspaceId) return;
        try {
          const presets = await sharedPresetsApi().list(workspaceId);
          if (get().shared?.workspaceId === workspaceId) set({ shared: { workspaceId, presets } });
        } catch (error) {
          reportError(error);
        }
      },
    }),
    {
      name: 'arbidesk.analyticsPresets',
      partialize: ({ presets }) => ({ presets }),
      // Storage may hold what another version wrote: keep only presets that still read.
      merge: (persisted, current) => {
        const stored = (persisted as { presets?: unknown } | undefined)?.presets;
        const presets = Array.isArray(stored)
          ? stored.flatMap((p: { id?: unknown; name?: unknown; selection?: unknown }) => {
              try {
                return typeof p.id === 'string' && typeof p.name === 'string' ? [{ id: p.id, name: p.name, selection: readSelection(p.selection) }] : [];
              } catch {
                return [];
              }
            })
          : [];
        return { ...current, presets };
      },
    },
  ),
);

const noPresets: SharedPreset[] = [];

export const selectPresets = (s: PresetsState) => s.presets;
/** The shared presets of `workspaceId` (none while another workspace's are still shown). */
export const selectSharedPresets = (workspaceId: string | undefined) => (s: PresetsState) => (s.shared && s.shared.workspaceId === workspaceId ? s.shared.presets : noPresets);
