import { EtlFileError } from './errors.ts';

/**
 * Text encodings of uploaded files: UTF-8 with or without a BOM, UTF-16 with a BOM, and
 * Windows-1251 from Russian tools (https://encoding.spec.whatwg.org/, whose TextDecoder
 * names these; Deno, browsers and Node with full ICU decode all four).
 */
export type TextEncodingName = 'utf-8' | 'windows-1251' | 'utf-16le' | 'utf-16be';

/**
 * What the bytes so far say. `ascii`: no byte above 0x7F yet, so UTF-8 and Windows-1251
 * read the same and the choice is still open.
 */
export type DetectedEncoding = TextEncodingName | 'ascii';

/**
 * Bytes from the first non-ASCII one that must be valid UTF-8 to call the file UTF-8.
 * Windows-1251 text fails far sooner: any byte above 0x7F followed by ASCII is invalid
 * UTF-8, and so are two Cyrillic letters in a row. Invalid bytes decide at once.
 */
const sampleBytes = 256;
/** NUL bytes this early mean a binary file, or UTF-16 without its BOM. */
const nulCheckBytes = 4096;

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((byte, i) => bytes[i] === byte);
}

/** Refuses files that are certainly not CSV, with what to do instead. */
function refuseBinary(head: Uint8Array): void {
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) {
    throw new EtlFileError('binary_file', 'This is an Excel workbook (.xlsx) or another ZIP archive, not CSV: save it as CSV and upload that');
  }
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0])) {
    throw new EtlFileError('binary_file', 'This is an Excel 97–2003 workbook (.xls), not CSV: save it as CSV and upload that');
  }
}

function bomEncoding(head: Uint8Array): TextEncodingName | null {
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return 'utf-8';
  if (startsWith(head, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(head, [0xfe, 0xff])) return 'utf-16be';
  return null;
}

/** Whether bytes are valid UTF-8; a sequence cut off at the end counts as valid unless `complete`. */
function isUtf8(bytes: Uint8Array, complete: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

function firstNonAscii(bytes: Uint8Array, from: number): number {
  for (let i = from; i < bytes.length; i++) if ((bytes[i] ?? 0) > 0x7f) return i;
  return -1;
}

/**
 * The encoding of a file from its first bytes (for a preview of a file's start):
 * a BOM decides; otherwise bytes that are not valid UTF-8 mean Windows-1251.
 * @param complete whether `sample` is the whole file (else a cut-off last character is fine).
 */
export function detectEncoding(sample: Uint8Array, complete = false): DetectedEncoding {
  refuseBinary(sample);
  const bom = bomEncoding(sample);
  if (bom) return bom;
  const first = firstNonAscii(sample, 0);
  if (first === -1) return 'ascii';
  return isUtf8(sample.subarray(first), complete) ? 'utf-8' : 'windows-1251';
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/**
 * Decodes a byte stream piece by piece, detecting its encoding on the way: a BOM decides at
 * once; without one, ASCII passes through until the first byte above 0x7F, and the bytes
 * from there decide UTF-8 or Windows-1251. So a file whose Cyrillic starts on line 50 000 is
 * still read right, and nothing before that point is held back.
 */
export class StreamDecoder {
  private decoder: TextDecoder | null = null;
  private held: Uint8Array = new Uint8Array(0);
  private state: 'start' | 'ascii' | 'decided' = 'start';
  /** Bytes already passed to the decoder, while the encoding is open (for the NUL check). */
  private consumed = 0;
  private detected: DetectedEncoding = 'ascii';
  private hasBom = false;

  /**
   * @param continuing the bytes are a later part of a file (read in slices) whose bytes so far
   *   were ASCII: no byte order mark, no binary-file check, detection goes on from here.
   */
  constructor(forced?: TextEncodingName, continuing = false) {
    if (forced) {
      this.decoder = new TextDecoder(forced);
      this.state = 'decided';
      this.detected = forced;
    } else if (continuing) {
      this.decoder = new TextDecoder('utf-8');
      this.state = 'ascii';
      this.consumed = nulCheckBytes;
    }
  }

  /** Bytes held back undecoded while the encoding is still open (a file read in slices starts its next slice at them). */
  get heldBytes(): number {
    return this.held.length;
  }

  get encoding(): DetectedEncoding {
    return this.detected;
  }

  /** Whether the file starts with a byte order mark. */
  get bom(): boolean {
    return this.hasBom;
  }

  /** The text of the next bytes (possibly less, when a decision or a character waits for more). */
  decode(bytes: Uint8Array): string {
    return this.next(bytes, false);
  }

  /** The text still held back once the input has ended. */
  end(): string {
    const text = this.next(new Uint8Array(0), true);
    return text + (this.decoder?.decode() ?? '');
  }

  private next(bytes: Uint8Array, final: boolean): string {
    if (this.state === 'decided' && this.decoder) return this.decoder.decode(bytes, { stream: true });
    const held = concat(this.held, bytes);
    this.held = new Uint8Array(0);
    if (this.state === 'start') {
      if (held.length < 4 && !final) {
        this.held = held;
        return '';
      }
      refuseBinary(held);
      const bom = bomEncoding(held);
      this.state = bom ? 'decided' : 'ascii';
      this.detected = bom ?? 'ascii';
      this.hasBom = bom !== null;
      this.decoder = new TextDecoder(bom ?? 'utf-8');
    }
    const decoder = this.decoder ?? new TextDecoder('utf-8');
    if (this.state === 'decided') return decoder.decode(held, { stream: true });
    this.refuseNul(held);
    const first = firstNonAscii(held, 0);
    if (first === -1) {
      this.consumed += held.length;
      return decoder.decode(held, { stream: true });
    }
    const sample = held.subarray(first);
    const looksUtf8 = isUtf8(sample.subarray(0, sampleBytes), final && sample.length <= sampleBytes);
    if (looksUtf8 && sample.length < sampleBytes && !final) {
      this.held = held.slice(first);
      this.consumed += first;
      return decoder.decode(held.subarray(0, first), { stream: true });
    }
    const ascii = decoder.decode(held.subarray(0, first), { stream: true });
    this.detected = looksUtf8 ? 'utf-8' : 'windows-1251';
    this.decoder = looksUtf8 ? decoder : new TextDecoder('windows-1251');
    this.state = 'decided';
    return ascii + this.decoder.decode(sample, { stream: true });
  }

  /** `held` starts at byte `consumed` of the file; only the file's first bytes are checked. */
  private refuseNul(held: Uint8Array): void {
    const end = Math.min(held.length, nulCheckBytes - this.consumed);
    if (end > 0 && held.subarray(0, end).includes(0)) {
      throw new EtlFileError('binary_file', 'The file contains NUL bytes: it is binary, or UTF-16 without a byte order mark (save it as UTF-8)');
    }
  }
}
