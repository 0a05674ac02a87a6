import { connect, type Socket } from 'node:net';

/**
 * A test's side of an SMTP conversation (RFC 5321): send a line, read the whole reply
 * (multi-line replies included), one at a time as a client without PIPELINING does.
 */
export class SmtpTestClient {
  private buffer = '';
  private waiting: (() => void) | undefined;
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
  }

  static open(port: number): Promise<SmtpTestClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new SmtpTestClient(socket)));
      socket.once('error', reject);
    });
  }

  /** The next whole reply, as its lines ("250-…", "250 …"); rejects when the connection closes first. */
  async reply(): Promise<string[]> {
    for (;;) {
      const lines = this.buffer.split('\r\n');
      const last = lines.findIndex((line) => /^\d{3}( |$)/.test(line));
      if (last >= 0) {
        this.buffer = lines.slice(last + 1).join('\r\n');
        return lines.slice(0, last + 1);
      }
      if (this.closed) throw new Error(`closed before a reply: ${this.buffer}`);
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  /** Sends raw text (with its own CRLFs) and reads the reply. */
  async send(text: string): Promise<string[]> {
    this.socket.write(text, 'latin1');
    return this.reply();
  }

  command(line: string): Promise<string[]> {
    return this.send(`${line}\r\n`);
  }

  /** Resolves when the server has closed the connection. */
  async closedByServer(): Promise<boolean> {
    while (!this.closed) await new Promise<void>((resolve) => (this.waiting = resolve));
    return true;
  }

  close(): void {
    this.socket.destroy();
  }
}
