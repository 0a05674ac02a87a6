import type { AlertForText } from '../_shared/alerts/messages.ts';
import type { DueRow } from './deliver.ts';

/**
 * The rows' alerts as the shared wording takes them, each alert once (its first message and a
 * repeat can fall due together after quiet hours): a repeat only when nothing newer is due.
 */
export function alertsOf(rows: readonly DueRow[]): AlertForText[] {
  const byAlert = new Map<string, AlertForText>();
  for (const r of rows) {
    const repeated = r.reason === 'repeated';
    const seen = byAlert.get(r.alert_id);
    if (!seen || (seen.repeated && !repeated)) byAlert.set(r.alert_id, { kind: r.kind, severity: r.severity, params: r.params, repeated });
  }
  return [...byAlert.values()];
}
