import { parseError } from './PostgrestError.ts';

/**
 * The query-string grammar of PostgREST (https://postgrest.org/en/stable/references/api/tables_views.html):
 * `select`, horizontal filters, logic trees, `order`, `limit` and `offset`, for the root
 * and for embedded resources (`children.order=…`).
 */

/** `data->a->>b`: a column with an optional JSON path. */
export interface FieldRef {
  name: string;
  jsonPath: { op: '->' | '->>'; key: string }[];
}

export interface SelectField {
  kind: 'field';
  field: FieldRef;
  alias?: string;
  cast?: string;
}

export interface SelectStar {
  kind: 'star';
}

export interface SelectEmbed {
  kind: 'embed';
  /** Table, foreign-key column or constraint name. */
  name: string;
  alias?: string;
  /** `!hint`: a constraint, column or junction table naming the relationship. */
  hint?: string;
  joinType?: 'inner' | 'left';
  spread: boolean;
  select: SelectItem[];
}

export type SelectItem = SelectField | SelectStar | SelectEmbed;

export type Operator =
  | 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'like' | 'ilike' | 'match' | 'imatch'
  | 'is' | 'isdistinct' | 'in' | 'cs' | 'cd' | 'ov' | 'sl' | 'sr' | 'nxr' | 'nxl' | 'adj'
  | 'fts' | 'plfts' | 'phfts' | 'wfts';

const operators = new Set<string>([
  'eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'match', 'imatch', 'is', 'isdistinct', 'in',
  'cs', 'cd', 'ov', 'sl', 'sr', 'nxr', 'nxl', 'adj', 'fts', 'plfts', 'phfts', 'wfts',
]);

export interface Condition {
  kind: 'condition';
  field: FieldRef;
  negated: boolean;
  operator: Operator;
  /** `eq(any)` / `like(all)`: compare with each of a list. */
  quantifier?: 'any' | 'all';
  /** Text search configuration of fts operators: `fts(english)`. */
  language?: string;
  /** The raw value; a list for `in` and quantified operators. */
  value: string | string[];
}

export interface LogicTree {
  kind: 'tree';
  op: 'and' | 'or';
  negated: boolean;
  children: Filter[];
}

export type Filter = Condition | LogicTree;

export interface OrderTerm {
  field: FieldRef;
  /** `parent(col)`: order by a column of a to-one embedded resource. */
  relation?: string;
  direction?: 'asc' | 'desc';
  nulls?: 'first' | 'last';
}

/** What applies at one level of the embedding tree. */
export interface LevelQuery {
  filters: Filter[];
  order: OrderTerm[];
  limit?: number;
  offset?: number;
}

const identifierChars = /[^,.:()!"\s]/;

/** A cursor over one parameter value. */
class Reader {
  pos = 0;
  constructor(readonly text: string, readonly param: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(n = 1): string {
    return this.text.slice(this.pos, this.pos + n);
  }

  eat(token: string): boolean {
    if (this.text.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }

  expect(token: string): void {
    if (!this.eat(token)) this.fail(`expected "${token}"`);
  }

  skipSpaces(): void {
    while (!this.done && /\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  fail(what: string): never {
    throw parseError(
      `"failed to parse ${this.param} parameter (${this.text})" (line 1, column ${this.pos + 1})`,
      `unexpected ${this.done ? 'end of input' : `"${this.text[this.pos]}"`}; ${what}`,
    );
  }

  /** A bare identifier, or one in double quotes. */
  identifier(): string {
    this.skipSpaces();
    if (this.eat('"')) {
      let out = '';
      while (!this.done && this.peek() !== '"') {
        if (this.peek() === '\\') this.pos++;
        out += this.text[this.pos++];
      }
      this.expect('"');
      return out;
    }
    let out = '';
    while (!this.done && identifierChars.test(this.text[this.pos] ?? '') && !this.text.startsWith('->', this.pos) && !this.text.startsWith('::', this.pos)) {
      out += this.text[this.pos++];
    }
    if (!out) this.fail('expected an identifier');
    return out;
  }

  fieldRef(): FieldRef {
    const name = this.identifier();
    const jsonPath: FieldRef['jsonPath'] = [];
    while (this.peek(2) === '->') {
      const op = this.eat('->>') ? '->>' : (this.eat('->'), '->');
      jsonPath.push({ op, key: this.identifier() });
    }
    return { name, jsonPath };
  }
}

function parseSelectList(r: Reader, nested: boolean): SelectItem[] {
  const items: SelectItem[] = [];
  r.skipSpaces();
  if (nested && r.peek() === ')') return items;
  for (;;) {
    items.push(parseSelectItem(r));
    r.skipSpaces();
    if (!r.eat(',')) break;
  }
  return items;
}

function parseSelectItem(r: Reader): SelectItem {
  r.skipSpaces();
  if (r.eat('*')) return { kind: 'star' };
  const spread = r.eat('...');
  let first = r.fieldRef();
  let alias: string | undefined;
  if (r.peek() === ':' && r.peek(2) !== '::') {
    r.pos++;
    if (first.jsonPath.length) r.fail('an alias cannot have a JSON path');
    alias = first.name;
    first = r.fieldRef();
  }
  if (r.peek() === '!' || r.peek() === '(') {
    if (first.jsonPath.length) r.fail('an embedded resource cannot have a JSON path');
    const embed: SelectEmbed = { kind: 'embed', name: first.name, alias, spread, select: [] };
    while (r.eat('!')) {
      const hint = r.identifier();
      if (hint === 'inner' || hint === 'left') embed.joinType = hint;
      else embed.hint = hint;
    }
    r.expect('(');
    embed.select = parseSelectList(r, true);
    r.skipSpaces();
    r.expect(')');
    return embed;
  }
  if (spread) r.fail('"..." applies only to embedded resources');
  let cast: string | undefined;
  if (r.eat('::')) {
    cast = r.identifier();
    if (!/^[A-Za-z_][A-Za-z0-9_ ]*(\[\])?$/.test(cast)) r.fail(`"${cast}" is not a type name`);
  }
  return { kind: 'field', field: first, alias, cast };
}

/** Parses the `select` parameter. */
export function parseSelect(text: string): SelectItem[] {
  if (text.trim() === '') return [{ kind: 'star' }];
  const r = new Reader(text, 'select');
  const items = parseSelectList(r, false);
  r.skipSpaces();
  if (!r.done) r.fail('expected "," or end of input');
  return items;
}

/** Splits `a,b,"c,d"` at top-level commas, keeping quoted parts intact; `` is the empty list. */
function splitList(text: string): string[] {
  if (text.trim() === '') return [];
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && quoted && i + 1 < text.length) {
      current += text[++i];
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out;
}

/** `op.value`, `not.op.value`, `op(any).{a,b}`, `fts(english).word` after the column. */
function parseOperation(field: FieldRef, expression: string, param: string): Condition {
  let rest = expression;
  let negated = false;
  if (rest.startsWith('not.')) {
    negated = true;
    rest = rest.slice(4);
  }
  const dot = rest.indexOf('.');
  if (dot < 0) throw parseError(`"failed to parse filter (${expression})" (line 1, column ${expression.length})`, `unexpected end of input in "${param}"; expected an operator followed by "."`);
  const head = rest.slice(0, dot);
  const value = rest.slice(dot + 1);
  const match = /^([a-z]+)(?:\((\w+)\))?$/.exec(head);
  const operator = match?.[1];
  if (!match || !operator || !operators.has(operator)) {
    throw parseError(`"failed to parse filter (${expression})" (line 1, column 1)`, `unknown operator "${head}" in "${param}"`);
  }
  const modifier = match[2];
  const condition: Condition = { kind: 'condition', field, negated, operator: operator as Operator, value };
  if (modifier === 'any' || modifier === 'all') {
    condition.quantifier = modifier;
    condition.value = parseCurlyList(value, param);
  } else if (modifier) {
    if (!operator.endsWith('fts')) throw parseError(`"failed to parse filter (${expression})"`, `"${operator}" takes no "(${modifier})"`);
    condition.language = modifier;
  }
  if (operator === 'in') {
    if (!value.startsWith('(') || !value.endsWith(')')) throw parseError(`"failed to parse filter (${expression})"`, `"in" needs a list in parentheses: in.(a,b) in "${param}"`);
    condition.value = splitList(value.slice(1, -1)).map((v) => v.trim());
  }
  if (operator === 'is' && !['null', 'not_null', 'true', 'false', 'unknown'].includes(value.toLowerCase())) {
    throw parseError(`"failed to parse filter (${expression})"`, `"is" takes null, not_null, true, false or unknown, not "${value}"`);
  }
  return condition;
}

function parseCurlyList(value: string, param: string): string[] {
  if (!value.startsWith('{') || !value.endsWith('}')) throw parseError(`"failed to parse filter (${value})"`, `a quantified operator needs a list in braces: {a,b} in "${param}"`);
  return splitList(value.slice(1, -1)).map((v) => v.trim());
}

/** Parses a horizontal filter: key `col` (or `data->>x`) and value `op.value`. */
export function parseCondition(column: string, expression: string): Condition {
  const r = new Reader(column, column);
  const field = r.fieldRef();
  if (!r.done) r.fail('expected end of column name');
  return parseOperation(field, expression, column);
}

/** Parses `(a.eq.1,or(b.gt.2,c.is.null))`, the value of `or=` / `and=`. */
export function parseLogicTree(op: 'and' | 'or', negated: boolean, text: string, param: string): LogicTree {
  if (!text.startsWith('(') || !text.endsWith(')')) {
    throw parseError(`"failed to parse logic tree (${text})" (line 1, column 1)`, `"${param}" needs its conditions in parentheses`);
  }
  const children = splitTopLevel(text.slice(1, -1)).map((part) => parseTreeItem(part.trim(), param));
  return { kind: 'tree', op, negated, children };
}

/** Splits at commas outside parentheses and quotes. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === '(' || ch === '{')) depth++;
    if (!quoted && (ch === ')' || ch === '}')) depth--;
    if (ch === ',' && depth === 0 && !quoted) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out;
}

function parseTreeItem(item: string, param: string): Filter {
  const nested = /^(not\.)?(and|or)(\(.*\))$/s.exec(item);
  if (nested) return parseLogicTree(nested[2] as 'and' | 'or', Boolean(nested[1]), nested[3] ?? '', param);
  const r = new Reader(item, param);
  const field = r.fieldRef();
  if (!r.eat('.')) r.fail('expected "." after the column');
  return parseOperation(field, item.slice(r.pos), param);
}

/** Parses `order=a.desc.nullslast,parent(b).asc`. */
export function parseOrder(text: string): OrderTerm[] {
  return splitTopLevel(text).filter((t) => t.trim()).map((term) => {
    const r = new Reader(term.trim(), 'order');
    let field = r.fieldRef();
    let relation: string | undefined;
    if (r.eat('(')) {
      relation = field.name;
      field = r.fieldRef();
      r.expect(')');
    }
    const out: OrderTerm = { field, relation };
    while (r.eat('.')) {
      const word = r.identifier();
      if (word === 'asc' || word === 'desc') out.direction = word;
      else if (word === 'nullsfirst') out.nulls = 'first';
      else if (word === 'nullslast') out.nulls = 'last';
      else r.fail(`"${word}" is not asc, desc, nullsfirst or nullslast`);
    }
    if (!r.done) r.fail('expected "." or ","');
    return out;
  });
}

export function parseNonNegativeInt(text: string, param: string): number {
  if (!/^\d+$/.test(text)) throw parseError(`"failed to parse ${param} parameter (${text})"`, `${param} must be a whole number`);
  return Number(text);
}

/** Parameters that are not filters at any level. */
const reserved = new Set(['select', 'order', 'limit', 'offset', 'or', 'and', 'not.or', 'not.and', 'on_conflict', 'columns']);

export interface ParsedQuery {
  select: SelectItem[];
  /** Per embedding path: '' is the root, 'children.toys' a nested resource (by alias or name). */
  levels: Map<string, LevelQuery>;
  onConflict?: string[];
  columns?: string[];
}

function level(levels: Map<string, LevelQuery>, path: string): LevelQuery {
  let found = levels.get(path);
  if (!found) {
    found = { filters: [], order: [] };
    levels.set(path, found);
  }
  return found;
}

/**
 * Parses a whole query string. `skip` names parameters that are not filters
 * (a GET rpc's function arguments).
 */
export function parseQuery(params: URLSearchParams, skip: Set<string> = new Set()): ParsedQuery {
  const levels = new Map<string, LevelQuery>();
  level(levels, '');
  const query: ParsedQuery = { select: parseSelect(params.get('select') ?? '*'), levels };
  for (const [key, value] of params) {
    if (skip.has(key)) continue;
    if (key === 'select') continue;
    if (key === 'on_conflict') {
      query.onConflict = splitList(value).map((c) => c.trim());
      continue;
    }
    if (key === 'columns') {
      query.columns = splitList(value).map((c) => c.trim().replace(/^"|"$/g, ''));
      continue;
    }
    const lastDot = key.lastIndexOf('.');
    const treeMatch = /^(?:(.*)\.)?(not\.)?(or|and)$/.exec(key);
    if (treeMatch) {
      const path = treeMatch[1] ?? '';
      level(levels, path).filters.push(parseLogicTree(treeMatch[3] as 'or' | 'and', Boolean(treeMatch[2]), value, key));
      continue;
    }
    const suffix = lastDot >= 0 ? key.slice(lastDot + 1) : key;
    const path = lastDot >= 0 ? key.slice(0, lastDot) : '';
    if (suffix === 'order' || suffix === 'limit' || suffix === 'offset') {
      const target = level(levels, path);
      if (suffix === 'order') target.order.push(...parseOrder(value));
      else target[suffix] = parseNonNegativeInt(value, key);
      continue;
    }
    if (reserved.has(key)) continue;
    // A filter on an embedded resource: `children.name=eq.x` (but not a JSON path `a->b.c`).
    const arrow = key.indexOf('->');
    const embedDot = key.lastIndexOf('.', arrow >= 0 ? arrow : key.length);
    const filterPath = embedDot >= 0 ? key.slice(0, embedDot) : '';
    const column = embedDot >= 0 ? key.slice(embedDot + 1) : key;
    level(levels, filterPath).filters.push(parseCondition(column, value));
  }
  return query;
}
