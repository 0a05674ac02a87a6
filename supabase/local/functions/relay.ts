import { request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { WorkerTarget } from './DenoWorker.ts';

/** How a relayed request ended. */
export type RelayOutcome =
  /** The worker's response went out whole. */
  | 'done'
  /** The worker did not start its response within the request idle timeout. */
  | 'idle'
  /** The worker's connection failed (it crashed or was stopped). */
  | 'failed'
  /** The client went away; the worker's request was aborted so the function sees it. */
  | 'gone';

/** Per-connection headers (RFC 9110 §7.6.1) that a proxy must not forward. */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!hopByHop.has(name) && value !== undefined) kept[name] = value;
  return kept;
}

/**
 * Proxies one request to a worker and its response back, both bodies streamed with
 * backpressure (`pipe`), so memory stays flat however large a body is. Nothing is answered
 * on failure: the caller decides (an error JSON while the headers are unsent, else a cut
 * connection).
 */
export function relay(req: IncomingMessage, res: ServerResponse, target: WorkerTarget, path: string, idleMs: number): Promise<RelayOutcome> {
  return new Promise((resolve) => {
    const upstream = request({ host: '127.0.0.1', port: target.port, agent: target.agent, method: req.method, path, headers: forwardable(req.headers) });
    let ended = false;
    const end = (outcome: RelayOutcome) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      if (outcome !== 'done') {
        req.unpipe(upstream);
        upstream.destroy();
        // What is left of the client's body is read and dropped, so an error can still be answered.
        req.resume();
      }
      resolve(outcome);
    };
    // Supabase's request idle timeout: the response must begin in time (0: no timeout).
    const timer = idleMs > 0 ? setTimeout(() => end('idle'), idleMs) : undefined;
    upstream.on('response', (answer) => {
      clearTimeout(timer);
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, forwardable(answer.headers));
      answer.pipe(res);
      answer.on('error', () => end('failed'));
      answer.on('aborted', () => end('failed'));
    });
    upstream.on('error', () => end('failed'));
    res.on('finish', () => end('done'));
    res.on('close', () => end(res.writableFinished ? 'done' : 'gone'));
    req.pipe(upstream);
  });
}
