import type { Sql } from 'postgres';
import { quoteIdent } from '../sqlText.ts';
import type { FilterColumn } from './filters.ts';

/** The publication whose tables postgres_changes may subscribe to (Supabase's name). */
export const changesPublication = 'supabase_realtime';

/** A column of a published table. */
export interface ColumnInfo extends FilterColumn {
  attnum: number;
  /** pg_type.typname, what Supabase puts in a change's `columns` (`int4`, `timestamptz`, `_text`). */
  typname: string;
}

/** What the realtime service needs to know about a table. */
export interface TableInfo {
  relid: number;
  schema: string;
  name: string;
  /** `"schema"."name"`: the table's row type, used to rebuild row versions in SQL. */
  rowType: string;
  /** Live columns in attnum order (the order of the row type). */
  columns: ColumnInfo[];
  byName: ReadonlyMap<string, ColumnInfo>;
  primaryKey: string[];
}

/**
 * How a role may see a table's rows:
 * - `all`: no row-level security applies (RLS off, BYPASSRLS, or the owner without FORCE);
 * - `none`: no SELECT privilege, or RLS on and no permissive SELECT policy for the role;
 * - `policy`: a row is visible when `predicate` (the role's SELECT policies combined as
 *   PostgreSQL combines them) is true for it.
 */
export interface AccessRule {
  mode: 'all' | 'none' | 'policy';
  predicate?: string;
  /** Columns the role may SELECT: the only ones a change payload shows it. */
  selectable: ReadonlySet<string>;
  /** The change payload's `columns` for this role, as JSON text. */
  columnsJson: string;
  /**
   * False when a policy calls a user IMMUTABLE function that looks claims-dependent: PostgreSQL
   * folds such calls into a plan, so a plan must not be reused across subscribers' claims.
   */
  genericPlanSafe: boolean;
}

interface CachedRule {
  rule: Promise<AccessRule>;
  at: number;
}

/**
 * Policies are re-read at least this often, besides on every schema change notice, so a policy
 * created just before a write is not missed for long even if the notice is late.
 */
const ruleTtlMs = 2_000;

/** A role from a JWT that PostgreSQL does not know. */
export class UnknownRoleError extends Error {}

/**
 * Table metadata and per-role access rules read from the PostgreSQL catalog, cached and
 * forgotten on schema changes (the `pgrst` notice the platform's DDL event trigger sends).
 */
export class Catalog {
  private tables = new Map<number, Promise<TableInfo | undefined>>();
  private rules = new Map<string, CachedRule>();
  private unlisten: (() => Promise<void>) | undefined;

  constructor(private readonly sql: Sql) {}

  /** Starts listening for schema changes. */
  async listen(): Promise<void> {
    const { unlisten } = await this.sql.listen('pgrst', () => this.invalidate());
    this.unlisten = unlisten;
  }

  async close(): Promise<void> {
    await this.unlisten?.().catch(() => undefined);
  }

  /** Forgets everything cached. */
  invalidate(): void {
    this.tables.clear();
    this.rules.clear();
  }

  /** Forgets one table (its definition changed: replication sent a new Relation message). */
  forgetTable(relid: number): void {
    this.tables.delete(relid);
    for (const key of this.rules.keys()) if (key.startsWith(`${relid}/`)) this.rules.delete(key);
  }

  /** A table by oid, or undefined when it no longer exists. */
  table(relid: number): Promise<TableInfo | undefined> {
    let cached = this.tables.get(relid);
    if (!cached) {
      cached = this.loadTable(relid);
      cached.catch(() => this.tables.delete(relid));
      this.tables.set(relid, cached);
    }
    return cached;
  }

  /**
   * Tables of the supabase_realtime publication matching a subscription's schema and table
   * (`*` matches any), as Supabase resolves them when a subscription is created.
   */
  async publishedTables(schema: string, table: string): Promise<TableInfo[]> {
    const rows = await this.sql<{ relid: number }[]>`
      select c.oid::int as relid
      from pg_publication_tables p
      join pg_namespace n on n.nspname = p.schemaname
      join pg_class c on c.relnamespace = n.oid and c.relname = p.tablename
      where p.pubname = ${changesPublication}
        and (${schema} = '*' or p.schemaname = ${schema})
        and (${table} = '*' or p.tablename = ${table})
      order by 1`;
    const tables = await Promise.all(rows.map((r) => this.table(r.relid)));
    return tables.filter((t): t is TableInfo => t !== undefined);
  }

  /** How `role` may see rows of `table`. Rejects with UnknownRoleError for a role PostgreSQL lacks. */
  access(table: TableInfo, role: string): Promise<AccessRule> {
    const key = `${table.relid}/${role}`;
    const cached = this.rules.get(key);
    if (cached && Date.now() - cached.at < ruleTtlMs) return cached.rule;
    const rule = this.loadRule(table, role);
    rule.catch(() => this.rules.delete(key));
    this.rules.set(key, { rule, at: Date.now() });
    return rule;
  }

  private async loadTable(relid: number): Promise<TableInfo | undefined> {
    const [row] = await this.sql<{ schema: string; name: string; columns: ColumnInfo[]; pk: string[] | null }[]>`
      select n.nspname as schema, c.relname as name,
        coalesce((
          select json_agg(json_build_object(
              'name', a.attname, 'attnum', a.attnum, 'typname', t.typname,
              'sqlType', format_type(a.atttypid, null), 'isBoolean', a.atttypid = 'boolean'::regtype)
            order by a.attnum)
          from pg_attribute a join pg_type t on t.oid = a.atttypid
          where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]') as columns,
        (select array_agg(a.attname::text order by k.ord)
          from pg_index i
          cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
          join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
          where i.indrelid = c.oid and i.indisprimary) as pk
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.oid = ${relid}`;
    if (!row) return undefined;
    return {
      relid,
      schema: row.schema,
      name: row.name,
      rowType: `${quoteIdent(row.schema)}.${quoteIdent(row.name)}`,
      columns: row.columns,
      byName: new Map(row.columns.map((c) => [c.name, c])),
      primaryKey: row.pk ?? [],
    };
  }

  private async loadRule(table: TableInfo, role: string): Promise<AccessRule> {
    const [known] = await this.sql<{ exists: boolean }[]>`select exists (select from pg_roles where rolname = ${role}) as exists`;
    if (!known?.exists) throw new UnknownRoleError(`role "${role}" does not exist`);
    const [row] = await this.sql<{ cols: string[]; bypass: boolean; rls: boolean; policies: { permissive: boolean; qual: string | null; folds: boolean }[] }[]>`
      select
        coalesce((select array_agg(a.attname::text order by a.attnum) from pg_attribute a
          where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
            and has_column_privilege(${role}, c.oid, a.attnum, 'SELECT')), '{}') as cols,
        (select r.rolsuper or r.rolbypassrls from pg_roles r where r.rolname = ${role})
          or (not c.relforcerowsecurity and pg_has_role(${role}, c.relowner, 'USAGE')) as bypass,
        c.relrowsecurity as rls,
        coalesce((select json_agg(json_build_object('permissive', p.polpermissive, 'qual', pg_get_expr(p.polqual, p.polrelid),
            -- A user function declared IMMUTABLE that reads settings or the JWT: a misdeclaration
            -- PostgreSQL would fold into a cached plan with the first caller's claims.
            'folds', exists (
              select from pg_depend d join pg_proc f on f.oid = d.refobjid
              where d.classid = 'pg_policy'::regclass and d.objid = p.oid and d.refclassid = 'pg_proc'::regclass
                and f.provolatile = 'i' and f.pronamespace <> 'pg_catalog'::regnamespace
                and f.prosrc ~* '(current_setting|current_user|session_user|current_role|auth[.]|request[.])')))
          from pg_policy p
          where p.polrelid = c.oid and p.polcmd in ('r', '*')
            and (0 = any (p.polroles) or exists (
              select from unnest(p.polroles) pr where pr <> 0 and pg_has_role(${role}, pr, 'USAGE')))), '[]') as policies
      from pg_class c where c.oid = ${table.relid}`;
    if (!row) return { mode: 'none', selectable: new Set(), columnsJson: '[]', genericPlanSafe: true };
    const selectable = new Set(row.cols);
    const columnsJson = JSON.stringify(table.columns.filter((c) => selectable.has(c.name)).map((c) => ({ name: c.name, type: c.typname })));
    const base = { selectable, columnsJson, genericPlanSafe: !row.policies.some((p) => p.folds) };
    // A role needs a column privilege on at least the key to see anything (walrus answers 401).
    const keyReadable = table.primaryKey.every((k) => selectable.has(k)) && selectable.size > 0;
    if (!keyReadable) return { mode: 'none', ...base };
    if (!row.rls || row.bypass) return { mode: 'all', ...base };
    // As PostgreSQL combines policies: any permissive one, and every restrictive one. A policy
    // without USING adds nothing (rowsecurity.c skips it).
    const permissive = row.policies.filter((p) => p.permissive && p.qual !== null).map((p) => `coalesce((${p.qual}), false)`);
    const restrictive = row.policies.filter((p) => !p.permissive && p.qual !== null).map((p) => `coalesce((${p.qual}), false)`);
    if (!permissive.length) return { mode: 'none', ...base };
    const predicate = [`(${permissive.join(' or ')})`, ...restrictive].join(' and ');
    return { mode: 'policy', predicate, ...base };
  }
}
