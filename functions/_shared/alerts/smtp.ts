import type { SendOutcome } from './telegram.ts';

/**
 * An SMTP client (RFC 5321) for a function: one message to one recipient per connection,
 * over implicit TLS (RFC 8314, port 465), STARTTLS (RFC 3207) or, for the local stack only,
 * plain TCP; AUTH PLAIN or LOGIN (RFC 4954, RFC 4616) when a user is set. What the server
 * answers decides the delivery: 2xx/3xx as each step expects, 4xx (421, 450, 451, 452) is
 * "try later", 5xx (550, 553, 554, 535…) fails the message with the server's text, and a
 * connection refused, cut or timed out is tried again.
 *
 * Hosted Supabase Edge Functions may not connect out to ports 25 and 587
 * (https://supabase.com/docs/guides/functions/limits): use 465 with implicit TLS, or a
 * provider's other STARTTLS port (Amazon SES: 2587).
 */

export type SmtpTls = 'implicit' | 'starttls' | 'none';

export interface SmtpSettings {
  host: string;
  port: number;
  tls: SmtpTls;
  user?: string;
  pass?: string;
  /** Longest wait for a connection or one reply. */
  timeoutMs: number;
}

/** The part of Deno's socket API the client uses; declared here since functions/_shared is type-checked for Node too. */
interface Conn {
  read(buffer: Uint8Array): Promise<number | null>;
  write(data: Uint8Array): Promise<number>;
  close(): void;
}
interface DenoNet {
  connect(options: { hostname: string; port: number }): Promise<Conn>;
  connectTls(options: { hostname: string; port: number }): Promise<Conn>;
  startTls(conn: Conn, options: { hostname: string }): Promise<Conn>;
}

/** One reply: its code and its lines' text (RFC 5321 §4.2). */
export interface Reply {
  code: number;
  lines: string[];
}

/** The server said something no SMTP server says, or the connection broke: try again later. */
class Broken extends Error {}

/** Reads SMTP_* secrets; undefined without SMTP_HOST. SMTP_TLS defaults to implicit on 465, else STARTTLS. */
export function smtpSettings(get: (name: string) => string | undefined): SmtpSettings | { problem: string } | undefined {
  const host = get('SMTP_HOST');
  if (!host) return undefined;
  const port = Number(get('SMTP_PORT') || 465);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { problem: `SMTP_PORT is not a port: ${get('SMTP_PORT')}` };
  const tls = get('SMTP_TLS') || (port === 465 ? 'implicit' : 'starttls');
  if (tls !== 'implicit' && tls !== 'starttls' && tls !== 'none') return { problem: `SMTP_TLS must be implicit, starttls or none, not ${tls}` };
  const timeoutSeconds = Number(get('SMTP_TIMEOUT_SECONDS') || 20);
  return { host, port, tls, user: get('SMTP_USER') || undefined, pass: get('SMTP_PASS') ?? '', timeoutMs: timeoutSeconds * 1000 };
}

/** A reply line "250-text" or "250 text" (the last one); anything else is a broken server. */
export function parseReplyLine(line: string): { code: number; last: boolean; text: string } {
  const match = /^([2-5][0-5]\d)([ -]|$)(.*)$/.exec(line);
  if (!match) throw new Broken(`SMTP: not a reply line: ${line.slice(0, 100)}`);
  return { code: Number(match[1]), last: match[2] !== '-', text: match[3] ?? '' };
}

/**
 * The message as DATA sends it (RFC 5321 §4.5.2): every line ending in CRLF, a line that
 * starts with "." given one more, and the lone "." that ends the data.
 */
export function dataPayload(message: string): string {
  const lines = message.replace(/\r?\n/g, '\r\n').replace(/\r\n$/, '').split('\r\n');
  return `${lines.map((line) => (line.startsWith('.') ? `.${line}` : line)).join('\r\n')}\r\n.\r\n`;
}

/** What a reply of a failed step means for the delivery. */
export function replyOutcome(reply: Reply, step: string): SendOutcome {
  const error = `SMTP ${reply.code} ${reply.lines.join(' ').trim()} (${step})`.replace(/\s+/g, ' ');
  return reply.code >= 500 ? { sent: false, retry: false, error } : { sent: false, retry: true, error };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string, onTimeout: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Broken(`SMTP: no answer to ${what} within ${ms / 1000} s`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A connection that speaks in replies: reads lines until a reply's last, each read within the timeout. */
class Session {
  private pending = '';
  private readonly decoder = new TextDecoder();
  private readonly encoder = new TextEncoder();

  constructor(public conn: Conn, private readonly timeoutMs: number) {}

  get buffered(): boolean {
    return this.pending.length > 0;
  }

  private async line(what: string): Promise<string> {
    for (;;) {
      const end = this.pending.indexOf('\r\n');
      if (end >= 0) {
        const line = this.pending.slice(0, end);
        this.pending = this.pending.slice(end + 2);
        return line;
      }
      if (this.pending.length > 65_536) throw new Broken('SMTP: a reply line past 64 KiB');
      const chunk = new Uint8Array(16_384);
      const read = await withTimeout(this.conn.read(chunk), this.timeoutMs, what, () => this.close());
      if (read === null) throw new Broken(`SMTP: the server closed the connection (${what})`);
      this.pending += this.decoder.decode(chunk.subarray(0, read), { stream: true });
    }
  }

  async reply(what: string): Promise<Reply> {
    const lines: string[] = [];
    for (;;) {
      const parsed = parseReplyLine(await this.line(what));
      lines.push(parsed.text);
      if (parsed.last) return { code: parsed.code, lines };
    }
  }

  async send(text: string, what: string): Promise<Reply> {
    const bytes = this.encoder.encode(text);
    for (let written = 0; written < bytes.length; ) {
      written += await withTimeout(this.conn.write(bytes.subarray(written)), this.timeoutMs, what, () => this.close());
    }
    return this.reply(what);
  }

  command(line: string, what = line.split(' ')[0] ?? line): Promise<Reply> {
    return this.send(`${line}\r\n`, what);
  }

  close(): void {
    try {
      this.conn.close();
    } catch {
      // Already closed.
    }
  }
}

/** EHLO's keywords, upper-case, with their parameters: {AUTH: ['PLAIN', 'LOGIN'], STARTTLS: []}. */
function extensions(reply: Reply): Map<string, string[]> {
  return new Map(reply.lines.slice(1).map((line) => {
    const [keyword = '', ...params] = line.trim().split(/\s+/);
    return [keyword.toUpperCase(), params.map((p) => p.toUpperCase())];
  }));
}

const base64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

function deno(): DenoNet {
  const runtime = (globalThis as { Deno?: DenoNet }).Deno;
  if (!runtime) throw new Error('The SMTP client runs in Deno');
  return runtime;
}

/** The session from greeting to the end of DATA; a reply other than the step's expected one ends it with that reply's outcome. */
async function converse(session: Session, settings: SmtpSettings, helo: string, from: string, to: string, message: string): Promise<SendOutcome> {
  // Undefined when the reply is one the step expects, else what the reply means for the delivery.
  const unexpected = async (reply: Promise<Reply>, step: string, ...codes: number[]) => {
    const answer = await reply;
    return codes.includes(answer.code) ? undefined : replyOutcome(answer, step);
  };
  const greeting = await unexpected(session.reply('greeting'), 'greeting', 220);
  if (greeting) return greeting;
  let ehlo = await session.command(`EHLO ${helo}`);
  // A server without ESMTP answers 500/502 (RFC 5321 §3.2): HELO, with no extensions then.
  if (ehlo.code === 500 || ehlo.code === 502) ehlo = await session.command(`HELO ${helo}`);
  if (ehlo.code !== 250) return replyOutcome(ehlo, 'EHLO');
  let offered = extensions(ehlo);
  if (settings.tls === 'starttls') {
    // Required, not opportunistic: a STARTTLS stripped on the way would otherwise send the password in the clear.
    if (!offered.has('STARTTLS')) return { sent: false, retry: false, error: `SMTP: ${settings.host} does not offer STARTTLS (SMTP_TLS=starttls)` };
    const started = await unexpected(session.command('STARTTLS'), 'STARTTLS', 220);
    if (started) return started;
    // Anything sent before the handshake would be read as if it came through TLS (RFC 3207 §6).
    if (session.buffered) throw new Broken('SMTP: the server sent data after STARTTLS before the handshake');
    session.conn = await withTimeout(deno().startTls(session.conn, { hostname: settings.host }), settings.timeoutMs, 'the TLS handshake', () => session.close());
    ehlo = await session.command(`EHLO ${helo}`);
    if (ehlo.code !== 250) return replyOutcome(ehlo, 'EHLO');
    offered = extensions(ehlo);
  }
  if (settings.user) {
    const mechanisms = offered.get('AUTH') ?? [];
    if (mechanisms.includes('PLAIN')) {
      const auth = await unexpected(session.command(`AUTH PLAIN ${base64(`\0${settings.user}\0${settings.pass ?? ''}`)}`, 'AUTH PLAIN'), 'AUTH PLAIN', 235);
      if (auth) return auth;
    } else if (mechanisms.includes('LOGIN')) {
      const steps = [['AUTH LOGIN', 334], [base64(settings.user), 334], [base64(settings.pass ?? ''), 235]] as const;
      for (const [line, code] of steps) {
        const auth = await unexpected(session.command(line, 'AUTH LOGIN'), 'AUTH LOGIN', code);
        if (auth) return auth;
      }
    } else {
      return { sent: false, retry: false, error: `SMTP: ${settings.host} offers neither AUTH PLAIN nor AUTH LOGIN` };
    }
  }
  const mail = await unexpected(session.command(`MAIL FROM:<${from}>`, 'MAIL FROM'), 'MAIL FROM', 250);
  if (mail) return mail;
  const rcpt = await unexpected(session.command(`RCPT TO:<${to}>`, 'RCPT TO'), 'RCPT TO', 250, 251);
  if (rcpt) return rcpt;
  const data = await unexpected(session.command('DATA'), 'DATA', 354);
  if (data) return data;
  const accepted = await unexpected(session.send(dataPayload(message), 'end of data'), 'end of data', 250);
  return accepted ?? { sent: true };
}

/**
 * Sends `message` (RFC 5322 text, buildMessage's) from `from` to `to`. `helo` is the name the
 * client gives in EHLO: the sending domain.
 */
export async function sendMail(settings: SmtpSettings, helo: string, from: string, to: string, message: string): Promise<SendOutcome> {
  const net = deno();
  const address = { hostname: settings.host, port: settings.port };
  let session: Session | undefined;
  try {
    const connecting = settings.tls === 'implicit' ? net.connectTls(address) : net.connect(address);
    // A connection that comes after its timeout is closed as it comes.
    const conn = await withTimeout(connecting, settings.timeoutMs, 'the connection', () => void connecting.then((late) => late.close(), () => undefined));
    session = new Session(conn, settings.timeoutMs);
    const outcome = await converse(session, settings, helo, from, to, message);
    // The message is the server's once DATA is accepted: QUIT's answer changes nothing.
    await session.command('QUIT').catch(() => undefined);
    return outcome;
  } catch (error) {
    return { sent: false, retry: true, error: error instanceof Broken ? error.message : `SMTP: ${settings.host}:${settings.port}: ${(error as Error).message}` };
  } finally {
    session?.close();
  }
}
