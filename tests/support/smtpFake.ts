import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, TLSSocket } from 'node:tls';

/**
 * A local stand-in for a mail provider's SMTP submission server (a third party that cannot be
 * reached from here). It answers as RFC 5321 §4.3.2 and RFC 4954 document each step, and
 * each step's reply can be scripted to one of the errors a provider gives: 421 at the
 * greeting (service not available), 535 to AUTH (credentials invalid), 451/452 (local error,
 * insufficient storage: try later), 550/553/554 (mailbox unavailable, name not allowed,
 * transaction failed). It offers AUTH PLAIN and LOGIN; given a certificate, it offers
 * STARTTLS (RFC 3207) first and AUTH only once the connection is secure, as providers do;
 * or it speaks TLS from the first byte (RFC 8314, port 465).
 */

export type Step = 'greeting' | 'mail' | 'rcpt' | 'data' | 'end';

export interface ReceivedMail {
  /** The login the client gave, if any. */
  user?: string;
  from: string;
  to: string[];
  /** The message as the client sent it, dot-stuffing undone. */
  data: string;
}

export class SmtpFake {
  readonly received: ReceivedMail[] = [];
  /** Every command line of every session, in order (AUTH's secrets included: it is a test's). */
  readonly commands: string[] = [];
  /** Replies other than success for the next sessions' steps; `clear()` ends them. */
  private readonly script = new Map<Step, string>();
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  /** Accepts connections and never greets (a server that hangs). */
  private silent = false;

  /** The SASL mechanisms EHLO offers (RFC 4954 §3). */
  mechanisms = ['PLAIN', 'LOGIN'];
  /** Offers STARTTLS with this certificate; null: the offer stripped (as a man in the middle would). */
  tls: { key: string; cert: string } | null | undefined;

  /** The submission account; a test changes `pass` to play a password changed at the provider. */
  constructor(readonly credentials: { user: string; pass: string }) {}

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }

  /** From now on, `step` answers `reply` (e.g. '451 4.3.0 Mail server temporarily rejected message'). */
  fail(step: Step, reply: string): this {
    this.script.set(step, reply);
    return this;
  }

  /** From now on, connections are accepted and never answered. */
  hang(): this {
    this.silent = true;
    return this;
  }

  clear(): this {
    this.silent = false;
    this.mechanisms = ['PLAIN', 'LOGIN'];
    this.script.clear();
    this.received.length = 0;
    this.commands.length = 0;
    return this;
  }

  /** Listens on `port` (a free one by default; the one it had, to come back after `stop`); with `implicitTls`, TLS from the first byte. */
  async start(port = 0, implicitTls?: { key: string; cert: string }): Promise<void> {
    this.server = implicitTls ? createTlsServer(implicitTls, (socket) => this.session(socket, true)) : createServer((socket) => this.session(socket, false));
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private session(socket: Socket, implicitTls: boolean): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let stream: Socket = socket;
    const say = (reply: string) => stream.write(`${reply}\r\n`);
    if (this.silent) return;
    const greeting = this.script.get('greeting');
    if (greeting) {
      // 421 at the greeting: the server closes the connection after it (RFC 5321 §3.8).
      say(greeting);
      socket.end();
      return;
    }
    say('220 smtp.provider.example ESMTP ready');
    let user: string | undefined;
    let login: 'user' | 'pass' | undefined;
    let loginUser = '';
    let mail: ReceivedMail | undefined;
    let data: string[] | undefined;
    let pending = '';
    let secure = implicitTls;
    const decode = (text: string) => Buffer.from(text, 'base64').toString('utf8');
    const authenticate = (name: string, pass: string) => {
      if (name !== this.credentials.user || pass !== this.credentials.pass) return say('535 5.7.8 Authentication credentials invalid');
      user = name;
      say('235 2.7.0 Authentication successful');
    };
    const line = (text: string) => {
      if (data) {
        if (text !== '.') return void data.push(text.startsWith('.') ? text.slice(1) : text);
        const message = { ...mail!, data: `${data.join('\r\n')}\r\n` };
        data = undefined;
        mail = undefined;
        const failure = this.script.get('end');
        if (failure) return say(failure);
        this.received.push(message);
        return say('250 2.0.0 Ok: queued');
      }
      this.commands.push(text);
      if (login === 'user') {
        login = 'pass';
        loginUser = decode(text);
        return say(`334 ${Buffer.from('Password:').toString('base64')}`);
      }
      if (login === 'pass') {
        login = undefined;
        return authenticate(loginUser, decode(text));
      }
      const [verb = '', ...rest] = text.split(' ');
      const argument = rest.join(' ');
      switch (verb.toUpperCase()) {
        case 'EHLO': {
          const offers = this.tls && !secure ? ['STARTTLS'] : [`AUTH ${this.mechanisms.join(' ')}`];
          return say(['smtp.provider.example', 'SIZE 10485760', ...offers, 'ENHANCEDSTATUSCODES'].map((l, i, all) => `250${i < all.length - 1 ? '-' : ' '}${l}`).join('\r\n'));
        }
        case 'STARTTLS': {
          if (!this.tls || secure) return say('502 5.5.1 Command not implemented');
          say('220 2.0.0 Ready to start TLS');
          // The session starts over on the secure channel (RFC 3207 §4.2): nothing said before counts.
          socket.removeAllListeners('data');
          stream = new TLSSocket(socket, { isServer: true, ...this.tls });
          stream.on('data', receive);
          stream.on('error', () => socket.destroy());
          secure = true;
          pending = '';
          return;
        }
        case 'AUTH': {
          if (this.tls && !secure) return say('530 5.7.0 Must issue a STARTTLS command first');
          const [mechanism = '', initial] = argument.split(' ');
          if (!this.mechanisms.includes(mechanism.toUpperCase())) return say('504 5.5.4 Unrecognized authentication type');
          if (mechanism.toUpperCase() === 'LOGIN') {
            login = 'user';
            return say(`334 ${Buffer.from('Username:').toString('base64')}`);
          }
          if (!initial) return say('504 5.5.4 Unrecognized authentication type');
          const [, name = '', pass = ''] = decode(initial).split('\0');
          return authenticate(name, pass);
        }
        case 'MAIL': {
          if (!user) return say('530 5.7.0 Authentication required');
          const failure = this.script.get('mail');
          if (failure) return say(failure);
          mail = { user, from: /<(.*)>/.exec(argument)?.[1] ?? '', to: [], data: '' };
          return say('250 2.1.0 Ok');
        }
        case 'RCPT': {
          if (!mail) return say('503 5.5.1 Need MAIL before RCPT');
          const failure = this.script.get('rcpt');
          if (failure) return say(failure);
          mail.to.push(/<(.*)>/.exec(argument)?.[1] ?? '');
          return say('250 2.1.5 Ok');
        }
        case 'DATA': {
          if (!mail?.to.length) return say('503 5.5.1 Need RCPT before DATA');
          const failure = this.script.get('data');
          if (failure) return say(failure);
          data = [];
          return say('354 End data with <CR><LF>.<CR><LF>');
        }
        case 'QUIT':
          say('221 2.0.0 Bye');
          return void stream.end();
        default:
          return say('500 5.5.2 Command unrecognized');
      }
    };
    const receive = (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n'); end >= 0; end = pending.indexOf('\r\n')) {
        const text = pending.slice(0, end);
        pending = pending.slice(end + 2);
        line(text);
      }
    };
    socket.on('data', receive);
  }
}
