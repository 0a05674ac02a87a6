import { dimensions, filterDimensions, metrics, rangePresets, type AnalyticsSelection, type RangeChoice, type SortOrder } from './analytics.ts';
import type { MemberRole } from './dataApi.ts';

/** A named selection kept on this device. */
export interface FilterPreset {
  id: string;
  name: string;
  selection: AnalyticsSelection;
}

/** Where a preset lives: on this device (personal) or in the database for the whole workspace. */
export type PresetScope = 'device' | 'workspace';

/** A named selection shared with the workspace (a row of `saved_filters`). */
export interface SharedPreset extends FilterPreset {
  /** Null once the owner's account is gone. */
  ownerId: string | null;
  ownerName: string | null;
}

/** A preset as the list shows it, either kind, with what the person may do to it. */
export interface ListedPreset extends FilterPreset {
  scope: PresetScope;
  /** Who shared it (workspace presets only). */
  ownerName: string | null;
  /** Whether the person may rename and delete it. */
  editable: boolean;
}

/** The person looking at the list: their id and role in the workspace shown. */
export interface PresetViewer {
  userId: string | null;
  role: MemberRole | null;
}

/** Who may share presets with the workspace: every member but read_only (supabase/migrations/*_saved_filters.sql). */
export function canSharePresets(role: MemberRole | null): boolean {
  return role !== null && role !== 'read_only';
}

/** The same rule as the database's policies: the owner changes their own, admins anyone's. */
export function canChangeShared(preset: SharedPreset, viewer: PresetViewer): boolean {
  return viewer.role === 'admin' || (canSharePresets(viewer.role) && viewer.userId !== null && preset.ownerId === viewer.userId);
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, undefined, { numeric: true });

/** Both kinds in one list: this device's presets first, then the workspace's, each by name. */
export function listPresets(device: FilterPreset[], shared: SharedPreset[], viewer: PresetViewer): ListedPreset[] {
  return [
    ...[...device].sort(byName).map((p) => ({ ...p, scope: 'device' as const, ownerName: null, editable: true })),
    ...[...shared].sort(byName).map((p) => ({ id: p.id, name: p.name, selection: p.selection, scope: 'workspace' as const, ownerName: p.ownerName, editable: canChangeShared(p, viewer) })),
  ];
}

export const presetFileFormat = 'arbidesk.analytics-presets';

/** What "export presets" writes: the presets without their device ids. */
export function presetsFile(presets: FilterPreset[]): string {
  return JSON.stringify({ format: presetFileFormat, version: 1, presets: presets.map(({ name, selection }) => ({ name, selection })) }, null, 2);
}

/** Why a presets file was refused, naming the place: `presets[1].selection.groupBy[0] is not a dimension`. */
export class PresetFileError extends Error {
  constructor(readonly detail: string) {
    super(`Not a presets file: ${detail}`);
    this.name = 'PresetFileError';
  }
}

const isoDay = /^\d{4}-\d{2}-\d{2}$/;

function fail(path: string, expected: string): never {
  throw new PresetFileError(`${path} is not ${expected}`);
}

function record(value: unknown, path: string): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : fail(path, 'an object');
}

function list(value: unknown, path: string): unknown[] {
  return Array.isArray(value) ? value : fail(path, 'a list');
}

function member<T extends string>(allowed: readonly T[], what: string) {
  return (value: unknown, path: string): T => (allowed.includes(value as T) ? (value as T) : fail(path, what));
}

const dimension = member(dimensions, 'a dimension (date, campaign, offer, geo, source, network_campaign, creative)');
const metric = member(metrics, 'a metric');

function range(value: unknown, path: string): RangeChoice {
  const r = record(value, path);
  if ('preset' in r) return { preset: member(rangePresets, `a date preset (${rangePresets.join(', ')})`)(r.preset, `${path}.preset`) };
  const from = typeof r.from === 'string' && isoDay.test(r.from) ? r.from : fail(`${path}.from`, 'a date YYYY-MM-DD');
  const to = typeof r.to === 'string' && isoDay.test(r.to) ? r.to : fail(`${path}.to`, 'a date YYYY-MM-DD');
  return { from, to };
}

function sort(value: unknown, path: string): SortOrder | null {
  if (value === null || value === undefined) return null;
  const s = record(value, path);
  const key = typeof s.key === 'string' && (dimensions as readonly string[]).includes(s.key) ? dimension(s.key, `${path}.key`) : metric(s.key, `${path}.key`);
  return { key, direction: member(['asc', 'desc'] as const, 'asc or desc')(s.direction, `${path}.direction`) };
}

function filters(value: unknown, path: string): AnalyticsSelection['filters'] {
  const f = record(value ?? {}, path);
  const result: AnalyticsSelection['filters'] = {};
  for (const [key, values] of Object.entries(f)) {
    const name = member(filterDimensions, 'a dimension to filter by')(key, `${path} key "${key}"`);
    result[name] = list(values, `${path}.${key}`).map((v, i) => (typeof v === 'string' ? v : fail(`${path}.${key}[${i}]`, 'a text value')));
  }
  return result;
}

/** Validates a selection read from a file (or from this device's storage, which an older app version may have written). */
export function readSelection(value: unknown, path = 'selection'): AnalyticsSelection {
  const s = record(value, path);
  const groupBy = list(s.groupBy, `${path}.groupBy`).map((d, i) => dimension(d, `${path}.groupBy[${i}]`));
  const columns = list(s.columns, `${path}.columns`).map((m, i) => metric(m, `${path}.columns[${i}]`));
  if (columns.length === 0) fail(`${path}.columns`, 'a list of at least one metric');
  return { range: range(s.range, `${path}.range`), groupBy: [...new Set(groupBy)], columns: [...new Set(columns)], filters: filters(s.filters, `${path}.filters`), sort: sort(s.sort, `${path}.sort`) };
}

/** Reads an exported presets file; throws PresetFileError saying what is wrong. */
export function readPresetsFile(content: string): { name: string; selection: AnalyticsSelection }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    throw new PresetFileError('the file is not JSON');
  }
  const file = record(parsed, 'the file');
  if (file.format !== presetFileFormat) fail('format', `"${presetFileFormat}"`);
  if (file.version !== 1) fail('version', '1');
  return list(file.presets, 'presets').map((p, i) => {
    const preset = record(p, `presets[${i}]`);
    const name = typeof preset.name === 'string' && preset.name.trim() !== '' ? preset.name.trim() : fail(`presets[${i}].name`, 'a name');
    return { name, selection: readSelection(preset.selection, `presets[${i}].selection`) };
  });
}

/** Presets after an import: a preset with a name already in use replaces that one. */
export function mergePresets(kept: FilterPreset[], imported: { name: string; selection: AnalyticsSelection }[], newId: () => string): FilterPreset[] {
  const byName = new Map(kept.map((p) => [p.name, p]));
  for (const p of imported) byName.set(p.name, { id: byName.get(p.name)?.id ?? newId(), name: p.name, selection: p.selection });
  return [...byName.values()];
}
