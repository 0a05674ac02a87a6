import type { SendOutcome } from './telegram.ts';

/**
 * A message through a Slack incoming webhook (https://api.slack.com/messaging/webhooks): POST
 * JSON {text}; Slack answers 200 "ok", or an error code as plain text with the status
 * (https://api.slack.com/messaging/webhooks#handling_errors): 400 invalid_payload or
 * no_text, 403 action_prohibited, 404 no_service or channel_not_found, 410
 * channel_is_archived, and 429 with Retry-After when rate-limited (about one message a second
 * per channel).
 */
export async function sendSlack(url: string, text: string): Promise<SendOutcome> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
      signal: AbortSignal.timeout(10_000),
      redirect: 'manual',
    });
  } catch (error) {
    return { sent: false, retry: true, error: `Slack unreachable: ${(error as Error).message}` };
  }
  const body = (await response.text().catch(() => '')).slice(0, 200);
  if (response.ok) return { sent: true };
  const error = `Slack ${response.status}: ${body || response.statusText}`;
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after'));
    return { sent: false, retry: true, retryAfterSeconds: Number.isFinite(seconds) && seconds > 0 ? seconds : undefined, error };
  }
  // The webhook is wrong, removed, or its channel archived: the admin has to fix it.
  if (response.status >= 400 && response.status < 500) return { sent: false, retry: false, error };
  return { sent: false, retry: true, error };
}
