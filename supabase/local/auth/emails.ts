import type { OutboxMessage } from '../mail/outbox.ts';

/**
 * The password-recovery email of Supabase Auth's default template: a link to the verify
 * endpoint and, for apps that ask for it, the one-time code.
 */
export function recoveryEmail(to: string, otp: string, link: string): OutboxMessage {
  return {
    to,
    subject: 'Reset Your Password',
    type: 'recovery',
    otp,
    link,
    text: `Reset Password\n\nFollow this link to reset the password for your user:\n${link}\n\nAlternatively, enter the code: ${otp}\n`,
    html: `<h2>Reset Password</h2>\n<p>Follow this link to reset the password for your user:</p>\n<p><a href="${link.replace(/&/g, '&amp;')}">Reset Password</a></p>\n<p>Alternatively, enter the code: ${otp}</p>\n`,
  };
}
