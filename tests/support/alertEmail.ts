import type { MailMessage } from '../../functions/_shared/alerts/mime.ts';

/**
 * An alert email as the notify function would write one: Russian, an emoji, a line that
 * starts with a dot (which DATA must stuff). Tests change what they look at.
 */
export function alertEmail(changes: Partial<MailMessage> = {}): MailMessage {
  return {
    from: { address: 'alerts@arbidesk.example', name: 'ArbiDesk' },
    to: { address: 'buyer@team.example' },
    subject: 'ArbiDesk: Кап «Золотая лиса · KZ» исчерпан: 20 из 20',
    text: '🔴 Кап «Золотая лиса · KZ» исчерпан: 20 из 20\n.hidden line that starts with a dot\n\nОткрыть: https://app.example/app/alerts',
    html: '<p>🔴 Кап «Золотая лиса · KZ» исчерпан</p>',
    date: new Date('2026-03-16T17:05:09Z'),
    messageId: 'alert-notification.1@arbidesk.example',
    language: 'ru',
    ...changes,
  };
}
