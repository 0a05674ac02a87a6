-- Supabase Vault (https://github.com/supabase/vault, supabase_vault 0.3) keeps secrets
-- encrypted in vault.secrets and shows them decrypted in vault.decrypted_secrets; every hosted
-- project has it. Where this server has no supabase_vault, a stand-in with the same SQL
-- interface is created instead: vault.create_secret, vault.update_secret, vault.secrets and
-- vault.decrypted_secrets, with Supabase's grants (postgres and service_role only). Where Vault
-- is available (a Supabase database given by DATABASE_URL), nothing is created here.
--
-- Vault encrypts with a key held outside SQL (pgsodium's server key). The stand-in encrypts
-- with pgcrypto under a key kept in vault._key, which only the database owner reads: a secret
-- never shows in vault.secrets in the clear, but a dump of the database holds the key too
-- (see supabase/local/README.md).

do $$ begin
  if exists (select from pg_available_extensions where name = 'supabase_vault') or exists (select from pg_namespace where nspname = 'vault') then
    return;
  end if;
  create schema vault;
  revoke all on schema vault from public;
  grant usage on schema vault to postgres, service_role;

  -- As Vault's: `secret` holds the ciphertext (base64); names are unique where given.
  create table vault.secrets (
    id uuid primary key default gen_random_uuid(),
    name text,
    description text not null default '',
    secret text not null,
    -- Vault's key and nonce columns, kept for the interface: pgcrypto salts each message itself.
    key_id uuid,
    nonce bytea,
    created_at timestamptz not null default current_timestamp,
    updated_at timestamptz not null default current_timestamp
  );
  create unique index on vault.secrets using btree (name) where name is not null;
  -- The stand-in's encryption key: one row, made here, read only by the owner (through
  -- create_secret, update_secret and the decrypted_secrets view, which run with its rights).
  create table vault._key (key bytea not null);
  insert into vault._key (key) values (extensions.gen_random_bytes(32));
  -- As Supabase grants them: secrets are read and deleted directly, written through the functions.
  grant select, delete on vault.secrets to postgres, service_role;

  -- Vault leaves its table without row-level security and lets its grants decide; the same
  -- roles see every secret here. No policy on the key: only the owner reads it.
  alter table vault.secrets enable row level security;
  alter table vault._key enable row level security;
  create policy "postgres and service_role reach every secret" on vault.secrets
    to postgres, service_role using (true) with check (true);

  -- The passphrase binds a secret to its row, as Vault's AEAD binds it to the row's id: a
  -- ciphertext copied into another row does not decrypt. One table in `from`, so that rows are
  -- deleted through the view, as through Vault's.
  create view vault.decrypted_secrets as
  select s.id, s.name, s.description, s.secret,
    extensions.pgp_sym_decrypt(decode(s.secret, 'base64'), (select encode(k.key, 'hex') from vault._key k) || s.id::text) as decrypted_secret,
    s.key_id, s.nonce, s.created_at, s.updated_at
  from vault.secrets s;
  grant select, delete on vault.decrypted_secrets to postgres, service_role;

  execute $f$
    create function vault._encrypt(secret text, secret_id uuid) returns text
    language sql
    set search_path = ''
    as $body$
      select encode(extensions.pgp_sym_encrypt(secret, encode(k.key, 'hex') || secret_id::text, 'cipher-algo=aes256'), 'base64')
      from vault._key k
    $body$
  $f$;

  execute $f$
    create function vault.create_secret(
      new_secret text,
      new_name text default null,
      new_description text default '',
      -- unused, as in Vault
      new_key_id uuid default null
    ) returns uuid
    language plpgsql security definer
    set search_path = ''
    as $body$
    declare
      secret_id uuid := gen_random_uuid();
    begin
      insert into vault.secrets (id, secret, name, description)
      values (secret_id, vault._encrypt(new_secret, secret_id), new_name, new_description);
      return secret_id;
    end
    $body$
  $f$;

  -- A null argument leaves that field as it is.
  execute $f$
    create function vault.update_secret(
      secret_id uuid,
      new_secret text default null,
      new_name text default null,
      new_description text default null,
      -- unused, as in Vault
      new_key_id uuid default null
    ) returns void
    language plpgsql security definer
    set search_path = ''
    as $body$
    begin
      update vault.secrets s
      set secret = coalesce(vault._encrypt(new_secret, s.id), s.secret),
        name = coalesce(new_name, s.name),
        description = coalesce(new_description, s.description),
        updated_at = now()
      where s.id = secret_id;
    end
    $body$
  $f$;

  revoke all on all functions in schema vault from public;
  grant execute on function vault.create_secret(text, text, text, uuid), vault.update_secret(uuid, text, text, text, uuid) to postgres, service_role;
end $$;
