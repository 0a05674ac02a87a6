import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReceivedFile } from '../files.ts';
import { tusErrors, type UploadId } from './protocol.ts';

/** What is known of a resumable upload, kept beside its bytes. */
export interface UploadInfo extends UploadId {
  length: number;
  /** The Upload-Metadata it was created with (contentType, cacheControl, metadata…). */
  metadata: Record<string, string | null>;
  createdAt: number;
  completed: boolean;
}

function isUploadInfo(value: unknown): value is UploadInfo {
  if (value === null || typeof value !== 'object') return false;
  const info = value as Record<string, unknown>;
  return (
    typeof info.bucketId === 'string' && typeof info.name === 'string' && typeof info.version === 'string' &&
    typeof info.length === 'number' && typeof info.createdAt === 'number' && typeof info.completed === 'boolean' &&
    info.metadata !== null && typeof info.metadata === 'object' &&
    Object.values(info.metadata).every((entry) => entry === null || typeof entry === 'string')
  );
}

/** Passes at most `limit` bytes and fails past them. */
function capped(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      callback(seen > limit ? tusErrors.sizeExceeded() : null, chunk);
    },
  });
}

/**
 * Resumable uploads on disk, under `<data dir>/storage/resumable/`: `<version>.json` says what
 * the upload is, `<version>.part` holds the bytes received so far, whose size is the upload's
 * offset. Bytes a dropped request delivered stay, so the client resumes from there. The files
 * are named by the upload's version (a UUID), never by the object's name.
 */
export class UploadStates {
  constructor(private readonly dir: string) {}

  private infoPath(version: string): string {
    return join(this.dir, `${version}.json`);
  }

  partPath(version: string): string {
    return join(this.dir, `${version}.part`);
  }

  /** Records a new upload with no bytes yet. The description is written whole or not at all. */
  async create(info: UploadInfo): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFile(this.partPath(info.version), '');
    await this.save(info);
  }

  private async save(info: UploadInfo): Promise<void> {
    const temporary = `${this.infoPath(info.version)}.tmp`;
    await writeFile(temporary, JSON.stringify(info));
    await rename(temporary, this.infoPath(info.version));
  }

  async read(id: UploadId): Promise<UploadInfo | undefined> {
    let text: string;
    try {
      text = await readFile(this.infoPath(id.version), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const info: unknown = JSON.parse(text);
    if (!isUploadInfo(info) || info.bucketId !== id.bucketId || info.name !== id.name || info.version !== id.version) return undefined;
    return info;
  }

  /** Bytes received so far; undefined when they are gone. */
  async offset(info: UploadInfo): Promise<number | undefined> {
    try {
      return (await stat(this.partPath(info.version))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Appends a request's bytes at the end of the upload, at most `limit` of them; stops on `signal`. */
  async append(info: UploadInfo, body: Readable, limit: number, signal: AbortSignal): Promise<void> {
    await pipeline(body, capped(limit), createWriteStream(this.partPath(info.version), { flags: 'a', flush: true }), { signal });
  }

  /** The complete bytes, measured, ready to become the object. */
  async received(info: UploadInfo): Promise<ReceivedFile> {
    const path = this.partPath(info.version);
    const md5 = createHash('md5');
    for await (const chunk of createReadStream(path)) md5.update(chunk as Buffer);
    return { path, size: info.length, eTag: `"${md5.digest('hex')}"` };
  }

  /** Marks an upload complete (its bytes became the object), so a HEAD still answers its offset. */
  markCompleted(info: UploadInfo): Promise<void> {
    return this.save({ ...info, completed: true });
  }

  async remove(version: string): Promise<void> {
    await Promise.all([rm(this.partPath(version), { force: true }), rm(this.infoPath(version), { force: true })]);
  }

  /** Deletes the uploads created more than `lifetimeMs` ago, finished or not. */
  async sweep(lifetimeMs: number): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const now = Date.now();
    for (const name of names.filter((entry) => entry.endsWith('.json'))) {
      const version = name.slice(0, -'.json'.length);
      const info: unknown = await readFile(join(this.dir, name), 'utf8').then((text) => JSON.parse(text) as unknown, () => undefined);
      if (!isUploadInfo(info) || now - info.createdAt > lifetimeMs) await this.remove(version);
    }
  }
}
