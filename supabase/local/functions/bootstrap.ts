// Runs under Deno, not Node: DenoWorker.ts starts one Deno process per function on this file,
// with the function's entrypoint URL as the argument. It plays the part of Supabase's edge
// runtime around the function's own module, which calls `Deno.serve` exactly as it does on
// Supabase: this file decides where that server listens and what an uncaught error returns.
// Type-checked by `npm run check:functions` (Deno's types), not by tsc.

/** DenoWorker.ts reads this line on stdout to learn the worker's port. */
const listeningLine = 'arbidesk-worker-listening ';

const entrypoint = Deno.args[0];
if (!entrypoint) throw new Error('usage: bootstrap.ts <entrypoint file URL>');

/** The JSON an uncaught error turns into; the id ties the response to the log line. */
function workerError(error: unknown): Response {
  const errorId = crypto.randomUUID();
  console.error(`error ${errorId}:`, error);
  return Response.json(
    { code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)', error_id: errorId },
    { status: 500 },
  );
}

const serve = Deno.serve;
let served = false;

/**
 * Deno.serve with any of its signatures. The function's own host, port and TLS options are
 * ignored: the relay reaches it on a free loopback port, as Supabase's relay reaches its worker.
 */
function serveForRelay(...args: unknown[]): Deno.HttpServer {
  const [first, second] = args;
  const options = typeof first === 'object' && first !== null ? (first as { handler?: Deno.ServeHandler; signal?: AbortSignal }) : {};
  const handler = typeof first === 'function' ? first : typeof second === 'function' ? second : options.handler;
  if (typeof handler !== 'function') throw new TypeError('Deno.serve needs a handler');
  if (served) throw new Error('Deno.serve was called twice: a function serves one handler');
  served = true;
  const guarded: Deno.ServeHandler = async (req, info) => {
    try {
      return await (handler as Deno.ServeHandler)(req, info);
    } catch (error) {
      return workerError(error);
    }
  };
  return serve({
    hostname: '127.0.0.1',
    port: 0,
    signal: options.signal,
    onListen: ({ port }) => console.log(`${listeningLine}${port}`),
    handler: guarded,
  });
}

Deno.serve = serveForRelay as typeof Deno.serve;

/** DenoWorker.ts reads this line to know how many background tasks still run. */
const backgroundLine = 'arbidesk-worker-background ';
const background = new Set<Promise<unknown>>();

/**
 * `EdgeRuntime.waitUntil(promise)`, as Supabase's edge runtime has it: work that goes on after
 * the response (https://supabase.com/docs/guides/functions/background-tasks). The worker is
 * kept while such work runs, and its CPU time counts against the limits as a request's does.
 */
function waitUntil(promise: Promise<unknown>): void {
  const task = Promise.resolve(promise).catch((error: unknown) => console.error('background task failed:', error));
  background.add(task);
  console.log(`${backgroundLine}${background.size}`);
  void task.finally(() => {
    background.delete(task);
    console.log(`${backgroundLine}${background.size}`);
  });
}

Object.defineProperty(globalThis, 'EdgeRuntime', { value: Object.freeze({ waitUntil }), enumerable: false });

// stdin is a pipe from the stack: it closes when the stack's process ends, however it ends,
// and no worker outlives it.
void (async () => {
  for await (const _ of Deno.stdin.readable);
  Deno.exit(0);
})();

await import(entrypoint);
