import { readdirSync, readFileSync } from 'node:fs';

/**
 * The Deno processes that run the etl function of a stack started in this process (its
 * children), read from /proc: tests and the bench kill or watch them.
 */
export function etlWorkerPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('functions/etl/index.ts')) pids.push(pid);
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}
