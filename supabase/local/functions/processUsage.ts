import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** What a process has used: CPU time (user + system) and resident memory. */
export interface ProcessUsage {
  cpuMs: number;
  rssBytes: number;
}

/** Clock ticks per second of /proc's times (USER_HZ): 100 on every Linux in use. */
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
const pageBytes = 4096;

/**
 * The usage of a process from /proc (Linux), or undefined where there is none (macOS) or the
 * process is gone. Read from outside, so a process stuck in a loop is measured all the same.
 */
export function processUsage(pid: number): ProcessUsage | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "pid (comm) ": state is the 1st, utime the 12th and stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    const residentPages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    if (!Number.isFinite(cpuTicks) || !Number.isFinite(residentPages)) return undefined;
    return { cpuMs: (cpuTicks * 1000) / ticksPerSecond, rssBytes: residentPages * pageBytes };
  } catch {
    return undefined;
  }
}
