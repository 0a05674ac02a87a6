import { EmbeddedServer } from './postgres/EmbeddedServer.ts';
import { placeServer } from './postgres/placement.ts';
import { serverUser } from './postgres/serverUser.ts';

export interface Database {
  /** Connection string of a superuser (or the project's `postgres` role on Supabase). */
  url: string;
  embedded: boolean;
  /** Where the embedded server's files went when they had to move (running as root), for the start's output. */
  notes: string[];
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

/**
 * Starts the embedded PostgreSQL (data kept in `<dataDir>/db` across restarts) or, with
 * `databaseUrl`, uses that server as it is.
 */
export async function startDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    return { url: options.databaseUrl, embedded: false, notes: [], stop: async () => {}, start: async () => {} };
  }
  const user = serverUser();
  const placement = placeServer(options.dataDir, user);
  const server = new EmbeddedServer(placement, user, {
    port: options.port,
    superuser,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      // TCP only. A socket in /tmp has a lock file naming the postmaster, and a killed one
      // lingers as a zombie where nobody reaps it (containers), blocking the next start.
      '-c', 'unix_socket_directories=',
      // UTC, as a hosted project's database: initdb would take the machine's zone, and dates
      // cast or formatted in SQL would then depend on where the stack runs.
      '-c', 'timezone=UTC',
      '-c', 'log_timezone=UTC',
      // Realtime reads changes through logical replication of the supabase_realtime publication.
      '-c', 'wal_level=logical',
      '-c', 'max_replication_slots=10',
      '-c', 'max_wal_senders=10',
      '-c', 'max_connections=200',
      '-c', 'shared_preload_libraries=pg_stat_statements',
    ],
    log: options.log,
  });
  if (!server.initialised) await server.initialise();
  await server.start();
  return {
    url: `postgresql://${superuser.user}:${superuser.password}@127.0.0.1:${options.port}/postgres`,
    embedded: true,
    notes: placement.notes,
    stop: () => server.stop(),
    start: () => server.start(),
  };
}
