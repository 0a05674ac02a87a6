import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectRoot } from './config.ts';

/** Where `vite build` puts the app (vite.config.ts: root app/, outDir dist). */
export const appDistDir = resolve(projectRoot, 'app/dist');

/** What the built app is made of: a change to any of these makes app/dist stale. */
const appSources = ['app', 'functions/_shared', 'vite.config.ts', 'package-lock.json'].map((p) => resolve(projectRoot, p));

/** Two builds at once (parallel test files, `npm start` during a test run) take turns through this folder. */
const lockDir = resolve(projectRoot, 'node_modules/.cache/arbidesk-app-build.lock');
const staleLockMs = 5 * 60_000;

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (path === resolve(projectRoot, 'app') && entry === 'dist') continue;
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** True when app/dist is missing or older than any of its sources. */
export function appIsStale(): boolean {
  const built = join(appDistDir, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return appSources.some((source) => newestMtime(source) > builtAt);
}

/**
 * Runs `vite build` in a child process. VITE_SUPABASE_* are blanked so the build reads the
 * API from /config.json at run time and serves whichever stack serves it; NODE_ENV is
 * pinned because vitest sets it to 'test', which would make a development build.
 */
export function buildApp(): Promise<void> {
  const vite = resolve(projectRoot, 'node_modules/vite/bin/vite.js');
  if (!existsSync(vite)) return Promise.reject(new Error('vite is not installed: run npm install'));
  return new Promise((resolveBuild, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: projectRoot,
      env: { ...process.env, NODE_ENV: 'production', VITE_SUPABASE_URL: '', VITE_SUPABASE_ANON_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) {
        resolveBuild();
      } else {
        reject(new Error(`vite build failed (exit ${code}):\n${output.trim()}`));
      }
    });
  });
}

function takeLock(): boolean {
  try {
    mkdirSync(lockDir, { recursive: false });
    return true;
  } catch {
    if (existsSync(lockDir) && Date.now() - statSync(lockDir).mtimeMs > staleLockMs) rmSync(lockDir, { recursive: true, force: true });
    return false;
  }
}

/** Builds the app when app/dist is stale; another process's build in progress is waited for. */
export async function ensureAppBuilt(log: (line: string) => void = () => {}): Promise<'built' | 'fresh'> {
  mkdirSync(resolve(lockDir, '..'), { recursive: true });
  for (;;) {
    if (!appIsStale()) return 'fresh';
    if (takeLock()) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  try {
    if (!appIsStale()) return 'fresh';
    const started = Date.now();
    await buildApp();
    log(`Built the app into app/dist (vite build, ${((Date.now() - started) / 1000).toFixed(1)} s).`);
    return 'built';
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
