import { bearerToken, json } from '../_shared/http.ts';
import { verifiedClaims } from '../_shared/jwt.ts';
import { userClient, type SupabaseEnv } from '../_shared/supabaseClient.ts';

/**
 * Who the caller is: the claims of the token the relay verified (user id, null for the API
 * keys; role; assurance level) and the workspaces they belong to, read through REST with
 * their own token so row-level security decides, as it does in the app.
 */
export async function whoami(req: Request, env: SupabaseEnv): Promise<Response> {
  const claims = verifiedClaims(bearerToken(req));
  let workspaces: unknown[] = [];
  if (claims.sub) {
    const { data, error } = await userClient(req, env).from('workspaces').select('id, name').order('name');
    if (error) throw new Error(`reading the caller's workspaces failed: ${error.message}`);
    workspaces = data;
  }
  return json({ sub: claims.sub ?? null, role: claims.role ?? null, email: claims.email ?? null, aal: claims.aal ?? null, workspaces });
}
