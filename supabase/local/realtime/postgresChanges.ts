import { UnknownRoleError, type AccessRule, type Catalog, type TableInfo } from './catalog.ts';
import type { RowChange, Transaction } from './changes.ts';
import { compileFilters, FilterError, parseFilter, type FilterColumn, type ParsedFilter } from './filters.ts';
import { encodeRaw, isRecord, type Vsn } from './phoenix.ts';
import type { RowEvaluator, VisibilityCheck, VisibilityGroup } from './rlsFilter.ts';
import type { VerifiedToken } from './tokens.ts';

/** The side of a joined channel that postgres_changes needs. */
export interface ChangeSubscriber {
  readonly topic: string;
  readonly vsn: Vsn;
  /** The channel's current access token: its claims decide row visibility. */
  readonly token: VerifiedToken;
  readonly active: boolean;
  send(frame: string): void;
}

type ChangeEvent = '*' | 'INSERT' | 'UPDATE' | 'DELETE';

/** One `postgres_changes` binding of a channel, resolved to tables. */
interface Listener {
  /** The id the join reply gave the client for this binding; events carry it in `ids`. */
  id: number;
  subscriber: ChangeSubscriber;
  event: ChangeEvent;
  /** Per table: the compiled filter (`true` when none) and the columns it reads. */
  tables: Map<number, { filterSql: string; filterColumns: string[] }>;
}

/** Result of a join's postgres_changes: what to reply, and the error to push if subscribing failed. */
export interface SubscribeResult {
  /** The client's bindings, each with its `id` added (realtime-js matches them by position). */
  reply: Record<string, unknown>[];
  error?: string;
}

/** A change and who may receive it. */
interface Item {
  change: RowChange;
  commitTimestamp: string;
  table: TableInfo;
  listeners: Listener[];
}

/** Changes queued beyond this pause the replication stream until the backlog drains. */
const backlogHigh = 20_000;
const backlogLow = 2_000;
/** Changes evaluated together at most (a large transaction is split). */
const maxBatchChanges = 500;

/** Erlang's phash2 range: Supabase's ids are `:erlang.phash2(params)`, integers below 2^27. */
function bindingId(params: Record<string, unknown>): number {
  const canonical = JSON.stringify(params, Object.keys(params).sort());
  let hash = 0x811c9dc5;
  for (let i = 0; i < canonical.length; i++) {
    hash ^= canonical.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 2 ** 27;
}

function describe(event: string, schema: string, table: string, filters: ParsedFilter[]): string {
  const filterText = filters.map((f) => `{${JSON.stringify(f.column)}, ${JSON.stringify(f.op)}, ${JSON.stringify(f.value)}${f.negate ? ', true' : ''}}`).join(', ');
  return `[event: ${event}, schema: ${schema}, table: ${table}, filters: [${filterText}]]`;
}

function pick(record: Record<string, unknown> | undefined, keep: (column: string) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (record) for (const key of Object.keys(record)) if (keep(key)) out[key] = record[key];
  return out;
}

/**
 * The postgres_changes extension: subscriptions of joined channels, and delivery of replicated
 * changes to them, filtered and checked against row-level security.
 *
 * Delivery rules (Supabase's walrus, apply_rls):
 * - INSERT/UPDATE reach a subscriber whose role may SELECT the new row version under RLS;
 * - DELETE, when the table has RLS for the role, carries only the primary key in `old_record`.
 *   With REPLICA IDENTITY FULL the deleted row is checked against the policies first, so only
 *   subscribers who could see it learn of it (stricter than Supabase, which sends the key to
 *   every subscriber of the table); without it there is nothing to check and the key goes to
 *   every subscriber with SELECT on the table, as on Supabase;
 * - UPDATE's `old_record` is the whole old row only if the subscriber could see that version
 *   too (Supabase sends it regardless), else the primary key.
 * Changes are delivered in commit order; each reaches a channel once, with the ids of all its
 * bindings that match.
 */
export class PostgresChanges {
  private byRelid = new Map<number, Set<Listener>>();
  private bySubscriber = new Map<ChangeSubscriber, Listener[]>();
  private queue: Transaction[] = [];
  private queued = 0;
  private draining = false;
  private backlogged = false;

  constructor(
    private readonly catalog: Catalog,
    private readonly evaluator: RowEvaluator,
    private readonly options: { onBacklog?: (paused: boolean) => void; log?: (line: string) => void } = {},
  ) {}

  /** Number of live bindings (for leak checks). */
  size(): number {
    let n = 0;
    for (const list of this.bySubscriber.values()) n += list.length;
    return n;
  }

  /**
   * Validates and registers a channel's bindings (the join's `config.postgres_changes`).
   * All or nothing, as Supabase creates them in one transaction.
   */
  async subscribe(subscriber: ChangeSubscriber, bindings: unknown[]): Promise<SubscribeResult> {
    const reply: Record<string, unknown>[] = [];
    const listeners: Listener[] = [];
    let error: string | undefined;
    for (const binding of bindings) {
      const params = isRecord(binding) ? binding : {};
      const id = bindingId(params);
      reply.push({ ...params, id });
      if (error) continue;
      try {
        listeners.push(await this.resolve(subscriber, params, id));
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    }
    if (!error && listeners.length) {
      if (!subscriber.active) return { reply };
      this.bySubscriber.set(subscriber, listeners);
      for (const listener of listeners) {
        for (const relid of listener.tables.keys()) {
          let set = this.byRelid.get(relid);
          if (!set) this.byRelid.set(relid, (set = new Set()));
          set.add(listener);
        }
      }
    }
    return { reply, error };
  }

  /** Removes a channel's bindings. */
  unsubscribe(subscriber: ChangeSubscriber): void {
    const listeners = this.bySubscriber.get(subscriber);
    if (!listeners) return;
    this.bySubscriber.delete(subscriber);
    for (const listener of listeners) {
      for (const relid of listener.tables.keys()) {
        const set = this.byRelid.get(relid);
        set?.delete(listener);
        if (set && !set.size) this.byRelid.delete(relid);
      }
    }
  }

  /**
   * Re-checks a channel's bindings for a new role (token refresh): the filters must still name
   * columns that role may read. Returns an error message, or undefined when all is well.
   */
  async revalidate(subscriber: ChangeSubscriber): Promise<string | undefined> {
    const listeners = this.bySubscriber.get(subscriber);
    if (!listeners) return undefined;
    try {
      for (const listener of listeners) {
        for (const relid of listener.tables.keys()) {
          const table = await this.catalog.table(relid);
          if (table) await this.catalog.access(table, subscriber.token.role);
        }
      }
      return undefined;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  private async resolve(subscriber: ChangeSubscriber, params: Record<string, unknown>, id: number): Promise<Listener> {
    const { event: rawEvent, schema: rawSchema, table: rawTable, filter: rawFilter } = params;
    const upper = typeof rawEvent === 'string' ? rawEvent.toUpperCase() : '*';
    const event: ChangeEvent = upper === 'INSERT' || upper === 'UPDATE' || upper === 'DELETE' ? upper : '*';
    const hasTable = rawTable !== undefined && rawTable !== null;
    if ((rawSchema !== undefined && typeof rawSchema !== 'string') || (hasTable && typeof rawTable !== 'string') || (rawSchema === undefined && !hasTable)) {
      throw new Error(`No subscription params provided. Please provide at least a \`schema\` or \`table\` to subscribe to: ${JSON.stringify(params)}`);
    }
    if (rawFilter !== undefined && rawFilter !== null && typeof rawFilter !== 'string') throw new Error('Error parsing `filter` params: expected a string');
    const schema = typeof rawSchema === 'string' ? rawSchema : 'public';
    const tableName = typeof rawTable === 'string' ? rawTable : '*';
    const filters = parseFilter(typeof rawFilter === 'string' ? rawFilter : undefined);
    const where = describe(event, schema, tableName, filters);
    const tables = await this.catalog.publishedTables(schema, tableName);
    if (!tables.length) {
      throw new Error(`Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: ${where}`);
    }
    const compiled = new Map<number, { filterSql: string; filterColumns: string[] }>();
    try {
      for (const table of tables) {
        const rule = await this.catalog.access(table, subscriber.token.role);
        const readable = new Map<string, FilterColumn>();
        for (const column of table.columns) if (rule.selectable.has(column.name)) readable.set(column.name, column);
        const filterSql = compileFilters(filters, readable, table.name);
        if (filters.length) await this.evaluator.checkExpression(table, filterSql);
        compiled.set(table.relid, { filterSql, filterColumns: filters.map((f) => f.column) });
      }
    } catch (e) {
      const message = e instanceof FilterError || e instanceof UnknownRoleError || e instanceof Error ? e.message : String(e);
      throw new Error(`Unable to subscribe to changes with given parameters. An exception happened so please check your connect parameters: ${where}. Exception: ${message}`);
    }
    return { id, subscriber, event, tables: compiled };
  }

  /** Queues a committed transaction for delivery. */
  enqueue(tx: Transaction): void {
    this.queue.push(tx);
    this.queued += tx.changes.length;
    if (!this.backlogged && this.queued > backlogHigh) {
      this.backlogged = true;
      this.options.onBacklog?.(true);
    }
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length) {
        // Everything that arrived while the last batch was evaluated goes in the next one:
        // under load, batches grow and the per-change cost falls.
        const batch: { change: RowChange; commitTimestamp: string }[] = [];
        while (this.queue.length && batch.length < maxBatchChanges) {
          const tx = this.queue[0]!;
          const room = maxBatchChanges - batch.length;
          const taken = tx.changes.length <= room ? tx.changes : tx.changes.slice(0, room);
          for (const change of taken) batch.push({ change, commitTimestamp: tx.commitTimestamp });
          if (taken.length === tx.changes.length) this.queue.shift();
          else tx.changes = tx.changes.slice(room);
        }
        this.queued -= batch.length;
        if (this.backlogged && this.queued < backlogLow) {
          this.backlogged = false;
          this.options.onBacklog?.(false);
        }
        try {
          await this.process(batch);
        } catch (error) {
          this.options.log?.(`[realtime] postgres_changes delivery failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async process(batch: { change: RowChange; commitTimestamp: string }[]): Promise<void> {
    const items: Item[] = [];
    for (const { change, commitTimestamp } of batch) {
      const set = this.byRelid.get(change.relid);
      if (!set) continue;
      const listeners = [...set].filter((l) => l.subscriber.active && (l.event === '*' || l.event === change.kind));
      if (!listeners.length) continue;
      const table = await this.catalog.table(change.relid);
      if (table) items.push({ change, commitTimestamp, table, listeners });
    }
    if (!items.length) return;

    const rules = new Map<string, AccessRule | undefined>();
    for (const item of items) {
      for (const listener of item.listeners) {
        const key = `${item.table.relid}/${listener.subscriber.token.role}`;
        if (rules.has(key)) continue;
        rules.set(key, await this.catalog.access(item.table, listener.subscriber.token.role).catch(() => undefined));
      }
    }
    const ruleOf = (item: Item, listener: Listener) => rules.get(`${item.table.relid}/${listener.subscriber.token.role}`);

    // Each change is tested once per distinct filter among its listeners.
    const filterLists = items.map((item) => [...new Set(item.listeners.map((l) => l.tables.get(item.table.relid)!.filterSql).filter((f) => f !== 'true'))]);
    const base = await this.evaluator.base(items.map((item, i) => ({ table: item.table, change: item.change, filters: filterLists[i]! })));

    // Who passes the filters, and which of them still need an RLS answer.
    type Candidate = { listener: Listener; rule: AccessRule; group?: { index: number; check: number } };
    const candidates: Candidate[][] = [];
    const groups: VisibilityGroup[] = [];
    const groupIndex = new Map<string, number>();
    const checkIndex = new Map<string, number>();
    items.forEach((item, i) => {
      const result = base[i]!;
      const filterList = filterLists[i]!;
      if (result.failed) {
        candidates.push([]);
        return;
      }
      const relevant = item.change.kind === 'DELETE' ? item.change.oldRow : item.change.newRow;
      const list: Candidate[] = [];
      for (const listener of item.listeners) {
        const { filterSql, filterColumns } = listener.tables.get(item.table.relid)!;
        if (filterSql !== 'true') {
          // A filter on a column the WAL did not carry fails, as in walrus (fail closed).
          if (!relevant || !filterColumns.every((c) => c in relevant)) continue;
          if (!result.filters[filterList.indexOf(filterSql)]) continue;
        }
        const rule = ruleOf(item, listener);
        if (!rule || rule.mode === 'none') continue;
        const candidate: Candidate = { listener, rule };
        const needsCheck = rule.mode === 'policy' && (item.change.kind !== 'DELETE' || item.change.oldFull);
        if (needsCheck) {
          const { token } = listener.subscriber;
          let g = groupIndex.get(token.claimsKey);
          if (g === undefined) {
            g = groups.push({ role: token.role, claimsJson: token.claimsJson, checks: [] }) - 1;
            groupIndex.set(token.claimsKey, g);
          }
          const key = `${g}/${i}`;
          let c = checkIndex.get(key);
          if (c === undefined) {
            const check: VisibilityCheck = {
              table: item.table,
              change: item.change,
              predicate: rule.predicate!,
              genericPlanSafe: rule.genericPlanSafe,
              checkNew: item.change.kind !== 'DELETE',
              checkOld: item.change.kind !== 'INSERT' && item.change.oldFull,
            };
            c = groups[g]!.checks.push(check) - 1;
            checkIndex.set(key, c);
          }
          candidate.group = { index: g, check: c };
        }
        list.push(candidate);
      }
      candidates.push(list);
    });

    const visibility = groups.length ? await this.evaluator.visibility(groups) : [];

    items.forEach((item, i) => {
      const result = base[i]!;
      const payloads = new Map<string, string>();
      const perSubscriber = new Map<ChangeSubscriber, { ids: Set<number>; data: string }>();
      for (const { listener, rule, group } of candidates[i]!) {
        const seen = group ? visibility[group.index]![group.check]! : { newVisible: true, oldVisible: true };
        const kind = item.change.kind;
        if (kind !== 'DELETE' && !seen.newVisible) continue;
        if (kind === 'DELETE' && item.change.oldFull && rule.mode === 'policy' && !seen.oldVisible) continue;
        // The whole old row, or only its primary key (see the class comment).
        const fullOld = rule.mode === 'all' || (kind === 'UPDATE' && seen.oldVisible);
        const variant = `${listener.subscriber.token.role}/${fullOld}`;
        let data = payloads.get(variant);
        if (data === undefined) {
          data = this.payload(item, result.newRecord, result.oldRecord, rule, fullOld);
          payloads.set(variant, data);
        }
        const entry = perSubscriber.get(listener.subscriber);
        if (entry) entry.ids.add(listener.id);
        else perSubscriber.set(listener.subscriber, { ids: new Set([listener.id]), data });
      }
      for (const [subscriber, { ids, data }] of perSubscriber) {
        if (!subscriber.active) continue;
        subscriber.send(encodeRaw(subscriber.vsn, null, null, subscriber.topic, 'postgres_changes', `{"ids":${JSON.stringify([...ids])},"data":${data}}`));
      }
    });
  }

  /** The `data` of a postgres_changes message, as walrus builds it, for one role. */
  private payload(item: Item, newRecord: Record<string, unknown> | undefined, oldRecord: Record<string, unknown> | undefined, rule: AccessRule, fullOld: boolean): string {
    const { change, table } = item;
    const readable = (c: string) => rule.selectable.has(c);
    const keyOnly = (c: string) => rule.selectable.has(c) && table.primaryKey.includes(c);
    const parts = [
      `"schema":${JSON.stringify(table.schema)}`,
      `"table":${JSON.stringify(table.name)}`,
      `"commit_timestamp":${JSON.stringify(item.commitTimestamp)}`,
      `"type":${JSON.stringify(change.kind)}`,
      `"columns":${rule.columnsJson}`,
    ];
    if (change.kind !== 'DELETE') parts.push(`"record":${JSON.stringify(pick(newRecord, readable))}`);
    if (change.kind === 'UPDATE') {
      // Without the old row (default replica identity, key unchanged) the identity is the new row's key.
      const old = change.oldRow ? pick(oldRecord, fullOld ? readable : keyOnly) : pick(newRecord, keyOnly);
      parts.push(`"old_record":${JSON.stringify(old)}`);
    }
    if (change.kind === 'DELETE') parts.push(`"old_record":${JSON.stringify(pick(oldRecord, fullOld ? readable : keyOnly))}`);
    parts.push('"errors":null');
    return `{${parts.join(',')}}`;
  }
}
