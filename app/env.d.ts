/// <reference types="vite/client" />
/// <reference types="vite-plugin-pwa/client" />

interface ImportMetaEnv {
  /** The backend the build is made for; when empty, /config.json names it at run time. */
  readonly VITE_SUPABASE_URL?: string;
  readonly VITE_SUPABASE_ANON_KEY?: string;
  /** The bot's username (without @), for a t.me link that starts it with the code. */
  readonly VITE_TELEGRAM_BOT?: string;
  /** The project's VAPID public key (`npm run vapid`), for Web Push; else /config.json's. */
  readonly VITE_VAPID_PUBLIC_KEY?: string;
}

/** package.json's version, put in by vite.config.ts. */
declare const __APP_VERSION__: string;
