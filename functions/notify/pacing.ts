/**
 * The pace each service allows, kept by waiting (a few hundred milliseconds of wall time, no
 * CPU) rather than by a 429 and a retry a minute later:
 * - Telegram: about one message a second to one chat, and 30 a second from one bot
 *   (core.telegram.org/bots/faq, "My bot is hitting limits");
 * - Slack incoming webhooks: one message a second per webhook (api.slack.com/apis/rate-limits).
 * The last send to a destination comes from the outbox (read by deliver.ts under a lock on the
 * destination, so another run's send counts) and from this run's own sends.
 */

interface Pace {
  /** Least time between two messages to one destination. */
  gapMs: number;
  /** Most messages a second over all destinations of the channel. */
  perSecond?: number;
}

const paces: Partial<Record<string, Pace>> = {
  telegram: { gapMs: 1000, perSecond: 30 },
  slack: { gapMs: 1000 },
};

/** Whether messages on `channel` keep a pace per destination. */
export const isPaced = (channel: string): boolean => paces[channel] !== undefined;

export class Pacer {
  private readonly lastSent = new Map<string, number>();
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<unknown> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Waits until a message on `channel` to `destination` keeps the service's pace; `sentBefore` is the outbox's last send there. */
  async wait(channel: string, destination: string, sentBefore: Date | null): Promise<number> {
    const pace = paces[channel];
    if (!pace) return 0;
    const last = Math.max(this.lastSent.get(`${channel} ${destination}`) ?? 0, sentBefore?.getTime() ?? 0);
    let waitMs = Math.max(0, last + pace.gapMs - this.now());
    const window = (this.recent.get(channel) ?? []).filter((at) => at > this.now() + waitMs - 1000);
    if (pace.perSecond && window.length >= pace.perSecond) waitMs = Math.max(waitMs, window[window.length - pace.perSecond]! + 1000 - this.now());
    if (waitMs > 0) await this.sleep(waitMs);
    return waitMs;
  }

  /** A message left for `destination` now. */
  sent(channel: string, destination: string): void {
    if (!paces[channel]) return;
    const at = this.now();
    this.lastSent.set(`${channel} ${destination}`, at);
    this.recent.set(channel, [...(this.recent.get(channel) ?? []).filter((t) => t > at - 1000), at]);
  }
}
