import type { IncomingMessage } from 'node:http';
import type { Sql, TransactionSql } from 'postgres';
import type { Caller } from './caller.ts';

/** What a request's SQL runs as: its caller and the API operation, for storage.operation(). */
export interface Scope {
  caller: Caller;
  operation: string;
  req: IncomingMessage;
}

/**
 * Settings storage-api gives each transaction (src/internal/database/postgres/scope.ts): the
 * caller's role and claims, so auth.uid() and RLS see them, the request, and the operation.
 * storage.allow_delete_query lets the API delete rows, which the protect_delete trigger
 * refuses to plain SQL.
 */
const scopeSql = `select set_config('role', $1, true), set_config('request.jwt.claim.role', $1, true),
  set_config('request.jwt.claim.sub', $2, true), set_config('request.jwt.claims', $3, true),
  set_config('request.headers', $4, true), set_config('request.method', $5, true),
  set_config('request.path', $6, true), set_config('storage.operation', $7, true),
  set_config('storage.allow_delete_query', 'true', true)`;

/** Thrown inside a permission test to roll its transaction back once the statement passed. */
class PermissionTested extends Error {}

/** Transactions run as a request's caller, so that row-level security decides what they do. */
export class ScopedDatabase {
  constructor(private readonly sql: Sql) {}

  /** Runs `work` in one transaction as the scope's caller (the service role bypasses RLS). */
  run<T>(scope: Scope, work: (tx: TransactionSql) => Promise<T>): Promise<T> {
    return this.sql.begin(async (tx) => {
      const { caller, req } = scope;
      await tx.unsafe(scopeSql, [
        caller.role,
        caller.owner ?? '',
        JSON.stringify(caller.claims),
        JSON.stringify(req.headers),
        req.method ?? 'GET',
        // The path storage-api sees: the gateway strips its prefix, as for REST.
        ((req.url ?? '/').split('?')[0] ?? '/').replace(/^\/storage\/v1/, ''),
        scope.operation,
      ]);
      return work(tx);
    }) as Promise<T>;
  }

  /**
   * Runs `statement` as the caller and rolls it back: storage-api's testPermission, which
   * asks the policies whether an insert or update would pass before any byte is stored.
   */
  async test(scope: Scope, statement: (tx: TransactionSql) => Promise<unknown>): Promise<void> {
    try {
      await this.run(scope, async (tx) => {
        await statement(tx);
        throw new PermissionTested();
      });
    } catch (error) {
      if (!(error instanceof PermissionTested)) throw error;
    }
  }
}
