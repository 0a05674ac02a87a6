import { createRequire } from 'node:module';
import type { Locator, Page } from 'playwright-core';

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** An axe-core finding as a test reports it: the rule, how bad, and where. */
export interface AxeFinding {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * The critical and serious WCAG 2.x A/AA violations axe-core finds in `scope` (the screen on
 * show, by default the whole page), shadow roots (Ionic's) included.
 */
export async function seriousAxeViolations(page: Page, scope?: Locator): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axeSource });
  const context = scope ? await scope.first().elementHandle() : null;
  return page.evaluate(async (root) => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const result = await axe.run(root ?? document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'critical' || v.impact === 'serious')
      .map((v) => ({ rule: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  }, context);
}
