/**
 * Reads a received message (RFC 5322 with MIME, RFC 2045-2047) into what the outbox keeps:
 * its decoded Subject, and its plain-text and HTML bodies — from a single part, or the first
 * of each in a multipart (nested ones included), quoted-printable, base64 or 7/8-bit, in the
 * part's charset. `raw` is the message's bytes as a binary (latin1) string, as they came.
 */

export interface ReadMessage {
  /** Header fields by lower-case name, unfolded (the first of a repeated field). */
  headers: Map<string, string>;
  subject: string;
  text: string;
  html: string;
}

interface ContentType {
  type: string;
  params: Map<string, string>;
}

/** Header block and body, at the first empty line. */
function split(raw: string): { head: string; body: string } {
  const end = /\r?\n\r?\n/.exec(raw);
  return end ? { head: raw.slice(0, end.index), body: raw.slice(end.index + end[0].length) } : { head: raw, body: '' };
}

function headerFields(head: string): Map<string, string> {
  const fields = new Map<string, string>();
  // Folding (RFC 5322 §2.2.3): a line that starts with white space continues the field above.
  for (const line of head.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // Raw 8-bit header text (RFC 6532) is UTF-8.
    if (!fields.has(name)) fields.set(name, Buffer.from(line.slice(colon + 1).trim(), 'latin1').toString('utf8'));
  }
  return fields;
}

const latin1Bytes = (binary: string) => Uint8Array.from(binary, (c) => c.charCodeAt(0) & 0xff);

function decodeText(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset || 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function quotedPrintableBytes(text: string): Uint8Array {
  const unfolded = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < unfolded.length; i++) {
    const escape = /^=([0-9A-Fa-f]{2})/.exec(unfolded.slice(i, i + 3));
    if (escape?.[1]) {
      bytes.push(parseInt(escape[1], 16));
      i += 2;
    } else {
      bytes.push(unfolded.charCodeAt(i) & 0xff);
    }
  }
  return Uint8Array.from(bytes);
}

/** RFC 2047 encoded-words in header text; white space between two of them is dropped (§6.2). */
export function decodeHeaderText(value: string): string {
  return value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_whole, charset: string, encoding: string, text: string) => {
      const bytes = encoding.toUpperCase() === 'B'
        ? Uint8Array.from(Buffer.from(text, 'base64'))
        : quotedPrintableBytes(text.replace(/_/g, ' '));
      return decodeText(bytes, charset.replace(/\*.*$/, ''));
    });
}

function contentType(value: string | undefined): ContentType {
  const [type = 'text/plain', ...rest] = (value ?? 'text/plain').split(';');
  const params = new Map<string, string>();
  for (const param of rest) {
    const match = /^\s*([^=\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]*))/.exec(param);
    if (match?.[1]) params.set(match[1].toLowerCase(), match[2]?.replace(/\\(.)/g, '$1') ?? match[3] ?? '');
  }
  return { type: type.trim().toLowerCase(), params };
}

function bodyText(body: string, headers: Map<string, string>, type: ContentType): string {
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const bytes = encoding === 'base64' ? Uint8Array.from(Buffer.from(body, 'base64'))
    : encoding === 'quoted-printable' ? quotedPrintableBytes(body)
      : latin1Bytes(body);
  return decodeText(bytes, type.params.get('charset') ?? 'utf-8');
}

/** Walks the parts, filling in the first plain text and the first HTML found. */
function walk(raw: string, found: { text?: string; html?: string }): void {
  const { head, body } = split(raw);
  const headers = headerFields(head);
  const type = contentType(headers.get('content-type'));
  const boundary = type.params.get('boundary');
  if (type.type.startsWith('multipart/') && boundary) {
    const delimiter = new RegExp(`^--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(--)?[ \\t]*$`);
    let part: string[] | undefined;
    for (const line of body.split(/\r?\n/)) {
      const match = delimiter.exec(line);
      if (!match) {
        part?.push(line);
        continue;
      }
      if (part) walk(part.join('\r\n'), found);
      part = match[1] ? undefined : [];
      if (match[1]) break;
    }
    return;
  }
  if (type.type === 'text/plain' && found.text === undefined) found.text = bodyText(body, headers, type);
  if (type.type === 'text/html' && found.html === undefined) found.html = bodyText(body, headers, type);
}

export function readMessage(raw: string): ReadMessage {
  const headers = headerFields(split(raw).head);
  const found: { text?: string; html?: string } = {};
  walk(raw, found);
  return {
    headers,
    subject: decodeHeaderText(headers.get('subject') ?? ''),
    text: (found.text ?? '').replace(/\r\n/g, '\n'),
    html: (found.html ?? '').replace(/\r\n/g, '\n'),
  };
}
