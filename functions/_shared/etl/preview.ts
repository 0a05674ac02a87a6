import type { DetectedEncoding } from './encoding.ts';
import { applyMapping, detectSource, proposeMapping, type MappingProposal, type SavedMapping, type SourceDetection } from './headerMapping.ts';
import { parseFile, type CsvHeader, type ParseOptions } from './parseFile.ts';
import type { SourceName } from './sources.ts';
import { validateBatches, type ValidatedBatch } from './validateBatches.ts';

export interface FilePreview {
  header: CsvHeader;
  /** Encoding as known after the sample rows. */
  encoding: DetectedEncoding;
  detection: SourceDetection;
  /** The mapping for the given or detected source; null when no source fits. */
  proposal: MappingProposal | null;
  /** The first rows, validated; null while required columns are missing. */
  sample: ValidatedBatch | null;
}

export interface PreviewOptions extends Omit<ParseOptions, 'batchSize'> {
  /** The source the user chose; by default the detected one. */
  source?: SourceName;
  /** The workspace's saved mapping for that source. */
  saved?: SavedMapping;
  /** How many rows to validate (default 20). */
  rows?: number;
}

/**
 * What the upload screen shows before a load: header, encoding, delimiter, the detected
 * source, the proposed mapping and a few validated rows. Reads only the start of the
 * file, then cancels the stream.
 */
export async function previewFile(stream: ReadableStream<Uint8Array>, options: PreviewOptions = {}): Promise<FilePreview> {
  const file = parseFile(stream, { ...options, batchSize: options.rows ?? 20 });
  try {
    const header = await file.header();
    const detection = detectSource(header.names);
    const source = options.source ?? detection.source;
    const proposal = source === null ? null : options.saved ? applyMapping(source, header.names, options.saved) : proposeMapping(source, header.names);
    let sample: ValidatedBatch | null = null;
    if (proposal && proposal.missingRequired.length === 0) {
      const first = await validateBatches(file, proposal.mapping).next();
      sample = first.done ? { rows: [], errors: [], progress: { ...file.progress, rowsAccepted: 0, rowsRejected: 0 } } : first.value;
    }
    return { header, encoding: file.encoding, detection, proposal, sample };
  } finally {
    await file.cancel();
  }
}
