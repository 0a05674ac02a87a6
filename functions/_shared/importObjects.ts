/**
 * The original files of loads in Storage (the private bucket `imports`, one object per load:
 * <workspace_id>/<load_id>/original.csv; see 20261207120000_etl_imports_in_slices.sql),
 * reached with the service key over Storage's HTTP API, as supabase-js would.
 */

export const importsBucket = 'imports';

export function importObjectName(workspaceId: string, loadId: string): string {
  return `${workspaceId}/${loadId}/original.csv`;
}

/** Storage answered otherwise than asked: worth trying again later (the reaper resumes the load). */
export class StorageUnavailable extends Error {}

export interface ImportObjects {
  /** Bytes [from, from + length) of the object, and the object's size; null when there is no such object. */
  read(name: string, from: number, length: number): Promise<{ bytes: Uint8Array; size: number } | null>;
  /** The object's size, or null when there is none. */
  size(name: string): Promise<number | null>;
  /** Stores a new object from a stream (never overwrites one). */
  write(name: string, body: ReadableStream<Uint8Array>, contentLength: string | null): Promise<void>;
  /**
   * Removes objects (at most 1000, storage-api's cap per request) and answers the names Storage
   * removed; a name it no longer had is simply not among them.
   */
  remove(names: string[]): Promise<string[]>;
}

/** How long one request to Storage may take before it counts as unanswered. */
const storageTimeoutMs = 30_000;

function objectUrl(url: string, kind: 'authenticated' | 'upload' | 'info', name: string): string {
  const path = name.split('/').map(encodeURIComponent).join('/');
  if (kind === 'upload') return `${url}/storage/v1/object/${importsBucket}/${path}`;
  return `${url}/storage/v1/object/${kind}/${importsBucket}/${path}`;
}

/** The total size from a Content-Range header such as `bytes 0-99/1234`. */
function totalOf(contentRange: string | null): number | null {
  const match = contentRange ? /\/(\d+)\s*$/.exec(contentRange) : null;
  return match?.[1] ? Number(match[1]) : null;
}

export function importObjects(url: string, serviceKey: string): ImportObjects {
  const headers = { authorization: `Bearer ${serviceKey}`, apikey: serviceKey };
  return {
    async read(name, from, length) {
      const response = await fetch(objectUrl(url, 'authenticated', name), { headers: { ...headers, range: `bytes=${from}-${from + length - 1}` } });
      if (response.status === 404 || response.status === 400) {
        await response.body?.cancel();
        return null;
      }
      // Past the end (a file that ended exactly at the last slice).
      if (response.status === 416) {
        await response.body?.cancel();
        return { bytes: new Uint8Array(0), size: totalOf(response.headers.get('content-range')) ?? from };
      }
      if (response.status !== 206 && response.status !== 200) {
        throw new StorageUnavailable(`Storage answered ${response.status} reading ${name}: ${(await response.text()).slice(0, 200)}`);
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (response.status === 200) return { bytes: bytes.subarray(from, from + length), size: bytes.length };
      return { bytes, size: totalOf(response.headers.get('content-range')) ?? from + bytes.length };
    },
    async size(name) {
      const response = await fetch(objectUrl(url, 'authenticated', name), { headers: { ...headers, range: 'bytes=0-0' } });
      await response.body?.cancel();
      if (response.status === 404 || response.status === 400) return null;
      if (response.status === 416) return 0;
      if (!response.ok) throw new StorageUnavailable(`Storage answered ${response.status} looking for ${name}`);
      return totalOf(response.headers.get('content-range')) ?? Number(response.headers.get('content-length') ?? 0);
    },
    async write(name, body, contentLength) {
      const response = await fetch(objectUrl(url, 'upload', name), {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/csv', 'x-upsert': 'false', ...(contentLength ? { 'content-length': contentLength } : {}) },
        body,
        // @ts-expect-error: a streamed request body needs duplex 'half' (Deno and fetch's spec); lib.dom lacks it.
        duplex: 'half',
      });
      if (!response.ok) throw new StorageUnavailable(`Storage refused the file (${response.status}): ${(await response.text()).slice(0, 300)}`);
      await response.body?.cancel();
    },
    async remove(names) {
      // DELETE /object/<bucket> with {prefixes}: storage-api's deleteObjects, supabase-js's remove().
      const response = await fetch(`${url}/storage/v1/object/${importsBucket}`, {
        method: 'DELETE',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ prefixes: names }),
        signal: AbortSignal.timeout(storageTimeoutMs),
      });
      if (!response.ok) throw new StorageUnavailable(`Storage answered ${response.status} removing ${names.length} objects: ${(await response.text()).slice(0, 200)}`);
      const removed: unknown = await response.json();
      if (!Array.isArray(removed)) throw new StorageUnavailable('Storage answered the removal with something other than a list of objects');
      return removed.flatMap((object: unknown) =>
        object !== null && typeof object === 'object' && 'name' in object && typeof object.name === 'string' ? [object.name] : [],
      );
    },
  };
}
