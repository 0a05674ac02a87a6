import { fcmScope } from './fcm.ts';
import { accessToken, GoogleAuthError, type ServiceAccount } from './googleAuth.ts';

/**
 * APNs tokens → FCM registration tokens, through the Instance ID server API's batchImport
 * (https://developers.google.com/instance-id/reference/server#create_registration_tokens_for_apns_tokens):
 * POST {iid}/iid/v1:batchImport {application: the iOS bundle id, sandbox, apns_tokens} with
 * `Authorization: Bearer <OAuth token>` and `access_token_auth: true`; it answers
 * {results: [{apns_token, status: "OK", registration_token} | {apns_token, status: <error>}]}.
 * @capacitor/push-notifications hands an iOS app the device's APNs token, which FCM refuses;
 * the exchanged token is what FCM sends to.
 */

export interface ApnsImportSettings {
  account: ServiceAccount;
  /** https://iid.googleapis.com, or a stand-in (IID_API_URL). */
  iidUrl: string;
  /** The iOS app's bundle id (FCM_IOS_BUNDLE_ID), as registered in the Firebase project. */
  bundleId: string;
  /** Tokens of development builds (Xcode) are sandbox APNs tokens; store and TestFlight builds are not. */
  sandbox: boolean;
}

export type ApnsImportResult = { apnsToken: string; registrationToken: string } | { apnsToken: string; error: string };

/** The whole call failed: `transient` when trying later may help (5xx, a network fault). */
export class ApnsImportError extends Error {
  constructor(message: string, readonly transient: boolean) {
    super(message);
  }
}

/** At most 100 tokens a request, as the API allows. */
const batchSize = 100;

async function importBatch(settings: ApnsImportSettings, apnsTokens: readonly string[]): Promise<ApnsImportResult[]> {
  let response: Response;
  try {
    const token = await accessToken(settings.account, fcmScope);
    response = await fetch(`${settings.iidUrl.replace(/\/$/, '')}/iid/v1:batchImport`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, access_token_auth: 'true', 'content-type': 'application/json' },
      body: JSON.stringify({ application: settings.bundleId, sandbox: settings.sandbox, apns_tokens: apnsTokens }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    if (error instanceof GoogleAuthError) throw new ApnsImportError(error.message, error.transient);
    throw new ApnsImportError(`Instance ID API unreachable: ${(error as Error).message}`, true);
  }
  const answer = (await response.json().catch(() => ({}))) as { results?: unknown; error?: unknown };
  if (!response.ok || !Array.isArray(answer.results)) {
    const reason = typeof answer.error === 'string' ? answer.error : JSON.stringify(answer.error ?? 'no answer');
    throw new ApnsImportError(`the APNs tokens could not be exchanged (Instance ID ${response.status}: ${reason})`, response.status >= 500 || response.status === 429);
  }
  const results = answer.results as { apns_token?: unknown; status?: unknown; registration_token?: unknown }[];
  return apnsTokens.map((apnsToken) => {
    const result = results.find((r) => r.apns_token === apnsToken);
    if (result?.status === 'OK' && typeof result.registration_token === 'string' && result.registration_token) {
      return { apnsToken, registrationToken: result.registration_token };
    }
    return { apnsToken, error: `the APNs token was refused: ${typeof result?.status === 'string' ? result.status : 'no result for it'}` };
  });
}

/** Each APNs token's registration token, or why it has none. */
export async function importApnsTokens(settings: ApnsImportSettings, apnsTokens: readonly string[]): Promise<ApnsImportResult[]> {
  const results: ApnsImportResult[] = [];
  for (let start = 0; start < apnsTokens.length; start += batchSize) {
    results.push(...(await importBatch(settings, apnsTokens.slice(start, start + batchSize))));
  }
  return results;
}
