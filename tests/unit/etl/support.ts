import {
  applyMapping,
  detectSource,
  parseFile,
  proposeMapping,
  validateBatches,
  type CanonicalRow,
  type CsvRecord,
  type LoadProgress,
  type ParseOptions,
  type RowError,
  type SavedMapping,
  type SourceName,
} from '../../../functions/_shared/etl/index.ts';

/** Bytes of a text in UTF-8. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Windows-1251 bytes of a text (ASCII and Russian letters only), built from the decoder's own table. */
export function cp1251(text: string): Uint8Array {
  const table = new TextDecoder('windows-1251').decode(Uint8Array.from({ length: 256 }, (_, i) => i));
  return Uint8Array.from(text, (char) => {
    const byte = table.indexOf(char);
    if (byte === -1) throw new Error(`not in Windows-1251: ${char}`);
    return byte;
  });
}

/**
 * A byte stream delivering `bytes` in chunks whose sizes cycle through `sizes` (one chunk
 * by default), so tests can cut a file anywhere.
 */
export function streamOf(bytes: Uint8Array, sizes: number[] = [bytes.length || 1]): ReadableStream<Uint8Array> {
  let offset = 0;
  let turn = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      const size = sizes[turn++ % sizes.length] ?? 1;
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

/** Every record and tokenizer error of a file. */
export async function readRecords(bytes: Uint8Array, sizes?: number[], options: ParseOptions = {}) {
  const file = parseFile(streamOf(bytes, sizes), options);
  const header = await file.header();
  const records: CsvRecord[] = [];
  const errors: RowError[] = [];
  for await (const batch of file) {
    records.push(...batch.records);
    errors.push(...batch.errors);
  }
  return { header, records, errors, progress: file.progress, encoding: file.encoding };
}

export interface Loaded {
  source: SourceName;
  headers: string[];
  rows: CanonicalRow[];
  errors: RowError[];
  progress: LoadProgress | null;
}

/**
 * A whole load as the edge function runs it: header, source (given or detected), mapping
 * (saved or proposed), validated batches.
 */
export async function load(bytes: Uint8Array, options: { source?: SourceName; saved?: SavedMapping; sizes?: number[] } & ParseOptions = {}): Promise<Loaded> {
  const file = parseFile(streamOf(bytes, options.sizes), options);
  const { names } = await file.header();
  const source = options.source ?? detectSource(names).source;
  if (source === null) throw new Error(`no source for ${names.join(', ')}`);
  const { mapping } = options.saved ? applyMapping(source, names, options.saved) : proposeMapping(source, names);
  const rows: CanonicalRow[] = [];
  const errors: RowError[] = [];
  let progress: LoadProgress | null = null;
  for await (const batch of validateBatches(file, mapping)) {
    rows.push(...batch.rows);
    errors.push(...batch.errors);
    progress = batch.progress;
  }
  return { source, headers: names, rows, errors, progress };
}

/** Rows as objects by canonical column, for readable expectations. */
export function rowObjects(loaded: Loaded, columns: readonly string[]): Record<string, string | null>[] {
  return loaded.rows.map((row) => Object.fromEntries(columns.map((name, i) => [name, row.values[i] ?? null])));
}

/** Errors as (line, column, reason) triples. */
export function errorTriples(errors: readonly RowError[]): [number, string | null, string][] {
  return errors.map((e) => [e.line, e.column, e.reason]);
}
