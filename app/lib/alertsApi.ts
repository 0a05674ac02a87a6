import type { SupabaseClient } from '@supabase/supabase-js';
import { alertKinds, alertSeverities, alertStatuses, alertSubjects, type Alert } from './alerts.ts';
import { dataOf, watchWorkspaceRows } from './dataApi.ts';
import { array, nonEmptyText, nullable, object, oneOf, readAs, record, text, uuid } from './guards.ts';

const readAlert = object({
  id: uuid,
  kind: oneOf(alertKinds),
  severity: oneOf(alertSeverities),
  subject_type: oneOf(alertSubjects),
  subject_id: nonEmptyText,
  group_key: nullable(text),
  params: record,
  status: oneOf(alertStatuses),
  fired_at: text,
  resolved_at: nullable(text),
  acknowledged_at: nullable(text),
  acknowledged_by: nullable(uuid),
});
const alertColumns = 'id, kind, severity, subject_type, subject_id, group_key, params, status, fired_at, resolved_at, acknowledged_at, acknowledged_by';

/** An alert row as the API sends it (REST, RPC or a realtime change). */
export function toAlert(row: unknown): Alert {
  const a = readAs(readAlert, row, 'alert');
  return {
    id: a.id,
    kind: a.kind,
    severity: a.severity,
    subjectType: a.subject_type,
    subjectId: a.subject_id,
    groupKey: a.group_key,
    params: a.params,
    status: a.status,
    firedAt: a.fired_at,
    resolvedAt: a.resolved_at,
    acknowledgedAt: a.acknowledged_at,
    acknowledgedBy: a.acknowledged_by,
  };
}

/**
 * The workspace's alerts over supabase-js as dataApi.ts does: answers validated where they
 * enter; RLS lets members read, and acknowledge_alert() decides who may acknowledge.
 */
export function createAlertsApi(client: SupabaseClient) {
  return {
    /** Every firing alert of the workspace and those resolved since `resolvedSince` (ISO moment). */
    async list(workspaceId: string, resolvedSince: string): Promise<Alert[]> {
      const [firing, resolved] = await Promise.all([
        client.from('alerts').select(alertColumns).eq('workspace_id', workspaceId).eq('status', 'firing').order('fired_at', { ascending: false }).limit(500).retry(false),
        client
          .from('alerts')
          .select(alertColumns)
          .eq('workspace_id', workspaceId)
          .eq('status', 'resolved')
          .gte('resolved_at', resolvedSince)
          .order('resolved_at', { ascending: false })
          .limit(100)
          .retry(false),
      ]);
      return [...readAs(array((row) => row), dataOf(firing), 'alerts'), ...readAs(array((row) => row), dataOf(resolved), 'alerts')].map(toAlert);
    },

    /** Marks the alert seen by the caller; the first acknowledgement stays. */
    async acknowledge(alertId: string): Promise<Alert> {
      return toAlert(dataOf(await client.rpc('acknowledge_alert', { alert_id: alertId })));
    },

    /** Names of programs by id, for alerts grouped under a program. */
    async programNames(programIds: string[]): Promise<Record<string, string>> {
      if (programIds.length === 0) return {};
      const rows = dataOf(await client.from('affiliate_programs').select('id, name').in('id', programIds).retry(false));
      return Object.fromEntries(readAs(array(object({ id: uuid, name: text })), rows, 'programs').map((p) => [p.id, p.name]));
    },

    /** Calls `onChange` with every changed alert of the workspace (null: one that cannot be read). Returns the unsubscribe. */
    watch(workspaceId: string, onChange: (alert: Alert | null) => void): () => void {
      return watchWorkspaceRows(client, 'alerts', workspaceId, toAlert, onChange);
    },
  };
}

export type AlertsApi = ReturnType<typeof createAlertsApi>;
