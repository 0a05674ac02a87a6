import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * Writing generated CSV: buffered appends to a file (never the whole file in memory), in
 * UTF-8 or Windows-1251, with fields quoted as RFC 4180 asks.
 */

export type FileEncoding = 'utf-8' | 'windows-1251';

let cp1251: Map<string, number> | undefined;

/** Windows-1251 bytes of a text, from the decoder's own table; throws on a character it lacks. */
export function encodeWindows1251(text: string): Uint8Array {
  if (!cp1251) {
    cp1251 = new Map();
    const decoded = new TextDecoder('windows-1251').decode(Uint8Array.from({ length: 256 }, (_, i) => i));
    for (let i = 0; i < decoded.length; i++) cp1251.set(decoded.charAt(i), i);
  }
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const byte = cp1251.get(text.charAt(i));
    if (byte === undefined) throw new Error(`Windows-1251 has no ${JSON.stringify(text.charAt(i))}`);
    bytes[i] = byte;
  }
  return bytes;
}

/** A field as CSV writes it: quoted when it holds the delimiter, a quote or a line break. */
export function csvField(value: string, delimiter: string): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Appends text to a file through a 1 MiB buffer. */
export class TextFile {
  private readonly fd: number;
  private parts: string[] = [];
  private buffered = 0;

  constructor(
    readonly path: string,
    private readonly encoding: FileEncoding = 'utf-8',
  ) {
    this.fd = openSync(path, 'w');
  }

  write(text: string): void {
    this.parts.push(text);
    this.buffered += text.length;
    if (this.buffered >= 1 << 20) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    if (this.encoding === 'utf-8') writeSync(this.fd, text);
    else writeSync(this.fd, encodeWindows1251(text));
    this.parts = [];
    this.buffered = 0;
  }
}
