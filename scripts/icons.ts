import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { projectRoot } from '../supabase/local/config.ts';
import { chromiumLaunchOptions } from '../tests/support/browser.ts';

/**
 * `npm run icons`: renders app/public/icons/icon.svg into the PNGs the web manifest and iOS
 * need, with the Debian Chromium the browser tests use. Maskable and Apple icons are
 * full-bleed squares with the artwork inside the safe zone, since the platform crops them.
 */
const iconsDir = resolve(projectRoot, 'app/public/icons');
const svg = readFileSync(resolve(iconsDir, 'icon.svg'), 'utf8');
const fullBleed = svg
  .replace(/<rect width="512" height="512" rx="112" fill="url\(#bg\)"\/>/, '<rect width="512" height="512" fill="url(#bg)"/><g transform="translate(51.2 51.2) scale(0.8)">')
  .replace('</svg>', '</g></svg>');

const outputs = [
  { file: 'icon-192.png', size: 192, art: svg },
  { file: 'icon-512.png', size: 512, art: svg },
  { file: 'icon-maskable-512.png', size: 512, art: fullBleed },
  { file: 'apple-touch-icon.png', size: 180, art: fullBleed },
];

const browser = await chromium.launch(chromiumLaunchOptions());
try {
  for (const { file, size, art } of outputs) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const src = `data:image/svg+xml;base64,${Buffer.from(art).toString('base64')}`;
    await page.setContent(`<html><body style="margin:0;background:transparent"><img src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`);
    await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
    writeFileSync(resolve(iconsDir, file), await page.screenshot({ omitBackground: true }));
    await page.close();
    console.log(`app/public/icons/${file} (${size}×${size})`);
  }
} finally {
  await browser.close();
}
