import { quoteIdent } from '../sqlText.ts';
import { fieldSql, filterSql } from './filterSql.ts';
import { PostgrestError } from './PostgrestError.ts';
import type { LevelQuery, OrderTerm, SelectEmbed, SelectItem } from './queryGrammar.ts';
import { isToOne, joinCondition, resolveRelationship } from './relationships.ts';
import type { Relation, SchemaSnapshot } from './SchemaCache.ts';
import type { SqlParams } from './SqlParams.ts';

/**
 * Turns a parsed `select` tree into SQL: embedded resources become LATERAL subqueries that
 * aggregate to JSON, as PostgREST builds them, so one statement returns the whole response body.
 */

export interface ReadContext {
  schema: SchemaSnapshot;
  params: SqlParams;
  levels: Map<string, LevelQuery>;
  aliasCount: number;
}

interface EmbedJoin {
  lateralAlias: string;
  toOne: boolean;
}

/** The pieces of one level's SELECT. */
export interface LevelSql {
  columns: { sql: string; name: string }[];
  joins: string[];
  where: string[];
  orderBy: string[];
}

const emptyLevel: LevelQuery = { filters: [], order: [] };

function levelQuery(ctx: ReadContext, path: string): LevelQuery {
  return ctx.levels.get(path) ?? emptyLevel;
}

function orderSql(term: OrderTerm, relation: Relation, alias: string, embeds: Map<string, EmbedJoin>): string {
  let expr: string;
  if (term.relation) {
    const embed = embeds.get(term.relation);
    if (!embed || !embed.toOne) {
      throw new PostgrestError(400, 'PGRST118', `A related order on '${term.relation}' is not possible`, `'${term.relation}' must be an embedded to-one resource in the select`);
    }
    expr = `${quoteIdent(embed.lateralAlias)}.${quoteIdent(term.field.name)}`;
  } else {
    expr = fieldSql(term.field, relation, alias);
  }
  return `${expr}${term.direction ? ` ${term.direction}` : ''}${term.nulls ? ` nulls ${term.nulls}` : ''}`;
}

function embedJoin(ctx: ReadContext, parent: Relation, parentAlias: string, embed: SelectEmbed, parentPath: string, out: LevelSql, embeds: Map<string, EmbedJoin>): void {
  const rel = resolveRelationship(ctx.schema, parent, embed);
  const n = ++ctx.aliasCount;
  const alias = `${rel.target.name}_${n}`;
  const lateralAlias = `${rel.target.name}_${n}_lat`;
  const key = embed.alias ?? embed.name;
  const path = parentPath ? `${parentPath}.${key}` : key;
  const fallbackPath = parentPath ? `${parentPath}.${embed.name}` : embed.name;
  const query = ctx.levels.get(path) ?? ctx.levels.get(fallbackPath) ?? emptyLevel;
  const inner = buildLevel(ctx, rel.target, alias, embed.select, ctx.levels.has(path) ? path : fallbackPath);
  const junctionAlias = `${rel.junction?.relation.name ?? 'junction'}_${n}_j`;
  const from = [`${quoteIdent(rel.target.schema)}.${quoteIdent(rel.target.name)} as ${quoteIdent(alias)}`];
  if (rel.junction) from.push(`${quoteIdent(rel.junction.relation.schema)}.${quoteIdent(rel.junction.relation.name)} as ${quoteIdent(junctionAlias)}`);
  const where = [joinCondition(rel, parentAlias, alias, junctionAlias), ...inner.where];
  const toOne = isToOne(rel);
  let sub = `select ${inner.columns.map((c) => `${c.sql} as ${quoteIdent(c.name)}`).join(', ')} from ${from.join(', ')} ${inner.joins.join(' ')} where ${where.join(' and ')}`;
  if (inner.orderBy.length) sub += ` order by ${inner.orderBy.join(', ')}`;
  if (query.limit !== undefined) sub += ` limit ${ctx.params.add(String(query.limit))}`;
  if (query.offset !== undefined) sub += ` offset ${ctx.params.add(String(query.offset))}`;
  const inner_join = embed.joinType === 'inner';
  const joinKind = inner_join ? 'inner join lateral' : 'left join lateral';
  if (toOne) {
    out.joins.push(`${joinKind} (select row_to_json("pgrst_e") as "pgrst_v", "pgrst_e".* from (${sub}) as "pgrst_e") as ${quoteIdent(lateralAlias)} on true`);
  } else {
    if (embed.spread) throw new PostgrestError(400, 'PGRST119', `A spread operation on '${embed.name}' is not possible`, `'${parent.name}' and '${embed.name}' do not form a many-to-one or one-to-one relationship`);
    const aggregate = inner_join
      ? `select json_agg("pgrst_e") as "pgrst_v" from (${sub}) as "pgrst_e" having count(*) > 0`
      : `select coalesce(json_agg("pgrst_e"), '[]') as "pgrst_v" from (${sub}) as "pgrst_e"`;
    out.joins.push(`${joinKind} (${aggregate}) as ${quoteIdent(lateralAlias)} on true`);
  }
  embeds.set(key, { lateralAlias, toOne });
  if (embed.alias) embeds.set(embed.name, { lateralAlias, toOne });
  if (embed.spread) {
    for (const column of inner.columns) out.columns.push({ sql: `${quoteIdent(lateralAlias)}.${quoteIdent(column.name)}`, name: column.name });
  } else if (embed.select.length > 0) {
    out.columns.push({ sql: `${quoteIdent(lateralAlias)}."pgrst_v"`, name: key });
  }
}

/** Builds one level of the tree: its columns, embed joins, filters and order. */
export function buildLevel(ctx: ReadContext, relation: Relation, alias: string, items: SelectItem[], path: string): LevelSql {
  const out: LevelSql = { columns: [], joins: [], where: [], orderBy: [] };
  const embeds = new Map<string, EmbedJoin>();
  for (const item of items) {
    if (item.kind === 'star') {
      for (const column of relation.columns.keys()) out.columns.push({ sql: `${quoteIdent(alias)}.${quoteIdent(column)}`, name: column });
    } else if (item.kind === 'field') {
      const expr = fieldSql(item.field, relation, alias);
      const lastKey = item.field.jsonPath.at(-1)?.key;
      out.columns.push({ sql: item.cast ? `(${expr})::${item.cast}` : expr, name: item.alias ?? lastKey ?? item.field.name });
    } else {
      embedJoin(ctx, relation, alias, item, path, out, embeds);
    }
  }
  const query = levelQuery(ctx, path);
  for (const filter of query.filters) out.where.push(filterSql(filter, relation, alias, ctx.params));
  for (const term of query.order) out.orderBy.push(orderSql(term, relation, alias, embeds));
  return out;
}

export interface ReadOptions {
  /** `"schema"."table" as "alias"`, or a CTE for mutations and functions. */
  from: string;
  alias: string;
  relation: Relation;
  select: SelectItem[];
  limit?: number;
  offset?: number;
  /** Also compute the total matching rows (Prefer: count=exact). */
  count: boolean;
  stripNulls: boolean;
}

export interface ReadStatement {
  /** Returns `body` (a JSON array as text), `page_count` and, when asked, `total`. */
  sql: string;
  /** `select 1` over the same rows without paging, for the planner's row estimate. */
  countSql: string;
}

/** The whole read as one statement, so one round trip returns the response body. */
export function readSql(ctx: ReadContext, options: ReadOptions): ReadStatement {
  const level = buildLevel(ctx, options.relation, options.alias, options.select, '');
  const columns = level.columns.map((c) => `${c.sql} as ${quoteIdent(c.name)}`).join(', ');
  const body = `from ${options.from} ${level.joins.join(' ')}${level.where.length ? ` where ${level.where.join(' and ')}` : ''}`;
  let inner = `select ${columns} ${body}`;
  if (level.orderBy.length) inner += ` order by ${level.orderBy.join(', ')}`;
  if (options.limit !== undefined) inner += ` limit ${ctx.params.add(String(options.limit))}`;
  if (options.offset) inner += ` offset ${ctx.params.add(String(options.offset))}`;
  const aggregate = options.stripNulls ? `json_strip_nulls(coalesce(json_agg("pgrst_t"), '[]'))` : `coalesce(json_agg("pgrst_t"), '[]')`;
  const total = options.count ? `, (select count(*) ${body})::bigint as "total"` : '';
  return {
    sql: `select ${aggregate}::text as "body", count(*)::int as "page_count"${total} from (${inner}) as "pgrst_t"`,
    countSql: `select 1 ${body}`,
  };
}
