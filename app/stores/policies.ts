import { create } from 'zustand';
import { offersApi, type CapPolicy, type KpiPolicy } from '../lib/offersApi.ts';
import { describePolicyError, type PolicyKind, type PolicyRow, type PolicySaveOutcome, type PolicyUse } from '../lib/policies.ts';
import { policiesApi } from '../lib/policiesApi.ts';
import { useOffers } from './offers.ts';
import { reportSuccess, useNotices } from './notices.ts';

interface PoliciesState {
  workspaceId: string | null;
  kpi: KpiPolicy[];
  caps: CapPolicy[];
  /** Which offers use each policy. */
  usage: PolicyUse[];
  status: 'idle' | 'loading' | 'ready' | 'failed';
  busy: boolean;
  load(workspaceId: string): Promise<void>;
  /** Adds a policy (policyId null) or changes it for every offer using it; the terms forms add one before the list was ever loaded. */
  save(workspaceId: string, policyId: string | null, policy: PolicyRow): Promise<PolicySaveOutcome>;
  setArchived(kind: PolicyKind, policyId: string, archived: boolean): Promise<void>;
  remove(kind: PolicyKind, policyId: string): Promise<void>;
}

function report(error: unknown): void {
  const described = describePolicyError(error);
  useNotices.getState().push('message' in described ? described.message : { key: described.key }, 'error');
}

/** The workspace's KPI and cap policies, who uses them, and their writes. */
export const usePolicies = create<PoliciesState>()((set, get) => {
  /** Runs a write, then reloads; the registry's pickers get the same lists. */
  async function write<T>(workspaceId: string | null, request: (workspaceId: string) => Promise<T>, done: string): Promise<T | { failed: unknown }> {
    if (!workspaceId) return { failed: new Error('No workspace chosen') };
    set({ busy: true });
    try {
      const result = await request(workspaceId);
      if (done) reportSuccess(done);
      return result;
    } catch (error) {
      return { failed: error };
    } finally {
      await get().load(workspaceId);
      set({ busy: false });
    }
  }
  const isFailure = (value: unknown): value is { failed: unknown } => typeof value === 'object' && value !== null && 'failed' in value;

  return {
    workspaceId: null,
    kpi: [],
    caps: [],
    usage: [],
    status: 'idle',
    busy: false,
    load: async (workspaceId) => {
      if (get().workspaceId !== workspaceId) set({ workspaceId, kpi: [], caps: [], usage: [] });
      set({ status: 'loading' });
      try {
        const [policies, usage] = await Promise.all([offersApi().listPolicies(workspaceId), policiesApi().usage(workspaceId)]);
        if (get().workspaceId !== workspaceId) return;
        set({ ...policies, usage, status: 'ready' });
        // The registry keeps its own copy for the terms forms' pickers and the card's names.
        if (useOffers.getState().workspaceId === workspaceId) useOffers.setState({ policies });
      } catch (error) {
        if (get().workspaceId !== workspaceId) return;
        report(error);
        set({ status: 'failed' });
      }
    },
    save: async (workspaceId, policyId, policy) => {
      const outcome = await write(workspaceId, (workspaceId) => policiesApi().save(workspaceId, policyId, policy), policyId ? 'offers.policies.saved' : 'offers.policies.created');
      return isFailure(outcome) ? describePolicyError(outcome.failed) : { id: outcome };
    },
    setArchived: async (kind, policyId, archived) => {
      const outcome = await write(get().workspaceId, () => policiesApi().setArchived(kind, policyId, archived), archived ? 'offers.policies.archivedDone' : 'offers.policies.restoredDone');
      if (isFailure(outcome)) report(outcome.failed);
    },
    remove: async (kind, policyId) => {
      const outcome = await write(get().workspaceId, () => policiesApi().remove(kind, policyId), 'offers.policies.deleted');
      if (isFailure(outcome)) report(outcome.failed);
    },
  };
});
