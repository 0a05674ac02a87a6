import type { Membership } from '../lib/dataApi.ts';
import { selectUser, useSession } from './session.ts';
import { selectKeptWorkspace, useSummary } from './summary.ts';
import { selectCurrentWorkspace, selectWorkspaceStatus, useWorkspace } from './workspace.ts';

/**
 * The workspace a screen shows: the chosen one, or until the person's workspaces load (at
 * start, or not at all while offline) the one whose summary this device kept, as the summary does.
 */
export function useShownWorkspace(): Membership | undefined {
  const userId = useSession(selectUser)?.id;
  const live = useWorkspace(selectCurrentWorkspace);
  const status = useWorkspace(selectWorkspaceStatus);
  const kept = useSummary(selectKeptWorkspace(userId));
  return live ?? (status === 'ready' ? undefined : kept);
}
