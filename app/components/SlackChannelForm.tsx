import { IonButton, IonInput, IonItem, IonLabel, IonList, IonListHeader, IonNote, IonText } from '@ionic/react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { alertSeverities, type AlertSeverity } from '../lib/alerts.ts';
import { readWebhookUrl, type SlackChannel } from '../lib/alertSettings.ts';
import type { SlackChanges } from '../lib/alertSettingsApi.ts';
import { locales, type Locale } from '../lib/dataApi.ts';
import { TimeZonePicker } from './TimeZonePicker.tsx';

interface SlackChannelFormProps {
  /** Null: none set yet. */
  channel: SlackChannel | null;
  readOnly: boolean;
  busy: boolean;
  onSave(changes: SlackChanges): void;
}

/**
 * The workspace's Slack channel (an incoming webhook), for admins. The webhook is a secret:
 * once saved it shows only masked, and a new one replaces it.
 */
export function SlackChannelForm({ channel, readOnly, busy, onSave }: SlackChannelFormProps) {
  const { t } = useTranslation();
  const [url, setUrl] = useState('');
  const [minSeverity, setMinSeverity] = useState<AlertSeverity>(channel?.minSeverity ?? 'warning');
  const [locale, setLocale] = useState<Locale>(channel?.locale ?? 'ru');
  const [timeZone, setTimeZone] = useState(channel?.timeZone ?? 'Europe/Moscow');
  const [enabled, setEnabled] = useState(channel?.enabled ?? true);
  const [problem, setProblem] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const typed = url.trim();
    const webhookUrl = typed === '' ? undefined : readWebhookUrl(typed);
    const missing = typed === '' && !channel;
    setProblem(webhookUrl === null || missing);
    if (webhookUrl === null || missing) return;
    onSave({ webhookUrl, minSeverity, locale, timeZone, enabled });
  };

  return (
    <form onSubmit={submit} noValidate data-form="slack">
      <IonList inset>
        <IonListHeader>
          <IonLabel>{t('alertSettings.slack.title')}</IonLabel>
        </IonListHeader>
        {channel && (
          <IonItem>
            <IonLabel className="ion-text-wrap">
              <span className="field-label">{t('alertSettings.slack.saved')}</span>
              <span className="field-value" data-webhook-hint>
                {channel.webhookHint}
              </span>
              <p data-slack-state={channel.enabled ? 'on' : 'off'}>{t(channel.enabled ? 'alertSettings.slack.on' : 'alertSettings.slack.off')}</p>
            </IonLabel>
          </IonItem>
        )}
        {!readOnly && (
          <>
            <IonItem>
              <IonInput
                name="webhookUrl"
                type="url"
                autocomplete="off"
                label={t(channel ? 'alertSettings.slack.replaceUrl' : 'alertSettings.slack.url')}
                labelPlacement="stacked"
                placeholder="https://hooks.slack.com/services/…"
                value={url}
                onIonInput={(e) => setUrl(e.detail.value ?? '')}
              />
            </IonItem>
            <IonItem>
              <label className="item-block">
                <span className="field-label">{t('alertSettings.rule.minSeverity')}</span>
                <select className="setting-select" name="slackSeverity" value={minSeverity} onChange={(e) => setMinSeverity(alertSeverities.find((s) => s === e.target.value) ?? 'warning')}>
                  {alertSeverities.map((s) => (
                    <option key={s} value={s}>
                      {t(`alertSettings.rule.severityFrom.${s}`)}
                    </option>
                  ))}
                </select>
              </label>
            </IonItem>
            <IonItem>
              <label className="item-block">
                <span className="field-label">{t('alertSettings.slack.language')}</span>
                <select className="setting-select" name="slackLocale" value={locale} onChange={(e) => setLocale(locales.find((l) => l === e.target.value) ?? 'ru')}>
                  {locales.map((l) => (
                    <option key={l} value={l}>
                      {t(`alertSettings.slack.languages.${l}`)}
                    </option>
                  ))}
                </select>
              </label>
            </IonItem>
            <TimeZonePicker value={timeZone} onChange={setTimeZone} />
            <IonItem>
              <label className="alert-rule-channel">
                <input type="checkbox" name="slackEnabled" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
                <span>{t('alertSettings.slack.enabled')}</span>
              </label>
            </IonItem>
          </>
        )}
        <IonItem lines="none">
          <IonNote className="hint">{t(readOnly ? 'alertSettings.offlineReadOnly' : 'alertSettings.slack.hint')}</IonNote>
        </IonItem>
      </IonList>
      {problem && (
        <IonText color="danger">
          <p className="ion-padding-horizontal" role="alert" data-problem="webhookUrl">
            {t('alertSettings.slack.invalidUrl')}
          </p>
        </IonText>
      )}
      {!readOnly && (
        <div className="ion-padding-horizontal">
          <IonButton type="submit" disabled={busy} data-action="save-slack">
            {t('alertSettings.slack.save')}
          </IonButton>
        </div>
      )}
    </form>
  );
}
