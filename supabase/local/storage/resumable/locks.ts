import { setTimeout as sleep } from 'node:timers/promises';
import { tusErrors } from './protocol.ts';

interface Holder {
  cancel: () => void;
  released: Promise<void>;
}

/**
 * One request at a time on an upload, as @tus/server's lockers: a newcomer asks the holder to
 * stop (a PATCH whose client went away may not have noticed yet) and waits for it to let go,
 * so that a HEAD after a dropped connection answers the offset the dropped request left.
 */
export class UploadLocks {
  private readonly held = new Map<string, Holder>();

  constructor(private readonly drainMs = 3_000) {}

  /** Waits for the upload, then holds it until the returned function is called. */
  async acquire(key: string, cancel: () => void = () => {}): Promise<() => void> {
    for (let holder = this.held.get(key); holder; holder = this.held.get(key)) {
      holder.cancel();
      const released = await Promise.race([holder.released.then(() => true), sleep(this.drainMs).then(() => false)]);
      if (!released) throw tusErrors.lockTimeout();
    }
    let release: () => void = () => {};
    const mine: Holder = { cancel, released: new Promise<void>((resolve) => (release = resolve)) };
    this.held.set(key, mine);
    return () => {
      if (this.held.get(key) === mine) this.held.delete(key);
      release();
    };
  }
}
