import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { appDistDir, ensureAppBuilt } from '../supabase/local/appBuild.ts';
import { startAppServer } from '../supabase/local/appServer.ts';
import { launchChromium, newAppContext } from '../tests/support/browser.ts';
import { median } from './stats.ts';

const runs = 5;
const cpuSlowdown = 4;

/** The JS the first page load needs: the entry script and what index.html preloads. */
function initialScripts(): string[] {
  const html = readFileSync(join(appDistDir, 'index.html'), 'utf8');
  const entries = [...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)];
  return [...new Set(entries.map((m) => m[1] ?? ''))].filter(Boolean);
}

/**
 * The app's figures: the gzip size of the production bundle's initial JS, and how long a
 * phone-sized page with a 4× slower CPU (CDP Emulation.setCPUThrottlingRate) takes to show
 * the shell, i.e. the sign-in form, on a cold cache. The app is served locally with an API
 * address nobody listens on: a signed-out start sends no API request.
 */
export async function appBench(): Promise<Record<string, string | number>> {
  await ensureAppBuilt((line) => process.stderr.write(`${line}\n`));
  const scripts = initialScripts();
  const gzipBytes = scripts.reduce((sum, src) => sum + gzipSync(readFileSync(join(appDistDir, src))).length, 0);

  const server = await startAppServer({ api: { apiUrl: 'http://127.0.0.1:9', anonKey: 'bench' } });
  const browser = await launchChromium();
  const formVisible: number[] = [];
  const firstPaint: number[] = [];
  try {
    for (let run = 0; run < runs; run += 1) {
      const context = await newAppContext(browser, { device: 'phone', locale: 'ru-RU' });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
      await page.goto(`${server.url}/sign-in`, { waitUntil: 'commit' });
      await page.locator('.ion-page[data-page="sign-in"] input[name="email"]').waitFor({ state: 'visible', timeout: 60_000 });
      // Laid out is not yet painted: the form counts as shown at the end of the next frame.
      const timing = await page.evaluate(async () => {
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
        return { now: performance.now(), fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN };
      });
      formVisible.push(timing.now);
      firstPaint.push(timing.fcp);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const figures = {
    'initial JS files': scripts.length,
    'initial JS, gzip (kB)': Math.round(gzipBytes / 100) / 10,
    [`shell visible, 390×844, ${cpuSlowdown}× CPU, median of ${runs} (ms)`]: Math.round(median(formVisible)),
    [`first contentful paint, 390×844, ${cpuSlowdown}× CPU, median of ${runs} (ms)`]: Math.round(median(firstPaint)),
  };
  for (const [label, value] of Object.entries(figures)) console.log(`${label}: ${value}`);
  return figures;
}
