import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sql } from 'postgres';
import { waitFor } from '../support/waitFor.ts';

/** A request as the test server received it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Recorder {
  url: string;
  received: ReceivedRequest[];
  /** The most requests to each path the server was answering at one time. */
  mostAtOnce: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A local HTTP server for net.* requests to reach. `/echo…` answers 201 with a JSON body and a
 * header of its own; `/slow?ms=N` answers after N ms; `/hang-up` closes the connection unanswered.
 */
export async function startRecorder(): Promise<Recorder> {
  const answering = new Map<string, number>();
  const recorder: Recorder = { url: '', received: [], mostAtOnce: new Map(), close: async () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://recorder');
      recorder.received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (url.pathname === '/hang-up') {
        req.socket.destroy();
        return;
      }
      const now = (answering.get(url.pathname) ?? 0) + 1;
      answering.set(url.pathname, now);
      recorder.mostAtOnce.set(url.pathname, Math.max(recorder.mostAtOnce.get(url.pathname) ?? 0, now));
      setTimeout(() => {
        answering.set(url.pathname, (answering.get(url.pathname) ?? 1) - 1);
        res.writeHead(url.pathname.startsWith('/echo') ? 201 : 200, { 'content-type': 'application/json', 'x-recorder': 'yes' });
        res.end(JSON.stringify({ received: url.pathname }));
      }, Number(url.searchParams.get('ms') ?? 0));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  recorder.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  recorder.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return recorder;
}

/** A row of net._http_response. */
export interface ResponseRow {
  status_code: number | null;
  content_type: string | null;
  headers: Record<string, string> | null;
  content: string | null;
  timed_out: boolean | null;
  error_msg: string | null;
}

/** The response of a request, once the local stack's runner has written it. */
export async function responseOf(sql: Sql, id: string): Promise<ResponseRow> {
  const read = () => sql<ResponseRow[]>`
    select status_code, content_type, headers, content, timed_out, error_msg from net._http_response where id = ${id}`;
  await waitFor(`the response to request ${id}`, async () => (await read()).length > 0, 15_000);
  const [row] = await read();
  if (!row) throw new Error(`request ${id} has no response`);
  return row;
}
