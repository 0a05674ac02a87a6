import postgres, { type Sql, type TransactionSql } from 'postgres';
import type { VerifiedToken } from './tokens.ts';

/** What a private channel's member may do, from RLS policies on realtime.messages. */
export interface ReadPolicies {
  broadcast: boolean;
  presence: boolean;
}

/** The realtime.messages `extension` a private channel permission is about. */
export type Extension = 'broadcast' | 'presence';

/** Thrown inside a transaction only to roll it back. */
class Rollback extends Error {}

async function setClaims(tx: TransactionSql, topic: string, token: VerifiedToken): Promise<void> {
  await tx`select
    set_config('role', ${token.role}, true),
    set_config('realtime.topic', ${topic}, true),
    set_config('request.jwt.claims', ${token.claimsJson}, true),
    set_config('request.headers', '{}', true)`;
}

/**
 * Private channel authorization as Supabase Realtime does it (Realtime.Tenants.Authorization):
 * in a transaction that is always rolled back, with the member's role and claims and
 * `realtime.topic()` set,
 * - read: probe rows for 'broadcast' and 'presence' are inserted (as the service), then selected
 *   as the member — a row the member's SELECT policies let through grants reading that extension;
 * - write: a row is inserted as the member — INSERT policies that let it through grant writing.
 */
export class ChannelAuthorizer {
  constructor(private readonly sql: Sql) {}

  async read(topic: string, token: VerifiedToken): Promise<ReadPolicies> {
    let result: ReadPolicies = { broadcast: false, presence: false };
    await this.sql
      .begin(async (tx) => {
        const probes = await tx<{ id: string; extension: string }[]>`
          insert into realtime.messages (topic, extension) values (${topic}, 'broadcast'), (${topic}, 'presence')
          returning id::text, extension`;
        await setClaims(tx, topic, token);
        const ids = probes.map((p) => p.id);
        const visible = await tx<{ extension: string }[]>`
          select extension from realtime.messages where topic = ${topic} and id::text = any(${ids})`;
        result = { broadcast: visible.some((v) => v.extension === 'broadcast'), presence: visible.some((v) => v.extension === 'presence') };
        throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
    return result;
  }

  async write(topic: string, token: VerifiedToken, extension: Extension): Promise<boolean> {
    let allowed = false;
    await this.sql
      .begin(async (tx) => {
        await setClaims(tx, topic, token);
        try {
          await tx.savepoint((sp) => sp`insert into realtime.messages (topic, extension) values (${topic}, ${extension})`);
          allowed = true;
        } catch (error) {
          // insufficient_privilege: an INSERT policy (or a missing grant) refused the row.
          if (!(error instanceof postgres.PostgresError) || error.code !== '42501') throw error;
        }
        throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
    return allowed;
  }
}
