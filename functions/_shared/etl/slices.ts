import type { DetectedEncoding } from './encoding.ts';
import type { SlicePosition } from './parseFile.ts';

/**
 * Reading a file in slices (docs/imports.md): each slice is parsed on its own, ends after a
 * line break so no character is cut in two, and leaves its last unfinished record to the next
 * slice. Where that record starts is told by the tokenizer's line number, not by counting
 * characters back into bytes (a character is one to four bytes, and a replaced invalid byte
 * cannot be counted back at all): the next slice starts at that physical line, found here by
 * counting line breaks in the bytes exactly as the tokenizer counts them (LF, CRLF, lone CR).
 * In UTF-8, Windows-1251 and ASCII a line-break byte is always a line break; UTF-16 is read in
 * two-byte units.
 */

const LF = 0x0a;
const CR = 0x0d;

type Unit = (bytes: Uint8Array, at: number) => number;

function unitReader(encoding: DetectedEncoding): { size: number; code: Unit } {
  if (encoding === 'utf-16le') return { size: 2, code: (b, at) => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) };
  if (encoding === 'utf-16be') return { size: 2, code: (b, at) => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0) };
  return { size: 1, code: (b, at) => b[at] ?? 0 };
}

/**
 * How many of `bytes` a slice should take: up to and with its last LF, so that the slice ends
 * on a whole character and at a line's end. All of them at the file's end. With no LF at all
 * (a file with lone-CR line ends, or a line longer than the slice, which the tokenizer refuses
 * as too long anyway) all but a last CR, which may be the first half of a CRLF.
 */
export function sliceLength(bytes: Uint8Array, encoding: DetectedEncoding, fileEnds: boolean): number {
  if (fileEnds) return bytes.length;
  const { size, code } = unitReader(encoding);
  for (let at = bytes.length - size - ((bytes.length - size) % size); at >= 0; at -= size) {
    if (code(bytes, at) === LF) return at + size;
  }
  const whole = bytes.length - (bytes.length % size);
  return whole >= size && code(bytes, whole - size) === CR ? whole - size : whole;
}

/** Where the next slice of a file starts: its byte offset in this slice, its physical line, and whether it continues a line refused as too long. */
export interface SliceContinuation {
  offset: number;
  line: number;
  skipping: boolean;
}

/**
 * Where the slice after `slice` (which starts on line `firstLine`) starts, given where its
 * parse stopped ({@link CsvFile.position}); null when the slice holds no whole record, so
 * that a longer one must be read from the same start.
 */
export function nextSliceStart(
  slice: Uint8Array,
  encoding: DetectedEncoding,
  firstLine: number,
  stopped: SlicePosition,
): SliceContinuation | null {
  // A line refused as too long is dropped as it arrives: all of the slice that was decoded was read.
  if (stopped.skipping) {
    const offset = slice.length - stopped.unread;
    return offset === 0 ? null : { offset, line: stopped.line, skipping: true };
  }
  const offset = lineStart(slice, encoding, firstLine, stopped.line);
  return offset === 0 ? null : { offset, line: stopped.line, skipping: false };
}

/**
 * The offset in `bytes` where physical line `line` starts, `bytes` starting on line
 * `firstLine`. Breaks are counted as the tokenizer counts them: LF, CRLF (once) and a lone CR.
 */
export function lineStart(bytes: Uint8Array, encoding: DetectedEncoding, firstLine: number, line: number): number {
  const { size, code } = unitReader(encoding);
  let current = firstLine;
  let at = 0;
  while (current < line && at < bytes.length) {
    const unit = code(bytes, at);
    at += size;
    if (unit === LF) current++;
    else if (unit === CR) {
      if (at < bytes.length && code(bytes, at) === LF) at += size;
      current++;
    }
  }
  if (current < line) throw new RangeError(`line ${line} does not start within the slice (it ends on line ${current})`);
  return at;
}
