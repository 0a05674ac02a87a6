-- Demo data for a new local database: one user per role (password: arbidesk2026).
-- The same list is in supabase/local/demoUsers.ts, which `npm start` prints.
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated', u.email,
  extensions.crypt('arbidesk2026', extensions.gen_salt('bf', 10)), now(),
  '{"provider":"email","providers":["email"]}', jsonb_build_object('display_name', u.display_name), now(), now()
from (values
  ('00000000-0000-4000-8000-000000000001'::uuid, 'admin@demo.arbidesk.local', 'Анна Админова'),
  ('00000000-0000-4000-8000-000000000002'::uuid, 'buyer@demo.arbidesk.local', 'Борис Байеров'),
  ('00000000-0000-4000-8000-000000000003'::uuid, 'affiliates@demo.arbidesk.local', 'Алиса Аффилиатова'),
  ('00000000-0000-4000-8000-000000000004'::uuid, 'finance@demo.arbidesk.local', 'Фёдор Финансов'),
  ('00000000-0000-4000-8000-000000000005'::uuid, 'viewer@demo.arbidesk.local', 'Вера Смотрова')
) as u(id, email, display_name)
on conflict (id) do nothing;

insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
select u.id::text, u.id, jsonb_build_object('sub', u.id::text, 'email', u.email), 'email', now(), now()
from auth.users u where u.email like '%@demo.arbidesk.local'
on conflict (provider_id, provider) do nothing;

-- The demo team: every demo user in it, one per role.
insert into public.workspaces (id, name, base_currency, created_by)
values ('00000000-0000-4000-8000-0000000000a1', 'Demo Team', 'USD', '00000000-0000-4000-8000-000000000001')
on conflict (id) do nothing;

insert into public.workspace_members (workspace_id, user_id, role) values
  ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'admin'),
  ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000002', 'media_buyer'),
  ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000003', 'affiliate_manager'),
  ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000004', 'finance'),
  ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000005', 'read_only')
on conflict (workspace_id, user_id) do nothing;
