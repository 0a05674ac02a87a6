import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../functions/_shared/alerts/webPush/base64url.ts';
import { encryptPayload } from '../../functions/_shared/alerts/webPush/encryption.ts';
import { defaultPushOrigins, endpointAllowed, parseOriginAllowlist } from '../../functions/_shared/alerts/webPush/origins.ts';
import { retryAfterSeconds } from '../../functions/_shared/alerts/webPush/send.ts';
import { readVapidKeys, vapidAuthorization } from '../../functions/_shared/alerts/webPush/vapid.ts';
import { alertPush, pushTopic } from '../../functions/notify/webPushMessage.ts';
import { generateVapidPair } from '../../supabase/local/vapid.ts';
import { verifyVapid } from '../support/pushServiceFake.ts';
import { PushSubscriber } from '../support/pushSubscriber.ts';

/** RFC 8291 Appendix A: the worked example's keys, salt and the exact message it encrypts to. */
const rfc = {
  plaintext: 'When I grow up, I want to be a watermelon',
  asPublic: 'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8',
  asPrivate: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
  uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  salt: 'DGv6ra1nlYgDCS1FRnbzlw',
  auth: 'BTBZMqHH6r4Tts7J_aSIgg',
  body: 'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
};

describe('Web Push message encryption (RFC 8291)', () => {
  it('gives the exact bytes of RFC 8291 Appendix A for its keys and salt', async () => {
    const body = await encryptPayload(new TextEncoder().encode(rfc.plaintext), { p256dh: rfc.uaPublic, auth: rfc.auth }, {
      salt: new Uint8Array(fromBase64Url(rfc.salt)),
      serverKeys: { publicKey: rfc.asPublic, privateKey: rfc.asPrivate },
    });
    expect(toBase64Url(body)).toBe(rfc.body);
  });

  it('uses a fresh key and salt per message, which the browser (the RFC\'s receiver) decrypts', async () => {
    const browser = new PushSubscriber(Buffer.from(rfc.uaPrivate, 'base64url'), Buffer.from(rfc.auth, 'base64url'));
    expect(browser.keys).toEqual({ p256dh: rfc.uaPublic, auth: rfc.auth });
    expect(browser.decrypt(Buffer.from(rfc.body, 'base64url')).toString()).toBe(rfc.plaintext);
    const text = new TextEncoder().encode('Кап «Golden Fox» исчерпан');
    const [a, b] = [await encryptPayload(text, browser.keys), await encryptPayload(text, browser.keys)];
    expect(Buffer.from(a.slice(0, 16))).not.toEqual(Buffer.from(b.slice(0, 16)));
    expect(Buffer.from(a.slice(21, 86))).not.toEqual(Buffer.from(b.slice(21, 86)));
    expect(browser.decrypt(Buffer.from(a)).toString()).toBe('Кап «Golden Fox» исчерпан');
    // Another subscription's keys cannot read it.
    expect(() => new PushSubscriber().decrypt(Buffer.from(a))).toThrow();
  });

  it('refuses what a push service would not carry', async () => {
    const browser = new PushSubscriber();
    await expect(encryptPayload(new Uint8Array(4000), browser.keys)).rejects.toThrow(/at most 3993 bytes/);
    await expect(encryptPayload(new Uint8Array(1), { ...browser.keys, auth: 'AAAA' })).rejects.toThrow(/16 bytes/);
  });
});

describe('VAPID (RFC 8292)', () => {
  const now = Date.UTC(2026, 4, 4, 9, 0, 0);
  const endpoint = 'https://updates.push.services.mozilla.com/wpush/v2/gAAAAAB';

  it('signs an ES256 JWT for the endpoint\'s origin that verifies with the public key it names', async () => {
    const keys = { ...generateVapidPair(), subject: 'mailto:ops@arbidesk.example' };
    const authorization = await vapidAuthorization(endpoint, keys, now);
    expect(authorization).toMatch(new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${keys.publicKey}$`));
    const verified = verifyVapid(authorization, 'https://updates.push.services.mozilla.com', now / 1000);
    expect(verified).toEqual({ key: keys.publicKey, claims: { aud: 'https://updates.push.services.mozilla.com', exp: now / 1000 + 12 * 3600, sub: 'mailto:ops@arbidesk.example' } });
    // Another origin, a later day, or another key's signature is refused.
    expect(verifyVapid(authorization, 'https://fcm.googleapis.com', now / 1000)).toMatch(/aud/);
    expect(verifyVapid(authorization, 'https://updates.push.services.mozilla.com', now / 1000 + 13 * 3600)).toMatch(/exp/);
    const other = generateVapidPair();
    expect(verifyVapid(authorization.replace(keys.publicKey, other.publicKey), 'https://updates.push.services.mozilla.com', now / 1000)).toMatch(/signature/);
  });

  it('reads the keys from the secrets, or says why web push cannot go', async () => {
    const pair = generateVapidPair();
    expect(Buffer.from(pair.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(pair.privateKey, 'base64url')).toHaveLength(32);
    const env = (values: Record<string, string>) => (name: string) => values[name];
    expect(readVapidKeys(env({ VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: pair.privateKey, VAPID_SUBJECT: 'https://arbidesk.example' })))
      .toEqual({ ...pair, subject: 'https://arbidesk.example' });
    expect(readVapidKeys(env({}))).toBe('The project has no VAPID keys (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY)');
    expect(readVapidKeys(env({ VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: 'short' }))).toMatch(/not base64url P-256 keys/);
    expect(readVapidKeys(env({ VAPID_PUBLIC_KEY: pair.publicKey, VAPID_PRIVATE_KEY: pair.privateKey, VAPID_SUBJECT: 'ops@arbidesk.example' }))).toMatch(/mailto: or https:/);
  });
});

describe('push services a stored endpoint may point at', () => {
  it('by default only the browsers\' push services, never an address inside the project', () => {
    const rules = parseOriginAllowlist(undefined);
    expect(parseOriginAllowlist('')).toEqual(rules);
    expect(defaultPushOrigins.split(',')).toHaveLength(4);
    for (const endpoint of [
      'https://fcm.googleapis.com/fcm/send/abc:def',
      'https://updates.push.services.mozilla.com/wpush/v2/gAAA',
      'https://web.push.apple.com/QGuQyavXutnMH',
      'https://wns2-par02p.notify.windows.com/w/?token=BQYAAA',
    ]) expect(endpointAllowed(endpoint, rules), endpoint).toBe(true);
    for (const endpoint of [
      'http://fcm.googleapis.com/fcm/send/abc',
      'https://fcm.googleapis.com.evil.example/fcm/send/abc',
      'https://user@fcm.googleapis.com/fcm/send/abc',
      'https://fcm.googleapis.com:8443/fcm/send/abc',
      'https://notify.windows.com.evil.example/w',
      'https://127.0.0.1:54321/functions/v1/notify',
      'https://169.254.169.254/latest/meta-data',
      'not a url',
    ]) expect(endpointAllowed(endpoint, rules), endpoint).toBe(false);
  });

  it('WEB_PUSH_ORIGINS names others, exact or *.domain', () => {
    const rules = parseOriginAllowlist(' https://127.0.0.1:8443 , https://*.push.example.com ');
    expect(endpointAllowed('https://127.0.0.1:8443/wpush/v2/x', rules)).toBe(true);
    expect(endpointAllowed('https://127.0.0.1:8444/wpush/v2/x', rules)).toBe(false);
    expect(endpointAllowed('https://eu.push.example.com/x', rules)).toBe(true);
    expect(endpointAllowed('https://fcm.googleapis.com/fcm/send/x', rules)).toBe(false);
    expect(() => parseOriginAllowlist('fcm.googleapis.com')).toThrow(/not an origin/);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.UTC(2026, 4, 4, 9, 0, 0);
    expect(retryAfterSeconds('120', now)).toBe(120);
    expect(retryAfterSeconds('Mon, 04 May 2026 09:01:30 GMT', now)).toBe(90);
    expect(retryAfterSeconds(null, now)).toBeUndefined();
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
  });
});

describe('the push about a person\'s alerts', () => {
  const failed = { alert_id: '7d1f0000-0000-4000-8000-000000000001', kind: 'load_failed', severity: 'warning', params: { file_name: 'moloco-март.csv', error: 'Строка 7: нет даты' }, subject_type: 'load', subject_id: 'c0ffee00-0000-4000-8000-000000000001' };
  const stale = { alert_id: '7d1f0000-0000-4000-8000-000000000002', kind: 'data_stale', severity: 'critical', params: { source: 'tw_clicks', hours: 26, last_load_at: '2026-05-03T06:00:00Z' }, subject_type: 'source', subject_id: 'tw_clicks' };
  const cap = { alert_id: '7d1f0000-0000-4000-8000-000000000003', kind: 'cap_reached', severity: 'info', params: { offer: 'Golden Fox', geo: 'KZ', used: 20, limit: 20 }, subject_type: 'offer', subject_id: 'golden fox/KZ' };

  it('one alert: headed by its kind, in the person\'s language, opening what it is about', async () => {
    const { payload, message } = await alertPush([failed], 'ru', 'Europe/Moscow');
    expect(payload).toEqual({
      title: 'Загрузка не удалась', body: 'Загрузка «moloco-март.csv» не удалась: Строка 7: нет даты',
      url: '/app/loads/c0ffee00-0000-4000-8000-000000000001', tag: `alerts-${await pushTopic([failed.alert_id])}`, alert_ids: [failed.alert_id],
    });
    expect(JSON.parse(message.payload)).toEqual(payload);
    expect(message).toMatchObject({ urgency: 'normal', ttlSeconds: 12 * 3600 });
    expect((await alertPush([cap], 'en', 'UTC')).payload).toMatchObject({ title: 'Cap reached', body: 'Cap of “Golden Fox · KZ” reached: 20 of 20', url: '/app/offers/golden%20fox' });
    expect((await alertPush([cap], 'en', 'UTC')).message.urgency).toBe('low');
    expect((await alertPush([{ ...failed, repeated: true }], 'ru', 'UTC')).payload.body).toBe('Всё ещё не решено: Загрузка «moloco-март.csv» не удалась: Строка 7: нет даты');
  });

  it('several: counted in the heading, a line each with times in the person\'s zone, the alert centre, the most severe\'s urgency', async () => {
    const { payload, message } = await alertPush([failed, stale], 'ru', 'Europe/Moscow');
    expect(payload.title).toBe('ArbiDesk: 2 оповещения');
    expect(payload.body).toBe('⚠️ Загрузка «moloco-март.csv» не удалась: Строка 7: нет даты\n🔴 Нет новых данных (клики TrafficWave) дольше 26 ч: последняя загрузка 03.05.2026 09:00 (Europe/Moscow)');
    expect(payload.url).toBe('/app/alerts');
    expect(message.urgency).toBe('high');
    expect((await alertPush([stale], 'en', 'Asia/Vladivostok')).payload.body).toBe('No new data (TrafficWave clicks) for over 26 h: last load 2026-05-03 16:00 (Asia/Vladivostok)');
  });

  it('the topic is the same for the same alerts in any order, another for others, and fits RFC 8030\'s 32 characters', async () => {
    const topic = await pushTopic([failed.alert_id, stale.alert_id]);
    expect(topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await pushTopic([stale.alert_id, failed.alert_id])).toBe(topic);
    expect(await pushTopic([failed.alert_id])).not.toBe(topic);
    expect((await alertPush([failed, stale], 'en', 'UTC')).message.topic).toBe(topic);
  });
});
