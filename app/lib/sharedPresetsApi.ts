import type { SupabaseClient } from '@supabase/supabase-js';
import type { AnalyticsSelection } from './analytics.ts';
import { PresetFileError, readSelection, type SharedPreset } from './analyticsPresets.ts';
import { backendClient } from './backend.ts';
import { dataOf } from './dataApi.ts';
import { RequestError } from './errors.ts';
import { array, nonEmptyText, nullable, object, readAs, text, uuid } from './guards.ts';

const readRow = object({
  id: uuid,
  name: nonEmptyText,
  selection: (value) => value,
  owner_id: nullable(uuid),
  owner: nullable(object({ display_name: text })),
});
const columns = 'id, name, selection, owner_id, owner:profiles(display_name)';

/**
 * Rows of `saved_filters` as presets. A row of another shape throws (the server changed); a
 * selection this app version cannot read, written by a newer one, leaves out that preset
 * rather than the whole list.
 */
function toSharedPresets(rows: unknown): SharedPreset[] {
  return readAs(array(readRow), rows, 'shared presets').flatMap((row) => {
    try {
      const selection = readSelection(row.selection, `shared preset "${row.name}"`);
      return [{ id: row.id, name: row.name, selection, ownerId: row.owner_id, ownerName: row.owner?.display_name ?? null }];
    } catch (error) {
      if (error instanceof PresetFileError) return [];
      throw error;
    }
  });
}

/** RLS filters a change or deletion it forbids down to no rows (200): say it was refused. */
function refusedUnless(rows: unknown[] | null): void {
  if (!rows?.length) throw new RequestError(403, '42501', 'Only the owner or an admin can change this preset');
}

let channelCount = 0;

/** Presets shared with the workspace (table `saved_filters`) over supabase-js, validated where they enter. */
export function createSharedPresetsApi(client: SupabaseClient) {
  return {
    async list(workspaceId: string): Promise<SharedPreset[]> {
      return toSharedPresets(dataOf(await client.from('saved_filters').select(columns).eq('workspace_id', workspaceId).order('name').retry(false)));
    },

    /** Shares a new preset; a name the workspace uses comes back as a RequestError with code 23505. */
    async share(workspaceId: string, name: string, selection: AnalyticsSelection): Promise<void> {
      dataOf(await client.from('saved_filters').insert({ workspace_id: workspaceId, name, selection }));
    },

    async change(id: string, changes: { name?: string; selection?: AnalyticsSelection }): Promise<void> {
      refusedUnless(dataOf(await client.from('saved_filters').update(changes).eq('id', id).select('id')));
    },

    async remove(id: string): Promise<void> {
      refusedUnless(dataOf(await client.from('saved_filters').delete().eq('id', id).select('id')));
    },

    /** Calls `onChange` whenever a shared preset of the workspace appears, changes or goes (RLS decides who hears it). Returns the unsubscribe. */
    watch(workspaceId: string, onChange: () => void): () => void {
      channelCount += 1;
      const channel = client
        .channel(`saved-filters-${workspaceId}-${channelCount}`)
        .on('postgres_changes', { event: '*', schema: 'public', table: 'saved_filters', filter: `workspace_id=eq.${workspaceId}` }, () => onChange())
        .subscribe();
      return () => void client.removeChannel(channel);
    },
  };
}

export type SharedPresetsApi = ReturnType<typeof createSharedPresetsApi>;

let connected: { client: SupabaseClient; api: SharedPresetsApi } | undefined;

/** The shared-preset requests over the app's one client (lib/backend.ts). */
export function sharedPresetsApi(): SharedPresetsApi {
  const client = backendClient();
  if (connected?.client !== client) connected = { client, api: createSharedPresetsApi(client) };
  return connected.api;
}
