-- Auth tables the local Auth service needs beyond 00_platform.sql, as Supabase Auth defines
-- them, created only where missing (a Supabase database already has them).

-- How each session was authenticated (password, otp, …): the source of the JWT's `amr`
-- claim, which keeps the sign-in time across refreshes.
create table if not exists auth.mfa_amr_claims (
  session_id uuid not null references auth.sessions (id) on delete cascade,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  authentication_method text not null,
  id uuid not null,
  constraint amr_id_pk primary key (id),
  constraint mfa_amr_claims_session_id_authentication_method_pkey unique (session_id, authentication_method)
);

-- Password-recovery links are looked up by their token hash.
create index if not exists recovery_token_idx on auth.users using btree (recovery_token) where recovery_token is not null and recovery_token <> '';
