import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, projectRoot } from '../config.ts';
import { startDatabase } from '../database.ts';
import { bootstrap, dropProjectData, migrate, seed } from '../migrate.ts';
import { connect } from '../stack.ts';
import { readStatus } from '../statusFile.ts';

/**
 * `npm run db:reset`: drops the project's schemas and users, then applies every migration
 * and the seed again, as `supabase db reset` does. Works on a running stack (its REST schema
 * cache reloads by itself) and on a stopped one (the embedded server is started for it).
 */
async function main(): Promise<void> {
  const dataDir = resolve(process.env.ARBIDESK_DATA_DIR ?? resolve(projectRoot, '.data'));
  const running = readStatus(dataDir);
  const database = running
    ? undefined
    : await startDatabase({ dataDir, port: loadConfig().dbPort, databaseUrl: process.env.DATABASE_URL });
  const url = running?.dbUrl ?? database?.url ?? '';
  const sql = connect(url, 2);
  try {
    // First too: a database never started has no platform schema for the drop to empty.
    await bootstrap(sql);
    await dropProjectData(sql);
    await bootstrap(sql);
    const applied = await migrate(sql);
    await seed(sql);
    await sql`notify pgrst, 'reload schema'`;
    // The stored bytes of the objects the reset dropped.
    rmSync(join(dataDir, 'storage'), { recursive: true, force: true });
    console.log(`Database reset: ${applied.length} migration(s) applied, seed loaded${running ? ' (the running stack picked it up)' : ''}.`);
  } finally {
    await sql.end({ timeout: 5 });
    await database?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
