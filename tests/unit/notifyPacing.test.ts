import { describe, expect, it } from 'vitest';
import { Pacer } from '../../functions/notify/pacing.ts';

/** The delivery keeps each service's documented pace by waiting; a virtual clock stands for the wait. */
function pacerOnClock() {
  let clock = 1_000_000;
  const pacer = new Pacer(() => clock, async (ms) => { clock += ms; });
  return { pacer, advance: (ms: number) => { clock += ms; }, now: () => clock };
}

describe('delivery pace', () => {
  it('leaves a second between two Telegram messages to one chat, none between different chats', async () => {
    const { pacer, advance } = pacerOnClock();
    expect(await pacer.wait('telegram', 'alice', null)).toBe(0);
    pacer.sent('telegram', 'alice');
    advance(300);
    expect(await pacer.wait('telegram', 'alice', null)).toBe(700);
    pacer.sent('telegram', 'alice');
    expect(await pacer.wait('telegram', 'bob', null)).toBe(0);
  });

  it('counts a send of another run, as the outbox records it', async () => {
    const { pacer, now } = pacerOnClock();
    expect(await pacer.wait('telegram', 'alice', new Date(now() - 250))).toBe(750);
    expect(await pacer.wait('slack', 'team', new Date(now() - 2000))).toBe(0);
  });

  it('keeps a bot at 30 messages a second over all chats', async () => {
    const { pacer, advance } = pacerOnClock();
    for (let i = 0; i < 30; i++) {
      expect(await pacer.wait('telegram', `chat-${i}`, null)).toBe(0);
      pacer.sent('telegram', `chat-${i}`);
      advance(10);
    }
    // The first of the 30 left 300 ms ago: the 31st waits the rest of its second.
    expect(await pacer.wait('telegram', 'chat-30', null)).toBe(700);
  });

  it('does not pace channels without a documented per-destination limit', async () => {
    const { pacer } = pacerOnClock();
    pacer.sent('web_push', 'alice');
    expect(await pacer.wait('web_push', 'alice', new Date())).toBe(0);
  });
});
