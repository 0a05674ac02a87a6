import { AuthApiError } from './errors.ts';

/** Stale keys are swept after this many operations, so many one-off IPs cannot grow the map forever. */
const sweepEvery = 1_000;

/**
 * Counts events per key (an IP address, an email) in a sliding window and refuses the
 * `limit + 1`-th. State lives in memory: limits start fresh when the stack restarts and are
 * not shared between processes, which is fine for one local server (hosted Supabase keeps
 * them per Auth instance too). A limit that is not a positive number disables the limiter.
 */
export class SlidingWindowLimiter {
  private readonly events = new Map<string, number[]>();
  private operations = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `key` may have one more event; 0 when it may now. */
  retryAfterSeconds(key: string): number {
    if (!(this.limit > 0)) return 0;
    const times = this.recent(key);
    if (times.length < this.limit) return 0;
    const oldestCounted = times[times.length - this.limit] ?? this.now();
    return Math.max(1, Math.ceil((oldestCounted + this.windowMs - this.now()) / 1000));
  }

  record(key: string): void {
    if (!(this.limit > 0)) return;
    const times = this.recent(key);
    times.push(this.now());
    this.events.set(key, times);
    this.maybeSweep();
  }

  /** Records an event for `key` unless it is over the limit; returns the seconds to wait then, else 0. */
  take(key: string): number {
    const wait = this.retryAfterSeconds(key);
    if (wait === 0) this.record(key);
    return wait;
  }

  /** Takes back the latest event of `key` (an attempt that turned out not to count). */
  release(key: string): void {
    const times = this.recent(key);
    times.pop();
    if (times.length === 0) this.events.delete(key);
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const times = (this.events.get(key) ?? []).filter((t) => t > cutoff);
    if (times.length === 0) this.events.delete(key);
    else this.events.set(key, times);
    return times;
  }

  private maybeSweep(): void {
    this.operations += 1;
    if (this.operations % sweepEvery !== 0) return;
    for (const key of [...this.events.keys()]) this.recent(key);
  }
}

/** Counts a request against a per-IP limiter, or refuses it as GoTrue does: 429 over_request_rate_limit. */
export function countRequest(limiter: SlidingWindowLimiter, ip: string): void {
  const wait = limiter.take(ip);
  if (wait > 0) throw new AuthApiError(429, 'over_request_rate_limit', 'Request rate limit reached', { 'retry-after': String(wait) });
}

/** Refusal of password sign-ins for an email after too many failures, saying how long to wait. */
export function signInsLocked(retryAfterSeconds: number): AuthApiError {
  return new AuthApiError(
    429,
    'over_request_rate_limit',
    `Too many failed sign-in attempts for this email address. Try again in ${retryAfterSeconds} seconds.`,
    { 'retry-after': String(retryAfterSeconds) },
  );
}
