import type { Sql } from 'postgres';
import {
  applyMapping,
  detectSource,
  EtlFileError,
  parseSavedMapping,
  proposeMapping,
  type MappingProposal,
  type RowError,
  type SourceName,
} from '../_shared/etl/index.ts';

/** What the person asked of a file: its source (else told by the header), a mapping (else the workspace's saved one, else the proposal). */
export interface LoadRequest {
  workspaceId: string;
  source?: SourceName;
  mapping?: unknown;
}

/** Stores rejected rows of a load (on the load's transaction, or the pool). */
export async function writeErrors(sql: Sql, load: { loadId: string; workspaceId: string }, errors: RowError[]): Promise<void> {
  if (errors.length === 0) return;
  await sql`
    insert into public.etl_load_errors (load_id, workspace_id, line, column_name, value, reason, record)
    select ${load.loadId}, ${load.workspaceId}, e.line, e.column_name, e.value, e.reason, e.record::jsonb
    from unnest(${errors.map((e) => e.line)}::bigint[], ${errors.map((e) => e.column)}::text[],
      ${errors.map((e) => e.value)}::text[], ${errors.map((e) => e.message)}::text[],
      ${errors.map(keptRecord)}::text[]) as e(line, column_name, value, reason, record)`;
}

/** Longest record kept (as JSON) for the rejected-rows file: a runaway quote must not store the file again. */
const maxRecordChars = 8_000;

function keptRecord(error: RowError): string | null {
  if (!error.record) return null;
  const json = JSON.stringify(error.record);
  return json.length > maxRecordChars ? null : json;
}

async function savedMapping(sql: Sql, workspaceId: string, source: SourceName): Promise<unknown> {
  const [row] = await sql<{ mapping: unknown }[]>`
    select mapping from public.column_mappings where workspace_id = ${workspaceId} and source = ${source}`;
  return row?.mapping;
}

/** Resolves the column mapping: the request's, the workspace's saved one, or the proposal. */
export async function chooseMapping(sql: Sql, input: LoadRequest, headers: string[]): Promise<MappingProposal> {
  const source = input.source ?? detectSource(headers).source;
  if (!source) {
    throw new EtlFileError('unknown_source', `Cannot tell which export this is from its header (${headers.join(', ')}): choose the source (tw_events, tw_clicks or ad_spend).`);
  }
  const saved = input.mapping ?? (await savedMapping(sql, input.workspaceId, source));
  const proposal = saved === undefined ? proposeMapping(source, headers) : applyMapping(source, headers, parseSavedMapping(saved));
  if (proposal.missingRequired.length) {
    throw new EtlFileError(
      'missing_columns',
      `The file lacks required columns for ${source}: ${proposal.missingRequired.join(', ')}. Its header has: ${headers.join(', ')}. Map them in the upload screen.`,
    );
  }
  return proposal;
}
