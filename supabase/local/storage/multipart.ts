import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { errors } from './errors.ts';

/** The first file of a multipart/form-data body, with the fields sent before it. */
export interface MultipartFile {
  fields: Map<string, string>;
  /** The file part's Content-Type ('text/plain' when it has none, as busboy reads it). */
  mimeType: string;
  /** The file's bytes, streamed as they arrive. */
  body: Readable;
}

/** storage-api's multipart limits: ten fields, and each field (metadata) up to 1 MB. */
const maxFields = 10;
const maxFieldBytes = 1024 * 1024;
const maxHeaderBytes = 16 * 1024;

/** The boundary of a multipart/form-data Content-Type (https://www.rfc-editor.org/rfc/rfc7578), or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

function headerParam(header: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i').exec(header);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2];
}

interface PartHeaders {
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
}

function parsePartHeaders(block: string): PartHeaders {
  let disposition = '';
  let contentType: string | undefined;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-disposition') disposition = value;
    if (key === 'content-type') contentType = value;
  }
  if (!/^form-data\b/i.test(disposition)) throw errors.invalidRequest('Malformed multipart body: a part without Content-Disposition: form-data');
  return { name: headerParam(disposition, 'name') ?? '', filename: headerParam(disposition, 'filename'), contentType };
}

/**
 * Reads a multipart/form-data body (RFC 7578) as @fastify/multipart's `request.file()` does
 * for storage-api: the fields up to the first file, then that file as a stream, never held in
 * memory; whatever follows the file is read and dropped. Undefined when there is no file.
 */
export function readMultipartFile(source: Readable, boundary: string): Promise<MultipartFile | undefined> {
  return new Promise((resolve, reject) => {
    void parse(source, boundary, resolve).catch(reject);
  });
}

async function parse(source: Readable, boundary: string, found: (file: MultipartFile | undefined) => void): Promise<void> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const fields = new Map<string, string>();
  // A leading CRLF lets the first boundary be found like every later one.
  let buffer: Buffer = Buffer.from('\r\n');
  let state: 'preamble' | 'afterBoundary' | 'headers' | 'field' | 'file' | 'epilogue' = 'preamble';
  let part: PartHeaders | undefined;
  let field: Buffer[] = [];
  let fieldBytes = 0;
  let file: PassThrough | undefined;

  const emit = async (data: Buffer): Promise<void> => {
    if (data.length === 0) return;
    if (state === 'field') {
      fieldBytes += data.length;
      if (fieldBytes > maxFieldBytes) throw errors.entityTooLarge('field', `${maxFieldBytes} bytes`);
      field.push(data);
      return;
    }
    if (file && !file.destroyed && !file.write(data)) {
      await Promise.race([once(file, 'drain'), once(file, 'close')]);
    }
  };

  try {
    // Not destroyed when the parse stops early: the request is then drained, so its answer gets through.
    for await (const chunk of source.iterator({ destroyOnReturn: false })) {
      buffer = buffer.length ? Buffer.concat([buffer, chunk as Buffer]) : (chunk as Buffer);
      for (;;) {
        if (state === 'epilogue') {
          buffer = Buffer.alloc(0);
          break;
        }
        if (state === 'preamble' || state === 'field' || state === 'file') {
          const at = buffer.indexOf(delimiter);
          if (at < 0) {
            // Keep what could be the start of a delimiter split across chunks.
            const safe = Math.max(0, buffer.length - delimiter.length + 1);
            if (state !== 'preamble') await emit(buffer.subarray(0, safe));
            buffer = buffer.subarray(safe);
            break;
          }
          if (state !== 'preamble') await emit(buffer.subarray(0, at));
          buffer = buffer.subarray(at + delimiter.length);
          if (state === 'field' && part) {
            if (fields.size >= maxFields) throw errors.invalidRequest(`Too many fields: at most ${maxFields}`);
            fields.set(part.name, Buffer.concat(field).toString('utf8'));
          }
          if (state === 'file') {
            file?.end();
            state = 'epilogue';
            continue;
          }
          state = 'afterBoundary';
        }
        if (state === 'afterBoundary') {
          if (buffer.length < 2) break;
          const next = buffer.subarray(0, 2).toString('latin1');
          if (next === '--') {
            state = 'epilogue';
            continue;
          }
          if (next !== '\r\n') throw errors.invalidRequest('Malformed multipart body: bad boundary line');
          buffer = buffer.subarray(2);
          state = 'headers';
        }
        if (state === 'headers') {
          const end = buffer.indexOf('\r\n\r\n');
          if (end < 0) {
            if (buffer.length > maxHeaderBytes) throw errors.invalidRequest('Malformed multipart body: part headers too long');
            break;
          }
          part = parsePartHeaders(buffer.subarray(0, end).toString('utf8'));
          buffer = buffer.subarray(end + 4);
          if (part.filename !== undefined) {
            state = 'file';
            file = new PassThrough();
            // Its reader learns of a failure from the stream's state; until one reads, it must not throw.
            file.on('error', () => {});
            found({ fields, mimeType: part.contentType ?? 'text/plain', body: file });
          } else {
            state = 'field';
            field = [];
            fieldBytes = 0;
          }
        }
      }
    }
    if (state !== 'epilogue') throw errors.invalidRequest('Malformed multipart body: it ends before its closing boundary');
    if (!file) found(undefined);
  } catch (error) {
    if (!file) throw error;
    file.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}
