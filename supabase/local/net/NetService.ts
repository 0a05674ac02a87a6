import type { Sql } from 'postgres';
import { sendRequest, type NetRequest, type NetResponse } from './send.ts';

interface QueueRow {
  id: string;
  method: string;
  url: string;
  headers: unknown;
  body: Uint8Array<ArrayBuffer> | null;
  timeout_milliseconds: number;
}

/** pg_net.ttl's default: responses older than this are deleted. */
const defaultTtl = '6 hours';

function headerPairs(value: unknown): [string, string][] {
  if (!Array.isArray(value)) throw new Error('headers are not a list of pairs');
  return value.map((pair: unknown) => {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') throw new Error('a header is not a [name, value] pair');
    return [pair[0], pair[1]];
  });
}

/**
 * Sends the requests of the pg_net stand-in (bootstrap/40_pg_net.sql) as pg_net's worker does:
 * only committed ones (it reads the queue table), each taken off the queue when it is sent, its
 * outcome written to net._http_response, responses deleted after pg_net.ttl. net.wake()'s
 * notification brings it at once; a poll every second finds anything else. Idle where the
 * database has the real pg_net, whose worker sends its requests itself.
 */
export class NetService {
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly sending = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private draining: Promise<void> | undefined;
  private drainAgain = false;

  constructor(
    private readonly sql: Sql,
    private readonly log: (line: string) => void = (line) => console.error(line),
    private readonly options = { pollMs: 1_000, concurrency: 16 },
  ) {}

  async start(): Promise<void> {
    const [found] = await this.sql<{ standIn: boolean }[]>`
      select to_regclass('net.http_request_queue') is not null and not exists (select from pg_extension where extname = 'pg_net') as "standIn"`;
    if (!found?.standIn) return;
    this.unlisten = (await this.sql.listen('pg_net_wake', () => this.drain())).unlisten;
    this.timer = setInterval(() => void this.tick(), this.options.pollMs);
    await this.tick();
  }

  /** Requests still in flight are aborted and recorded as such; queued ones wait for the next start. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.unlisten?.().catch(() => undefined);
    this.stopping.abort();
    await this.draining;
    await Promise.all(this.sending);
  }

  private async tick(): Promise<void> {
    try {
      await this.sql`
        delete from net._http_response
        where created < now() - coalesce(nullif(current_setting('pg_net.ttl', true), '')::interval, ${defaultTtl}::interval)`;
    } catch (error) {
      if (this.timer) this.log(`[net] could not delete old responses: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.drain();
  }

  /** Takes queued requests while fewer than `concurrency` are in flight; one drain at a time. */
  private drain(): void {
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = this.takeAll().finally(() => (this.draining = undefined));
  }

  private async takeAll(): Promise<void> {
    try {
      do {
        this.drainAgain = false;
        while (this.timer && this.sending.size < this.options.concurrency) {
          const rows = await this.take(this.options.concurrency - this.sending.size);
          for (const row of rows) this.send(row);
          if (rows.length === 0) break;
        }
      } while (this.drainAgain && this.timer);
    } catch (error) {
      if (this.timer) this.log(`[net] could not read net.http_request_queue: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** As pg_net: deleted from the queue as it is taken, so a request is sent at most once. */
  private take(limit: number): Promise<QueueRow[]> {
    return this.sql<QueueRow[]>`
      with taken as (select id from net.http_request_queue order by id limit ${limit} for update skip locked)
      delete from net.http_request_queue q using taken where q.id = taken.id
      returning q.id::text, q.method, q.url, q.body, q.timeout_milliseconds,
        coalesce((select jsonb_agg(jsonb_build_array(key, value)) from jsonb_each_text(q.headers) where value is not null), '[]') as headers`;
  }

  private send(row: QueueRow): void {
    const sent = this.deliver(row)
      .catch((error: unknown) => this.log(`[net] request ${row.id} was not recorded: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.sending.delete(sent);
        if (this.timer) this.drain();
      });
    this.sending.add(sent);
  }

  private async deliver(row: QueueRow): Promise<void> {
    let response: NetResponse;
    try {
      const request: NetRequest = { method: row.method, url: row.url, headers: headerPairs(row.headers), body: row.body, timeoutMs: row.timeout_milliseconds };
      response = await sendRequest(request, this.stopping.signal);
    } catch (error) {
      response = { statusCode: null, contentType: null, headers: null, content: null, timedOut: false, errorMsg: error instanceof Error ? error.message : String(error) };
    }
    await this.sql`
      insert into net._http_response (id, status_code, content_type, headers, content, timed_out, error_msg)
      values (${row.id}, ${response.statusCode}, ${response.contentType}, ${response.headers === null ? null : JSON.stringify(response.headers)}::jsonb,
        ${response.content}, ${response.timedOut}, ${response.errorMsg})`;
  }
}
