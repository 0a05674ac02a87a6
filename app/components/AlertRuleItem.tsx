import { IonButton, IonItem, IonLabel, IonNote, IonRouterLink } from '@ionic/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { alertSeverities, type AlertSeverity } from '../lib/alerts.ts';
import { alertChannels, ruleSentence, type AlertChannel, type AlertRule } from '../lib/alertSettings.ts';
import type { Locale } from '../lib/dataApi.ts';

interface AlertRuleItemProps {
  rule: AlertRule;
  language: Locale;
  telegramLinked: boolean;
  /** Offline: shown as it is, nothing to change. */
  readOnly: boolean;
  busy: boolean;
  onSave(minSeverity: AlertSeverity, channels: AlertChannel[]): void;
  onReset(): void;
}

/**
 * One kind of alert: what the person is told of it (a sentence), where it comes from (their own
 * choice or their role's default), and the minimum severity and channels to change it.
 */
export function AlertRuleItem({ rule, language, telegramLinked, readOnly, busy, onSave, onReset }: AlertRuleItemProps) {
  const { t } = useTranslation();
  // A default that sends nothing starts the form at "warning", the table's own default.
  const [severity, setSeverity] = useState<AlertSeverity>(rule.minSeverity ?? 'warning');
  const [channels, setChannels] = useState<AlertChannel[]>(rule.channels);
  const sentence = ruleSentence(rule);
  const list = new Intl.ListFormat(language, { type: 'conjunction' }).format(sentence.channels.map((c) => t(`alertSettings.channels.${c}`)));
  const changed = severity !== rule.minSeverity || channels.length !== rule.channels.length || channels.some((c) => !rule.channels.includes(c));
  const toggle = (channel: AlertChannel, on: boolean) => setChannels(alertChannels.filter((c) => (c === channel ? on : channels.includes(c))));
  const fieldId = `rule-${rule.kind}`;

  return (
    <IonItem data-rule={rule.kind} data-rule-own={rule.own}>
      <IonLabel className="ion-text-wrap alert-rule">
        <h3>{t(`alertSettings.kinds.${rule.kind}`)}</h3>
        <p className="alert-rule-sentence" data-rule-sentence>
          {t(`alertSettings.rule.${sentence.key}`, { severity: sentence.severity ? t(`alerts.severity.${sentence.severity}`) : '', channels: list })}
        </p>
        <IonNote className="hint" data-rule-source={rule.own ? 'own' : 'default'}>
          {t(rule.own ? 'alertSettings.rule.own' : 'alertSettings.rule.default')}
        </IonNote>
        {!readOnly && (
          <div className="alert-rule-form">
            <label className="item-block" htmlFor={`${fieldId}-severity`}>
              <span className="field-label">{t('alertSettings.rule.minSeverity')}</span>
            </label>
            <select id={`${fieldId}-severity`} className="setting-select" name="minSeverity" value={severity} onChange={(e) => setSeverity(alertSeverities.find((s) => s === e.target.value) ?? 'warning')}>
              {alertSeverities.map((s) => (
                <option key={s} value={s}>
                  {t(`alertSettings.rule.severityFrom.${s}`)}
                </option>
              ))}
            </select>
            <fieldset className="alert-rule-channels">
              <legend className="field-label">{t('alertSettings.rule.channels')}</legend>
              {alertChannels.map((c) => (
                <label key={c} className="alert-rule-channel">
                  <input type="checkbox" name={c} checked={channels.includes(c)} onChange={(e) => toggle(c, e.target.checked)} />
                  <span>{t(`alertSettings.channels.${c}`)}</span>
                  {c === 'telegram' && !telegramLinked && (
                    <span className="hint" data-telegram="not-linked">
                      {' '}
                      {t('alertSettings.rule.telegramNotLinked')} <IonRouterLink routerLink="/app/profile">{t('alertSettings.rule.linkInProfile')}</IonRouterLink>
                    </span>
                  )}
                </label>
              ))}
            </fieldset>
            <div className="button-row">
              <IonButton size="small" disabled={busy || !changed} data-action="save-rule" onClick={() => onSave(severity, channels)}>
                {t('alertSettings.rule.save')}
              </IonButton>
              {rule.own && (
                <IonButton size="small" fill="outline" disabled={busy} data-action="reset-rule" onClick={onReset}>
                  {t('alertSettings.rule.reset')}
                </IonButton>
              )}
            </div>
          </div>
        )}
      </IonLabel>
    </IonItem>
  );
}
