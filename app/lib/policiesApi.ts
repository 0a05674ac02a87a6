import type { SupabaseClient } from '@supabase/supabase-js';
import { backendClient } from './backend.ts';
import { dataOf } from './dataApi.ts';
import { array, bool, nonEmptyText, object, oneOf, readAs, text, uuid } from './guards.ts';
import { refusedUnless } from './offersApi.ts';
import type { PolicyKind, PolicyRow, PolicyUse } from './policies.ts';

const tables: Record<PolicyKind, string> = { kpi: 'kpi_policies', caps: 'cap_policies' };

const readUse = object({ kind: oneOf(['kpi', 'caps']), policy_id: uuid, offer_id: uuid, code: nonEmptyText, name: text, status: text, in_force: bool });
const readId = array(object({ id: uuid }));

/**
 * Writes of KPI and cap policies and who uses them. Reads of the policies themselves are
 * lib/offersApi.ts's listPolicies (the pickers and the card use the same list). RLS decides
 * who writes: an update or delete it filters out answers no rows, which is reported refused.
 */
export function createPoliciesApi(client: SupabaseClient) {
  return {
    /** The offers whose terms use each policy (policy_offers()). */
    async usage(workspaceId: string): Promise<PolicyUse[]> {
      const rows = dataOf(await client.rpc('policy_offers', { workspace: workspaceId }, { get: true }).retry(false));
      return readAs(array(readUse), rows, 'policy offers').map((u) => ({ kind: u.kind, policyId: u.policy_id, offerId: u.offer_id, code: u.code, name: u.name, status: u.status, inForce: u.in_force }));
    },

    /** Adds the policy (policyId null) or changes it for every offer using it; returns its id. */
    async save(workspaceId: string, policyId: string | null, policy: PolicyRow): Promise<string> {
      const table = client.from(tables[policy.kind]);
      const rows = policyId
        ? dataOf(await table.update(policy.row).eq('id', policyId).select('id'))
        : dataOf(await table.insert({ ...policy.row, workspace_id: workspaceId }).select('id'));
      const saved = readAs(readId, rows, 'policy');
      refusedUnless(saved.length);
      return saved[0]?.id ?? '';
    },

    /** Archives the policy (no longer offered for new terms) or brings it back. */
    async setArchived(kind: PolicyKind, policyId: string, archived: boolean): Promise<void> {
      const rows = dataOf(await client.from(tables[kind]).update({ archived_at: archived ? new Date().toISOString() : null }).eq('id', policyId).select('id'));
      refusedUnless(readAs(readId, rows, 'policy').length);
    },

    /** Deletes a policy no terms ever used (the database refuses others, naming their offers). */
    async remove(kind: PolicyKind, policyId: string): Promise<void> {
      const rows = dataOf(await client.from(tables[kind]).delete().eq('id', policyId).select('id'));
      refusedUnless(readAs(readId, rows, 'policy').length);
    },
  };
}

export type PoliciesApi = ReturnType<typeof createPoliciesApi>;

let connected: { client: SupabaseClient; api: PoliciesApi } | undefined;

/** The policy requests over the app's one client (lib/backend.ts). */
export function policiesApi(): PoliciesApi {
  const client = backendClient();
  if (connected?.client !== client) connected = { client, api: createPoliciesApi(client) };
  return connected.api;
}
