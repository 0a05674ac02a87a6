import { FunctionsHttpError, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, db, serviceClient, stack } from '../support/clients.ts';
import { importsBucket, originalPath, storedOriginal } from '../support/imports.ts';
import { createUser, signIn, type TestUser } from '../support/users.ts';

/**
 * Retention of imported originals (docs/imports.md): a workspace keeps the originals of its
 * finished loads for its import_retention_days, then the imports-retention function removes them
 * through Storage and records it on the load. Ages are set in SQL relative to the database's
 * now(), so nothing depends on the day or the machine's time zone.
 */
const sql = db();
const ip = '198.51.100.61';
let adminUser: TestUser;
let buyerUser: TestUser;
let viewerUser: TestUser;
let outsiderUser: TestUser;
let admin: SupabaseClient;
let buyer: SupabaseClient;
let viewer: SupabaseClient;
let outsider: SupabaseClient;
const workspaces: string[] = [];

beforeAll(async () => {
  adminUser = await createUser(sql, 'ret-admin');
  buyerUser = await createUser(sql, 'ret-buyer');
  viewerUser = await createUser(sql, 'ret-viewer');
  outsiderUser = await createUser(sql, 'ret-outsider');
  admin = await signIn(adminUser, ip);
  buyer = await signIn(buyerUser, ip);
  viewer = await signIn(viewerUser, ip);
  outsider = await signIn(outsiderUser, ip);
});

afterAll(async () => {
  if (workspaces.length) await sql`delete from public.workspaces where id = any(${workspaces}::uuid[])`;
  await sql.end();
});

async function workspace(name: string, retentionDays: number | null): Promise<string> {
  const [row] = await sql<{ id: string }[]>`insert into public.workspaces (name, import_retention_days) values (${name}, ${retentionDays}) returning id`;
  const id = row?.id ?? '';
  workspaces.push(id);
  await sql`insert into public.workspace_members values (${id}, ${adminUser.id}, 'admin'), (${id}, ${buyerUser.id}, 'media_buyer'), (${id}, ${viewerUser.id}, 'read_only')`;
  return id;
}

/** A load of `status` that finished `finishedDaysAgo` days before the database's now(), with its original in Storage unless told otherwise. */
async function load(ws: string, status: string, finishedDaysAgo: number | null, stored = true): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into public.etl_loads (workspace_id, source, file_name, status, created_by, started_at, finished_at)
    values (${ws}, 'tw_clicks', 'clicks.csv', ${status}::public.etl_status, ${buyerUser.id}, now(),
      case when ${finishedDaysAgo}::int is null then null else now() - make_interval(days => ${finishedDaysAgo}::int) end)
    returning id`;
  const id = row?.id ?? '';
  if (stored) {
    const { error } = await serviceClient().storage.from(importsBucket).upload(originalPath(ws, id), new Blob(['date,clicks\n']), { contentType: 'text/csv' });
    if (error) throw new Error(`original of ${id}: ${error.message}`);
  }
  return id;
}

async function removedAt(loadId: string): Promise<string | null> {
  const [row] = await sql<{ at: Date | null }[]>`select original_removed_at as at from public.etl_loads where id = ${loadId}`;
  return row?.at?.toISOString() ?? null;
}

async function runRetention(as: SupabaseClient, body: Record<string, unknown> = {}): Promise<{ status: number; answer: Record<string, unknown> }> {
  const { data, error, response } = await as.functions.invoke('imports-retention', { body });
  if (error instanceof FunctionsHttpError) {
    const res = error.context as Response;
    return { status: res.status, answer: (await res.json()) as Record<string, unknown> };
  }
  if (error) throw error;
  return { status: response?.status ?? 200, answer: data as Record<string, unknown> };
}

describe('the imports-retention function', () => {
  it('removes through Storage the originals of finished loads past their workspace\'s retention, and only those', async () => {
    const month = await workspace('Retention 30 days', 30);
    const quarter = await workspace('Retention 90 days', 90);
    const forever = await workspace('Retention for ever', null);
    const past = await Promise.all(['done', 'failed', 'cancelled', 'duplicate', 'rolled_back'].map((status) => load(month, status, 40)));
    const inside = await load(month, 'done', 10);
    // Unfinished loads keep their file whatever their clock says (an old finished_at cannot make them due).
    const pending = await load(month, 'pending', 40);
    const running = await load(month, 'running', 40);
    const neverStored = await load(month, 'failed', 40, false);
    const otherWorkspace = await load(quarter, 'done', 40);
    const keptForEver = await load(forever, 'done', 4000);

    const first = await runRetention(serviceClient());
    expect(first.status).toBe(200);
    expect(first.answer).toMatchObject({ more: false });
    for (const id of past) {
      expect(await storedOriginal(month, id), id).toBeNull();
      expect(await removedAt(id), id).not.toBeNull();
    }
    const [{ objects } = { objects: -1 }] = await sql<{ objects: number }[]>`
      select count(*)::int as objects from storage.objects where bucket_id = 'imports' and name = any(${past.map((id) => originalPath(month, id))})`;
    expect(objects).toBe(0);
    for (const [ws, id] of [[month, inside], [month, pending], [month, running], [quarter, otherWorkspace], [forever, keptForEver]] as const) {
      expect((await storedOriginal(ws, id))?.toString(), id).toBe('date,clicks\n');
      expect(await removedAt(id), id).toBeNull();
    }
    // Nothing was removed for a load that never had its file, so it is not said to be.
    expect(await removedAt(neverStored)).toBeNull();

    // Again: nothing more to do, and the first removal's time stays.
    const before = await Promise.all(past.map(removedAt));
    expect(await runRetention(serviceClient())).toMatchObject({ status: 200, answer: { more: false } });
    expect(await Promise.all(past.map(removedAt))).toEqual(before);
  });

  it('stops at its cap and says more remain; two runs at once never take the same originals', async () => {
    const ws = await workspace('Retention in batches', 1);
    const loads = await Promise.all(Array.from({ length: 3 }, () => load(ws, 'done', 2)));
    // The SQL the function runs, a batch of 2 in a transaction: the due loads are locked, so a
    // second run at the same time takes others (or none), never the same ones.
    await sql.begin(async (tx) => {
      const due = await tx<{ load_id: string }[]>`select load_id from private.import_originals_due(1000) where load_id = any(${loads}::uuid[])`;
      expect(due.map((d) => d.load_id).sort()).toEqual([...loads].sort());
      const other = db();
      try {
        const seen = await other<{ load_id: string }[]>`select load_id from private.import_originals_due(1000) where load_id = any(${loads}::uuid[])`;
        expect(seen).toEqual([]);
      } finally {
        await other.end();
      }
    });
    expect(await runRetention(serviceClient(), { limit: 2 })).toMatchObject({ status: 200, answer: { loads: 2, removed: 2, more: true } });
    expect((await Promise.all(loads.map(removedAt))).filter((at) => at !== null)).toHaveLength(2);
    expect(await runRetention(serviceClient(), { limit: 0 })).toMatchObject({ status: 400, answer: { code: 'invalid_request' } });
    expect(await runRetention(serviceClient())).toMatchObject({ status: 200, answer: { loads: 1, removed: 1, more: false } });
    for (const id of loads) expect(await removedAt(id)).not.toBeNull();
  });

  it('answers only the service role: no token 401, the anon key and a person\'s token 403', async () => {
    const ws = await workspace('Retention refusals', 30);
    const due = await load(ws, 'done', 40);
    const bare = await fetch(`${stack.apiUrl}/functions/v1/imports-retention`, { method: 'POST', headers: { apikey: stack.anonKey, 'content-type': 'application/json' }, body: '{}' });
    expect(bare.status).toBe(401);
    await bare.body?.cancel();
    expect(await runRetention(client())).toMatchObject({ status: 403, answer: { code: 'forbidden' } });
    for (const person of [admin, buyer, outsider]) expect(await runRetention(person)).toMatchObject({ status: 403, answer: { code: 'forbidden' } });
    expect(await storedOriginal(ws, due)).not.toBeNull();
    expect(await removedAt(due)).toBeNull();
  });
});

describe('the retention setting', () => {
  it('is 90 days for a new workspace, changed by its admins only, and audited', async () => {
    const { data: created, error } = await admin.rpc('create_workspace', { name: 'Retention setting' });
    expect(error).toBeNull();
    const ws = (created as { id: string; import_retention_days: number }).id;
    workspaces.push(ws);
    expect((created as { import_retention_days: number }).import_retention_days).toBe(90);
    await sql`insert into public.workspace_members values (${ws}, ${buyerUser.id}, 'media_buyer'), (${ws}, ${viewerUser.id}, 'read_only')`;

    for (const [who, person] of [['media buyer', buyer], ['read-only member', viewer], ['outsider', outsider]] as const) {
      const { data, error: refused } = await person.from('workspaces').update({ import_retention_days: 30 }).eq('id', ws).select('id');
      expect(refused === null ? data : [], who).toEqual([]);
    }
    const [unchanged] = await sql<{ days: number }[]>`select import_retention_days as days from public.workspaces where id = ${ws}`;
    expect(unchanged?.days).toBe(90);

    expect(await admin.from('workspaces').update({ import_retention_days: 30 }).eq('id', ws).select('import_retention_days').single()).toMatchObject({ data: { import_retention_days: 30 }, error: null });
    expect(await admin.from('workspaces').update({ import_retention_days: null }).eq('id', ws).select('import_retention_days').single()).toMatchObject({ data: { import_retention_days: null }, error: null });
    for (const days of [0, 3651]) {
      expect((await admin.from('workspaces').update({ import_retention_days: days }).eq('id', ws)).error?.code).toBe('23514');
    }
    const audit = await sql<{ user_id: string; old_values: unknown; new_values: unknown }[]>`
      select user_id, old_values, new_values from public.audit_log
      where workspace_id = ${ws} and table_name = 'workspaces' and action = 'update' order by id`;
    expect(audit).toEqual([
      { user_id: adminUser.id, old_values: { import_retention_days: 90 }, new_values: { import_retention_days: 30 } },
      { user_id: adminUser.id, old_values: { import_retention_days: 30 }, new_values: { import_retention_days: null } },
    ]);
  });

  it('lets nobody but the server say an original was removed', async () => {
    const ws = await workspace('Retention server column', 30);
    const id = await load(ws, 'done', 1);
    for (const person of [admin, buyer]) {
      expect((await person.from('etl_loads').update({ original_removed_at: new Date().toISOString() }).eq('id', id)).error?.code).toBe('42501');
    }
    const inserted = await buyer.from('etl_loads').insert({ workspace_id: ws, source: 'tw_clicks', file_name: 'x.csv', original_removed_at: new Date().toISOString() });
    expect(inserted.error?.code).toBe('42501');
    expect(await removedAt(id)).toBeNull();
  });
});

describe('the schedule', () => {
  it('is a Supabase Cron job every hour that calls the function through pg_net with the Vault secrets', async () => {
    expect(await sql`select schedule, command from cron.job where jobname = 'imports-retention'`).toEqual([
      { schedule: '23 * * * *', command: 'select private.import_retention_request()' },
    ]);
    const ws = await workspace('Retention by cron', 30);
    const due = await load(ws, 'cancelled', 31);
    // What the job runs, run now rather than at minute 23.
    const [request] = await sql<{ id: string }[]>`select private.import_retention_request() as id`;
    await expect
      .poll(async () => (await sql<{ status_code: number | null }[]>`select status_code from net._http_response where id = ${request?.id ?? 0}`)[0]?.status_code ?? null, { timeout: 20_000, interval: 200 })
      .toBe(200);
    const [response] = await sql<{ content: string }[]>`select content from net._http_response where id = ${request?.id ?? 0}`;
    expect(JSON.parse(response?.content ?? '{}')).toMatchObject({ more: false });
    expect(await storedOriginal(ws, due)).toBeNull();
    expect(await removedAt(due)).not.toBeNull();
  });
});
