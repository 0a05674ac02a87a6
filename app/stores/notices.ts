import { create } from 'zustand';
import { describeError, type UserMessage } from '../lib/errors.ts';
import { useConnection } from './connection.ts';

export interface Notice {
  id: number;
  message: UserMessage;
  tone: 'error' | 'success';
}

interface NoticesState {
  queue: Notice[];
  push(message: UserMessage, tone: Notice['tone']): void;
  dismiss(id: number): void;
  /** Drops every waiting error, shown or not: what they said no longer holds (a later sign-in worked). */
  clearErrors(): void;
}

let nextId = 1;

/** What a request that got no answer says (lib/errors.ts); OfflineBanner.tsx says the same while it shows. */
const offlineKey = 'errors.network';

/** Toasts waiting to be shown, one at a time, oldest first. */
export const useNotices = create<NoticesState>()((set) => ({
  queue: [],
  push: (message, tone) =>
    set((state) => {
      // While the backend is out of reach the offline banner says so; a toast would say it a second time.
      if (message.key === offlineKey && !useConnection.getState().reachable) return state;
      // The same message twice in a row (retries of one failure) is shown once.
      const last = state.queue.at(-1);
      if (last && last.message.key === message.key && JSON.stringify(last.message.values) === JSON.stringify(message.values)) return state;
      return { queue: [...state.queue, { id: nextId++, message, tone }] };
    }),
  dismiss: (id) => set((state) => ({ queue: state.queue.filter((n) => n.id !== id) })),
  clearErrors: () => set((state) => ({ queue: state.queue.filter((n) => n.tone !== 'error') })),
}));

export const selectCurrentNotice = (s: NoticesState) => s.queue[0];

/** Tells the person what failed and what to do: every failed request ends here or in a page's own message. */
export function reportError(error: unknown): void {
  useNotices.getState().push(describeError(error), 'error');
}

export function reportSuccess(key: string, values?: UserMessage['values']): void {
  useNotices.getState().push({ key, values }, 'success');
}
