/**
 * The push services a stored endpoint may point at. The endpoint comes from a browser, so
 * anyone signed in can store any https URL; only endpoints under these origins are posted
 * to, so a subscription can never point the function at an address inside the project (SSRF).
 */

/** The browsers' push services: Chrome/Edge-on-Android (FCM), Firefox (Mozilla autopush), Safari (Apple), Edge on Windows (WNS). */
export const defaultPushOrigins = 'https://fcm.googleapis.com,https://updates.push.services.mozilla.com,https://web.push.apple.com,https://*.notify.windows.com';

interface OriginRule {
  protocol: string;
  /** An exact host[:port], or a suffix ".notify.windows.com" for a `*.` rule. */
  host: string;
  wildcard: boolean;
}

/** WEB_PUSH_ORIGINS: comma-separated origins, each exact or `https://*.domain`. */
export function parseOriginAllowlist(list: string | undefined): OriginRule[] {
  return (list?.trim() ? list : defaultPushOrigins)
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = /^(https?:)\/\/(\*\.)?([^/]+)\/?$/.exec(entry);
      if (!match) throw new Error(`WEB_PUSH_ORIGINS: '${entry}' is not an origin such as https://push.example.com or https://*.example.com`);
      return { protocol: match[1]!, host: (match[2] ? '.' : '') + match[3]!.toLowerCase(), wildcard: Boolean(match[2]) };
    });
}

export function endpointAllowed(endpoint: string, rules: readonly OriginRule[]): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  return rules.some((rule) => url.protocol === rule.protocol && (rule.wildcard ? url.host.endsWith(rule.host) && !url.port : url.host === rule.host));
}
