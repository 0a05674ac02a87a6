import { resolve } from 'node:path';
import { serveApp } from '../appServer.ts';
import { startStack } from '../stack.ts';
import { clearStatus, writeStatus } from '../statusFile.ts';
import { demoUsers } from '../demoUsers.ts';
import { loadDemoData } from '../demoData.ts';

/** `npm start`: the whole product on embedded defaults, with demo data on first start. */
async function main(): Promise<void> {
  const started = Date.now();
  // `npm run dev` passes --dev: a function restarts when a file under functions/ changes.
  const dev = process.argv.includes('--dev');
  const stack = await startStack({ log: process.env.DEBUG_POSTGRES ? (line) => process.stderr.write(line) : undefined, watchFunctions: dev });
  const stackMs = Date.now() - started;
  let demo = '';
  if (stack.created && process.env.ARBIDESK_DEMO_DATA !== 'off') {
    const loadStarted = Date.now();
    const { loads } = await loadDemoData(stack.apiUrl, stack.keys.anonKey, stack.dataDir);
    demo = `Demo data (90 days, through the ETL in ${Date.now() - loadStarted} ms): ${loads.map((l) => `${l.file} ${l.status} ${l.accepted} rows`).join('; ')}`;
  }
  const app = await serveApp({ apiUrl: stack.apiUrl, anonKey: stack.keys.anonKey, vapidPublicKey: stack.vapidPublicKey }, (line) => console.log(line));
  writeStatus(stack.dataDir, {
    pid: process.pid,
    apiUrl: stack.apiUrl,
    dbUrl: stack.dbUrl,
    appUrl: app?.url,
    anonKey: stack.keys.anonKey,
    serviceRoleKey: stack.keys.serviceRoleKey,
    jwtSecret: stack.keys.jwtSecret,
    vapidPublicKey: stack.vapidPublicKey,
  });
  const lines = [
    `ArbiDesk is running (${stackMs} ms${stack.created ? ', new database with demo data' : ''}).`,
    '',
    `         App URL: ${app?.url ?? 'not served (see above)'}`,
    `         API URL: ${stack.apiUrl}`,
    `        REST URL: ${stack.apiUrl}/rest/v1`,
    `        Auth URL: ${stack.apiUrl}/auth/v1`,
    `   Functions URL: ${stack.apiUrl}/functions/v1${dev ? ' (reloading on change)' : ''}`,
    `     Storage URL: ${stack.apiUrl}/storage/v1 (files in ${resolve(stack.dataDir, 'storage')})`,
    `          DB URL: ${stack.dbUrl}`,
    `      JWT secret: ${stack.keys.jwtSecret}`,
    `        anon key: ${stack.keys.anonKey}`,
    `service_role key: ${stack.keys.serviceRoleKey}`,
    `VAPID public key: ${stack.vapidPublicKey}`,
    `     Data folder: ${resolve(stack.dataDir)}`,
    ...stack.database.notes.map((note) => `                  ${note}`),
    `          Outbox: ${resolve(stack.dataDir, 'outbox')} (password-recovery and alert emails)`,
    `     Mail (SMTP): ${stack.mail.host}:${stack.mail.port} (no TLS; every message goes to the outbox)`,
    '',
    'Demo users (password for all: ' + demoUsers.password + '):',
    ...demoUsers.users.map((u) => `  ${u.role.padEnd(18)} ${u.email}`),
    '',
    `Migrations applied now: ${stack.applied.length ? stack.applied.join(', ') : 'none (up to date)'}`,
    ...(demo ? [demo] : []),
    'Ctrl+C stops everything.',
  ];
  console.log(lines.join('\n'));
  const stop = async () => {
    clearStatus(stack.dataDir);
    await app?.close();
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


