import { create } from 'zustand';

interface ConnectionState {
  /** False while the backend cannot be reached; lib/connectivity.ts probes until it can. */
  reachable: boolean;
  /** Set when a new version of the app is installed and waiting: activates it and reloads. */
  activateUpdate: (() => void) | null;
  setReachable(reachable: boolean): void;
  offerUpdate(activate: () => void): void;
  postponeUpdate(): void;
}

export const useConnection = create<ConnectionState>()((set) => ({
  reachable: true,
  activateUpdate: null,
  setReachable: (reachable) => set({ reachable }),
  offerUpdate: (activate) => set({ activateUpdate: activate }),
  postponeUpdate: () => set({ activateUpdate: null }),
}));

export const selectReachable = (s: ConnectionState) => s.reachable;
export const selectActivateUpdate = (s: ConnectionState) => s.activateUpdate;
