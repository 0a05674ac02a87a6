import { FunctionsFetchError, FunctionsHttpError, StorageApiError, type SupabaseClient } from '@supabase/supabase-js';
import type { SavedMapping } from '../../functions/_shared/etl/headerMapping.ts';
import { backendClient, backendConfig } from './backend.ts';
import type { AppConfig } from './config.ts';
import { dataOf } from './dataApi.ts';
import { RequestError } from './errors.ts';
import {
  findUnfinishedTransfer,
  forgetTransfer,
  importsBucket,
  originalObjectName,
  sendFile,
  type FileTransfer,
  type TransferHandlers,
  type UnfinishedTransfer,
} from './fileTransfer.ts';
import { decimal, nullable, object, readAs, text } from './guards.ts';
import { loadRecordColumns, toLoadRecord, type LoadRecord, type UploadChoice } from './uploads.ts';

/** The ad network a spend file's load names until its rows say otherwise (the ETL's default). */
const defaultNetwork = 'moloco';

async function functionError(error: unknown): Promise<{ status: number; answer: unknown }> {
  if (error instanceof FunctionsHttpError) {
    const response = error.context as Response;
    return { status: response.status, answer: await response.json().catch(() => ({ code: '', message: response.statusText })) };
  }
  if (error instanceof FunctionsFetchError) throw new RequestError(0, '', error.message);
  throw error;
}

/**
 * Imports as the app makes them: the load's row first (RLS decides who may), the file over tus
 * into Storage, then the `etl` function told to process it; and the original back from the
 * load history.
 */
export function createImportsApi(client: SupabaseClient, config: AppConfig) {
  const endpoint = {
    supabaseUrl: config.supabaseUrl,
    anonKey: config.supabaseAnonKey,
    accessToken: async () => {
      const { data } = await client.auth.getSession();
      return data.session?.access_token ?? config.supabaseAnonKey;
    },
  };

  return {
    /** A new pending load of the workspace for `file`, with the caller as its author. */
    async createLoad(workspaceId: string, file: File, choice: UploadChoice): Promise<LoadRecord> {
      const row = {
        workspace_id: workspaceId,
        source: choice.source,
        network: choice.source === 'ad_spend' ? (choice.mapping.constants?.network ?? defaultNetwork) : null,
        file_name: file.name.slice(0, 255),
        size_bytes: file.size,
      };
      return toLoadRecord(dataOf(await client.from('etl_loads').insert(row).select(loadRecordColumns).single()));
    },

    unfinishedTransfer: (workspaceId: string, file: File): Promise<UnfinishedTransfer | null> => findUnfinishedTransfer(endpoint, workspaceId, file),
    forgetTransfer,

    sendFile: (workspaceId: string, loadId: string, file: File, resume: UnfinishedTransfer | null, handlers: TransferHandlers): FileTransfer =>
      sendFile(endpoint, workspaceId, loadId, file, resume, handlers),

    /**
     * Asks the ETL function to process a load whose file is in Storage. It answers with the load
     * as it ended (200, or 422 for a load that ran and failed) or as it runs (202); refusals
     * throw a RequestError with the function's code and message.
     */
    async startLoad(loadId: string, mapping: SavedMapping, signal?: AbortSignal): Promise<LoadRecord> {
      const { data, error } = await client.functions.invoke('etl', { body: { load_id: loadId, mapping }, ...(signal ? { signal } : {}) });
      let answer: unknown = data;
      if (error) {
        const failed = await functionError(error);
        answer = failed.answer;
        const ranAndFailed = failed.status === 422 && typeof answer === 'object' && answer !== null && 'load' in answer;
        if (!ranAndFailed) {
          const reason = readAs(object({ code: text, message: text }), answer, 'etl error');
          throw new RequestError(failed.status, reason.code, reason.message);
        }
      }
      return toLoadRecord(readAs(object({ load: (value) => value }), answer, 'etl answer').load);
    },

    /** How many days the workspace keeps the originals of finished loads; null: for ever. */
    async importRetention(workspaceId: string): Promise<number | null> {
      const row = dataOf(await client.from('workspaces').select('import_retention_days').eq('id', workspaceId).single().retry(false));
      return readAs(object({ import_retention_days: nullable(decimal) }), row, 'workspace').import_retention_days;
    },

    /** Changes it (RLS lets only the workspace's admins: for anyone else no row changes, which is an error here). */
    async setImportRetention(workspaceId: string, days: number | null): Promise<number | null> {
      const row = dataOf(await client.from('workspaces').update({ import_retention_days: days }).eq('id', workspaceId).select('import_retention_days').single());
      return readAs(object({ import_retention_days: nullable(decimal) }), row, 'workspace').import_retention_days;
    },

    /** The file a load was made from, or null when it is no longer kept (the retention period). */
    async originalFile(workspaceId: string, loadId: string): Promise<Blob | null> {
      const { data, error } = await client.storage.from(importsBucket).download(originalObjectName(workspaceId, loadId));
      if (!error) return data;
      // storage-api answers a missing object (or one the caller may not read) 400 with statusCode 404.
      if (error instanceof StorageApiError && error.statusCode === '404') return null;
      // Anything else without a status of Storage's own is a request that got no answer.
      const status = error instanceof StorageApiError ? Number(error.statusCode) || error.status : 0;
      throw new RequestError(status, '', error.message);
    },
  };
}

export type ImportsApi = ReturnType<typeof createImportsApi>;

let connected: { client: SupabaseClient; api: ImportsApi } | undefined;

/** The import requests over the app's one client (lib/backend.ts). */
export function importsApi(): ImportsApi {
  const client = backendClient();
  if (connected?.client !== client) connected = { client, api: createImportsApi(client, backendConfig()) };
  return connected.api;
}
