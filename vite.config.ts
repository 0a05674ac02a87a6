import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { precompressPlugin } from './scripts/precompress.ts';
import { appConfigJson } from './supabase/local/appServer.ts';
import { readStatus } from './supabase/local/statusFile.ts';
import pkg from './package.json' with { type: 'json' };

const projectRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * `npm run dev:app` serves /config.json from the stack `npm start` runs, as the static
 * server does in production, so the dev server needs no VITE_ variables.
 */
function localStackConfig(): Plugin {
  return {
    name: 'arbidesk-local-stack-config',
    configureServer(server) {
      server.middlewares.use('/config.json', (_req, res) => {
        const status = readStatus(resolve(process.env.ARBIDESK_DATA_DIR ?? resolve(projectRoot, '.data')));
        res.setHeader('content-type', 'application/json');
        res.setHeader('cache-control', 'no-store');
        if (!status) {
          res.statusCode = 503;
          res.end(JSON.stringify({ message: 'ArbiDesk is not running: start it with npm start' }));
          return;
        }
        res.end(appConfigJson({ apiUrl: status.apiUrl, anonKey: status.anonKey, vapidPublicKey: status.vapidPublicKey }));
      });
    },
  };
}

const ionicFolder = resolve(projectRoot, 'app/ionic');

/**
 * Every import of '@ionic/react' (the app's and @ionic/react-router's) goes to
 * app/ionic/react.ts, which re-exports it with the heavy form controls split into modules of
 * their own, so they leave the first screen's bundle (bench/app.ts measures it).
 */
function splitIonicControls(): Plugin {
  return {
    name: 'arbidesk-split-ionic-controls',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (source !== '@ionic/react' || !importer || importer.startsWith(ionicFolder)) return null;
      return this.resolve(resolve(ionicFolder, 'react.ts'), importer, { ...options, skipSelf: true });
    },
  };
}

export default defineConfig({
  root: 'app',
  envDir: projectRoot,
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // React, Ionic and supabase-js are one ~1.2 MB (≈300 kB gzip) chunk by design; bench/app.ts tracks its size.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // Ionic's per-component modules only define their element, but package.json does not say
      // so; without this rule every component @ionic/react re-exports (date pickers, selects…)
      // would be bundled whether the app uses it or not.
      treeshake: { moduleSideEffects: [{ test: /@ionic[\\/]core[\\/]components[\\/]ion-[a-z-]+\.js$/, sideEffects: false },
        { test: /app[\\/]ionic[\\/]/, sideEffects: false },
      ] },
    },
  },
  server: { port: 5173, host: '127.0.0.1' },
  preview: { port: 5173, host: '127.0.0.1' },
  plugins: [
    react(),
    splitIonicControls(),
    localStackConfig(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: '.',
      filename: 'sw.ts',
      injectRegister: false,
      manifest: {
        name: 'ArbiDesk',
        short_name: 'ArbiDesk',
        description: 'Analytics and control for traffic-arbitrage teams',
        lang: 'ru',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#1f4fd8',
        background_color: '#f4f6fb',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: { globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'] },
    }),
    precompressPlugin(),
  ],
});
