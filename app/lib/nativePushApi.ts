import type { SupabaseClient } from '@supabase/supabase-js';
import type { NativeDevice } from './nativePush.ts';

/**
 * The phone agrees to notifications for the signed-in person: register_push_subscription
 * (20261209090000_push_subscriptions.sql) makes its row, or moves it to them.
 */
export async function registerNativeDevice(client: SupabaseClient, device: NativeDevice): Promise<void> {
  const { error } = await client.rpc('register_push_subscription', { kind: device.kind, endpoint: device.endpoint, platform: device.platform });
  if (error) throw new Error(error.message);
}
