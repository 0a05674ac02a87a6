import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { failureMessage, requestHeaders, responseContent, sendRequest, timeoutMessage } from '../../supabase/local/net/send.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });

describe('pg_net responses, as the local stack records them', () => {
  it('gives libcurl\'s messages for the failures fetch reports', () => {
    expect(failureMessage(fetchFailed(withCode('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED')), false)).toBe("Couldn't connect to server");
    const everyAddress = new AggregateError([withCode('connect ECONNREFUSED ::1:9', 'ECONNREFUSED')], 'all failed');
    expect(failureMessage(fetchFailed(everyAddress), false)).toBe("Couldn't connect to server");
    expect(failureMessage(fetchFailed(withCode('getaddrinfo ENOTFOUND nowhere.invalid', 'ENOTFOUND')), false)).toBe("Couldn't resolve host name");
    expect(failureMessage(fetchFailed(withCode('other side closed', 'UND_ERR_SOCKET')), false)).toBe('Server returned nothing (no headers, no data)');
    expect(failureMessage(new TypeError('terminated', { cause: withCode('other side closed', 'UND_ERR_SOCKET') }), true)).toBe('Transferred a partial file');
    expect(failureMessage(fetchFailed(new Error('redirect count exceeded')), false)).toBe('redirect count exceeded');
  });

  it('words a timeout as pg_net does, with the time taken', () => {
    expect(timeoutMessage(300, 301.5)).toBe('Timeout of 300 ms reached. Total time: 301.500000 ms');
  });

  it('keeps content as text up to its first NUL byte, and none when empty', () => {
    expect(responseContent(new TextEncoder().encode('{"ok":"é"}'))).toBe('{"ok":"é"}');
    expect(responseContent(Uint8Array.from([0x61, 0x62, 0, 0x63]))).toBe('ab');
    expect(responseContent(new Uint8Array())).toBeNull();
  });

  it('sends pg_net\'s User-Agent unless the caller names one', () => {
    expect(requestHeaders([['X-Trace', '1']]).get('user-agent')).toBe('pg_net/0.20.4');
    expect(requestHeaders([['User-Agent', 'etl-resume']]).get('user-agent')).toBe('etl-resume');
  });
});

describe('sending one request', () => {
  async function withServer(test: (url: string, bodies: string[]) => Promise<void>): Promise<void> {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        bodies.push(`${req.method} ${req.headers['content-length'] ?? '-'} ${body}`);
        if (req.url === '/never') return;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      await test(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  const request = { method: 'POST', headers: [] as [string, string][], body: null, timeoutMs: 5000 };

  it('posts an empty body when the request has none, as curl does; an empty answer has no content', async () => {
    await withServer(async (url, bodies) => {
      const response = await sendRequest({ ...request, url }, new AbortController().signal);
      expect(response).toMatchObject({ statusCode: 200, content: null, timedOut: false, errorMsg: null });
      expect(bodies).toEqual(['POST 0 ']);
    });
  });

  it('refuses a URL that is not http or https, as pg_net\'s curl does', async () => {
    expect(await sendRequest({ ...request, url: 'ftp://127.0.0.1/file' }, new AbortController().signal)).toEqual({
      statusCode: null, contentType: null, headers: null, content: null, timedOut: false, errorMsg: 'Unsupported protocol',
    });
  });

  it('ends a request in flight when the stack stops, without calling it a timeout', async () => {
    await withServer(async (url) => {
      const stopping = new AbortController();
      const sent = sendRequest({ ...request, url: `${url}/never` }, stopping.signal);
      setTimeout(() => stopping.abort(), 100);
      expect(await sent).toMatchObject({ timedOut: false, errorMsg: 'The local stack stopped before the request finished' });
    });
  });
});
