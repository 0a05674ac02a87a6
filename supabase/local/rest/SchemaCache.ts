import type { Sql } from 'postgres';

/**
 * What PostgREST keeps in its schema cache: relations with their columns, keys and foreign
 * keys, and the callable functions of the exposed schemas.
 */

export interface Column {
  name: string;
  /** format_type(): `integer`, `numeric(12,2)`, `text[]`, … */
  type: string;
  nullable: boolean;
  /** The default expression, for `Prefer: missing=default`. */
  defaultExpr: string | null;
  generated: boolean;
  identity: boolean;
}

export interface Relation {
  oid: number;
  schema: string;
  name: string;
  kind: 'table' | 'view';
  columns: Map<string, Column>;
  primaryKey: string[];
  /** Column sets with a unique constraint or index (the primary key included). */
  uniqueKeys: string[][];
}

export interface ForeignKey {
  name: string;
  /** The referencing side. */
  from: Relation;
  fromColumns: string[];
  /** The referenced side. */
  to: Relation;
  toColumns: string[];
}

export interface FunctionArg {
  name: string;
  type: string;
  hasDefault: boolean;
}

export interface RoutineInfo {
  schema: string;
  name: string;
  args: FunctionArg[];
  returnType: string;
  returnsSet: boolean;
  /** Columns of a composite result: the table whose row type it returns, or its OUT/TABLE parameters. */
  returnRelation?: Relation;
  returnsComposite: boolean;
  returnsVoid: boolean;
  volatility: 'i' | 's' | 'v';
}

export interface SchemaSnapshot {
  relations: Map<string, Relation>;
  foreignKeys: ForeignKey[];
  routines: Map<string, RoutineInfo[]>;
  /** Roles a JWT may name: those the API login (authenticator) can switch to. */
  apiRoles: Set<string>;
}

export function relationKey(schema: string, name: string): string {
  return `${schema}.${name}`;
}

interface RelationRow {
  oid: number;
  schema: string;
  name: string;
  relkind: string;
  pk: string[];
  uniques: string[][] | null;
}

interface ColumnRow {
  relid: number;
  name: string;
  type: string;
  nullable: boolean;
  default_expr: string | null;
  generated: boolean;
  identity: boolean;
}

interface ForeignKeyRow {
  name: string;
  from_oid: number;
  from_columns: string[];
  to_oid: number;
  to_columns: string[];
}

interface RoutineRow {
  schema: string;
  name: string;
  arg_names: string[] | null;
  arg_modes: string[] | null;
  arg_types: string[];
  nargs: number;
  ndefaults: number;
  return_type: string;
  returns_set: boolean;
  typtype: string;
  typrelid: number;
  volatility: 'i' | 's' | 'v';
}

/** Reads the catalog once; a reload builds a new snapshot and swaps it in. */
export async function loadSchema(sql: Sql, schemas: string[]): Promise<SchemaSnapshot> {
  const [relationRows, columnRows, fkRows, routineRows, roleRows] = await Promise.all([
    sql<RelationRow[]>`
      select c.oid::int as oid, n.nspname as schema, c.relname as name, c.relkind,
        coalesce((select array_agg(a.attname::text order by k.ord)
          from pg_index i cross join unnest(i.indkey) with ordinality k(attnum, ord)
          join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
          where i.indrelid = c.oid and i.indisprimary), '{}') as pk,
        (select json_agg(cols) from (
          select array_agg(a.attname::text order by k.ord) as cols
          from pg_index i cross join unnest(i.indkey) with ordinality k(attnum, ord)
          join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
          where i.indrelid = c.oid and i.indisunique and i.indpred is null
          group by i.indexrelid) u) as uniques
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any(${schemas}) and c.relkind in ('r', 'p', 'v', 'm', 'f')`,
    sql<ColumnRow[]>`
      select a.attrelid::int as relid, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
        not a.attnotnull as nullable, pg_get_expr(d.adbin, d.adrelid) as default_expr,
        a.attgenerated <> '' as generated, a.attidentity <> '' as identity
      from pg_attribute a
      join pg_class c on c.oid = a.attrelid
      join pg_namespace n on n.oid = c.relnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where n.nspname = any(${schemas}) and c.relkind in ('r', 'p', 'v', 'm', 'f')
        and a.attnum > 0 and not a.attisdropped
      order by a.attrelid, a.attnum`,
    sql<ForeignKeyRow[]>`
      select con.conname as name, con.conrelid::int as from_oid, con.confrelid::int as to_oid,
        array(select a.attname::text from unnest(con.conkey) with ordinality k(attnum, ord)
          join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.ord) as from_columns,
        array(select a.attname::text from unnest(con.confkey) with ordinality k(attnum, ord)
          join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum order by k.ord) as to_columns
      from pg_constraint con
      join pg_namespace n on n.oid = con.connamespace
      where con.contype = 'f' and n.nspname = any(${schemas})`,
    sql<RoutineRow[]>`
      select n.nspname as schema, p.proname as name, p.proargnames as arg_names, p.proargmodes::text[] as arg_modes,
        array(select format_type(t, null) from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) t) as arg_types,
        p.pronargs::int as nargs, p.pronargdefaults::int as ndefaults,
        format_type(p.prorettype, null) as return_type, p.proretset as returns_set,
        t.typtype::text as typtype, t.typrelid::int as typrelid, p.provolatile::text as volatility
      from pg_proc p
      join pg_namespace n on n.oid = p.pronamespace
      join pg_type t on t.oid = p.prorettype
      where n.nspname = any(${schemas}) and p.prokind = 'f'
        and p.prorettype not in ('trigger'::regtype, 'event_trigger'::regtype)`,
    sql<{ rolname: string }[]>`
      select r.rolname from pg_roles r
      where exists (select from pg_roles a where a.rolname = 'authenticator' and pg_has_role(a.oid, r.oid, 'member'))
        and r.rolname <> 'authenticator'`,
  ]);

  const byOid = new Map<number, Relation>();
  const relations = new Map<string, Relation>();
  for (const row of relationRows) {
    const relation: Relation = {
      oid: row.oid,
      schema: row.schema,
      name: row.name,
      kind: row.relkind === 'v' || row.relkind === 'm' ? 'view' : 'table',
      columns: new Map(),
      primaryKey: row.pk,
      uniqueKeys: row.uniques ?? [],
    };
    byOid.set(row.oid, relation);
    relations.set(relationKey(row.schema, row.name), relation);
  }
  for (const row of columnRows) {
    byOid.get(row.relid)?.columns.set(row.name, {
      name: row.name,
      type: row.type,
      nullable: row.nullable,
      defaultExpr: row.default_expr,
      generated: row.generated,
      identity: row.identity,
    });
  }
  const foreignKeys: ForeignKey[] = [];
  for (const row of fkRows) {
    const from = byOid.get(row.from_oid);
    const to = byOid.get(row.to_oid);
    if (from && to) foreignKeys.push({ name: row.name, from, fromColumns: row.from_columns, to, toColumns: row.to_columns });
  }
  const routines = new Map<string, RoutineInfo[]>();
  for (const row of routineRows) {
    const routine = toRoutine(row, byOid);
    if (!routine) continue;
    const key = relationKey(row.schema, row.name);
    routines.set(key, [...(routines.get(key) ?? []), routine]);
  }
  return { relations, foreignKeys, routines, apiRoles: new Set(roleRows.map((r) => r.rolname)) };
}

/** Input arguments only; a function with unnamed inputs is callable only with a single json body. */
function toRoutine(row: RoutineRow, byOid: Map<number, Relation>): RoutineInfo | undefined {
  const modes = row.arg_modes ?? row.arg_types.map(() => 'i');
  const names = row.arg_names ?? [];
  const inputs: FunctionArg[] = [];
  const outputs: Column[] = [];
  row.arg_types.forEach((type, i) => {
    const mode = modes[i] ?? 'i';
    if (mode === 'i' || mode === 'b' || mode === 'v') inputs.push({ name: names[i] ?? '', type, hasDefault: false });
    if (mode === 'o' || mode === 'b' || mode === 't') {
      const name = names[i] ?? `column${i + 1}`;
      outputs.push({ name, type, nullable: true, defaultExpr: null, generated: false, identity: false });
    }
  });
  const outRelation: Relation | undefined = outputs.length > 1 || (outputs.length === 1 && row.returns_set && row.return_type === 'record')
    ? { oid: 0, schema: row.schema, name: row.name, kind: 'view', columns: new Map(outputs.map((c) => [c.name, c])), primaryKey: [], uniqueKeys: [] }
    : undefined;
  inputs.forEach((arg, i) => {
    arg.hasDefault = i >= inputs.length - row.ndefaults;
  });
  return {
    schema: row.schema,
    name: row.name,
    args: inputs,
    returnType: row.return_type,
    returnsSet: row.returns_set,
    returnRelation: (row.typrelid ? byOid.get(row.typrelid) : undefined) ?? outRelation,
    returnsComposite: row.typtype === 'c' || (row.typtype === 'p' && row.return_type === 'record'),
    returnsVoid: row.return_type === 'void',
    volatility: row.volatility,
  };
}

/** Holds the current snapshot and reloads it on `NOTIFY pgrst, 'reload schema'`. */
export class SchemaCache {
  private snapshot: SchemaSnapshot | undefined;
  private loading: Promise<SchemaSnapshot> | undefined;
  private stale = false;

  constructor(private readonly sql: Sql, readonly schemas: string[]) {}

  async get(): Promise<SchemaSnapshot> {
    if (this.snapshot && !this.stale) return this.snapshot;
    return this.reload();
  }

  /** Coalesces concurrent reloads; a reload asked for during one runs once more after it. */
  reload(): Promise<SchemaSnapshot> {
    if (this.loading) {
      this.stale = true;
      return this.loading;
    }
    this.stale = false;
    this.loading = loadSchema(this.sql, this.schemas)
      .then((snapshot) => {
        this.snapshot = snapshot;
        return snapshot;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** Subscribes to the pgrst channel, as PostgREST does. */
  async listen(): Promise<() => Promise<void>> {
    const subscription = await this.sql.listen('pgrst', (payload) => {
      if (payload === '' || payload === 'reload schema') {
        this.stale = true;
        if (!this.loading) void this.reload().catch(() => undefined);
      }
    });
    return () => subscription.unlisten();
  }
}
