/** Pauses for `ms`, or rejects as soon as `signal` aborts. */
function pause(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

export interface ConnectivityOptions {
  /** True when the backend answers (a health check). */
  probe: () => Promise<boolean>;
  onChange: (reachable: boolean) => void;
  /** Waits between probes while the backend is unreachable; the last one repeats. */
  probeDelaysMs?: number[];
}

/**
 * Whether the backend is reachable. Requests report what they see; once one fails for want
 * of a connection, a health probe runs with growing pauses until the backend answers again,
 * so the app recovers by itself without anyone pressing anything.
 */
export class Connectivity {
  private reachableNow = true;
  private probeTimer: ReturnType<typeof setTimeout> | undefined;
  private failedProbes = 0;
  private probing = false;
  private readonly delays: number[];

  constructor(private readonly options: ConnectivityOptions) {
    this.delays = options.probeDelaysMs ?? [1_000, 2_000, 4_000, 8_000, 15_000];
  }

  get reachable(): boolean {
    return this.reachableNow;
  }

  markReachable(): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    this.failedProbes = 0;
    if (this.reachableNow) return;
    this.reachableNow = true;
    this.options.onChange(true);
  }

  markUnreachable(): void {
    if (this.reachableNow) {
      this.reachableNow = false;
      this.options.onChange(false);
    }
    this.ensureProbing();
  }

  /** Probes at once (the browser says it is online again, the person asks to retry). */
  probeNow(): void {
    if (this.reachableNow) return;
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    void this.runProbe();
  }

  stop(): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  private ensureProbing(): void {
    if (this.probeTimer !== undefined || this.probing) return;
    const delay = this.delays[Math.min(this.failedProbes, this.delays.length - 1)] ?? 15_000;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      void this.runProbe();
    }, delay);
  }

  private async runProbe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    let answered = false;
    try {
      answered = await this.options.probe();
    } catch {
      answered = false;
    } finally {
      this.probing = false;
    }
    if (answered) {
      this.markReachable();
      return;
    }
    this.failedProbes += 1;
    if (!this.reachableNow) this.ensureProbing();
  }
}

/** Statuses a gateway answers while the backend behind it is briefly away. */
const retryableStatuses = new Set([502, 503, 504]);

function requestMethod(input: RequestInfo | URL, init?: RequestInit): string {
  return (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
}

/**
 * A fetch for supabase-js that reports reachability to `connectivity` and retries idempotent
 * requests (GET, HEAD) after a network failure or a gateway error, waiting `retryDelaysMs`
 * between tries. Writes are sent once: repeating a POST could apply it twice.
 */
export function resilientFetch(
  baseFetch: typeof fetch,
  connectivity: Connectivity,
  retryDelaysMs: number[] = [400, 1_200, 3_000],
): typeof fetch {
  return async (input, init) => {
    const idempotent = ['GET', 'HEAD'].includes(requestMethod(input, init));
    for (let attempt = 0; ; attempt += 1) {
      const delay = idempotent ? retryDelaysMs[attempt] : undefined;
      let response: Response;
      try {
        response = await baseFetch(input, init);
      } catch (error) {
        // An abort is the caller's decision, not a lost connection.
        if (init?.signal?.aborted) throw init.signal.reason;
        if (error instanceof DOMException && error.name === 'AbortError') throw error;
        connectivity.markUnreachable();
        if (delay === undefined) throw error;
        await pause(delay, init?.signal);
        continue;
      }
      // A late answer to a request sent before the browser went offline proves nothing.
      if (typeof navigator === 'undefined' || navigator.onLine !== false) connectivity.markReachable();
      if (delay === undefined || !retryableStatuses.has(response.status)) return response;
      await response.body?.cancel();
      await pause(delay, init?.signal);
    }
  };
}
