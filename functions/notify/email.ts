import { alertMessage, alertSubject, type AlertForText, type Locale } from '../_shared/alerts/messages.ts';
import { buildMessage, isMailAddress, type Mailbox } from '../_shared/alerts/mime.ts';
import { sendMail, type SmtpSettings } from '../_shared/alerts/smtp.ts';
import type { Sender } from './channels.ts';
import { alertsOf } from './dueAlerts.ts';

/** The mail server and what the emails carry: the function's SMTP_* secrets and APP_URL. */
export interface MailSettings {
  /** Undefined without SMTP_HOST; a problem when the secrets are wrong (SMTP_TLS=tls). */
  smtp?: SmtpSettings | { problem: string };
  /** SMTP_FROM: "ArbiDesk <alerts@example.com>". */
  from?: Mailbox;
  /** The app's address (APP_URL, the project's Site URL): the email links to its alert centre. */
  appUrl?: string;
}

const words: Record<Locale, { open: string; why: string }> = {
  ru: { open: 'Открыть оповещения в ArbiDesk', why: 'Это письмо отправлено автоматически: в ваших правилах оповещений ArbiDesk включена почта.' },
  en: { open: 'Open the alerts in ArbiDesk', why: 'This email was sent automatically: email is on in your ArbiDesk alert rules.' },
};

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The email's text and HTML: the message the other channels send (a line per alert), the link to the alert centre, and why it came. */
function bodies(alerts: readonly AlertForText[], locale: Locale, timeZone: string, appUrl: string | undefined): { text: string; html: string } {
  const lines = alertMessage(alerts, locale, timeZone).split('\n');
  const link = appUrl ? `${appUrl.replace(/\/$/, '')}/app/alerts` : undefined;
  const { open, why } = words[locale];
  const text = [...lines, '', ...(link ? [`${open}: ${link}`, ''] : []), '-- ', why, ''].join('\n');
  const html = [
    `<!doctype html><html lang="${locale}"><body>`,
    ...lines.map((line) => `<p>${escapeHtml(line)}</p>`),
    ...(link ? [`<p><a href="${escapeHtml(link)}">${escapeHtml(open)}</a></p>`] : []),
    `<p style="color:#666;font-size:small">${escapeHtml(why)}</p>`,
    '</body></html>',
  ].join('\n');
  return { text, html };
}

/** All the person's due alerts in one email, in their language and zone, from SMTP_FROM to their account's address. */
export const email: Sender = async (ctx, _tx, rows) => {
  const person = rows[0]!;
  const { smtp, from, appUrl } = ctx.mail ?? {};
  if (!smtp) return { status: 'skipped', error: 'The project has no mail server (SMTP_HOST)' };
  if ('problem' in smtp) return { status: 'failed', error: smtp.problem };
  if (!from) return { status: 'failed', error: 'SMTP_FROM is not an address ("ArbiDesk <alerts@example.com>")' };
  if (!person.email || !isMailAddress(person.email)) return { status: 'skipped', error: 'This person has no email address' };
  const domain = from.address.split('@')[1] ?? 'localhost';
  const alerts = alertsOf(rows);
  const message = buildMessage({
    from,
    to: { address: person.email },
    subject: alertSubject(alerts, person.locale, person.time_zone),
    ...bodies(alerts, person.locale, person.time_zone, appUrl),
    date: new Date(),
    // The same rows sent again (a retry) carry the same Message-ID, so a receiver can tell a repeat.
    messageId: `alert-notification.${rows.map((r) => r.id).sort()[0]}@${domain}`,
    language: person.locale,
  });
  return sendMail(smtp, domain, from.address, person.email, message);
};
