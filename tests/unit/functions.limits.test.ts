import { describe, expect, it } from 'vitest';
import { hostedLimits, workerLimits } from '../../supabase/local/functions/limits.ts';

describe('the Edge Function limits in force', () => {
  it('are hosted Supabase\'s when the environment says nothing', () => {
    expect(workerLimits({})).toEqual({ cpuSoftMs: 1_000, cpuHardMs: 2_000, memoryMb: 256, wallClockMs: 150_000, requestIdleMs: 150_000 });
    expect(workerLimits({})).toEqual(hostedLimits);
  });

  it('take each limit from its variable, in its unit, 0 turning it off', () => {
    expect(workerLimits({ FUNCTIONS_CPU_TIME_HARD_LIMIT_MS: '5000', FUNCTIONS_WALL_CLOCK_LIMIT_SEC: '400', FUNCTIONS_MEMORY_LIMIT_MB: '0', FUNCTIONS_REQUEST_IDLE_TIMEOUT_SEC: '' })).toEqual({
      ...hostedLimits, cpuHardMs: 5_000, wallClockMs: 400_000, memoryMb: 0,
    });
  });

  it('refuse a value that is not a number, saying which variable and unit', () => {
    expect(() => workerLimits({ FUNCTIONS_WALL_CLOCK_LIMIT_SEC: '2m' })).toThrow('FUNCTIONS_WALL_CLOCK_LIMIT_SEC=2m: give a number of seconds, or 0 for no limit');
    expect(() => workerLimits({ FUNCTIONS_MEMORY_LIMIT_MB: '-1' })).toThrow('FUNCTIONS_MEMORY_LIMIT_MB=-1: give a number of megabytes, or 0 for no limit');
  });
});
