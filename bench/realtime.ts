import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import postgres from 'postgres';
import WebSocket from 'ws';
import { signJwt } from '../supabase/local/jwt.ts';
import { startStack } from '../supabase/local/stack.ts';
import { freePort } from '../tests/support/globalSetup.ts';
import { formatMs, summarize } from './stats.ts';

/**
 * Realtime benchmark: latency from an INSERT to its postgres_changes event at subscribed
 * supabase-js clients (1 client; 200 clients with 200 different users, so 200 RLS claims
 * groups; 200 clients sharing one token), and broadcast throughput through one channel.
 *
 * The stack runs in this process; the clients run in a child process, as they would on other
 * machines, so client-side JSON parsing does not share the server's event loop. Latency is
 * measured from just before the INSERT is sent (so it includes the commit) to the client's
 * callback, on the same clock (performance.timeOrigin + now() in both processes).
 */

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Absolute time with sub-millisecond resolution, comparable across processes on one host. */
function now(): number {
  return performance.timeOrigin + performance.now();
}

// ---------------------------------------------------------------------------------------------
// The client side (child process).

type ChildCommand =
  | { cmd: 'subscribe'; apiUrl: string; anonKey: string; tokens: string[]; table: string }
  | { cmd: 'collect'; expected: number }
  | { cmd: 'close' }
  | { cmd: 'broadcast'; apiUrl: string; anonKey: string; messages: number; bytes: number };

type ChildReply =
  | { reply: 'subscribed'; ms: number }
  | { reply: 'arrivals'; arrivals: [number, number, number][] }
  | { reply: 'closed' }
  | { reply: 'broadcast'; received: number; ms: number }
  | { reply: 'error'; message: string };

function realtimeOnly(apiUrl: string, anonKey: string): SupabaseClient {
  return createClient(apiUrl, anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never, heartbeatIntervalMs: 25_000 },
  });
}

function joined(channel: RealtimeChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(error ?? new Error(status));
    });
  });
}

async function child(): Promise<void> {
  let clients: SupabaseClient[] = [];
  let arrivals: [number, number, number][] = [];
  const send = (message: ChildReply) => process.send?.(message);

  async function handle(message: ChildCommand): Promise<void> {
    switch (message.cmd) {
      case 'subscribe': {
        const started = now();
        clients = message.tokens.map(() => realtimeOnly(message.apiUrl, message.anonKey));
        await Promise.all(
          clients.map(async (supabase, i) => {
            await supabase.realtime.setAuth(message.tokens[i]!);
            const channel = supabase.channel(`bench-${i}`).on('postgres_changes', { event: 'INSERT', schema: 'public', table: message.table }, (payload) => {
              arrivals.push([i, Number((payload.new as { id?: unknown }).id), now()]);
            });
            await joined(channel);
          }),
        );
        send({ reply: 'subscribed', ms: now() - started });
        return;
      }
      case 'collect': {
        const deadline = Date.now() + 20_000;
        while (arrivals.length < message.expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        send({ reply: 'arrivals', arrivals });
        arrivals = [];
        return;
      }
      case 'close':
        await Promise.all(clients.map((c) => c.removeAllChannels()));
        clients = [];
        send({ reply: 'closed' });
        return;
      case 'broadcast': {
        const sender = realtimeOnly(message.apiUrl, message.anonKey);
        const receiver = realtimeOnly(message.apiUrl, message.anonKey);
        let received = 0;
        let last = 0;
        let done: () => void = () => {};
        const all = new Promise<void>((resolve) => (done = resolve));
        await joined(
          receiver.channel('bench-broadcast').on('broadcast', { event: 'tick' }, () => {
            received++;
            last = now();
            if (received === message.messages) done();
          }),
        );
        const out = sender.channel('bench-broadcast');
        await joined(out);
        const payload = { data: 'x'.repeat(message.bytes) };
        const started = now();
        for (let i = 0; i < message.messages; i++) {
          void out.send({ type: 'broadcast', event: 'tick', payload });
          // Yield now and then, as a real sender's event loop would, so sockets get serviced.
          if (i % 200 === 199) await new Promise((r) => setImmediate(r));
        }
        await Promise.race([all, new Promise((r) => setTimeout(r, 30_000))]);
        send({ reply: 'broadcast', received, ms: last - started });
        await sender.removeAllChannels();
        await receiver.removeAllChannels();
        return;
      }
    }
  }

  process.on('message', (message: ChildCommand) => {
    handle(message).catch((error: unknown) => send({ reply: 'error', message: error instanceof Error ? error.message : String(error) }));
  });
}

// ---------------------------------------------------------------------------------------------
// The server side (this process).

class ClientProcess {
  private readonly proc: ChildProcess;
  private waiting: ((reply: ChildReply) => void) | undefined;

  constructor() {
    this.proc = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ARBIDESK_REALTIME_BENCH_CHILD: '1' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.proc.on('message', (reply: ChildReply) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.(reply);
    });
  }

  request<K extends ChildReply['reply']>(command: ChildCommand, expect: K): Promise<Extract<ChildReply, { reply: K }>> {
    return new Promise((resolve, reject) => {
      this.waiting = (reply) => {
        if (reply.reply === expect) resolve(reply as Extract<ChildReply, { reply: K }>);
        else reject(new Error(reply.reply === 'error' ? reply.message : `unexpected ${reply.reply}`));
      };
      this.proc.send(command);
    });
  }

  kill(): void {
    this.proc.kill();
  }
}

export interface RealtimeBenchOptions {
  log?: (line: string) => void;
  /** INSERTs per latency scenario (default 100). */
  inserts?: number;
  /** Broadcast messages for the throughput run (default 20 000). */
  broadcasts?: number;
}

/** Runs the realtime benchmark on a fresh stack and returns its figures. */
export async function realtimeBench(options: RealtimeBenchOptions = {}): Promise<Record<string, string | number>> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const inserts = options.inserts ?? 100;
  const dataDir = mkdtempSync(join(tmpdir(), 'arbidesk-bench-realtime-'));
  const stack = await startStack({ dataDir, apiPort: 0, dbPort: await freePort(), seed: false });
  const sql = postgres(stack.dbUrl, { max: 1, onnotice: () => {} });
  const clientsProcess = new ClientProcess();
  const results: Record<string, string | number> = {};
  try {
    // A table as the app has them: RLS through a workspace membership lookup.
    await sql.unsafe(`
      create table bench_member (workspace_id int not null, user_id uuid not null, primary key (workspace_id, user_id));
      alter table bench_member enable row level security;
      create policy bench_member_self on bench_member for select to authenticated using (user_id = auth.uid());
      create table bench_event (id bigserial primary key, workspace_id int not null, note text not null);
      alter table bench_event enable row level security;
      create policy bench_event_members on bench_event for select to authenticated using (
        exists (select 1 from bench_member m where m.workspace_id = bench_event.workspace_id and m.user_id = auth.uid()));
      alter publication supabase_realtime add table bench_event;
    `);
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const users = Array.from({ length: 200 }, () => randomUUID());
    await sql`insert into bench_member ${sql(users.map((user_id) => ({ workspace_id: 1, user_id })))}`;
    const tokenOf = (sub: string) => signJwt({ sub, role: 'authenticated', aud: 'authenticated', exp }, stack.keys.jwtSecret);

    const scenario = async (name: string, tokens: string[], gapMs: number) => {
      const { ms: subscribeMs } = await clientsProcess.request({ cmd: 'subscribe', apiUrl: stack.apiUrl, anonKey: stack.keys.anonKey, tokens, table: 'bench_event' }, 'subscribed');
      // Warm-up: caches, prepared plans, the first Relation message.
      for (let i = 0; i < 5; i++) await sql`insert into bench_event (workspace_id, note) values (1, 'warm-up')`;
      await clientsProcess.request({ cmd: 'collect', expected: 5 * tokens.length }, 'arrivals');
      const sentAt = new Map<number, number>();
      for (let i = 0; i < inserts; i++) {
        const t = now();
        const [row] = await sql<{ id: string }[]>`insert into bench_event (workspace_id, note) values (1, ${`event ${i}`}) returning id`;
        sentAt.set(Number(row!.id), t);
        await new Promise((r) => setTimeout(r, gapMs));
      }
      const { arrivals } = await clientsProcess.request({ cmd: 'collect', expected: inserts * tokens.length }, 'arrivals');
      const latencies = arrivals.filter(([, id]) => sentAt.has(id)).map(([, id, at]) => at - sentAt.get(id)!);
      // Per insert: when the last subscriber had it.
      const lastById = new Map<number, number>();
      for (const [, id, at] of arrivals) if (sentAt.has(id)) lastById.set(id, Math.max(lastById.get(id) ?? 0, at - sentAt.get(id)!));
      const all = summarize(latencies);
      const last = summarize([...lastById.values()]);
      results[`${name}: deliveries`] = `${latencies.length}/${inserts * tokens.length}`;
      results[`${name}: p50 ms`] = round(all.p50);
      results[`${name}: p95 ms`] = round(all.p95);
      if (tokens.length > 1) results[`${name}: p95 ms until all clients have it`] = round(last.p95);
      results[`${name}: subscribe all ms`] = Math.round(subscribeMs);
      log(`realtime: ${name}: p50 ${formatMs(all.p50)} ms, p95 ${formatMs(all.p95)} ms (${latencies.length} deliveries)`);
      await clientsProcess.request({ cmd: 'close' }, 'closed');
    };

    await scenario('1 client', [tokenOf(users[0]!)], 20);
    await scenario('200 clients, 200 users', users.map(tokenOf), 50);
    const shared = tokenOf(users[1]!);
    await scenario('200 clients, one user', users.map(() => shared), 50);

    const messages = options.broadcasts ?? 20_000;
    const { received, ms } = await clientsProcess.request({ cmd: 'broadcast', apiUrl: stack.apiUrl, anonKey: stack.keys.anonKey, messages, bytes: 100 }, 'broadcast');
    results['broadcast: messages'] = `${received}/${messages} (100-byte payloads, 1 sender, 1 receiver)`;
    results['broadcast: messages/s'] = Math.round(received / (ms / 1000));
    log(`realtime: broadcast ${Math.round(received / (ms / 1000))} messages/s`);
    return results;
  } finally {
    clientsProcess.kill();
    await sql.end({ timeout: 1 });
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.env.ARBIDESK_REALTIME_BENCH_CHILD === '1') {
  void child();
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  realtimeBench()
    .then((figures) => {
      console.log(JSON.stringify(figures, null, 2));
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
