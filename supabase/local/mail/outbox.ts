import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * An email of the local stack: one Auth would have sent (a recovery email, with its code and
 * link), or one the local mail server received over SMTP (mail/MailServer.ts), decoded.
 */
export interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** What the email is for ('recovery'), or 'smtp' for what the mail server received, so tools can pick messages without parsing text. */
  type: string;
  /** A recovery email's one-time code, and the link in it. */
  otp?: string;
  link?: string;
  /** An SMTP message's envelope sender (MAIL FROM), and the message as it came. */
  from?: string;
  raw?: string;
}

/**
 * The local stack's mailbox: instead of delivering, each message becomes one JSON file in
 * `<dataDir>/outbox/`, named so that a directory listing is in sending order.
 */
export class Outbox {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'outbox');
  }

  /** Writes the message and returns its file. Written under a temporary name and renamed, so readers never see half a file. */
  async send(message: OutboxMessage): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const createdAt = new Date();
    const name = `${createdAt.toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.json`;
    const file = join(this.dir, name);
    const temporary = join(this.dir, `.${name}.tmp`);
    await writeFile(temporary, JSON.stringify({ ...message, created_at: createdAt.toISOString() }, null, 2) + '\n', { mode: 0o600 });
    await rename(temporary, file);
    return file;
  }
}
