import { FunctionsFetchError, FunctionsHttpError, StorageApiError, type SupabaseClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { describeError, RequestError } from '../../app/lib/errors.ts';
import { loadIdOfObject, originalObjectName, TransferError, transferChunkBytes } from '../../app/lib/fileTransfer.ts';
import { createImportsApi } from '../../app/lib/importsApi.ts';
import { formatDate } from '../../app/lib/dates.ts';
import { formatBytes } from '../../app/lib/numbers.ts';
import { uploadProgressView, type UploadProgressState } from '../../app/lib/uploadProgress.ts';
import { originalKeptUntil, toLoadRecord, type LoadRecord } from '../../app/lib/uploads.ts';

const workspaceId = '0b6c2a8e-1d7a-4f3e-8f43-2b0c9a1e5d22';
const loadId = '6f1c7f0e-3a53-4c8e-9d59-6a1d9f2b7c11';

const loadRow = {
  id: loadId,
  file_name: 'tw.csv',
  source: 'tw_events',
  status: 'running',
  phase: 'parsing',
  rows_read: '1200',
  rows_accepted: 1198,
  rows_rejected: 2,
  rows_superseded: 0,
  error_summary: null,
  duplicate_of: null,
  created_by: workspaceId,
  started_at: '2026-11-26T10:00:00+00:00',
  finished_at: null,
};

describe('originals in Storage', () => {
  it('names a load\'s original by workspace and load, and reads the load back only from its own workspace', () => {
    const name = originalObjectName(workspaceId, loadId);
    expect(name).toBe(`${workspaceId}/${loadId}/original.csv`);
    expect(loadIdOfObject(workspaceId, name)).toBe(loadId);
    expect(loadIdOfObject(loadId, name)).toBeNull();
    expect(loadIdOfObject(workspaceId, `${workspaceId}/${loadId}/other.csv`)).toBeNull();
    expect(loadIdOfObject(workspaceId, undefined)).toBeNull();
  });

  it('sends chunks of exactly 6 MB, as Supabase Storage requires', () => {
    expect(transferChunkBytes).toBe(6 * 1024 * 1024);
  });
});

describe('retention of the original', () => {
  it('is kept the retention\'s days after the load finished, a day shown in the person\'s time zone', () => {
    const finished = load({ status: 'done', finishedAt: '2026-12-08T21:30:00Z' });
    const until = originalKeptUntil(finished, 90);
    expect(until?.toISOString()).toBe('2027-03-08T21:30:00.000Z');
    expect(formatDate(until ?? '', 'en', 'UTC')).toBe('Mar 8, 2027');
    // Past 21:00 UTC it is already the next day in Moscow.
    expect(formatDate(until ?? '', 'en', 'Europe/Moscow')).toBe('Mar 9, 2027');
    expect(formatDate(until ?? '', 'ru', 'Europe/Moscow')).toBe('9 мар. 2027 г.');
  });

  it('has no end while the load runs, or when the workspace keeps originals for ever', () => {
    expect(originalKeptUntil(load({ status: 'running', finishedAt: null }), 90)).toBeNull();
    expect(originalKeptUntil(load({ status: 'pending', finishedAt: '2026-12-08T21:30:00Z' }), 90)).toBeNull();
    expect(originalKeptUntil(load({ status: 'failed', finishedAt: '2026-12-08T21:30:00Z' }), null)).toBeNull();
  });

  it('reads when the retention job removed it from the load row (absent in older answers)', () => {
    expect(toLoadRecord({ ...loadRow, status: 'done', original_removed_at: '2027-03-09T00:23:01+00:00' }).originalRemovedAt).toBe('2027-03-09T00:23:01+00:00');
    expect(toLoadRecord(loadRow).originalRemovedAt).toBeNull();
  });
});

describe('formatBytes', () => {
  it('says sizes with their units in both languages', () => {
    expect([0, 500, 1536, 6 * 1024 * 1024, 16_000_000].map((n) => formatBytes(n, 'en'))).toEqual(['0 bytes', '500 bytes', '1.5 kB', '6 MB', '15.3 MB']);
    expect([500, 1536, 6 * 1024 * 1024, 16_000_000].map((n) => formatBytes(n, 'ru').replace(/\s/g, ' '))).toEqual(['500 байт', '1,5 кБ', '6 МБ', '15,3 МБ']);
  });
});

describe('describeError of a stopped transfer', () => {
  it('tells a lost connection, a refusal, a file too big and the server\'s trouble apart', () => {
    expect(describeError(new TransferError(0, 'xhr error'))).toEqual({ key: 'errors.network' });
    expect(describeError(new TransferError(403, 'new row violates row-level security policy'))).toEqual({ key: 'errors.forbidden' });
    expect(describeError(new TransferError(413, 'Maximum size exceeded'))).toEqual({ key: 'upload.tooLarge' });
    expect(describeError(new TransferError(503, 'busy'))).toEqual({ key: 'errors.server' });
    expect(describeError(new TransferError(409, 'The resource already exists'))).toEqual({ key: 'errors.unexpected', values: { detail: 'The resource already exists' } });
  });
});

/** The words the view asks for, as `key{values}`, so the test reads what goes where. */
const format = {
  count: (n: number) => String(n),
  bytes: (n: number) => `${n}B`,
  percent: (f: number) => `${Math.round(f * 100)}%`,
  t: (key: string, values?: Record<string, unknown>) => (values ? `${key}${JSON.stringify(values)}` : key),
};

const file = new File(['x'.repeat(1000)], 'tw.csv');
const state = (changes: Partial<UploadProgressState>): UploadProgressState => ({
  step: 'uploading',
  stage: 'sending',
  file,
  load: null,
  transfer: null,
  resumedFrom: null,
  interruption: null,
  bytesPerRow: null,
  ...changes,
});
const load = (changes: Partial<LoadRecord>): LoadRecord => ({
  id: loadId,
  fileName: 'tw.csv',
  source: 'tw_events',
  status: 'running',
  phase: null,
  rowsRead: 0,
  rowsAccepted: 0,
  rowsRejected: 0,
  rowsSuperseded: 0,
  errorSummary: null,
  duplicateOf: null,
  createdBy: null,
  startedAt: '2026-11-26T10:00:00+00:00',
  finishedAt: null,
  originalRemovedAt: null,
  ...changes,
});

describe('uploadProgressView', () => {
  it('while sending, moves the bar with the bytes Storage has and says where a resumed upload took up', () => {
    const view = uploadProgressView(state({ transfer: { sent: 250, total: 1000 }, resumedFrom: 200 }), format);
    expect(view).toEqual({
      stage: 'sending',
      status: null,
      phase: 'sending',
      fraction: 0.25,
      sentBytes: 250,
      sent: 'upload.sent{"sent":"250B","total":"1000B","percent":"25%"}',
      counts: null,
      notes: ['upload.resumed{"offset":"200B"}'],
    });
  });

  it('when sending stopped, keeps the bar where it stopped and says why and what to do', () => {
    const view = uploadProgressView(state({ step: 'interrupted', transfer: { sent: 600, total: 1000 }, interruption: { key: 'errors.network' } }), format);
    expect(view).toMatchObject({ stage: 'interrupted', status: null, phase: null, fraction: 0.6, notes: ['errors.network', 'upload.resumeHint'] });
  });

  it('while processing, shows the server\'s phase and counters, estimating the share read while parsing', () => {
    const parsing = uploadProgressView(state({ stage: 'processing', load: load({ phase: 'parsing', rowsRead: 50, rowsAccepted: 49, rowsRejected: 1 }), bytesPerRow: 10, transfer: { sent: 1000, total: 1000 } }), format);
    expect(parsing).toMatchObject({ stage: 'processing', status: 'running', phase: 'parsing', fraction: 0.5, sent: null, sentBytes: 1000 });
    expect(parsing.counts).toBe('upload.counts{"read":"50","accepted":"49","rejected":"1"}');
    expect(uploadProgressView(state({ stage: 'processing', load: load({ status: 'pending' }) }), format)).toMatchObject({ phase: 'starting', fraction: null });
    expect(uploadProgressView(state({ step: 'finished', stage: 'processing', load: load({ status: 'done' }) }), format)).toMatchObject({ status: 'done', phase: null, fraction: 1 });
  });
});

/** A client whose functions and storage answer as given (only what the imports API calls). */
function fakeClient(answer: { data?: unknown; error?: unknown }): SupabaseClient {
  const client = {
    functions: { invoke: () => Promise.resolve({ data: answer.data ?? null, error: answer.error ?? null }) },
    storage: { from: () => ({ download: () => Promise.resolve({ data: answer.data ?? null, error: answer.error ?? null }) }) },
  };
  return client as unknown as SupabaseClient;
}

const json = (body: unknown, status: number) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const mapping = { columns: { event_id: 'event_id' } };
const config = { supabaseUrl: 'http://127.0.0.1:54321', supabaseAnonKey: 'anon' };

describe('imports API: starting a load', () => {
  it('takes the load as it ended (200) or as it runs (202)', async () => {
    const done = await createImportsApi(fakeClient({ data: { load: { ...loadRow, status: 'done', phase: null }, errors: [] } }), config).startLoad(loadId, mapping);
    expect(done).toMatchObject({ id: loadId, status: 'done', rowsRead: 1200 });
    const running = await createImportsApi(fakeClient({ data: { load: loadRow } }), config).startLoad(loadId, mapping);
    expect(running).toMatchObject({ status: 'running', phase: 'parsing' });
  });

  it('takes a load that ran and failed (422) as an outcome', async () => {
    const error = new FunctionsHttpError(json({ load: { ...loadRow, status: 'failed', error_summary: 'no rows' }, errors: [] }, 422));
    expect(await createImportsApi(fakeClient({ error }), config).startLoad(loadId, mapping)).toMatchObject({ status: 'failed', errorSummary: 'no rows' });
  });

  it('throws the function\'s refusal with its status, code and message, and a lost connection as status 0', async () => {
    const refused = new FunctionsHttpError(json({ code: 'file_missing', message: 'The file of this load has not been uploaded' }, 409));
    await expect(createImportsApi(fakeClient({ error: refused }), config).startLoad(loadId, mapping)).rejects.toEqual(
      new RequestError(409, 'file_missing', 'The file of this load has not been uploaded'),
    );
    const lost = new FunctionsFetchError(new TypeError('Failed to fetch'));
    await expect(createImportsApi(fakeClient({ error: lost }), config).startLoad(loadId, mapping)).rejects.toMatchObject({ status: 0 });
  });
});

describe('imports API: the original file', () => {
  it('gives the bytes, null when Storage no longer has them, and throws other failures', async () => {
    const blob = new Blob(['a,b\n']);
    expect(await createImportsApi(fakeClient({ data: blob }), config).originalFile(workspaceId, loadId)).toBe(blob);
    const gone = new StorageApiError('Object not found', 400, '404');
    expect(await createImportsApi(fakeClient({ error: gone }), config).originalFile(workspaceId, loadId)).toBeNull();
    const denied = new StorageApiError('Invalid JWT', 400, '403');
    await expect(createImportsApi(fakeClient({ error: denied }), config).originalFile(workspaceId, loadId)).rejects.toMatchObject({ status: 403 });
    const lost = new Error('fetch failed');
    await expect(createImportsApi(fakeClient({ error: lost }), config).originalFile(workspaceId, loadId)).rejects.toMatchObject({ status: 0 });
  });
});
