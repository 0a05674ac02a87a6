import { quoteIdent, quoteLiteral } from '../sqlText.ts';
import { PostgrestError } from './PostgrestError.ts';
import type { Condition, FieldRef, Filter } from './queryGrammar.ts';
import type { Relation } from './SchemaCache.ts';
import type { SqlParams } from './SqlParams.ts';

const comparison: Record<string, string> = {
  eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=', like: 'like', ilike: 'ilike',
  match: '~', imatch: '~*', cs: '@>', cd: '<@', ov: '&&', sl: '<<', sr: '>>', nxr: '&<', nxl: '&>', adj: '-|-',
};

const textSearch: Record<string, string> = {
  fts: 'to_tsquery', plfts: 'plainto_tsquery', phfts: 'phraseto_tsquery', wfts: 'websearch_to_tsquery',
};

/** `"alias"."col"->'a'->>'b'`, after checking the column exists (PostgreSQL's 42703 otherwise). */
export function fieldSql(field: FieldRef, relation: Relation, alias: string): string {
  if (!relation.columns.has(field.name)) {
    throw new PostgrestError(400, '42703', `column ${relation.name}.${field.name} does not exist`);
  }
  let out = `${quoteIdent(alias)}.${quoteIdent(field.name)}`;
  for (const step of field.jsonPath) {
    out += step.op + (/^-?\d+$/.test(step.key) ? step.key : quoteLiteral(step.key));
  }
  return out;
}

/** A PostgreSQL array literal for quantified operators: `{"a","b"}`. */
function arrayLiteral(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

/** `*` is PostgREST's wildcard in like patterns (`%` is awkward in URLs). */
function likePattern(value: string): string {
  return value.replace(/\*/g, '%');
}

function conditionSql(cond: Condition, relation: Relation, alias: string, params: SqlParams): string {
  const expr = fieldSql(cond.field, relation, alias);
  const isLike = cond.operator === 'like' || cond.operator === 'ilike';
  let sql: string;
  if (cond.quantifier) {
    const op = comparison[cond.operator];
    if (!op) throw new PostgrestError(400, 'PGRST100', `"${cond.operator}(${cond.quantifier})" is not supported`);
    const values = (cond.value as string[]).map((v) => (isLike ? likePattern(v) : v));
    sql = `${expr} ${op} ${cond.quantifier}(${params.add(arrayLiteral(values))})`;
  } else if (cond.operator === 'in') {
    const values = cond.value as string[];
    sql = values.length === 0 ? 'false' : `${expr} in (${values.map((v) => params.add(v)).join(', ')})`;
  } else if (cond.operator === 'is') {
    const value = (cond.value as string).toLowerCase();
    sql = `${expr} is ${value === 'not_null' ? 'not null' : value}`;
  } else if (cond.operator === 'isdistinct') {
    sql = `${expr} is distinct from ${params.add(cond.value as string)}`;
  } else if (cond.operator in textSearch) {
    const column = relation.columns.get(cond.field.name);
    const vector = column?.type === 'tsvector' && cond.field.jsonPath.length === 0
      ? expr
      : `to_tsvector(${cond.language ? `${params.add(cond.language)}::regconfig, ` : ''}${expr})`;
    const language = cond.language ? `${params.add(cond.language)}::regconfig, ` : '';
    sql = `${vector} @@ ${textSearch[cond.operator]}(${language}${params.add(cond.value as string)})`;
  } else {
    const op = comparison[cond.operator];
    if (!op) throw new PostgrestError(400, 'PGRST100', `unknown operator "${cond.operator}"`);
    const value = cond.value as string;
    sql = `${expr} ${op} ${params.add(isLike ? likePattern(value) : value)}`;
  }
  return cond.negated ? `not (${sql})` : sql;
}

/** One filter (condition or and/or tree) as SQL over `alias`. */
export function filterSql(filter: Filter, relation: Relation, alias: string, params: SqlParams): string {
  if (filter.kind === 'condition') return conditionSql(filter, relation, alias, params);
  const parts = filter.children.map((child) => filterSql(child, relation, alias, params));
  const joined = parts.length ? `(${parts.join(` ${filter.op} `)})` : filter.op === 'and' ? 'true' : 'false';
  return filter.negated ? `not ${joined}` : joined;
}
