import { describe, expect, it } from 'vitest';
import type { AuthConfig, PasswordRequirements } from '../../supabase/local/config.ts';
import { passwordWeakness } from '../../supabase/local/auth/passwordPolicy.ts';
import { authConfig } from './auth.helpers.ts';

/** The stack runs one policy; the others are checked on the policy function itself. */
function policy(passwordRequirements: PasswordRequirements, minimumPasswordLength = 8): AuthConfig {
  return { ...authConfig, passwordRequirements, minimumPasswordLength };
}

function reasons(password: string, config: AuthConfig): string[] {
  return passwordWeakness(password, config)?.reasons ?? [];
}

describe('password requirements', () => {
  it.each<[PasswordRequirements, string, string[]]>([
    ['', 'anything', []],
    ['', 'short', ['length']],
    ['letters_digits', 'abcdefg1', []],
    ['letters_digits', 'ABCDEFG1', []],
    ['letters_digits', 'abcdefgh', ['characters']],
    ['letters_digits', '12345678', ['characters']],
    ['lower_upper_letters_digits', 'Abcdefg1', []],
    ['lower_upper_letters_digits', 'abcdefg1', ['characters']],
    ['lower_upper_letters_digits', 'ABCDEFG1', ['characters']],
    ['lower_upper_letters_digits', 'Abcdefgh', ['characters']],
    ['lower_upper_letters_digits_symbols', 'Abcdef1!', []],
    ['lower_upper_letters_digits_symbols', 'Abcdef1:', []],
    ['lower_upper_letters_digits_symbols', 'Abcdefg1', ['characters']],
    ['lower_upper_letters_digits_symbols', 'Ab1!', ['length']],
    ['lower_upper_letters_digits_symbols', 'ab', ['length', 'characters']],
  ])('%s: "%s" breaks %j', (requirements, password, expected) => {
    expect(reasons(password, policy(requirements))).toEqual(expected);
  });

  it('says what is missing in GoTrue\'s words', () => {
    expect(passwordWeakness('ab', policy('lower_upper_letters_digits_symbols', 6))?.message).toBe(
      'Password should be at least 6 characters. Password should contain at least one character of each: ' +
        "abcdefghijklmnopqrstuvwxyz, ABCDEFGHIJKLMNOPQRSTUVWXYZ, 0123456789, !@#$%^&*()_+-=[]{};'\\:\"|<>?,./`~.",
    );
  });

  it('counts length in bytes, as GoTrue does', () => {
    expect(reasons('пароль1', policy('letters_digits', 8))).toEqual(['characters']);
  });
});
