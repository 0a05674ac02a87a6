import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Who still holds a cluster folder. A postmaster and every backend it forks change into the
 * data folder, so on Linux the processes whose working folder it is are exactly the server and
 * its children, including backends orphaned when their postmaster was killed (they go within
 * seconds). Zombies have no working folder, so a dead but unreaped postmaster holds nothing.
 */
export interface Holder {
  pid: number;
  command: string;
}

/** The stack process that started the server, written beside it (see ownerFile). */
const ownerFile = 'arbidesk.owner';

function processState(pid: number): string | undefined {
  try {
    // "pid (comm) S …": the state follows the last parenthesis (comm may hold any character).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (a zombie answers kill(pid, 0) but will never run again). */
export function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const state = processState(pid);
  return state !== 'Z' && state !== 'X';
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ') || `pid ${pid}`;
  } catch {
    return `pid ${pid}`;
  }
}

/** The postmaster's pid as its lock file names it (first line of postmaster.pid). */
export function postmasterPid(clusterDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The processes holding the cluster folder now. */
export function holders(clusterDir: string): Holder[] {
  if (!existsSync('/proc/self/cwd')) {
    // No /proc (macOS): the lock file's postmaster is all that can be known.
    const pid = postmasterPid(clusterDir);
    return pid !== undefined && isRunning(pid) ? [{ pid, command: `postgres (pid ${pid})` }] : [];
  }
  const folder = realpathSync(clusterDir);
  const found: Holder[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readlinkSync(`/proc/${pid}/cwd`) === folder) found.push({ pid, command: commandOf(pid) });
    } catch {
      // Gone meanwhile, a zombie, or another user's process that cannot be ours.
    }
  }
  return found;
}

/** Records that this process runs the server, so a later start can tell a leftover from a live stack. */
export function claimCluster(clusterDir: string): void {
  writeFileSync(join(clusterDir, ownerFile), `${process.pid}\n`);
}

export function releaseCluster(clusterDir: string): void {
  rmSync(join(clusterDir, ownerFile), { force: true });
}

/** The stack process that started the server on this folder, when it still runs. */
export function liveOwner(clusterDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(clusterDir, ownerFile), 'utf8'), 10);
    return isRunning(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}
