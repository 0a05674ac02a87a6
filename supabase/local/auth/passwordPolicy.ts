import type { AuthConfig, PasswordRequirements } from '../config.ts';
import { AuthApiError, WeakPasswordError } from './errors.ts';

/** bcrypt reads at most 72 bytes; GoTrue refuses longer passwords instead of truncating them. */
const maxPasswordBytes = 72;

const lower = 'abcdefghijklmnopqrstuvwxyz';
const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const digits = '0123456789';
const symbols = "!@#$%^&*()_+-=[]{};'\\:\"|<>?,./`~";

/**
 * The character sets a password must draw from, as the Supabase CLI hands
 * `password_requirements` to GoTrue (GOTRUE_PASSWORD_REQUIRED_CHARACTERS, split on ':').
 */
export function requiredCharacterSets(requirements: PasswordRequirements): string[] {
  switch (requirements) {
    case 'letters_digits':
      return [lower + upper, digits];
    case 'lower_upper_letters_digits':
      return [lower, upper, digits];
    case 'lower_upper_letters_digits_symbols':
      return [lower, upper, digits, symbols];
    case '':
      return [];
  }
}

/**
 * The policy violations of a password, as GoTrue's checkPasswordStrength reports them:
 * reasons 'length' and/or 'characters' with one sentence each. Lengths are in bytes, as
 * GoTrue counts them. Undefined when the password is acceptable.
 */
export function passwordWeakness(password: string, config: AuthConfig): WeakPasswordError | undefined {
  const reasons: string[] = [];
  const messages: string[] = [];
  if (Buffer.byteLength(password, 'utf8') < config.minimumPasswordLength) {
    reasons.push('length');
    messages.push(`Password should be at least ${config.minimumPasswordLength} characters.`);
  }
  const sets = requiredCharacterSets(config.passwordRequirements);
  if (sets.some((set) => ![...set].some((c) => password.includes(c)))) {
    reasons.push('characters');
    messages.push(`Password should contain at least one character of each: ${sets.join(', ')}.`);
  }
  return reasons.length > 0 ? new WeakPasswordError(messages.join(' '), reasons) : undefined;
}

/** Throws unless a new password may be set: 400 when bcrypt cannot hold it, 422 weak_password when it breaks the policy. */
export function assertPasswordAcceptable(password: string, config: AuthConfig): void {
  if (Buffer.byteLength(password, 'utf8') > maxPasswordBytes) {
    throw new AuthApiError(400, 'validation_failed', `Password cannot be longer than ${maxPasswordBytes} characters`);
  }
  const weakness = passwordWeakness(password, config);
  if (weakness) throw weakness;
}
