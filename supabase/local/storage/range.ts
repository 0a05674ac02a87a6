import { errors } from './errors.ts';

/** The bytes a Range header asks for, both ends included. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * A single `bytes=` range (https://www.rfc-editor.org/rfc/rfc9110#section-14.1.2) of a file of `size` bytes, as storage-api reads
 * it: `a-b`, `a-` and the suffix form `-n`; the end is clamped to the file. Anything else, or
 * a start past the end of the file, is 416.
 */
export function parseRange(header: string, size: number): ByteRange {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || size <= 0 || (!match[1] && !match[2])) throw errors.invalidRange();
  if (!match[1]) {
    const suffix = Number(match[2]);
    if (!Number.isSafeInteger(suffix) || suffix <= 0) throw errors.invalidRange();
    return { start: Math.max(size - suffix, 0), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] ? Number(match[2]) : size - 1;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start || start >= size) throw errors.invalidRange();
  return { start, end: Math.min(end, size - 1) };
}
