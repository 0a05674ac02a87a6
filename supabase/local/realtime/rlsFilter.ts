import type { Sql } from 'postgres';
import { quoteIdent, quoteLiteral } from '../sqlText.ts';
import type { TableInfo } from './catalog.ts';
import type { RowChange, RowValues } from './changes.ts';

/**
 * Evaluation of changed rows inside PostgreSQL: their typed JSON, the subscribers' filters, and
 * whether a subscriber may SELECT them under row-level security.
 *
 * A row version from the WAL is rebuilt in SQL as a value of the table's row type (PostgreSQL
 * parses each column with its own input function), then tested with the role's SELECT policies
 * as the catalog holds them — so the check is about the row *as committed*, not as it is when
 * the check runs, and works for rows already changed or deleted since. The policies run as the
 * subscriber: `role` and `request.jwt.claims` are set for the implicit transaction of one
 * multi-statement query, so policy functions (`auth.uid()`, lookups in other tables under their
 * own RLS) see exactly what a PostgREST request with that JWT sees.
 *
 * Cost per batch of changes: the row versions and each (table, role)'s policies are prepared
 * once per round trip; each distinct claims group then runs `set_config` and `execute` — not a
 * query per subscriber, and not a fresh plan per group. Groups spread over a few connections.
 */

/** One change of a batch, with the filter expressions to test on it. */
export interface BaseItem {
  table: TableInfo;
  change: RowChange;
  /** SQL boolean expressions over a row aliased as the table's name. */
  filters: string[];
}

/** What PostgreSQL made of a change. */
export interface BaseResult {
  /** The new row as `to_jsonb` renders it (ints as numbers, timestamps ISO 8601…), present columns only. */
  newRecord?: Record<string, unknown>;
  oldRecord?: Record<string, unknown>;
  /** For each of the item's filters, whether the relevant row (new; old for DELETE) passes. */
  filters: boolean[];
  /** PostgreSQL could not rebuild the row (its table changed meanwhile): deliver nothing. */
  failed?: boolean;
}

/** A visibility question: may this claims group see the new and/or old version of a change? */
export interface VisibilityCheck {
  table: TableInfo;
  change: RowChange;
  /** The role's combined SELECT policies (AccessRule.predicate). */
  predicate: string;
  /** Whether one plan of the predicate may serve every claims group (AccessRule.genericPlanSafe). */
  genericPlanSafe: boolean;
  checkNew: boolean;
  checkOld: boolean;
}

/** Subscribers that share a role and JWT claims, and the checks they need. */
export interface VisibilityGroup {
  role: string;
  claimsJson: string;
  checks: VisibilityCheck[];
}

/** The answer to one VisibilityCheck. */
export interface Visibility {
  newVisible: boolean;
  oldVisible: boolean;
}

/** Groups per multi-statement query: large enough to amortise a round trip, small enough to spread. */
const groupsPerQuery = 50;

/** Names prepared statements uniquely within this process. */
let statementSeq = 0;

/** A record literal field: double-quoted, with `"` and `\` escaped (rowtypes.c record_in). */
function recordField(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return `"${value.replace(/["\\]/g, (m) => `\\${m}`)}"`;
}

/**
 * A row version as an SQL expression of the table's row type. Columns missing from the WAL
 * (unchanged TOAST values, generated columns, non-identity columns of an old key) are null.
 */
export function rowLiteral(table: TableInfo, row: RowValues | undefined): string {
  if (!row) return `null::${table.rowType}`;
  const text = `(${table.columns.map((c) => recordField(row[c.name])).join(',')})`;
  return `${quoteLiteral(text)}::${table.rowType}`;
}

/** Keeps the columns the WAL carried: to_jsonb shows absent ones as null. */
function present(json: unknown, row: RowValues | undefined): Record<string, unknown> | undefined {
  if (!row || json === null || typeof json !== 'object') return undefined;
  const source = json as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) if (key in row) out[key] = source[key];
  return out;
}

function rowsOf<T>(result: unknown): T[] {
  if (!Array.isArray(result)) return [];
  // One statement gives its rows; several give one array of rows per statement.
  if (result.length && Array.isArray(result[0])) return (result as unknown[][]).flat() as T[];
  return result as T[];
}

function valuesList(table: TableInfo, rows: { index: number; change: RowChange; withNew: boolean; withOld: boolean }[]): string {
  return rows
    .map(({ index, change, withNew, withOld }) => {
      const n = withNew ? rowLiteral(table, change.newRow) : `null::${table.rowType}`;
      const o = withOld ? rowLiteral(table, change.oldRow) : `null::${table.rowType}`;
      return `(${index}, ${n}, ${o}, ${withNew && !!change.newRow}, ${withOld && !!change.oldRow}, ${quoteLiteral(change.kind[0]!)})`;
    })
    .join(',\n');
}

/** `(select <expr> from unnest(array[<row>]) as "table")`: the expression over one row version. */
function overRow(table: TableInfo, row: string, expr: string): string {
  return `(select coalesce((${expr}), false) from unnest(array[${row}]) as ${quoteIdent(table.name)})`;
}

/**
 * Runs the SQL side of change delivery on a small dedicated pool.
 */
export class RowEvaluator {
  constructor(
    private readonly sql: Sql,
    private readonly parallelism: number,
    private readonly log?: (line: string) => void,
  ) {}

  /** Runs an expression over a null row of the table, so a filter value its column's type rejects fails now, not per change. */
  async checkExpression(table: TableInfo, expr: string): Promise<void> {
    await this.sql.unsafe(`select ${overRow(table, `null::${table.rowType}`, expr)}`);
  }

  /**
   * Typed JSON of each change's row versions and the result of its filters, in one round trip
   * (one statement per table; no role switch: filters compare values only).
   */
  async base(items: BaseItem[]): Promise<BaseResult[]> {
    const byTable = new Map<number, number[]>();
    items.forEach((item, i) => {
      const list = byTable.get(item.table.relid);
      if (list) list.push(i);
      else byTable.set(item.table.relid, [i]);
    });
    const statements: string[] = [];
    // For each item, where its own filters sit among its table's deduplicated filters.
    const bitsOf: number[][] = [];
    for (const indexes of byTable.values()) {
      const table = items[indexes[0]!]!.table;
      // Every item of a table is tested with the union of its filters, deduplicated.
      const filterList: string[] = [];
      const filterIndex = new Map<string, number>();
      for (const i of indexes) for (const f of items[i]!.filters) if (!filterIndex.has(f)) filterIndex.set(f, filterList.push(f) - 1);
      const relevant = `(case when __rt.k = 'D' then __rt.o else __rt.n end)`;
      const filters = filterList.length
        ? `array_to_string(array[${filterList.map((f) => `case when ${overRow(table, relevant, f)} then '1' else '0' end`).join(', ')}], '')`
        : `''`;
      const values = valuesList(table, indexes.map((index) => ({ index, change: items[index]!.change, withNew: true, withOld: true })));
      statements.push(
        `select __rt.i, case when __rt.hn then to_jsonb(__rt.n) end as n, case when __rt.ho then to_jsonb(__rt.o) end as o, ${filters} as f
         from (values ${values}) as __rt(i, n, o, hn, ho, k)`,
      );
      for (const i of indexes) bitsOf[i] = items[i]!.filters.map((f) => filterIndex.get(f)!);
    }
    type BaseRow = { i: number; n: unknown; o: unknown; f: string };
    let rows: BaseRow[];
    try {
      rows = rowsOf<BaseRow>(await this.sql.unsafe(statements.join(';\n')));
    } catch (error) {
      if (statements.length === 1) {
        this.log?.(`[realtime] could not read changed rows: ${error instanceof Error ? error.message : String(error)}`);
        rows = [];
      } else {
        // One table's statement failed the batch (it was dropped or altered meanwhile): the
        // other tables' changes still go out.
        rows = (await Promise.all(statements.map((statement) => this.sql.unsafe(statement).then(rowsOf<BaseRow>, (e: unknown) => {
          this.log?.(`[realtime] could not read changed rows: ${e instanceof Error ? e.message : String(e)}`);
          return [] as BaseRow[];
        })))).flat();
      }
    }
    // A change without a row here (its statement failed) is delivered to no one.
    const results: BaseResult[] = items.map(() => ({ failed: true, filters: [] }));
    for (const row of rows) {
      const item = items[row.i];
      if (!item) continue;
      results[row.i] = {
        newRecord: present(row.n, item.change.newRow),
        oldRecord: present(row.o, item.change.oldRow),
        filters: (bitsOf[row.i] ?? []).map((bit) => row.f[bit] === '1'),
      };
    }
    return results;
  }

  /**
   * Row visibility for each group: `result[g][c]` answers `groups[g].checks[c]`. A group whose
   * check fails (a policy raising an error) sees nothing, as PostgREST would answer it an error.
   */
  async visibility(groups: VisibilityGroup[]): Promise<Visibility[][]> {
    const results: Visibility[][] = groups.map((g) => g.checks.map(() => ({ newVisible: false, oldVisible: false })));
    const chunks: number[][] = [];
    const perQuery = Math.max(1, Math.min(groupsPerQuery, Math.ceil(groups.length / this.parallelism)));
    for (let g = 0; g < groups.length; g += perQuery) chunks.push(Array.from({ length: Math.min(perQuery, groups.length - g) }, (_, k) => g + k));
    await Promise.all(chunks.map((chunk) => this.runChunk(groups, chunk, results)));
    return results;
  }

  private async runChunk(groups: VisibilityGroup[], chunk: number[], results: Visibility[][]): Promise<void> {
    try {
      await this.query(groups, chunk, results);
    } catch (error) {
      if (chunk.length === 1) {
        this.log?.(`[realtime] RLS check failed for role ${groups[chunk[0]!]!.role}: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      // One group's policy failed the whole query: ask again group by group.
      await Promise.all(chunk.map((g) => this.runChunk(groups, [g], results)));
    }
  }

  /**
   * One round trip for a chunk of groups. The row versions and policy of each (table, role)
   * are prepared once; each group then only sets its role and claims and executes it, so
   * PostgreSQL parses and plans the policy once per chunk, not once per group (a generic plan
   * is reused while the role stays the same; a new role re-plans, as RLS requires).
   */
  private async query(groups: VisibilityGroup[], chunk: number[], results: Visibility[][]): Promise<void> {
    type Prepared = { name: string; table: TableInfo; predicate: string; items: Map<RowChange, number>; flags: { checkNew: boolean; checkOld: boolean }[] };
    const prepared = new Map<string, Prepared>();
    // For every group: which prepared statement, and which of its items map to which check.
    const plan = new Map<number, Map<Prepared, Map<number, number>>>();
    for (const g of chunk) {
      const uses = new Map<Prepared, Map<number, number>>();
      groups[g]!.checks.forEach((check, c) => {
        const key = `${check.table.relid}\u0000${check.predicate}`;
        let statement = prepared.get(key);
        if (!statement) {
          statement = { name: `realtime_rls_${++statementSeq}`, table: check.table, predicate: check.predicate, items: new Map(), flags: [] };
          prepared.set(key, statement);
        }
        let item = statement.items.get(check.change);
        if (item === undefined) {
          item = statement.flags.push({ checkNew: check.checkNew, checkOld: check.checkOld }) - 1;
          statement.items.set(check.change, item);
        }
        let items = uses.get(statement);
        if (!items) uses.set(statement, (items = new Map()));
        items.set(item, c);
      });
      plan.set(g, uses);
    }
    const statementIndex = new Map([...prepared.values()].map((p, k) => [p, k]));
    // A generic plan is what makes a group cheap; a policy that would fold claims into it gets
    // a fresh plan per group instead (correct, slower).
    const generic = chunk.every((g) => groups[g]!.checks.every((c) => c.genericPlanSafe));
    const statements = [`select set_config('plan_cache_mode', '${generic ? 'force_generic_plan' : 'force_custom_plan'}', true) as m`];
    for (const [statement, k] of statementIndex) {
      const { table, predicate } = statement;
      const values = valuesList(table, [...statement.items].map(([change, index]) => ({ index, change, withNew: statement.flags[index]!.checkNew, withOld: statement.flags[index]!.checkOld })));
      statements.push(
        `prepare ${statement.name} (int, int[]) as
         select $1 as g, ${k} as s, __rt.i,
           case when __rt.hn then ${overRow(table, '__rt.n', predicate)} else false end as n,
           case when __rt.ho then ${overRow(table, '__rt.o', predicate)} else false end as o
         from (values ${values}) as __rt(i, n, o, hn, ho, k)
         where __rt.i = any($2)`,
      );
    }
    // Groups of one role run together. Each role's plan is built first with no claims at all,
    // so whatever PostgreSQL folds into it (a claims-reading function misdeclared IMMUTABLE that
    // the catalog check missed) comes from no one's claims: such a policy then shows nothing
    // rather than one subscriber's rows to another.
    let role: string | undefined;
    for (const g of [...chunk].sort((a, b) => (groups[a]!.role < groups[b]!.role ? -1 : groups[a]!.role > groups[b]!.role ? 1 : 0))) {
      const group = groups[g]!;
      if (generic && group.role !== role) {
        role = group.role;
        statements.push(`select set_config('role', ${quoteLiteral(role)}, true) as r, set_config('request.jwt.claims', '', true) as c`);
        for (const statement of prepared.values()) statements.push(`execute ${statement.name}(-1, '{}')`);
      }
      statements.push(`select set_config('role', ${quoteLiteral(group.role)}, true) as r, set_config('request.jwt.claims', ${quoteLiteral(group.claimsJson)}, true) as c`);
      for (const [statement, items] of plan.get(g)!) statements.push(`execute ${statement.name}(${g}, '{${[...items.keys()].join(',')}}')`);
    }
    const deallocate = [...prepared.values()].map((p) => `deallocate ${p.name}`);
    // Prepared statements outlive a failed query: then the same connection must drop them.
    const connection = await this.sql.reserve();
    let output: unknown;
    try {
      output = await connection.unsafe([...statements, ...deallocate].join(';\n'));
    } catch (error) {
      // One by one: a statement the failed query never prepared cannot be deallocated.
      for (const statement of deallocate) await connection.unsafe(statement).catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
    const byIndex = [...statementIndex.keys()];
    for (const row of rowsOf<{ g?: number; s: number; i: number; n: boolean; o: boolean }>(output)) {
      if (row.g === undefined) continue;
      const statement = byIndex[row.s];
      const c = statement && plan.get(row.g)?.get(statement)?.get(row.i);
      const slot = c === undefined ? undefined : results[row.g]?.[c];
      if (slot) {
        slot.newVisible = row.n === true;
        slot.oldVisible = row.o === true;
      }
    }
  }
}
