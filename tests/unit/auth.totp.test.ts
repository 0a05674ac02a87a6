import { describe, expect, it } from 'vitest';
import { SpentTotpSteps } from '../../supabase/local/auth/spentTotpSteps.ts';
import { matchingTotpStep, newTotpSecret, totpCode, totpStep, totpUri } from '../../supabase/local/auth/totp.ts';
import { totp } from '../support/totp.ts';

/** RFC 6238's SHA-1 seed, "12345678901234567890", in base32. */
const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
/** RFC 6238 appendix B (SHA-1), the last six of its eight digits, by Unix time. */
const rfcVectors: [number, string][] = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
  [20000000000, '353130'],
];

describe('TOTP codes (RFC 6238)', () => {
  it("gives the RFC's test vectors, in the stack and in the tests' own helper", () => {
    for (const [seconds, code] of rfcVectors) {
      expect(totpCode(rfcSecret, totpStep(seconds * 1000)), String(seconds)).toBe(code);
      expect(totp(rfcSecret, seconds * 1000), String(seconds)).toBe(code);
    }
  });

  it('accepts the current step and one either side, as GoTrue (Skew: 1), and reports which', () => {
    const now = 1_700_000_000_000;
    const step = totpStep(now);
    expect(matchingTotpStep(rfcSecret, totpCode(rfcSecret, step), now)).toBe(step);
    expect(matchingTotpStep(rfcSecret, totpCode(rfcSecret, step + 1), now)).toBe(step + 1);
    expect(matchingTotpStep(rfcSecret, ` ${totpCode(rfcSecret, step - 1)} `, now)).toBe(step - 1);
    expect(matchingTotpStep(rfcSecret, totpCode(rfcSecret, step - 2), now)).toBeUndefined();
    expect(matchingTotpStep(rfcSecret, totpCode(rfcSecret, step).slice(1), now)).toBeUndefined();
  });

  it('makes 20-byte secrets in unpadded base32', () => {
    const secrets = new Set(Array.from({ length: 20 }, () => newTotpSecret()));
    expect(secrets.size).toBe(20);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  });

  it('writes the key URI as pquerna/otp does: sorted parameters, Go path escaping', () => {
    expect(totpUri('127.0.0.1:5173', 'ann+mfa@example.com', 'ABC')).toBe(
      'otpauth://totp/127.0.0.1:5173:ann+mfa@example.com?algorithm=SHA1&digits=6&issuer=127.0.0.1:5173&period=30&secret=ABC',
    );
    expect(totpUri('Arbi Desk, Inc/#1?', 'пётр@example.com', 'ABC')).toBe(
      'otpauth://totp/Arbi%20Desk,%20Inc/%231%3F:%D0%BF%D1%91%D1%82%D1%80@example.com?algorithm=SHA1&digits=6&issuer=Arbi%20Desk%2C%20Inc%2F%231%3F&period=30&secret=ABC',
    );
  });
});

describe('spent TOTP steps', () => {
  it('lets each factor accept only steps later than the last it accepted', () => {
    const spent = new SpentTotpSteps();
    expect(spent.claim('a', 100)).toBe(true);
    expect(spent.claim('a', 100)).toBe(false);
    expect(spent.claim('a', 99)).toBe(false);
    expect(spent.claim('b', 100)).toBe(true);
    expect(spent.claim('a', 101)).toBe(true);
  });
});
