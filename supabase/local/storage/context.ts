import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { Callers } from './caller.ts';
import type { ObjectFiles } from './files.ts';
import type { ScopedDatabase } from './scope.ts';
import type { Uploads } from './uploads.ts';

/** What every endpoint works with. */
export interface StorageContext {
  db: ScopedDatabase;
  callers: Callers;
  files: ObjectFiles;
  uploads: Uploads;
  /** Signs and verifies signed-URL tokens, as Supabase signs them with the project's JWT secret. */
  jwtSecret: string;
  /** The API's address as clients reach it, for TUS upload URLs (Location). */
  externalUrl: () => string;
}

/** An endpoint's answer: JSON, a stream of an object's bytes, plain text (TUS), or nothing. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  stream?: Readable;
  text?: string;
}

/** The parts of a route's path: a bucket and, under it, an object name (or a TUS upload id). */
export interface RouteParams {
  bucket: string;
  name: string;
}

export type Endpoint = (ctx: StorageContext, req: IncomingMessage, url: URL, params: RouteParams) => Promise<Reply>;
