import { corsHeaders } from './cors.ts';

/** An error that answers with its own status and code; anything else thrown is a 500. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A JSON response with the CORS headers every function response carries. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...corsHeaders, 'Content-Type': 'application/json', ...headers } });
}

/**
 * The error JSON, `{code, message}`. An unexpected error is logged with an id that the
 * response carries too, so a user's report leads to the log line.
 */
export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) return json({ code: error.code, message: error.message }, error.status);
  const errorId = crypto.randomUUID();
  console.error(`error ${errorId}:`, error);
  return json({ code: 'internal_error', message: 'Internal error (see the function log)', error_id: errorId }, 500);
}

/** The caller's bearer token; a missing or malformed header is a 401, never a 500 further down. */
export function bearerToken(req: Request): string {
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.get('Authorization') ?? '')?.[1];
  if (!token) throw new HttpError(401, 'missing_token', 'Missing or malformed Authorization header');
  return token;
}

/**
 * A `Deno.serve` handler around a function's logic: answers the browser's CORS preflight
 * and turns whatever the logic throws into an error response.
 */
export function handler(logic: (req: Request) => Response | Promise<Response>): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method === 'OPTIONS') return new Response('ok', { headers: corsHeaders });
    try {
      return await logic(req);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
