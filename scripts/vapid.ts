import { generateVapidPair } from '../supabase/local/vapid.ts';

/**
 * `npm run vapid`: a fresh VAPID key pair for Web Push (base64url raw, as the `web-push` tool
 * prints it), with the commands that give it to a hosted project. Make it once per project:
 * browsers' subscriptions are bound to the public key, and a new key orphans them.
 */
const { publicKey, privateKey } = generateVapidPair();
console.log(`VAPID_PUBLIC_KEY=${publicKey}
VAPID_PRIVATE_KEY=${privateKey}

For a hosted project (the contact is yours: mailto: or https:):
  supabase secrets set VAPID_PUBLIC_KEY=${publicKey} VAPID_PRIVATE_KEY=${privateKey} VAPID_SUBJECT=mailto:ops@your-domain.example
and build the app with
  VITE_VAPID_PUBLIC_KEY=${publicKey} npm run build:app`);
