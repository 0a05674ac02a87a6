import { startStack } from '../../supabase/local/stack.ts';

/**
 * A local stack in a process of its own, for tests that kill it the way a user would
 * (kill -9 of the process, or of its whole process group). Prints one JSON line when ready:
 * `{"pid":…,"dbUrl":…}`; SIGTERM stops it cleanly.
 */
const dataDir = process.env.ARBIDESK_DATA_DIR ?? '';
const dbPort = Number(process.env.DB_PORT);
const stack = await startStack({ dataDir, apiPort: 0, dbPort, seed: false });
process.stdout.write(`${JSON.stringify({ pid: process.pid, dbUrl: stack.dbUrl, apiUrl: stack.apiUrl })}\n`);
process.once('SIGTERM', () => {
  void stack.stop().then(() => process.exit(0));
});
