/**
 * The resource limits of hosted Supabase Edge Functions
 * (https://supabase.com/docs/guides/functions/limits), which the local stack enforces by
 * default so that a function that passes here does not die there:
 * - CPU time: 2 s per request. Past the soft limit a worker retires (it finishes what it is
 *   doing and takes no new request; a fresh worker does); past the hard limit, counted from
 *   the moment it last had nothing to do, it is killed and its requests answer 546.
 * - Memory: 256 MB per worker, above what the runtime itself takes at boot.
 * - Wall clock: a worker lives 150 s (the free plan; 400 s paid), then it is killed.
 * - Request idle timeout: a response must start within 150 s, else 504.
 * Set through the environment (0 turns a limit off). Supabase's config.toml has no keys for
 * these, and the Supabase CLI refuses unknown keys, so they cannot live there.
 */
export interface WorkerLimits {
  cpuSoftMs: number;
  cpuHardMs: number;
  memoryMb: number;
  wallClockMs: number;
  requestIdleMs: number;
}

export const hostedLimits: WorkerLimits = {
  cpuSoftMs: 1_000,
  cpuHardMs: 2_000,
  memoryMb: 256,
  wallClockMs: 150_000,
  requestIdleMs: 150_000,
};

/** The environment variable of each limit and the unit it is written in. */
const variables: Record<keyof WorkerLimits, [name: string, unitMs: number]> = {
  cpuSoftMs: ['FUNCTIONS_CPU_TIME_SOFT_LIMIT_MS', 1],
  cpuHardMs: ['FUNCTIONS_CPU_TIME_HARD_LIMIT_MS', 1],
  memoryMb: ['FUNCTIONS_MEMORY_LIMIT_MB', 1],
  // Named after the Supabase CLI's SUPABASE_INTERNAL_WALLCLOCK_LIMIT_SEC.
  wallClockMs: ['FUNCTIONS_WALL_CLOCK_LIMIT_SEC', 1_000],
  requestIdleMs: ['FUNCTIONS_REQUEST_IDLE_TIMEOUT_SEC', 1_000],
};

/** The limits in force: hosted Supabase's, each replaced by its environment variable when set. */
export function workerLimits(env: NodeJS.ProcessEnv = process.env): WorkerLimits {
  const limits = { ...hostedLimits };
  for (const [key, [name, unit]] of Object.entries(variables) as [keyof WorkerLimits, [string, number]][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name}=${raw}: give a number of ${unit === 1 ? (key === 'memoryMb' ? 'megabytes' : 'milliseconds') : 'seconds'}, or 0 for no limit`);
    limits[key] = value * unit;
  }
  return limits;
}
