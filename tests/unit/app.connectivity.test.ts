import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Connectivity, resilientFetch } from '../../app/lib/connectivity.ts';

/** A fetch that answers from a script: an Error is thrown (no connection), a number is a status. */
function scriptedFetch(script: (number | Error)[]) {
  const calls: string[] = [];
  const fetch = vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
    calls.push(init?.method ?? 'GET');
    const next = script.shift() ?? 200;
    if (next instanceof Error) throw next;
    return new Response(null, { status: next });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

describe('resilientFetch', () => {
  const changes: boolean[] = [];
  let connectivity: Connectivity;

  beforeEach(() => {
    changes.length = 0;
    connectivity = new Connectivity({ probe: async () => false, onChange: (reachable) => changes.push(reachable), probeDelaysMs: [60_000] });
  });
  afterEach(() => connectivity.stop());

  it('retries a GET after lost connections and gateway errors, and reports the backend unreachable, then back', async () => {
    const { fetch, calls } = scriptedFetch([new TypeError('Failed to fetch'), 503, 200]);
    const response = await resilientFetch(fetch, connectivity, [1, 1, 1])('http://api/rest/v1/x');
    expect(response.status).toBe(200);
    expect(calls).toEqual(['GET', 'GET', 'GET']);
    expect(changes).toEqual([false, true]);
  });

  it('gives up after the last wait and passes the failure on', async () => {
    const { fetch, calls } = scriptedFetch([new TypeError('a'), new TypeError('b'), new TypeError('c')]);
    await expect(resilientFetch(fetch, connectivity, [1, 1])('http://api/rest/v1/x')).rejects.toThrow('c');
    expect(calls).toHaveLength(3);
    expect(connectivity.reachable).toBe(false);
  });

  it('sends a write once: repeating a POST could apply it twice', async () => {
    const { fetch, calls } = scriptedFetch([new TypeError('Failed to fetch')]);
    await expect(resilientFetch(fetch, connectivity, [1, 1])('http://api/rest/v1/rpc/x', { method: 'POST' })).rejects.toThrow('Failed to fetch');
    const gateway = scriptedFetch([503]);
    expect((await resilientFetch(gateway.fetch, connectivity, [1])('http://api/rest/v1/x', { method: 'PATCH' })).status).toBe(503);
    expect([calls, gateway.calls]).toEqual([['POST'], ['PATCH']]);
  });

  it('stops retrying when the caller aborts', async () => {
    const controller = new AbortController();
    const { fetch, calls } = scriptedFetch([new TypeError('Failed to fetch'), 200]);
    const pending = resilientFetch(fetch, connectivity, [10_000])('http://api/rest/v1/x', { signal: controller.signal });
    controller.abort(new DOMException('stop', 'AbortError'));
    await expect(pending).rejects.toThrow('stop');
    expect(calls).toHaveLength(1);
  });
});

describe('Connectivity', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('probes with growing pauses until the backend answers, then says it is back', async () => {
    const answers = [false, false, true];
    const probe = vi.fn(async () => answers.shift() ?? true);
    const changes: boolean[] = [];
    const connectivity = new Connectivity({ probe, onChange: (reachable) => changes.push(reachable), probeDelaysMs: [100, 200, 400] });
    connectivity.markUnreachable();
    connectivity.markUnreachable();
    expect(changes).toEqual([false]);
    await vi.advanceTimersByTimeAsync(100);
    expect(probe).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(199);
    expect(probe).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(probe).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(400);
    expect(probe).toHaveBeenCalledTimes(3);
    expect(changes).toEqual([false, true]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(probe).toHaveBeenCalledTimes(3);
  });

  it('probes at once when asked, and not at all while the backend is reachable', async () => {
    const probe = vi.fn(async () => true);
    const connectivity = new Connectivity({ probe, onChange: () => {}, probeDelaysMs: [60_000] });
    connectivity.probeNow();
    expect(probe).not.toHaveBeenCalled();
    connectivity.markUnreachable();
    connectivity.probeNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(probe).toHaveBeenCalledTimes(1);
    expect(connectivity.reachable).toBe(true);
  });
});
