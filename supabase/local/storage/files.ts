import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errors } from './errors.ts';

/** Bytes received into a temporary file, not yet an object's. */
export interface ReceivedFile {
  path: string;
  size: number;
  /** As S3 gives it for a single-part object: the quoted MD5 of the bytes. */
  eTag: string;
}

/** An object's stored bytes, open for reading. */
export interface StoredFile {
  handle: FileHandle;
  size: number;
}

const versionPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Counts and hashes what passes, and fails past `limit` bytes instead of storing them. */
function measuring(limit: number, onDone: (size: number, md5: string) => void): Transform {
  const md5 = createHash('md5');
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > limit) {
        callback(errors.entityTooLarge());
        return;
      }
      md5.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      onDone(size, md5.digest('hex'));
      callback();
    },
  });
}

/**
 * The bytes of every object, under `<data dir>/storage/`. A file is named by its object's
 * `version` (a UUID the service makes), never by the object's name, so no name reaches the
 * file system. Bytes stream to `tmp/` and are renamed into `objects/` only once complete and
 * flushed, and a row points at a version only once its file is there: a crash leaves at most
 * an unreferenced file, never a half object.
 */
export class ObjectFiles {
  private readonly objectsDir: string;
  private readonly tmpDir: string;

  constructor(readonly root: string) {
    this.objectsDir = join(root, 'objects');
    this.tmpDir = join(root, 'tmp');
  }

  /** Where a version's bytes live; undefined for a version this service never made. */
  private pathOf(version: string | null): string | undefined {
    if (!version || !versionPattern.test(version)) return undefined;
    return join(this.objectsDir, version.slice(0, 2), version);
  }

  /** Streams `body` to a temporary file, refusing (413) more than `limit` bytes. */
  async receive(body: Readable, limit: number): Promise<ReceivedFile> {
    await mkdir(this.tmpDir, { recursive: true });
    const path = join(this.tmpDir, randomUUID());
    let measured = { size: 0, eTag: '' };
    try {
      await pipeline(body, measuring(limit, (size, md5) => (measured = { size, eTag: `"${md5}"` })), createWriteStream(path, { flush: true }));
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    return { path, ...measured };
  }

  /** Makes received bytes the stored bytes of `version` (a rename: all or nothing). */
  keep(received: ReceivedFile, version: string): Promise<void> {
    return this.place(received.path, version);
  }

  private async place(path: string, version: string): Promise<void> {
    const target = this.pathOf(version);
    if (!target) throw new Error(`not a version this service makes: ${version}`);
    await mkdir(join(this.objectsDir, version.slice(0, 2)), { recursive: true });
    await rename(path, target);
  }

  /** Copies a version's bytes to a new version, through a temporary file. */
  async copy(from: string | null, to: string): Promise<boolean> {
    const source = this.pathOf(from);
    if (!source) return false;
    await mkdir(this.tmpDir, { recursive: true });
    const path = join(this.tmpDir, randomUUID());
    try {
      await copyFile(source, path);
    } catch (error) {
      await rm(path, { force: true });
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    await this.place(path, to);
    return true;
  }

  /** Opens a version's bytes for reading; undefined when there are none. */
  async open(version: string | null): Promise<StoredFile | undefined> {
    const path = this.pathOf(version);
    if (!path) return undefined;
    try {
      const handle = await open(path, 'r');
      return { handle, size: (await handle.stat()).size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Deletes the bytes of versions no row points at any more. */
  async remove(versions: (string | null)[]): Promise<void> {
    await Promise.all(versions.map((version) => this.pathOf(version)).map((path) => (path ? rm(path, { force: true }) : undefined)));
  }

  /** Deletes bytes received but never kept (a refused or failed upload). */
  async discard(received: ReceivedFile): Promise<void> {
    await rm(received.path, { force: true });
  }
}
