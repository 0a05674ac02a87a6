import { resolve } from 'node:path';
import { projectRoot } from '../config.ts';
import { readStatus } from '../statusFile.ts';

/**
 * `npm run status`: the running stack's endpoints and keys in the form
 * `supabase status -o env` prints, so scripts can `eval` or source them.
 */
const dataDir = resolve(process.env.ARBIDESK_DATA_DIR ?? resolve(projectRoot, '.data'));
const status = readStatus(dataDir);
if (!status) {
  console.error(`ArbiDesk is not running on ${dataDir}. Start it with: npm start`);
  process.exit(1);
}
const env: Record<string, string> = {
  API_URL: status.apiUrl,
  ...(status.appUrl ? { APP_URL: status.appUrl } : {}),
  REST_URL: `${status.apiUrl}/rest/v1`,
  FUNCTIONS_URL: `${status.apiUrl}/functions/v1`,
  DB_URL: status.dbUrl,
  ANON_KEY: status.anonKey,
  SERVICE_ROLE_KEY: status.serviceRoleKey,
  JWT_SECRET: status.jwtSecret,
};
for (const [name, value] of Object.entries(env)) console.log(`${name}="${value}"`);
