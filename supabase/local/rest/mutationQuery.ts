import { quoteIdent, quoteLiteral } from '../sqlText.ts';
import { filterSql } from './filterSql.ts';
import { PostgrestError } from './PostgrestError.ts';
import type { Filter } from './queryGrammar.ts';
import type { Relation } from './SchemaCache.ts';
import type { SqlParams } from './SqlParams.ts';

/**
 * INSERT / UPDATE / DELETE statements for REST writes. Rows travel as one JSON parameter and
 * are typed by the table's own row type (json_populate_recordset), as PostgREST does.
 */

function qualified(relation: Relation): string {
  return `${quoteIdent(relation.schema)}.${quoteIdent(relation.name)}`;
}

/** PGRST204 for a payload key that is not a column. */
export function checkColumns(relation: Relation, columns: string[]): void {
  for (const column of columns) {
    if (!relation.columns.has(column)) {
      throw new PostgrestError(400, 'PGRST204', `Could not find the '${column}' column of '${relation.name}' in the schema cache`);
    }
  }
}

/** What `missing=default` puts in a column a row leaves out. */
function defaultSql(relation: Relation, column: string): string {
  const info = relation.columns.get(column);
  if (info?.identity) return `nextval(pg_get_serial_sequence(${quoteLiteral(`${quoteIdent(relation.schema)}.${quoteIdent(relation.name)}`)}, ${quoteLiteral(column)}))`;
  return info?.defaultExpr ?? 'null';
}

export interface InsertOptions {
  relation: Relation;
  alias: string;
  columns: string[];
  /** JSON array text of the rows. */
  rowsJson: string;
  missingDefault: boolean;
  resolution?: 'merge-duplicates' | 'ignore-duplicates';
  onConflict?: string[];
}

export function insertSql(params: SqlParams, options: InsertOptions): string {
  const { relation, columns } = options;
  checkColumns(relation, columns);
  const target = `${qualified(relation)} as ${quoteIdent(options.alias)}`;
  const columnList = columns.map(quoteIdent).join(', ');
  const rows = params.add(options.rowsJson);
  let source: string;
  if (options.missingDefault) {
    const values = columns.map((c) => `case when "pgrst_j" ? ${quoteLiteral(c)} then "pgrst_r".${quoteIdent(c)} else ${defaultSql(relation, c)} end`);
    source = `select ${values.join(', ')} from jsonb_array_elements(${rows}::jsonb) as "pgrst_j", lateral jsonb_populate_record(null::${qualified(relation)}, "pgrst_j") as "pgrst_r"`;
  } else {
    source = `select ${columnList} from json_populate_recordset(null::${qualified(relation)}, ${rows}::json)`;
  }
  let sql = `insert into ${target} (${columnList}) ${source}`;
  if (options.resolution) {
    const conflict = options.onConflict ?? relation.primaryKey;
    if (conflict.length === 0) {
      throw new PostgrestError(400, 'PGRST100', `'${relation.name}' has no primary key; name the conflict columns with on_conflict`);
    }
    checkColumns(relation, conflict);
    const updates = columns.filter((c) => !conflict.includes(c));
    sql += ` on conflict (${conflict.map(quoteIdent).join(', ')})`;
    sql += options.resolution === 'ignore-duplicates' || updates.length === 0
      ? ' do nothing'
      : ` do update set ${updates.map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`).join(', ')}`;
  }
  return sql;
}

export function updateSql(params: SqlParams, relation: Relation, alias: string, columns: string[], rowJson: string, filters: Filter[]): string {
  checkColumns(relation, columns);
  const body = params.add(rowJson);
  const set = columns.map((c) => `${quoteIdent(c)} = "pgrst_body".${quoteIdent(c)}`).join(', ');
  const where = filters.map((f) => filterSql(f, relation, alias, params));
  return `update ${qualified(relation)} as ${quoteIdent(alias)} set ${set} from (select * from json_populate_record(null::${qualified(relation)}, ${body}::json)) as "pgrst_body"${where.length ? ` where ${where.join(' and ')}` : ''}`;
}

export function deleteSql(params: SqlParams, relation: Relation, alias: string, filters: Filter[]): string {
  const where = filters.map((f) => filterSql(f, relation, alias, params));
  return `delete from ${qualified(relation)} as ${quoteIdent(alias)}${where.length ? ` where ${where.join(' and ')}` : ''}`;
}
