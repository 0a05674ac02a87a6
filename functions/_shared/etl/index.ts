/**
 * The ETL's parsing and validation core, runtime-neutral (Deno edge functions, the browser,
 * Node): bytes → records → canonical rows ready for COPY, or reasons a person can act on.
 *
 * ```ts
 * const { stream, hash } = withContentHash(upload);
 * const file = parseFile(stream);
 * const { names } = await file.header();
 * const source = detectSource(names).source;                        // or the user's choice
 * const { mapping, missingRequired } = saved ? applyMapping(source, names, parseSavedMapping(saved)) : proposeMapping(source, names);
 * for await (const { rows, errors, progress } of validateBatches(file, mapping)) {
 *   // COPY toCopyText(rows, ids) into the facts (copyColumns(source)); keep errors; report progress
 * }
 * await hash; // same hash as an earlier load: nothing to do
 * ```
 */
export { copyColumns, copyTextValue, toCopyText, type CopyTextOptions } from './copyText.ts';
export { CsvTokenizer, detectDelimiter, type Delimiter, type TokenizerSink } from './csvTokenizer.ts';
export { detectEncoding, StreamDecoder, type DetectedEncoding, type TextEncodingName } from './encoding.ts';
export { EtlFileError, formatLineNumber, rowError, type RowError } from './errors.ts';
export { contentHash, Sha256, withContentHash, type IncrementalHash, type Sha256State } from './hash.ts';
export {
  applyMapping,
  detectSource,
  normalizeHeader,
  parseSavedMapping,
  proposeMapping,
  toSavedMapping,
  type ColumnMapping,
  type MappingProposal,
  type MatchKind,
  type ProposedColumn,
  type SavedMapping,
  type SourceDetection,
} from './headerMapping.ts';
export { keepLastByNaturalKey, naturalKeyColumns, naturalKeyOf } from './naturalKey.ts';
export { parseFile, type CsvFile, type CsvHeader, type CsvRecord, type ParseOptions, type ParseProgress, type RecordBatch, type SlicePosition, type SliceStart } from './parseFile.ts';
export { lineStart, nextSliceStart, sliceLength, type SliceContinuation } from './slices.ts';
export { previewFile, type FilePreview, type PreviewOptions } from './preview.ts';
export { canonicalColumns, isSourceName, molocoHeader, sourceNames, sourceSpec, type ColumnSpec, type SourceName, type SourceSpec, type ValueType } from './sources.ts';
export { validateBatches, type LoadProgress, type ValidatedBatch } from './validateBatches.ts';
export { createRowValidator, type CanonicalRow, type RowValidator, type RowValidatorOptions } from './validateRow.ts';
export {
  ambiguousCommaFor,
  eventTypes,
  InvalidValue,
  parseCount,
  parseCountry,
  parseCurrency,
  parseDate,
  parseEventType,
  parseLowercase,
  parseMoney,
  parseText,
  parseTimestamp,
  type AmbiguousComma,
  type EventType,
  type ParsedValue,
} from './values.ts';
