import { bearerToken, HttpError, json } from '../_shared/http.ts';
import { verifiedClaims } from '../_shared/jwt.ts';
import { deliverDue, type DeliveryContext } from './deliver.ts';

/** POST with the service key (the outbox's trigger and Supabase Cron, through pg_net): one delivery run. */
export async function notify(req: Request, ctx: DeliveryContext): Promise<Response> {
  if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'Run the delivery with POST');
  const claims = verifiedClaims(bearerToken(req));
  if (claims.role !== 'service_role') throw new HttpError(403, 'forbidden', 'Only the service delivers alert notifications');
  return json(await deliverDue(ctx));
}
