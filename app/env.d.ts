/// <reference types="vite/client" />
/// <reference types="vite-plugin-pwa/client" />

interface ImportMetaEnv {
  /** The backend the build is made for; when empty, /config.json names it at run time. */
  readonly VITE_SUPABASE_URL?: string;
  readonly VITE_SUPABASE_ANON_KEY?: string;
}

/** package.json's version, put in by vite.config.ts. */
declare const __APP_VERSION__: string;
