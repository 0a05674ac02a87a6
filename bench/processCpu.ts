import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of the processes on this machine, read from /proc (Linux): what a benchmark run
 * cost each part of the stack, beside its wall time. On a machine with few cores the parts
 * share them, so the sum bounds how fast a run can be, however well they overlap.
 */

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) by process id, with the process's command line. */
export type CpuSnapshot = Map<string, { seconds: number; command: string }>;

export function cpuSnapshot(): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command (which may hold spaces) start at ")"; utime and stime are the 14th and 15th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      snapshot.set(pid, { seconds, command });
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
