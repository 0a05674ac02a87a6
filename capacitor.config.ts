/// <reference types="@capacitor/push-notifications" />
import type { CapacitorConfig } from '@capacitor/cli';

/**
 * The native shells for the app stores (`npx cap add android|ios`, then `npx cap sync` after
 * `npm run build:app`). They load the same build as the PWA from app/dist; a build for them
 * names its backend with VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY, since no server
 * hands the device a /config.json.
 */
const config: CapacitorConfig = {
  appId: 'app.arbidesk',
  appName: 'ArbiDesk',
  webDir: 'app/dist',
  plugins: {
    // An alert that comes while the app is open still shows: iOS hides it by default.
    PushNotifications: { presentationOptions: ['badge', 'sound', 'alert'] },
  },
};

export default config;
