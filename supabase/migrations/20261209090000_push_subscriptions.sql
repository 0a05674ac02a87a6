-- Where a person's pushes go (#15): one row per device that agreed to notifications.
-- - web: a Push API subscription of the PWA (RFC 8030 endpoint, with the browser's P-256 key
--   and auth secret for RFC 8291 encryption);
-- - fcm: a Firebase Cloud Messaging registration token of the Capacitor app (Android, and iOS
--   once its APNs token has been exchanged for one);
-- - apns: an iOS device's APNs token as @capacitor/push-notifications returns it, kept until
--   it is exchanged (FCM refuses APNs tokens).
-- A device belongs to whoever signed in on it last: registering moves it to the caller, so a
-- shared phone never tells one person's alerts to another. The delivery function removes a
-- subscription the push service says is gone (404/410, UNREGISTERED).

create table public.push_subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  kind text not null check (kind in ('web', 'fcm', 'apns')),
  -- web: the push service URL; fcm/apns: the token.
  endpoint text not null check (length(endpoint) between 8 and 2048),
  -- web only: the browser's keys (base64url), p256dh a P-256 point of 65 bytes, auth 16 bytes.
  p256dh text check (p256dh ~ '^[A-Za-z0-9_-]{86,88}={0,2}$'),
  auth text check (auth ~ '^[A-Za-z0-9_-]{22,24}={0,2}$'),
  platform text not null check (platform in ('web', 'android', 'ios')),
  -- What the person sees in the list of their devices ("Chrome on Android").
  device_name text check (length(device_name) <= 200),
  created_at timestamptz not null default now(),
  last_sent_at timestamptz,
  unique (endpoint),
  check ((kind = 'web') = (p256dh is not null and auth is not null)),
  check (kind <> 'web' or endpoint ~ '^https://')
);
create index push_subscriptions_user_idx on public.push_subscriptions (user_id, kind);
alter table public.push_subscriptions enable row level security;
revoke all on public.push_subscriptions from anon, authenticated;
grant select, delete on public.push_subscriptions to authenticated;
create policy "people see their own devices" on public.push_subscriptions
  for select to authenticated using (user_id = auth.uid());
create policy "people remove their own devices" on public.push_subscriptions
  for delete to authenticated using (user_id = auth.uid());

-- The caller's device agrees to pushes (or renews its subscription): the row for the endpoint
-- is made, or moved to the caller with the new keys. Answers the row's id.
create function public.register_push_subscription(
  kind text, endpoint text, platform text, p256dh text default null, auth text default null, device_name text default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  id uuid;
begin
  if auth.uid() is null then
    raise exception 'Sign in to receive notifications on this device' using errcode = '42501';
  end if;
  insert into public.push_subscriptions as s (user_id, kind, endpoint, p256dh, auth, platform, device_name)
  values (auth.uid(), register_push_subscription.kind, register_push_subscription.endpoint, register_push_subscription.p256dh,
    register_push_subscription.auth, register_push_subscription.platform, register_push_subscription.device_name)
  on conflict on constraint push_subscriptions_endpoint_key do update
    set user_id = excluded.user_id, kind = excluded.kind, p256dh = excluded.p256dh, auth = excluded.auth,
      platform = excluded.platform, device_name = excluded.device_name, created_at = now(), last_sent_at = null
  returning s.id into id;
  return id;
end $$;
revoke all on function public.register_push_subscription(text, text, text, text, text, text) from public, anon;
grant execute on function public.register_push_subscription(text, text, text, text, text, text) to authenticated;
