import postgres from 'postgres';
import { handler } from '../_shared/http.ts';
import { serviceEnv } from '../_shared/supabaseClient.ts';
import { telegramBot } from './handler.ts';

const env = serviceEnv((name) => Deno.env.get(name));
const sql = postgres(env.dbUrl, { max: 2, onnotice: () => {} });

Deno.serve(handler((req) => telegramBot(req, {
  sql,
  apiUrl: Deno.env.get('TELEGRAM_API_URL') ?? 'https://api.telegram.org',
  token: Deno.env.get('TELEGRAM_BOT_TOKEN') || undefined,
  secret: Deno.env.get('TELEGRAM_WEBHOOK_SECRET') || undefined,
})));
