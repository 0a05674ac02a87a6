import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import postgres, { type Sql } from 'postgres';
import { AuthHandler } from './auth/AuthHandler.ts';
import { loadConfig, projectRoot, type StackConfig } from './config.ts';
import { startDatabase, type Database } from './database.ts';
import { FunctionsService } from './functions/FunctionsService.ts';
import { loadKeys, type ProjectKeys } from './keys.ts';
import { loadVapidPair, vapidSecrets } from './vapid.ts';
import { bootstrap, migrate, seed } from './migrate.ts';
import { RestHandler } from './rest/RestHandler.ts';
import { SchemaCache } from './rest/SchemaCache.ts';
import { RealtimeService } from './realtime/RealtimeService.ts';
import { createApiServer } from './server.ts';
import { CronService } from './cron/CronService.ts';
import { NetService } from './net/NetService.ts';
import { storeProjectSecrets } from './vault/projectSecrets.ts';
import { StorageService } from './storage/StorageService.ts';
import { trustedProxies } from './clientAddress.ts';
import type { WorkerLimits } from './functions/limits.ts';
import { MailServer } from './mail/MailServer.ts';
import { Outbox } from './mail/outbox.ts';

export interface StackOptions {
  /** Where the embedded database, keys and outbox live; `.data/` by default. */
  dataDir?: string;
  /** 0 picks a free port. */
  apiPort?: number;
  dbPort?: number;
  /** The mail server's SMTP port; 0 picks a free one, as it does when apiPort is 0. */
  mailPort?: number;
  databaseUrl?: string;
  /** Run supabase/seed.sql when the database is new (default true). */
  seed?: boolean;
  log?: (line: string) => void;
  /** Restart a function's worker when a file under functions/ changes (`npm run dev`). */
  watchFunctions?: boolean;
  /** Proxies whose X-Forwarded-For the gateway believes; API_TRUSTED_PROXIES by default. */
  trustedProxies?: string[];
  /** Edge Function limits other than hosted Supabase's (and the environment's). */
  functionLimits?: Partial<WorkerLimits>;
  /** Secrets every function gets besides supabase/functions/.env's, as `supabase secrets set` would set them. */
  functionSecrets?: Record<string, string>;
}

export interface Stack {
  apiUrl: string;
  dbUrl: string;
  keys: ProjectKeys;
  /** The VAPID public key the functions sign Web Push with; the app subscribes with it (config.json). */
  vapidPublicKey: string;
  config: StackConfig;
  dataDir: string;
  /** The local mail server's SMTP address (no TLS): what it receives goes to `<dataDir>/outbox/`. */
  mail: { host: string; port: number };
  /** Migrations applied by this start. */
  applied: string[];
  /** True when this start created the database (and seeded it). */
  created: boolean;
  sql: Sql;
  database: Database;
  stop(): Promise<void>;
}

/** Strings are already PostgreSQL text (URL filter values, JSON bodies): send them unchanged. */
function textAsIs(serialize: (x: unknown) => string): (x: unknown) => string {
  return (x) => (typeof x === 'string' ? x : serialize(x));
}

/**
 * postgres.js pool for the stack. By default postgres.js re-encodes a parameter by the type
 * the server infers (a string bound to a bool becomes 'f', to json becomes a JSON string);
 * PostgREST sends text and lets PostgreSQL parse it, so strings pass through as text here.
 */
export function connect(url: string, max = 20): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    connection: { application_name: 'arbidesk-local' },
    idle_timeout: 60,
    types: {
      json: { to: 114, from: [114, 3802], serialize: textAsIs((x) => JSON.stringify(x)), parse: (x: string) => JSON.parse(x) as unknown },
      boolean: { to: 16, from: [16], serialize: textAsIs((x) => (x === true ? 't' : 'f')), parse: (x: string) => x === 't' },
      date: { to: 1184, from: [1082, 1114, 1184], serialize: textAsIs((x) => (x instanceof Date ? x : new Date(String(x))).toISOString()), parse: (x: string) => new Date(x) },
      bytea: { to: 17, from: [17], serialize: textAsIs((x) => '\\x' + Buffer.from(x as Uint8Array).toString('hex')), parse: (x: string) => Buffer.from(x.slice(2), 'hex') },
    },
  });
}

async function waitForDatabase(sql: Sql, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await sql`select 1`;
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Brings up PostgreSQL, the platform bootstrap, the migrations and the API. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const config = loadConfig();
  const dataDir = resolve(options.dataDir ?? process.env.ARBIDESK_DATA_DIR ?? resolve(projectRoot, '.data'));
  const database = await startDatabase({
    dataDir,
    port: options.dbPort ?? config.dbPort,
    databaseUrl: options.databaseUrl ?? process.env.DATABASE_URL,
    log: options.log,
  });
  const sql = connect(database.url);
  try {
    await waitForDatabase(sql);
    const [{ known } = { known: false }] = await sql<{ known: boolean }[]>`
      select to_regclass('supabase_migrations.schema_migrations') is not null as known`;
    await bootstrap(sql);
    const applied = await migrate(sql);
    const created = !known;
    if (created && options.seed !== false) await seed(sql);
    const keys = loadKeys(dataDir);
    const vapid = loadVapidPair(dataDir);
    const cache = new SchemaCache(sql, config.schemas);
    await cache.reload();
    const unlisten = await cache.listen();
    const rest = new RestHandler(sql, cache, {
      schemas: config.schemas,
      extraSearchPath: config.extraSearchPath,
      maxRows: config.maxRows,
      maxBodyBytes: config.maxBodyBytes,
      jwtSecret: keys.jwtSecret,
    });
    let apiUrl = '';
    const mail = { host: '127.0.0.1', port: 0 };
    const auth = new AuthHandler(sql, config.auth, keys, dataDir, () => config.externalUrl ?? apiUrl);
    const functions = new FunctionsService({
      functionsDir: resolve(projectRoot, 'functions'),
      functions: config.functions,
      jwtSecret: keys.jwtSecret,
      platformEnv: () => ({
        ...vapidSecrets(vapid),
        ...options.functionSecrets,
        SUPABASE_URL: apiUrl,
        SUPABASE_ANON_KEY: keys.anonKey,
        SUPABASE_SERVICE_ROLE_KEY: keys.serviceRoleKey,
        SUPABASE_DB_URL: database.url,
      }),
      // Alert emails go to the local mail server (into the outbox) unless functions/.env names another.
      localSecrets: () => ({
        SMTP_HOST: mail.host,
        SMTP_PORT: String(mail.port),
        SMTP_TLS: 'none',
        SMTP_FROM: 'ArbiDesk <alerts@arbidesk.localhost>',
        // The app's address, as Auth's links take it: the Site URL.
        APP_URL: config.auth.siteUrl,
      }),
      watch: options.watchFunctions,
      limits: options.functionLimits,
    });
    // Functions take no API key at the gateway, as on Supabase (webhooks call them; verify_jwt
    // guards them), and neither does the link in an auth email.
    const realtime = new RealtimeService({ databaseUrl: database.url, jwtSecret: keys.jwtSecret, log: options.log });
    await realtime.start();
    const storage = new StorageService({ sql, jwtSecret: keys.jwtSecret, dataDir, fileSizeLimit: config.storage.fileSizeLimit, externalUrl: () => config.externalUrl ?? apiUrl });
    const server = createApiServer({
      keys,
      services: { '/rest/v1': rest, '/auth/v1': auth, '/functions/v1': functions, '/realtime/v1': realtime, '/storage/v1': storage },
      upgrades: { '/realtime/v1': realtime },
      // Public objects and signed URLs are fetched as they are (an <img src>, a shared link):
      // the bucket being public, or the URL's token, decides, as on Supabase.
      open: [
        '/functions/v1',
        '/auth/v1/verify',
        { path: '/storage/v1/object/public', methods: ['GET', 'HEAD'] },
        { path: '/storage/v1/object/sign', methods: ['GET', 'HEAD'] },
        { path: '/storage/v1/object/upload/sign', methods: ['PUT'] },
        // Refused (no image transformations here), but with the storage error, not a missing key.
        { path: '/storage/v1/render/image/public', methods: ['GET', 'HEAD'] },
        { path: '/storage/v1/render/image/sign', methods: ['GET', 'HEAD'] },
      ],
      answersOptions: ['/storage/v1/upload/resumable'],
      trustedProxies: trustedProxies(options.trustedProxies ?? config.trustedProxies),
    });
    const port = options.apiPort ?? config.apiPort;
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(port, process.env.API_HOST ?? '127.0.0.1', () => resolveListen());
    });
    const address = server.address() as AddressInfo;
    apiUrl = `http://127.0.0.1:${address.port}`;
    const mailServer = new MailServer({ outbox: new Outbox(dataDir), port: options.mailPort ?? (port === 0 ? 0 : config.mailPort), log: options.log ?? ((line) => console.log(line)) });
    mail.port = await mailServer.start();
    // What SQL needs to call the functions (Vault), the requests it sends (pg_net) and the jobs
    // that send them (pg_cron), where this server has none of these extensions of its own.
    await storeProjectSecrets(sql, { project_url: apiUrl, service_role_key: keys.serviceRoleKey });
    const net = new NetService(sql, options.log);
    await net.start();
    const cron = new CronService(sql, options.log);
    await cron.start();
    return {
      apiUrl,
      dbUrl: database.url,
      keys,
      vapidPublicKey: vapid.publicKey,
      config,
      dataDir,
      mail,
      applied,
      created,
      sql,
      database,
      async stop() {
        await realtime.stop(); // first: its upgraded sockets would keep server.close() waiting
        await net.stop(); // before the API closes, so requests to its functions end as stopped
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
        await functions.stop();
        await mailServer.stop();
        await cron.stop();
        await unlisten().catch(() => undefined);
        await sql.end({ timeout: 5 });
        await database.stop();
      },
    };
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => undefined);
    await database.stop();
    throw error;
  }
}
