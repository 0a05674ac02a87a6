import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Outbox } from './outbox.ts';
import { readMessage } from './readMessage.ts';

/**
 * The local stack's mail server, as the Supabase CLI's Inbucket is (SMTP on 54325): an SMTP
 * server (RFC 5321) that takes every message for any address and writes it, decoded, into
 * the outbox (`<dataDir>/outbox/`, one JSON file per recipient), beside Auth's emails. The
 * functions send alert emails to it with SMTP_TLS=none: no TLS and no AUTH here (the server
 * listens on loopback only). Commands one at a time (no PIPELINING); replies carry enhanced
 * status codes (RFC 3463).
 */

export interface MailServerOptions {
  outbox: Outbox;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** The largest message taken (SIZE, RFC 1870). */
  maxMessageBytes?: number;
  log?: (line: string) => void;
}

/** A command line is at most 512 octets with its CRLF (RFC 5321 §4.5.3.1.4). */
const maxCommandLine = 512;
/** At most this many recipients a message (RFC 5321 §4.5.3.1.8 asks servers to take 100). */
const maxRecipients = 100;
/** The server's timeout for a silent client (RFC 5321 §4.5.3.2.7: at least 5 minutes). */
const idleMs = 5 * 60_000;
const serverName = 'arbidesk.local';

/** `<address>` with optional parameters after it; '' for the null reverse-path `<>`. */
function path(argument: string, keyword: 'FROM' | 'TO'): { address: string; params: string[] } | undefined {
  const match = new RegExp(`^${keyword}:\\s*<([^<>\\s]*)>((?:\\s+\\S+)*)\\s*$`, 'i').exec(argument);
  if (!match) return undefined;
  return { address: match[1] ?? '', params: (match[2] ?? '').trim().split(/\s+/).filter(Boolean) };
}

const isAddress = (address: string) => /^[^@\s]+@[^@\s]+$/.test(address);

/** One client's conversation. */
class Conversation {
  private helo: string | undefined;
  private sender: string | undefined;
  private recipients: string[] = [];
  /** The message's lines while DATA is under way; undefined otherwise. */
  private data: string[] | undefined;
  private dataBytes = 0;
  private pending = Buffer.alloc(0);
  private busy = Promise.resolve();

  constructor(private readonly socket: Socket, private readonly options: Required<Omit<MailServerOptions, 'host' | 'log'>> & { log: (line: string) => void }) {
    socket.setTimeout(idleMs, () => this.reply('421 4.4.2 Idle too long, closing', true));
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => socket.destroy());
    this.reply(`220 ${serverName} ESMTP ArbiDesk local mail server`);
  }

  private reply(line: string, close = false): void {
    if (!this.socket.writable) return;
    this.socket.write(`${line}\r\n`);
    if (close) this.socket.end();
  }

  private receive(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    for (let end = this.pending.indexOf('\r\n'); end >= 0; end = this.pending.indexOf('\r\n')) {
      const line = this.pending.subarray(0, end).toString('latin1');
      this.pending = this.pending.subarray(end + 2);
      // Lines are answered in order, one after another (writing a message is asynchronous).
      this.busy = this.busy.then(() => this.line(line));
    }
    if (!this.data && this.pending.length > maxCommandLine) {
      this.pending = Buffer.alloc(0);
      this.reply('500 5.5.6 Line too long');
    }
  }

  private async line(line: string): Promise<void> {
    if (this.data) return this.dataLine(line);
    if (line.length + 2 > maxCommandLine) return this.reply('500 5.5.6 Line too long');
    const match = /^([A-Za-z]+)(?: (.*))?$/.exec(line);
    const verb = match?.[1]?.toUpperCase();
    const argument = match?.[2]?.trim() ?? '';
    switch (verb) {
      case 'EHLO':
      case 'HELO':
        if (!argument) return this.reply(`501 5.5.4 Syntax: ${verb} hostname`);
        this.helo = argument;
        this.reset();
        if (verb === 'HELO') return this.reply(`250 ${serverName}`);
        this.reply(`250-${serverName} greets ${argument}`);
        this.reply(`250-SIZE ${this.options.maxMessageBytes}`);
        this.reply('250-8BITMIME');
        return this.reply('250 ENHANCEDSTATUSCODES');
      case 'MAIL': {
        if (!this.helo) return this.reply('503 5.5.1 Send EHLO first');
        if (this.sender !== undefined) return this.reply('503 5.5.1 Nested MAIL command');
        const from = path(argument, 'FROM');
        if (!from || (from.address && !isAddress(from.address))) return this.reply('501 5.5.4 Syntax: MAIL FROM:<address>');
        const size = from.params.map((p) => /^SIZE=(\d+)$/i.exec(p)?.[1]).find(Boolean);
        if (size && Number(size) > this.options.maxMessageBytes) return this.reply('552 5.3.4 Message size exceeds fixed maximum message size');
        this.sender = from.address;
        return this.reply('250 2.1.0 Ok');
      }
      case 'RCPT': {
        if (this.sender === undefined) return this.reply('503 5.5.1 Need MAIL before RCPT');
        const to = path(argument, 'TO');
        if (!to) return this.reply('501 5.5.4 Syntax: RCPT TO:<address>');
        if (!isAddress(to.address)) return this.reply('501 5.1.3 Bad recipient address syntax');
        if (this.recipients.length >= maxRecipients) return this.reply('452 4.5.3 Too many recipients');
        this.recipients.push(to.address);
        return this.reply('250 2.1.5 Ok');
      }
      case 'DATA':
        if (argument) return this.reply('501 5.5.4 Syntax: DATA');
        if (!this.recipients.length) return this.reply('503 5.5.1 Need RCPT before DATA');
        this.data = [];
        this.dataBytes = 0;
        return this.reply('354 End data with <CR><LF>.<CR><LF>');
      case 'RSET':
        this.reset();
        return this.reply('250 2.0.0 Ok');
      case 'NOOP':
        return this.reply('250 2.0.0 Ok');
      case 'VRFY':
        return this.reply('252 2.5.2 Cannot VRFY user, but will accept message');
      case 'QUIT':
        return this.reply('221 2.0.0 Bye', true);
      case 'STARTTLS':
      case 'AUTH':
        // Not offered in EHLO: the local server takes mail on loopback without TLS or login.
        return this.reply('502 5.5.1 Command not implemented');
      default:
        return this.reply('500 5.5.2 Command unrecognized');
    }
  }

  private async dataLine(line: string): Promise<void> {
    const lines = this.data ?? [];
    if (line !== '.') {
      // Dot-stuffing undone (RFC 5321 §4.5.2); a message past the size limit is read to its end, then refused.
      this.dataBytes += line.length + 2;
      if (this.dataBytes <= this.options.maxMessageBytes) lines.push(line.startsWith('.') ? line.slice(1) : line);
      return;
    }
    const tooBig = this.dataBytes > this.options.maxMessageBytes;
    const raw = `${lines.join('\r\n')}\r\n`;
    const { sender = '', recipients } = this;
    this.reset();
    if (tooBig) return this.reply('552 5.3.4 Message size exceeds fixed maximum message size');
    try {
      const read = readMessage(raw);
      const files: string[] = [];
      for (const to of recipients) {
        files.push(await this.options.outbox.send({
          to, from: sender, subject: read.subject, text: read.text, html: read.html, type: 'smtp', raw: Buffer.from(raw, 'latin1').toString('utf8'),
        }));
      }
      this.options.log(`[mail] ${sender || '<>'} → ${recipients.join(', ')}: ${read.subject}`);
      this.reply(`250 2.0.0 Ok: queued as ${files.map((f) => f.replace(/^.*\//, '')).join(' ')}`);
    } catch (error) {
      this.reply(`451 4.3.0 The outbox could not be written: ${(error as Error).message}`);
    }
  }

  private reset(): void {
    this.sender = undefined;
    this.recipients = [];
    this.data = undefined;
  }
}

export class MailServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly options: MailServerOptions) {}

  /** Listens; answers the port. A taken configured port falls back to a free one (said in the log): the functions are told the port it got. */
  async start(): Promise<number> {
    const options = { outbox: this.options.outbox, port: this.options.port, maxMessageBytes: this.options.maxMessageBytes ?? 10 * 1024 * 1024, log: this.options.log ?? (() => {}) };
    const listen = (port: number) => new Promise<Server>((resolve, reject) => {
      const server = createServer((socket) => {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        new Conversation(socket, options);
      });
      server.once('error', reject);
      server.listen(port, this.options.host ?? '127.0.0.1', () => resolve(server));
    });
    try {
      this.server = await listen(options.port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.port === 0) throw error;
      options.log(`[mail] port ${options.port} is taken; the mail server takes a free one`);
      this.server = await listen(0);
    }
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
