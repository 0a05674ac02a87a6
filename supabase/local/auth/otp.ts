import { createHash, randomInt } from 'node:crypto';

/** A numeric one-time code of `length` digits from a cryptographic source, as GoTrue's GenerateOtp. */
export function generateOtp(length: number): string {
  let otp = '';
  for (let i = 0; i < length; i += 1) otp += String(randomInt(10));
  return otp;
}

/**
 * The hash GoTrue stores for an emailed code (`recovery_token`) and puts in the email's link:
 * SHA-224 of the address followed by the code, so the code itself is never stored.
 */
export function tokenHash(email: string, otp: string): string {
  return createHash('sha224').update(email + otp).digest('hex');
}
