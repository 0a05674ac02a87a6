import type { AuthConfig } from '../config.ts';

/** A URI allow-list pattern as GoTrue matches it (gobwas/glob with '.' and '/' as separators). */
function globPattern(pattern: string): RegExp {
  const source = pattern
    .split('**')
    .map((part) => part.split('*').map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^./]*'))
    .join('.*');
  return new RegExp(`^${source}$`);
}

/**
 * Where a link may send the user after verification: the requested `redirect_to` when it is
 * on the site's host or matches `additional_redirect_urls`, else the site URL (GoTrue's
 * IsRedirectURLValid), so emailed links cannot be pointed at someone else's site.
 */
export function redirectTarget(requested: string | null | undefined, config: AuthConfig): string {
  if (!requested) return config.siteUrl;
  let target: URL;
  let site: URL;
  try {
    target = new URL(requested);
    site = new URL(config.siteUrl);
  } catch {
    return config.siteUrl;
  }
  if ((target.protocol === 'http:' || target.protocol === 'https:') && target.hostname === site.hostname) return requested;
  return config.redirectUrls.some((pattern) => globPattern(pattern).test(requested)) ? requested : config.siteUrl;
}
