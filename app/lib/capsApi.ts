import type { SupabaseClient } from '@supabase/supabase-js';
import { capActionKinds, capStatuses, type CapAction, type CapActionKind, type CapRow } from './caps.ts';
import { dataOf } from './dataApi.ts';
import { array, bool, decimal, nonEmptyText, nullable, object, oneOf, readAs, text, uuid } from './guards.ts';

const readCapRow = object({
  offer_id: uuid,
  offer_code: text,
  offer_name: text,
  program_id: nullable(uuid),
  program_name: nullable(text),
  policy_name: text,
  geo: text,
  metric: text,
  period: text,
  time_zone: nonEmptyText,
  period_start: text,
  period_end: nullable(text),
  period_start_local: text,
  period_end_local: nullable(text),
  used: decimal,
  cap_limit: decimal,
  effective_limit: decimal,
  percent: decimal,
  status: oneOf(capStatuses),
  hard: bool,
  expected_total: nullable(decimal),
  runs_out_at: nullable(text),
  runs_out_local: nullable(text),
  confidence: decimal,
  spend_at_risk: nullable(decimal),
  currency: text,
  is_current: bool,
  as_of: text,
});

/** A caps_overview() row as the RPC sends it. */
export function toCapRow(row: unknown): CapRow {
  const r = readAs(readCapRow, row, 'cap');
  return {
    offerId: r.offer_id,
    offerCode: r.offer_code,
    offerName: r.offer_name,
    programId: r.program_id,
    programName: r.program_name,
    policyName: r.policy_name,
    geo: r.geo,
    metric: r.metric,
    period: r.period,
    timeZone: r.time_zone,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    periodStartLocal: r.period_start_local,
    periodEndLocal: r.period_end_local,
    used: r.used,
    capLimit: r.cap_limit,
    effectiveLimit: r.effective_limit,
    percent: r.percent,
    status: r.status,
    hard: r.hard,
    expectedTotal: r.expected_total,
    runsOutAt: r.runs_out_at,
    runsOutLocal: r.runs_out_local,
    confidence: r.confidence,
    spendAtRisk: r.spend_at_risk,
    currency: r.currency,
    isCurrent: r.is_current,
    asOf: r.as_of,
  };
}

const readAction = object({
  id: decimal,
  offer_id: uuid,
  geo: text,
  action: oneOf(capActionKinds),
  reason: text,
  old_limit: nullable(decimal),
  new_limit: nullable(decimal),
  actor: nullable(uuid),
  at: text,
});

/**
 * Caps over supabase-js as dataApi.ts does: answers validated where they enter; RLS decides
 * what a member reads, and cap_action() who may act.
 */
export function createCapsApi(client: SupabaseClient) {
  return {
    /** Every capped offer (and GEO) of the workspace, most urgent first. */
    async overview(workspaceId: string): Promise<CapRow[]> {
      return readAs(array((row) => row), dataOf(await client.rpc('caps_overview', { workspace: workspaceId }).retry(false)), 'caps').map(toCapRow);
    },

    /** Raises, resets, pauses or resumes the cap for its current period, with the reason why. */
    async act(offerId: string, geo: string, action: CapActionKind, reason: string, newLimit: number | null): Promise<void> {
      dataOf(await client.rpc('cap_action', { offer: offerId, action, reason, new_limit: newLimit, geo }));
    },

    /** The offer's latest actions on its caps, newest first. */
    async actions(offerId: string, limit = 5): Promise<CapAction[]> {
      const rows = dataOf(
        await client.from('cap_actions').select('id, offer_id, geo, action, reason, old_limit, new_limit, actor, at').eq('offer_id', offerId).order('id', { ascending: false }).limit(limit).retry(false),
      );
      return readAs(array(readAction), rows, 'cap actions').map((a) => ({
        id: a.id,
        offerId: a.offer_id,
        geo: a.geo,
        action: a.action,
        reason: a.reason,
        oldLimit: a.old_limit,
        newLimit: a.new_limit,
        actor: a.actor,
        at: a.at,
      }));
    },
  };
}

export type CapsApi = ReturnType<typeof createCapsApi>;
