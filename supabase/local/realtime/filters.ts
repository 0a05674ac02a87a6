import { quoteIdent, quoteLiteral } from '../sqlText.ts';

/**
 * postgres_changes filters as realtime-js sends them (`col=eq.value`, `col=in.(a,b)`,
 * `col=not.like.x%`, several joined by commas = AND), parsed with the grammar of Supabase
 * Realtime (Extensions.PostgresCdcRls.Subscriptions.parse_subscription_params) and compiled to
 * SQL, so PostgreSQL compares values with the column's own type, as Supabase's
 * realtime.check_equality_op does.
 */

/** Operators Supabase Realtime evaluates. */
export const filterOperators = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'like', 'ilike', 'is', 'match', 'imatch', 'isdistinct'] as const;
/** One of the operators above. */
export type FilterOperator = (typeof filterOperators)[number];

/** One `column=op.value` condition. */
export interface ParsedFilter {
  column: string;
  op: FilterOperator;
  /** The value as text; for `in`, a PostgreSQL array literal (`{a,b}`), as Supabase stores it. */
  value: string;
  negate: boolean;
}

/** A filter string Supabase would refuse; the message is Supabase's. */
export class FilterError extends Error {}

const operatorSet: ReadonlySet<string> = new Set(filterOperators);

function isOperator(op: string): op is FilterOperator {
  return operatorSet.has(op);
}

/** Splits on commas outside double quotes and parentheses. */
function splitTopLevel(filter: string): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  let quoted = false;
  let previous = '';
  for (let i = 0; i < filter.length; i++) {
    const char = filter[i]!;
    if (quoted) {
      if (char === '\\' && i + 1 < filter.length) {
        current += char + filter[++i];
        previous = filter[i]!;
        continue;
      }
      if (char === '"') quoted = false;
      current += char;
    } else if (char === '"' && (previous === '.' || previous === '(' || previous === ',')) {
      quoted = true;
      current += char;
    } else if (char === '(') {
      depth++;
      current += char;
    } else if (char === ')') {
      depth = Math.max(0, depth - 1);
      current += char;
    } else if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
      previous = '';
      continue;
    } else {
      current += char;
    }
    previous = char;
  }
  parts.push(current);
  return parts;
}

/** `"a\"b"` → `a"b`; anything not a well-formed quoted string stays as it is. */
function unquote(value: string): string {
  if (!value.startsWith('"')) return value;
  let out = '';
  for (let i = 1; i < value.length; i++) {
    const char = value[i]!;
    if (char === '\\' && i + 1 < value.length) {
      out += value[++i];
    } else if (char === '"') {
      return i === value.length - 1 ? out : value;
    } else {
      out += char;
    }
  }
  return value;
}

function parseSegment(segment: string): ParsedFilter {
  const trimmed = segment.trim();
  if (!trimmed) throw new FilterError('filter must not contain empty segments (check for extra commas)');
  const eq = trimmed.indexOf('=');
  if (eq < 0) throw new FilterError(`[${JSON.stringify(trimmed)}]`);
  const column = trimmed.slice(0, eq);
  let rest = trimmed.slice(eq + 1);
  const negate = rest.startsWith('not.');
  if (negate) rest = rest.slice(4);
  const dot = rest.indexOf('.');
  if (dot < 0) throw new FilterError(`[${JSON.stringify(rest)}]`);
  const op = rest.slice(0, dot);
  const raw = rest.slice(dot + 1);
  if (!isOperator(op)) throw new FilterError(`[${JSON.stringify(op)}, ${JSON.stringify(raw)}]`);
  if (!column) throw new FilterError('filter column must not be empty');
  if (op === 'in') {
    if (raw.length < 2 || !raw.startsWith('(') || !raw.endsWith(')')) throw new FilterError('`in` filter value must be wrapped by parentheses');
    return { column, op: 'in', value: `{${raw.slice(1, -1)}}`, negate };
  }
  return { column, op, value: unquote(raw), negate };
}

/**
 * Parses a realtime-js filter string. An empty or blank string means no filter.
 * Throws FilterError with Supabase's "Error parsing `filter` params: …" wording.
 */
export function parseFilter(filter: string | undefined): ParsedFilter[] {
  if (filter === undefined || !filter.trim()) return [];
  try {
    return splitTopLevel(filter.trim()).map(parseSegment);
  } catch (error) {
    if (error instanceof FilterError) throw new FilterError(`Error parsing \`filter\` params: ${error.message}`);
    throw error;
  }
}

/** What compiling a filter needs to know about the table's columns. */
export interface FilterColumn {
  name: string;
  /** format_type() of the column's type, e.g. `integer`, `public.mood`. */
  sqlType: string;
  isBoolean: boolean;
}

const comparison: Record<Exclude<FilterOperator, 'in' | 'is' | 'isdistinct'>, string> = {
  eq: '=',
  neq: '<>',
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
  like: 'like',
  ilike: 'ilike',
  match: '~',
  imatch: '~*',
};

function conditionSql(filter: ParsedFilter, column: FilterColumn, alias: string): string {
  const ref = `${quoteIdent(alias)}.${quoteIdent(filter.column)}`;
  let sql: string;
  switch (filter.op) {
    case 'in':
      if (filter.value.length > 2 && splitTopLevel(filter.value.slice(1, -1)).length > 100) throw new FilterError('too many values for `in` filter. Maximum 100');
      sql = `${ref} = any(${quoteLiteral(filter.value)}::${column.sqlType}[])`;
      break;
    case 'is': {
      const keyword = filter.value.toLowerCase();
      if (!['null', 'true', 'false', 'unknown'].includes(keyword)) throw new FilterError('invalid value for is filter: must be null, true, false, or unknown');
      if (keyword !== 'null' && !column.isBoolean) throw new FilterError(`is ${keyword} filter requires a boolean column, got ${column.sqlType}`);
      sql = `${ref} is ${keyword}`;
      break;
    }
    case 'isdistinct':
      sql = `${ref} is distinct from ${quoteLiteral(filter.value)}::${column.sqlType}`;
      break;
    default:
      // like/ilike/match compare as text patterns; the rest in the column's own type.
      sql = ['like', 'ilike', 'match', 'imatch'].includes(filter.op)
        ? `${ref} ${comparison[filter.op]} ${quoteLiteral(filter.value)}`
        : `${ref} ${comparison[filter.op]} ${quoteLiteral(filter.value)}::${column.sqlType}`;
  }
  return filter.negate ? `not (${sql})` : `(${sql})`;
}

/**
 * Compiles filters to one SQL boolean expression over a row aliased `alias`. Throws FilterError
 * for an unknown column (or one the subscriber may not read) and for a value the column's type
 * cannot take — the latter surfaces when the caller first runs the expression.
 */
export function compileFilters(filters: ParsedFilter[], columns: ReadonlyMap<string, FilterColumn>, alias: string): string {
  if (!filters.length) return 'true';
  return filters
    .map((filter) => {
      const column = columns.get(filter.column);
      if (!column) throw new FilterError(`invalid column for filter ${filter.column}`);
      return conditionSql(filter, column, alias);
    })
    .join(' and ');
}
