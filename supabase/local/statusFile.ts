import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning } from './postgres/clusterHolders.ts';

/** What a running stack writes to `<dataDir>/status.json`, so `npm run status` can find it. */
export interface StackStatus {
  pid: number;
  apiUrl: string;
  dbUrl: string;
  appUrl?: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  vapidPublicKey?: string;
}

export function writeStatus(dataDir: string, status: StackStatus): void {
  writeFileSync(join(dataDir, 'status.json'), JSON.stringify(status, null, 2) + '\n', { mode: 0o600 });
}

export function clearStatus(dataDir: string): void {
  rmSync(join(dataDir, 'status.json'), { force: true });
}

/** The running stack's status, or undefined when none runs on this data folder. */
export function readStatus(dataDir: string): StackStatus | undefined {
  const file = join(dataDir, 'status.json');
  if (!existsSync(file)) return undefined;
  const status = JSON.parse(readFileSync(file, 'utf8')) as StackStatus;
  return isRunning(status.pid) ? status : undefined;
}
