import { readdirSync, readFileSync } from 'node:fs';
import { processUsage } from '../supabase/local/functions/processUsage.ts';

/**
 * CPU time of the processes on this machine, read from /proc (Linux): what a benchmark run
 * cost each part of the stack, beside its wall time. On a machine with few cores the parts
 * share them, so the sum bounds how fast a run can be, however well they overlap.
 */

/** CPU seconds (user + system) by process id, with the process's command line. */
export type CpuSnapshot = Map<string, { seconds: number; command: string }>;

export function cpuSnapshot(): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const usage = processUsage(Number(pid));
    if (!usage) continue;
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      snapshot.set(pid, { seconds: usage.cpuMs / 1000, command });
    } catch {
      // The process ended between listing and reading.
    }
  }
  return snapshot;
}

/**
 * CPU seconds spent between two snapshots, summed by the group `groupOf` names for each
 * process (null: left out). A process that started in between counts from zero.
 */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot, groupOf: (pid: string, command: string) => string | null): Map<string, number> {
  const groups = new Map<string, number>();
  for (const [pid, { seconds, command }] of after) {
    const group = groupOf(pid, command);
    if (group === null) continue;
    const spent = seconds - (before.get(pid)?.seconds ?? 0);
    groups.set(group, (groups.get(group) ?? 0) + spent);
  }
  return groups;
}
