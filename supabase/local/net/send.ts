/**
 * One request of the pg_net stand-in, sent with fetch and answered as pg_net's worker records
 * it in net._http_response: status, headers and content on any HTTP answer; on a failure
 * `timed_out` and libcurl's message (curl_easy_strerror), which pg_net stores.
 * https://github.com/supabase/pg_net/blob/master/src/core.c (insert_response)
 */

/** A row of net.http_request_queue as the runner takes it. */
export interface NetRequest {
  method: string;
  url: string;
  /** `[name, value]` pairs, as pg_net reads them with jsonb_each_text. */
  headers: [string, string][];
  body: Uint8Array<ArrayBuffer> | null;
  /** 0 waits for ever, as curl's CURLOPT_TIMEOUT_MS. */
  timeoutMs: number;
}

/** A row of net._http_response but its id and creation time. */
export interface NetResponse {
  statusCode: number | null;
  contentType: string | null;
  headers: Record<string, string> | null;
  content: string | null;
  timedOut: boolean;
  errorMsg: string | null;
}

/** pg_net sends its version as the User-Agent. */
export const userAgent = 'pg_net/0.20.4';

/** What libcurl says for the failures fetch reports by these codes. */
const curlMessages: Record<string, string> = {
  ECONNREFUSED: "Couldn't connect to server",
  EHOSTUNREACH: "Couldn't connect to server",
  ENETUNREACH: "Couldn't connect to server",
  ENOTFOUND: "Couldn't resolve host name",
  EAI_AGAIN: "Couldn't resolve host name",
  ECONNRESET: 'Failure when receiving data from the peer',
  UND_ERR_SOCKET: 'Server returned nothing (no headers, no data)',
  UND_ERR_HEADERS_OVERFLOW: 'Failure when receiving data from the peer',
};

/** The message pg_net records when a request times out; fetch cannot tell the phases apart. */
export function timeoutMessage(timeoutMs: number, elapsedMs: number): string {
  return `Timeout of ${timeoutMs} ms reached. Total time: ${elapsedMs.toFixed(6)} ms`;
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    // Node tries every address of a host (autoSelectFamily) and reports them together.
    if (e instanceof AggregateError) return errorCode(e.errors[0]);
  }
  return undefined;
}

function innermostMessage(error: unknown): string {
  let e: unknown = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(error);
}

/**
 * libcurl's message for a failed request. A connection closed before any header is "Server
 * returned nothing"; after the headers, the body was cut short.
 */
export function failureMessage(error: unknown, answered: boolean): string {
  const code = errorCode(error);
  if (answered && (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET')) return 'Transferred a partial file';
  return (code && curlMessages[code]) ?? innermostMessage(error);
}

/** The content as pg_net stores it: UTF-8 text up to the first NUL byte, null when empty. */
export function responseContent(bytes: Uint8Array): string | null {
  const nul = bytes.indexOf(0);
  const text = new TextDecoder().decode(nul === -1 ? bytes : bytes.subarray(0, nul));
  return text === '' ? null : text;
}

/** The request's headers, with pg_net's User-Agent unless the caller named one. */
export function requestHeaders(pairs: [string, string][]): Headers {
  const headers = new Headers();
  for (const [name, value] of pairs) headers.append(name, value);
  if (!headers.has('user-agent')) headers.set('user-agent', userAgent);
  return headers;
}

function failed(errorMsg: string, timedOut = false): NetResponse {
  return { statusCode: null, contentType: null, headers: null, content: null, timedOut, errorMsg };
}

/**
 * Sends one request, following redirects as pg_net does; the timeout covers the whole exchange,
 * body included. `stopping` aborts it when the stack stops.
 */
export async function sendRequest(request: NetRequest, stopping: AbortSignal): Promise<NetResponse> {
  if (!/^https?:\/\//i.test(request.url)) return failed('Unsupported protocol');
  const started = performance.now();
  const timeout = request.timeoutMs > 0 ? AbortSignal.timeout(request.timeoutMs) : undefined;
  let answered = false;
  try {
    const response = await fetch(request.url, {
      method: request.method.toUpperCase(),
      headers: requestHeaders(request.headers),
      // curl posts an empty body when there is none.
      body: request.body ?? (request.method.toUpperCase() === 'POST' ? '' : undefined),
      redirect: 'follow',
      signal: timeout ? AbortSignal.any([timeout, stopping]) : stopping,
    });
    answered = true;
    const content = responseContent(new Uint8Array(await response.arrayBuffer()));
    return {
      statusCode: response.status,
      contentType: response.headers.get('content-type'),
      headers: Object.fromEntries(response.headers),
      content,
      timedOut: false,
      errorMsg: null,
    };
  } catch (error) {
    if (timeout?.aborted) return failed(timeoutMessage(request.timeoutMs, performance.now() - started), true);
    if (stopping.aborted) return failed('The local stack stopped before the request finished');
    return failed(failureMessage(error, answered));
  }
}
