import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReservedSql, Sql } from 'postgres';
import { bearerToken, BodyTooLargeError, readBody, send, sendJson } from '../http.ts';
import { JwtError, verifyJwt, type JwtClaims } from '../jwt.ts';
import { quoteIdent } from '../sqlText.ts';
import { toCsv } from './csv.ts';
import { deleteSql, insertSql, updateSql } from './mutationQuery.ts';
import { toPostgrestError } from './pgErrors.ts';
import { PostgrestError } from './PostgrestError.ts';
import { parsePrefer, type Preferences } from './prefer.ts';
import { parseQuery, type Filter, type LevelQuery, type ParsedQuery } from './queryGrammar.ts';
import { readSql, type ReadContext } from './readQuery.ts';
import { findRoutine, isSingleJsonArg, routineCall } from './routineQuery.ts';
import { relationKey, type Relation, type SchemaCache, type SchemaSnapshot } from './SchemaCache.ts';
import { SqlParams } from './SqlParams.ts';

/** Who is asking: the role and claims PostgREST takes from the JWT. */
interface Identity {
  role: string;
  claims: JwtClaims;
  anonymous: boolean;
}

type MediaType = 'json' | 'object' | 'csv';

interface Negotiated {
  media: MediaType;
  stripNulls: boolean;
}

/** The one row a read statement returns; the body stays the bytes PostgreSQL sent. */
interface ReadRow {
  body: Buffer | string | null;
  page_count: number;
  total?: string | number | null;
}

/** Raw columns (body, page_count[, total]) as ReadRow: the body is never decoded and re-encoded. */
function toReadRow(raw: (Buffer | null)[] | undefined): ReadRow {
  return { body: raw?.[0] ?? null, page_count: Number(raw?.[1]?.toString() ?? 0), total: raw?.[2]?.toString() ?? null };
}

export interface RestOptions {
  schemas: string[];
  extraSearchPath: string[];
  maxRows: number;
  maxBodyBytes: number;
  jwtSecret: string;
}

const settingsSql =
  "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true), set_config('request.headers', $3, true), " +
  "set_config('request.method', $4, true), set_config('request.path', $5, true), set_config('search_path', $6, true)";

function negotiate(accept: string | undefined): Negotiated {
  const value = (accept ?? '*/*').toLowerCase();
  const stripNulls = value.includes('nulls=stripped');
  if (value.startsWith('application/vnd.pgrst.object+json')) return { media: 'object', stripNulls };
  if (value.startsWith('text/csv')) return { media: 'csv', stripNulls: false };
  if (value.includes('application/json') || value.includes('application/vnd.pgrst.array+json') || value.includes('*/*') || value === '') {
    return { media: 'json', stripNulls };
  }
  throw new PostgrestError(406, 'PGRST107', `None of these media types are available: ${accept}`);
}

/** `Range: 0-9` (items), the header form of limit/offset. */
function parseRange(header: string | undefined): { offset: number; limit?: number } | undefined {
  const match = /^(?:items=)?(\d+)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const offset = Number(match[1]);
  return { offset, limit: match[2] ? Number(match[2]) - offset + 1 : undefined };
}

function contentRange(offset: number, count: number, total: number | undefined): string {
  const totalText = total === undefined ? '*' : String(total);
  return count > 0 ? `${offset}-${offset + count - 1}/${totalText}` : `*/${totalText}`;
}

function parseJsonBody(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PostgrestError(400, 'PGRST102', 'Empty or invalid json', error instanceof Error ? error.message : null);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Root filters drive the mutation itself; the read of its result applies only embed-level ones. */
function withoutRootFilters(levels: Map<string, LevelQuery>): Map<string, LevelQuery> {
  const copy = new Map(levels);
  copy.set('', { filters: [], order: [] });
  return copy;
}

/**
 * Serves /rest/v1 as PostgREST does for what supabase-js sends: each request is one
 * transaction under the JWT's role with its claims set, so row-level security decides.
 */
export class RestHandler {
  /** Whether a role bypasses row-level security, by role name (the API roles are few). */
  private readonly bypassesRls = new Map<string, Promise<boolean>>();

  constructor(
    private readonly sql: Sql,
    private readonly cache: SchemaCache,
    private readonly options: RestOptions,
  ) {}

  /**
   * Planner estimates count every row of a table, whatever RLS hides, so PostgREST's
   * count=planned and count=estimated tell anyone how many rows other workspaces have. A role
   * under RLS gets the exact count of the rows it may see instead; only a role that bypasses
   * RLS (service_role) gets estimates.
   */
  private mayEstimate(role: string): Promise<boolean> {
    let known = this.bypassesRls.get(role);
    if (!known) {
      known = this.sql<{ bypass: boolean }[]>`select rolbypassrls or rolsuper as bypass from pg_roles where rolname = ${role}`.then(
        ([row]) => row?.bypass === true,
        () => false,
      );
      this.bypassesRls.set(role, known);
    }
    return known;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
    let anonymous = true;
    try {
      const identity = this.identify(req);
      anonymous = identity.anonymous;
      await this.route(req, res, url, path, identity);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendJson(res, 413, { code: 'PGRST413', details: null, hint: 'Send large files through the ETL function, which streams them.', message: error.message });
        return;
      }
      const failure = toPostgrestError(error, anonymous);
      sendJson(res, failure.status, failure, failure.headers);
    }
  }

  private identify(req: IncomingMessage): Identity {
    const token = bearerToken(req);
    if (!token) return { role: 'anon', claims: { role: 'anon' }, anonymous: true };
    let claims: JwtClaims;
    try {
      claims = verifyJwt(token, this.options.jwtSecret);
    } catch (error) {
      const message = error instanceof JwtError ? error.message : 'JWT cannot be decoded';
      throw new PostgrestError(401, 'PGRST301', message, null, null, {
        'www-authenticate': `Bearer error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
      });
    }
    const role = typeof claims.role === 'string' ? claims.role : 'anon';
    return { role, claims, anonymous: role === 'anon' };
  }

  private schemaFor(req: IncomingMessage, write: boolean): string {
    const header = req.headers[write ? 'content-profile' : 'accept-profile'];
    const requested = Array.isArray(header) ? header[0] : header;
    const schema = requested ?? this.options.schemas[0] ?? 'public';
    if (!this.options.schemas.includes(schema)) {
      throw new PostgrestError(406, 'PGRST106', `The schema must be one of the following: ${this.options.schemas.join(', ')}`, `Invalid schema: ${schema}`);
    }
    return schema;
  }

  private async route(req: IncomingMessage, res: ServerResponse, url: URL, path: string, identity: Identity): Promise<void> {
    const method = req.method ?? 'GET';
    const write = !['GET', 'HEAD'].includes(method);
    const schemaName = this.schemaFor(req, write);
    const snapshot = await this.cache.get();
    if (!snapshot.apiRoles.has(identity.role)) {
      throw new PostgrestError(401, '22023', `role "${identity.role}" does not exist`);
    }
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    const { prefs, applied, invalid } = parsePrefer(req.headers.prefer);
    if (prefs.handling === 'strict' && invalid.length) {
      throw new PostgrestError(400, 'PGRST122', 'Invalid preferences given with handling=strict', `Invalid preferences: ${invalid.join(', ')}`);
    }
    if (segments.length === 0) {
      sendJson(res, 200, this.openApi(snapshot, schemaName));
      return;
    }
    if (segments[0] === 'rpc' && segments.length === 2) {
      await this.rpc(req, res, url, snapshot, schemaName, segments[1] ?? '', identity, prefs, applied);
      return;
    }
    if (segments.length !== 1) throw new PostgrestError(404, 'PGRST125', `Invalid path specified in request URL`);
    const relation = snapshot.relations.get(relationKey(schemaName, segments[0] ?? ''));
    if (!relation) {
      throw new PostgrestError(404, 'PGRST205', `Could not find the table '${schemaName}.${segments[0]}' in the schema cache`);
    }
    const query = parseQuery(url.searchParams);
    const negotiated = negotiate(req.headers.accept);
    switch (method) {
      case 'GET':
      case 'HEAD':
        await this.read(req, res, snapshot, relation, query, identity, prefs, negotiated, method === 'HEAD');
        return;
      case 'POST':
      case 'PUT':
      case 'PATCH':
      case 'DELETE':
        await this.mutate(req, res, snapshot, relation, query, identity, prefs, applied, negotiated);
        return;
      default:
        throw new PostgrestError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
    }
  }

  private async read(req: IncomingMessage, res: ServerResponse, snapshot: SchemaSnapshot, relation: Relation, query: ParsedQuery, identity: Identity, prefs: Preferences, negotiated: Negotiated, head: boolean): Promise<void> {
    const root = query.levels.get('') ?? { filters: [], order: [] };
    const range = parseRange(req.headers.range);
    const offset = root.offset ?? range?.offset ?? 0;
    const requested = root.limit ?? range?.limit;
    const limit = Math.min(requested ?? this.options.maxRows, this.options.maxRows);
    const ctx: ReadContext = { schema: snapshot, params: new SqlParams(), levels: query.levels, aliasCount: 0 };
    const alias = relation.name;
    const options = {
      from: `${quoteIdent(relation.schema)}.${quoteIdent(relation.name)} as ${quoteIdent(alias)}`,
      alias,
      relation,
      select: query.select,
      limit,
      offset,
      stripNulls: negotiated.stripNulls,
    };
    // Counting every row is what count=estimated avoids on big results: ask the planner first,
    // where the role may see estimates at all (see mayEstimate).
    const count = prefs.count && prefs.count !== 'exact' && !(await this.mayEstimate(identity.role)) ? 'exact' : prefs.count;
    let planned: number | undefined;
    if (count === 'planned' || count === 'estimated') {
      const probe: ReadContext = { schema: snapshot, params: new SqlParams(), levels: query.levels, aliasCount: 0 };
      // Without paging: the probe's parameters must be exactly the ones its count statement uses.
      planned = await this.plannedRows(req, identity, readSql(probe, { ...options, limit: undefined, offset: undefined, count: false }).countSql, probe.params.values);
    }
    const exact = count === 'exact' || (count === 'estimated' && (planned ?? 0) <= this.options.maxRows);
    const statement = readSql(ctx, { ...options, count: exact });
    const row = await this.readStatement(req, identity, true, statement.sql, ctx.params.values);
    const total = exact ? Number(row.total ?? 0) : planned;
    if (total !== undefined && offset > 0 && offset >= total && total > 0) {
      throw new PostgrestError(416, 'PGRST103', 'Requested range not satisfiable', `An offset of ${offset} was requested, but there are only ${total} rows.`, null, { 'content-range': `*/${total}` });
    }
    const headers: Record<string, string> = { 'content-range': contentRange(offset, row.page_count, total) };
    if (count) headers['preference-applied'] = `count=${count}`;
    const status = total !== undefined && row.page_count < total && row.page_count > 0 ? 206 : 200;
    this.respond(res, status, row, negotiated, headers, head);
  }

  /** The planner's row estimate for the request's rows (PostgREST's count=planned). */
  private async plannedRows(req: IncomingMessage, identity: Identity, countSql: string, values: (string | null)[]): Promise<number> {
    const plan = await this.transact<{ 'QUERY PLAN': { Plan?: { 'Plan Rows'?: number } }[] }>(req, identity, true, `explain (format json) ${countSql}`, values);
    return Math.round(plan[0]?.['QUERY PLAN'][0]?.Plan?.['Plan Rows'] ?? 0);
  }

  private respond(res: ServerResponse, status: number, row: ReadRow, negotiated: Negotiated, headers: Record<string, string>, head = false): void {
    const body = row.body ?? '[]';
    if (negotiated.media === 'object') {
      if (row.page_count !== 1) {
        throw new PostgrestError(406, 'PGRST116', 'JSON object requested, multiple (or no) rows returned', `The result contains ${row.page_count} rows`);
      }
      // json_agg's array of one: its object is the bytes between the brackets.
      send(res, status, head ? null : typeof body === 'string' ? body.slice(1, -1) : body.subarray(1, -1), { ...headers, 'content-type': 'application/vnd.pgrst.object+json; charset=utf-8' });
      return;
    }
    if (negotiated.media === 'csv') {
      send(res, status, head ? null : toCsv(JSON.parse(body.toString()) as Record<string, unknown>[]), { ...headers, 'content-type': 'text/csv; charset=utf-8' });
      return;
    }
    send(res, status, head ? null : body, { ...headers, 'content-type': 'application/json; charset=utf-8' });
  }

  private async mutate(req: IncomingMessage, res: ServerResponse, snapshot: SchemaSnapshot, relation: Relation, query: ParsedQuery, identity: Identity, prefs: Preferences, applied: string[], negotiated: Negotiated): Promise<void> {
    const method = req.method ?? 'POST';
    const params = new SqlParams();
    const alias = relation.name;
    const filters: Filter[] = query.levels.get('')?.filters ?? [];
    let statement: string;
    let payload: unknown;
    if (method !== 'DELETE') {
      payload = parseJsonBody(await readBody(req, this.options.maxBodyBytes));
    }
    if (method === 'POST' || method === 'PUT') {
      const rows = Array.isArray(payload) ? payload : payload === undefined ? undefined : [payload];
      if (!rows || !rows.every(isRecord)) {
        throw new PostgrestError(400, 'PGRST102', 'Empty or invalid json', 'The body must be a JSON object or an array of objects');
      }
      if (method === 'PUT') this.checkPut(relation, filters, rows);
      const columns = query.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
      if (rows.length === 0) {
        this.respondMutation(res, 201, { body: '[]', page_count: 0 }, prefs, applied, negotiated);
        return;
      }
      statement = insertSql(params, {
        relation,
        alias,
        columns,
        rowsJson: JSON.stringify(rows),
        missingDefault: prefs.missing === 'default',
        resolution: method === 'PUT' ? 'merge-duplicates' : prefs.resolution,
        onConflict: method === 'PUT' ? relation.primaryKey : query.onConflict,
      });
    } else if (method === 'PATCH') {
      if (!isRecord(payload)) throw new PostgrestError(400, 'PGRST102', 'Empty or invalid json', 'PATCH takes one JSON object of the columns to change');
      const columns = Object.keys(payload);
      if (columns.length === 0) {
        this.respondMutation(res, 200, { body: '[]', page_count: 0 }, prefs, applied, negotiated);
        return;
      }
      statement = updateSql(params, relation, alias, columns, JSON.stringify(payload), filters);
    } else {
      statement = deleteSql(params, relation, alias, filters);
    }
    const status = method === 'POST' ? 201 : 200;
    const representation = prefs.return === 'representation' || negotiated.media === 'object' && prefs.return !== 'minimal';
    if (!representation) {
      // No RETURNING: a row the caller may write but not read is still written, as on PostgREST.
      const returning = prefs.return === 'headers-only' && relation.primaryKey.length
        ? ` returning ${relation.primaryKey.map((c) => `${quoteIdent(alias)}.${quoteIdent(c)}`).join(', ')}`
        : '';
      const result = await this.transact<Record<string, unknown>>(req, identity, false, statement + returning, params.values, (count) => this.checkAffected(count, prefs, negotiated));
      const headers: Record<string, string> = { 'content-range': `*/${prefs.count ? result.count : '*'}` };
      if (applied.length) headers['preference-applied'] = applied.join(', ');
      const first = result[0];
      if (returning && first) {
        headers.location = `/${relation.name}?${relation.primaryKey.map((c) => `${encodeURIComponent(c)}=eq.${encodeURIComponent(String(first[c]))}`).join('&')}`;
      }
      send(res, method === 'POST' ? 201 : 204, null, headers);
      return;
    }
    const ctx: ReadContext = { schema: snapshot, params, levels: withoutRootFilters(query.levels), aliasCount: 0 };
    const read = readSql(ctx, { from: `"pgrst_source" as ${quoteIdent(alias)}`, alias, relation, select: query.select, count: false, stripNulls: negotiated.stripNulls });
    const full = `with "pgrst_source" as (${statement} returning ${quoteIdent(alias)}.*) ${read.sql}`;
    const row = await this.readStatement(req, identity, false, full, params.values, (result) => this.checkAffected(result.page_count, prefs, negotiated));
    this.respondMutation(res, status, row, prefs, applied, negotiated);
  }

  private respondMutation(res: ServerResponse, status: number, row: ReadRow, prefs: Preferences, applied: string[], negotiated: Negotiated): void {
    const headers: Record<string, string> = { 'content-range': `*/${prefs.count ? row.page_count : '*'}` };
    if (applied.length) headers['preference-applied'] = applied.join(', ');
    if (prefs.return !== 'representation' && negotiated.media !== 'object') {
      send(res, status === 200 ? 204 : status, null, headers);
      return;
    }
    this.respond(res, status, row, negotiated, headers);
  }

  /** single() on a write and max-affected roll the transaction back when too many rows change. */
  private checkAffected(count: number, prefs: Preferences, negotiated: Negotiated): void {
    if (negotiated.media === 'object' && count !== 1) {
      throw new PostgrestError(406, 'PGRST116', 'JSON object requested, multiple (or no) rows returned', `The result contains ${count} rows`);
    }
    if (prefs.maxAffected !== undefined && count > prefs.maxAffected) {
      throw new PostgrestError(400, 'PGRST124', 'Query result exceeds max-affected preference constraint', `The query affects ${count} rows`);
    }
  }

  /** PUT replaces one row named by equality filters on its whole primary key. */
  private checkPut(relation: Relation, filters: Filter[], rows: Record<string, unknown>[]): void {
    const eq = new Map<string, string>();
    for (const f of filters) {
      if (f.kind === 'condition' && f.operator === 'eq' && !f.negated && f.field.jsonPath.length === 0) eq.set(f.field.name, String(f.value));
    }
    const row = rows[0];
    if (rows.length !== 1 || !row || relation.primaryKey.length === 0 || relation.primaryKey.some((c) => !eq.has(c)) || eq.size !== filters.length) {
      throw new PostgrestError(405, 'PGRST105', 'Filters must include all and only primary key columns with \'eq\' operators');
    }
    if (relation.primaryKey.some((c) => String(row[c]) !== eq.get(c))) {
      throw new PostgrestError(400, 'PGRST115', 'Payload values do not match URL in primary key column(s)');
    }
  }

  private async rpc(req: IncomingMessage, res: ServerResponse, url: URL, snapshot: SchemaSnapshot, schemaName: string, name: string, identity: Identity, prefs: Preferences, applied: string[]): Promise<void> {
    const method = req.method ?? 'POST';
    const read = method === 'GET' || method === 'HEAD';
    if (!read && method !== 'POST') throw new PostgrestError(405, 'PGRST101', 'Only GET, HEAD and POST are allowed for functions');
    const overloads = snapshot.routines.get(relationKey(schemaName, name)) ?? [];
    let args: Record<string, unknown> = {};
    let rawBody = '{}';
    const argNames = new Set(overloads.flatMap((r) => r.args.map((a) => a.name)));
    const skip = new Set<string>();
    if (read) {
      for (const [key, value] of url.searchParams) {
        if (argNames.has(key)) {
          args[key] = value;
          skip.add(key);
        }
      }
      rawBody = JSON.stringify(args);
    } else {
      const body = parseJsonBody(await readBody(req, this.options.maxBodyBytes));
      rawBody = body === undefined ? '{}' : JSON.stringify(body);
      if (isRecord(body)) args = body;
    }
    const singleObject = prefs.params === 'single-object';
    const routine = findRoutine(snapshot, schemaName, name, Object.keys(args), singleObject);
    const jsonArg = isSingleJsonArg(routine) ? routine.args[0] : undefined;
    // The whole body goes to a lone json parameter when it is unnamed or the client asks (params=single-object).
    const wholeBody = !!jsonArg && (jsonArg.name === '' || singleObject);
    const query = parseQuery(url.searchParams, skip);
    const negotiated = negotiate(req.headers.accept);
    const params = new SqlParams();
    // GET calls run read-only, so a volatile function fails there (25006 → 405), as on PostgREST.
    const call = routineCall(params, routine, wholeBody ? rawBody : JSON.stringify(args), wholeBody);
    const lateral = call.argsFrom ? `${call.argsFrom} cross join lateral ` : '';
    const headers: Record<string, string> = {};
    if (applied.length) headers['preference-applied'] = applied.join(', ');
    if (routine.returnsVoid) {
      await this.transact(req, identity, read, `select ${call.call} from ${call.argsFrom || '(select) as "pgrst_none"'}`, params.values);
      send(res, 204, null, headers);
      return;
    }
    if (routine.returnRelation) {
      const alias = routine.name;
      const root = query.levels.get('') ?? { filters: [], order: [] };
      const ctx: ReadContext = { schema: snapshot, params, levels: query.levels, aliasCount: 0 };
      const statement = readSql(ctx, {
        from: `${lateral}${call.call} as ${quoteIdent(alias)}`,
        alias,
        relation: routine.returnRelation,
        select: query.select,
        limit: routine.returnsSet ? Math.min(root.limit ?? this.options.maxRows, this.options.maxRows) : undefined,
        offset: root.offset,
        count: prefs.count === 'exact',
        stripNulls: negotiated.stripNulls,
      });
      const row = await this.readStatement(req, identity, read, statement.sql, params.values);
      const total = prefs.count === 'exact' ? Number(row.total ?? 0) : undefined;
      headers['content-range'] = contentRange(root.offset ?? 0, row.page_count, total);
      const media = routine.returnsSet ? negotiated : { ...negotiated, media: negotiated.media === 'csv' ? 'csv' as const : 'object' as const };
      if (!routine.returnsSet && row.page_count !== 1) {
        send(res, 200, 'null', { ...headers, 'content-type': 'application/json; charset=utf-8' });
        return;
      }
      this.respond(res, 200, row, media, headers, method === 'HEAD');
      return;
    }
    const statement = routine.returnsSet
      ? `select coalesce(json_agg("pgrst_s"), '[]')::text as "body", count(*)::int as "page_count" from ${lateral}${call.call} as "pgrst_s"`
      : `select to_json(${call.call})::text as "body", 1 as "page_count"${call.argsFrom ? ` from ${call.argsFrom}` : ''}`;
    const body = (await this.readStatement(req, identity, read, statement, params.values)).body ?? 'null';
    send(res, 200, method === 'HEAD' ? null : body, { ...headers, 'content-type': 'application/json; charset=utf-8' });
  }

  /** A read statement (readSql's shape) in its own transaction, its body kept as bytes. */
  private async readStatement(req: IncomingMessage, identity: Identity, readOnly: boolean, statement: string, values: (string | null)[], check?: (row: ReadRow) => void): Promise<ReadRow> {
    const rows = await this.transact<(Buffer | null)[]>(req, identity, readOnly, statement, values, check ? (_count, raw) => check(toReadRow(raw[0])) : undefined, true);
    return toReadRow(rows[0]);
  }

  /**
   * Runs one statement in its own transaction with the request's role and claims. BEGIN,
   * the settings, the statement and COMMIT are pipelined on one connection; with `check`,
   * the commit waits for the result and a failed check rolls everything back.
   */
  private async transact<T extends object>(
    req: IncomingMessage,
    identity: Identity,
    readOnly: boolean,
    statement: string,
    values: (string | null)[],
    check?: (count: number, rows: T[]) => void,
    raw = false,
  ): Promise<T[] & { count: number }> {
    const conn: ReservedSql = await this.sql.reserve();
    try {
      const settings = [
        identity.role,
        JSON.stringify(identity.claims),
        JSON.stringify(req.headers),
        req.method ?? 'GET',
        (req.url ?? '/').split('?')[0]?.replace(/^\/rest\/v1/, '') ?? '/',
        [...this.options.schemas.slice(0, 1), ...this.options.extraSearchPath].map(quoteIdent).join(', '),
      ];
      const begin = conn.unsafe(readOnly ? 'begin read only' : 'begin');
      // Prepared (as PostgREST does): unprepared statements with parameters cost postgres.js a
      // describe round trip each and PostgreSQL a fresh plan; limits and offsets are parameters
      // so the statement texts, and so the per-connection statement cache, stay few.
      const set = conn.unsafe(settingsSql, settings, { prepare: true });
      const prepared = conn.unsafe(statement, values, { prepare: true });
      const main = raw ? prepared.raw() : prepared;
      begin.execute();
      set.execute();
      main.execute();
      if (!check) {
        const end = conn.unsafe('commit').execute();
        const [began, configured, result] = await Promise.allSettled([begin, set, main, end]);
        for (const step of [began, configured, result]) if (step?.status === 'rejected') throw step.reason;
        return (result as PromiseFulfilledResult<unknown>).value as T[] & { count: number };
      }
      let rows: T[] & { count: number };
      try {
        await begin;
        await set;
        rows = (await main) as unknown as T[] & { count: number };
        check(rows.count, rows);
      } catch (error) {
        await conn.unsafe('rollback');
        throw error;
      }
      await conn.unsafe('commit');
      return rows;
    } finally {
      conn.release();
    }
  }

  /** A small OpenAPI document of the exposed relations and functions, as PostgREST's root serves. */
  private openApi(snapshot: SchemaSnapshot, schemaName: string): unknown {
    const paths: Record<string, unknown> = {};
    const definitions: Record<string, unknown> = {};
    for (const relation of snapshot.relations.values()) {
      if (relation.schema !== schemaName) continue;
      paths[`/${relation.name}`] = relation.kind === 'view' ? { get: {} } : { get: {}, post: {}, patch: {}, delete: {} };
      definitions[relation.name] = {
        type: 'object',
        required: [...relation.columns.values()].filter((c) => !c.nullable && !c.defaultExpr).map((c) => c.name),
        properties: Object.fromEntries([...relation.columns.values()].map((c) => [c.name, { format: c.type }])),
      };
    }
    for (const [key, overloads] of snapshot.routines) {
      const routine = overloads[0];
      if (routine?.schema === schemaName) paths[`/rpc/${key.slice(schemaName.length + 1)}`] = { post: {}, get: {} };
    }
    return { swagger: '2.0', info: { title: 'ArbiDesk REST (local stack)', version: '12' }, basePath: '/', paths, definitions };
  }
}
