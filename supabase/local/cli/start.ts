import { resolve } from 'node:path';
import { startStack } from '../stack.ts';
import { clearStatus, writeStatus } from '../statusFile.ts';
import { demoUsers } from '../demoUsers.ts';

/** `npm start`: the whole product on embedded defaults, with demo data on first start. */
async function main(): Promise<void> {
  const started = Date.now();
  const stack = await startStack({ log: process.env.DEBUG_POSTGRES ? (line) => process.stderr.write(line) : undefined });
  writeStatus(stack.dataDir, {
    pid: process.pid,
    apiUrl: stack.apiUrl,
    dbUrl: stack.dbUrl,
    anonKey: stack.keys.anonKey,
    serviceRoleKey: stack.keys.serviceRoleKey,
    jwtSecret: stack.keys.jwtSecret,
  });
  const lines = [
    `ArbiDesk is running (${Date.now() - started} ms${stack.created ? ', new database with demo data' : ''}).`,
    '',
    `         API URL: ${stack.apiUrl}`,
    `        REST URL: ${stack.apiUrl}/rest/v1`,
    `        Auth URL: ${stack.apiUrl}/auth/v1`,
    `          DB URL: ${stack.dbUrl}`,
    `      JWT secret: ${stack.keys.jwtSecret}`,
    `        anon key: ${stack.keys.anonKey}`,
    `service_role key: ${stack.keys.serviceRoleKey}`,
    `     Data folder: ${resolve(stack.dataDir)}`,
    `          Outbox: ${resolve(stack.dataDir, 'outbox')} (password-recovery emails)`,
    '',
    'Demo users (password for all: ' + demoUsers.password + '):',
    ...demoUsers.users.map((u) => `  ${u.role.padEnd(18)} ${u.email}`),
    '',
    `Migrations applied now: ${stack.applied.length ? stack.applied.join(', ') : 'none (up to date)'}`,
    'Ctrl+C stops everything.',
  ];
  console.log(lines.join('\n'));
  const stop = async () => {
    clearStatus(stack.dataDir);
    await stack.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});


