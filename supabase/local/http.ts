import type { IncomingMessage, ServerResponse } from 'node:http';

/** CORS as Supabase's API gateway answers it, so the PWA can call the API from any origin. */
export const corsHeaders: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, x-client-info, apikey, content-type, prefer, range, range-unit, accept-profile, content-profile, x-supabase-api-version, x-upsert, cache-control, x-region, x-metadata, tus-resumable, upload-length, upload-offset, upload-metadata, upload-defer-length, upload-concat',
  'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-expose-headers': 'content-range, content-location, location, preference-applied, x-supabase-api-version, range-unit, retry-after, etag, content-disposition, tus-resumable, tus-version, tus-extension, tus-max-size, upload-offset, upload-length, upload-metadata, upload-expires',
  'access-control-max-age': '3600',
};

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Payload too large: the request body exceeds ${limit} bytes`);
  }
}

/** Reads the whole body, refusing more than `limit` bytes before buffering it all. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.reject(new BodyTooLargeError(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, status: number, body: string | Buffer | null, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { ...corsHeaders, ...headers });
  res.end(body ?? undefined);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(value), { 'content-type': 'application/json; charset=utf-8', ...headers });
}

/** The bearer token of an Authorization header, if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match?.[1]?.trim();
}

/** The client's address, as the gateway vouched for it in X-Forwarded-For (see server.ts). */
export function clientIp(req: IncomingMessage): string {
  const forwarded = req.headers['x-forwarded-for'];
  return (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.trim() || req.socket.remoteAddress || 'unknown';
}
