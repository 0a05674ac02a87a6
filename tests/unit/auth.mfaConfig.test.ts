import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../supabase/local/config.ts';

describe('[auth.mfa] in config.toml', () => {
  function configWith(toml: string) {
    const dir = mkdtempSync(join(tmpdir(), 'mfa-config-'));
    try {
      writeFileSync(join(dir, 'config.toml'), toml);
      return loadConfig(join(dir, 'config.toml')).auth.mfa;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("takes the CLI's defaults when the file says nothing: TOTP off, ten factors", () => {
    expect(configWith('[auth]\nenabled = true\n')).toEqual({ maxEnrolledFactors: 10, totp: { enrollEnabled: false, verifyEnabled: false } });
  });

  it('reads the keys the CLI knows, and refuses enrolment without verification as the CLI does', () => {
    expect(configWith('[auth.mfa]\nmax_enrolled_factors = 3\n[auth.mfa.totp]\nenroll_enabled = false\nverify_enabled = true\n')).toEqual({
      maxEnrolledFactors: 3,
      totp: { enrollEnabled: false, verifyEnabled: true },
    });
    expect(() => configWith('[auth.mfa.totp]\nenroll_enabled = true\nverify_enabled = false\n')).toThrow('auth.mfa.totp.enroll_enabled requires verify_enabled');
  });

  it('has TOTP on in the project, so the app can offer it', () => {
    expect(loadConfig().auth.mfa.totp).toEqual({ enrollEnabled: true, verifyEnabled: true });
  });
});
