import postgres from 'postgres';
import { handler } from '../_shared/http.ts';
import { serviceEnv } from '../_shared/supabaseClient.ts';
import { parseMailbox } from '../_shared/alerts/mime.ts';
import { smtpSettings } from '../_shared/alerts/smtp.ts';
import { notify } from './handler.ts';
import { webPushSettings } from './webPush.ts';

const env = serviceEnv((name) => Deno.env.get(name));
// One batch at a time, in one transaction.
const sql = postgres(env.dbUrl, { max: 2, onnotice: () => {} });
const telegram = { apiUrl: Deno.env.get('TELEGRAM_API_URL') ?? 'https://api.telegram.org', token: Deno.env.get('TELEGRAM_BOT_TOKEN') || undefined };

// Slack webhooks are posted to only under this origin: a stored URL cannot point the function elsewhere.
const slackOrigin = Deno.env.get('SLACK_WEBHOOK_ORIGIN') || 'https://hooks.slack.com/';

const nativePush = {
  serviceAccount: Deno.env.get('FIREBASE_SERVICE_ACCOUNT') || undefined,
  apiUrl: Deno.env.get('FCM_API_URL') || 'https://fcm.googleapis.com',
  iidUrl: Deno.env.get('IID_API_URL') || 'https://iid.googleapis.com',
  iosBundleId: Deno.env.get('FCM_IOS_BUNDLE_ID') || undefined,
  apnsSandbox: Deno.env.get('FCM_APNS_SANDBOX') === 'true',
};

// Email through the project's mail server; the link in it opens the app (the project's Site URL).
const mail = { smtp: smtpSettings((name) => Deno.env.get(name)), from: parseMailbox(Deno.env.get('SMTP_FROM') ?? ''), appUrl: Deno.env.get('APP_URL') || undefined };

// Web Push: the project's VAPID keys, and the push services a stored endpoint may point at (never an internal address).
const webPush = webPushSettings((name) => Deno.env.get(name));

Deno.serve(handler((req) => notify(req, { sql, telegram, slackOrigin, nativePush, mail, webPush })));
