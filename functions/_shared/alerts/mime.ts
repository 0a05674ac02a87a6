/**
 * An email as RFC 5322 text with MIME (RFC 2045-2047): multipart/alternative with a plain
 * text and an HTML part, both UTF-8 in quoted-printable, so every line stays 7-bit, body lines
 * at most 76 characters (RFC 2045 §6.7) and header lines 78 (RFC 5322 §2.1.1) — far inside
 * SMTP's 998 (RFC 5321 §4.5.3.1.6) — whatever the text. Non-ASCII header text goes as RFC 2047 encoded-words. Runtime-neutral: the notify
 * function builds messages with it and the local mail server's tests read them.
 */

/** A mailbox: an address and an optional display name ("ArbiDesk <alerts@example.com>"). */
export interface Mailbox {
  address: string;
  name?: string;
}

export interface MailMessage {
  from: Mailbox;
  to: Mailbox;
  subject: string;
  text: string;
  html: string;
  date: Date;
  /** Without angle brackets: "id@domain" (RFC 5322 §3.6.4). */
  messageId: string;
  /** The body's language (RFC 3282 Content-Language). */
  language?: string;
}

const utf8 = new TextEncoder();
const hex = (byte: number) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** An addr-spec the message and the SMTP envelope can carry: no spaces, brackets or line breaks. */
export function isMailAddress(address: string): boolean {
  return /^[^\s<>()@,;:"\\]+@[^\s<>()@,;:"\\]+\.[^\s<>()@,;:"\\.]+$/.test(address) && address.length <= 254;
}

/** "ArbiDesk <alerts@example.com>" or "alerts@example.com" as a mailbox; undefined when it is neither. */
export function parseMailbox(text: string): Mailbox | undefined {
  const named = /^\s*"?([^"<]*?)"?\s*<([^<>]+)>\s*$/.exec(text);
  const address = (named?.[2] ?? text).trim();
  if (!isMailAddress(address)) return undefined;
  const name = named?.[1]?.trim();
  return name ? { address, name } : { address };
}

/**
 * Header text as RFC 2047 "B" encoded-words of at most 75 characters each, folded onto lines
 * of their own; a character is never split between two words (§5, rule 3). Plain ASCII
 * without specials passes as it is.
 */
export function encodeHeaderText(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text) && !/=\?/.test(text)) return text;
  // "=?UTF-8?B?" + "?=" is 12 characters; 42 bytes are 56 of base64: a word of 68, so even the
  // first line ("Subject: " and a word) keeps within RFC 5322's 78.
  const words: string[] = [];
  let chunk: number[] = [];
  for (const char of text) {
    const bytes = utf8.encode(char);
    if (chunk.length + bytes.length > 42) {
      words.push(`=?UTF-8?B?${base64(Uint8Array.from(chunk))}?=`);
      chunk = [];
    }
    chunk.push(...bytes);
  }
  if (chunk.length) words.push(`=?UTF-8?B?${base64(Uint8Array.from(chunk))}?=`);
  return words.join('\r\n ');
}

/** A display name and address as a header's mailbox: the name quoted, or encoded when it is not ASCII. */
function mailboxHeader(mailbox: Mailbox): string {
  if (!mailbox.name) return mailbox.address;
  const name = /^[\x20-\x7e]*$/.test(mailbox.name) ? `"${mailbox.name.replace(/(["\\])/g, '\\$1')}"` : encodeHeaderText(mailbox.name);
  return `${name} <${mailbox.address}>`;
}

/**
 * Quoted-printable (RFC 2045 §6.7) of UTF-8 text: line breaks become CRLF, "=" and bytes
 * outside printable ASCII become =XX, a space or tab ending a line is encoded, and a line past
 * 76 characters is cut with a soft break ("=" at its end), never inside an =XX.
 */
export function quotedPrintable(text: string): string {
  return text.replace(/\r\n?/g, '\n').split('\n').map((line) => {
    const bytes = utf8.encode(line);
    const tokens = Array.from(bytes, (byte, i) => {
      const last = i === bytes.length - 1;
      if ((byte === 0x20 || byte === 0x09) && !last) return String.fromCharCode(byte);
      return byte >= 33 && byte <= 126 && byte !== 61 ? String.fromCharCode(byte) : hex(byte);
    });
    const out: string[] = [];
    let current = '';
    for (const token of tokens) {
      if (current.length + token.length > 75) {
        out.push(`${current}=`);
        current = '';
      }
      current += token;
    }
    out.push(current);
    return out.join('\r\n');
  }).join('\r\n');
}

/** A day and time as RFC 5322 §3.3 writes it, in UTC: "Tue, 08 Dec 2026 03:05:16 +0000". */
export function mailDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/** A boundary that quoted-printable text cannot contain: "=_" never occurs in it (RFC 2045 §6.7). */
function boundary(): string {
  const random = crypto.getRandomValues(new Uint8Array(12));
  return `=_arbidesk_${Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function part(contentType: string, body: string): string {
  return [`Content-Type: ${contentType}; charset=UTF-8`, 'Content-Transfer-Encoding: quoted-printable', '', quotedPrintable(body)].join('\r\n');
}

/**
 * The whole message, lines ending in CRLF. Marked `Auto-Submitted: auto-generated` (RFC 3834
 * §5) so that vacation responders and the like do not answer it.
 */
export function buildMessage(message: MailMessage): string {
  const separator = boundary();
  const headers = [
    `From: ${mailboxHeader(message.from)}`,
    `To: ${mailboxHeader(message.to)}`,
    `Subject: ${encodeHeaderText(message.subject)}`,
    `Date: ${mailDate(message.date)}`,
    `Message-ID: <${message.messageId}>`,
    'Auto-Submitted: auto-generated',
    'MIME-Version: 1.0',
    ...(message.language ? [`Content-Language: ${message.language}`] : []),
    `Content-Type: multipart/alternative;\r\n boundary="${separator}"`,
  ];
  return [
    ...headers,
    '',
    `--${separator}`,
    part('text/plain', message.text),
    `--${separator}`,
    part('text/html', message.html),
    `--${separator}--`,
    '',
  ].join('\r\n');
}
