import { ensureAppBuilt } from '../../supabase/local/appBuild.ts';
import { startAppServer, type AppServer } from '../../supabase/local/appServer.ts';
import type { StackInfo } from './globalSetup.ts';

/**
 * The built app (rebuilt first when app/dist is older than its sources) on a free port,
 * with /config.json pointing at the test stack, as `npm start` serves it.
 */
export async function serveTestApp(stack: Pick<StackInfo, 'apiUrl' | 'anonKey'> & { vapidPublicKey?: string }): Promise<AppServer> {
  await ensureAppBuilt();
  return startAppServer({ api: { apiUrl: stack.apiUrl, anonKey: stack.anonKey, vapidPublicKey: stack.vapidPublicKey } });
}
