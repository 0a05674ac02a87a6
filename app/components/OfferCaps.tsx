import { IonItem, IonLabel, IonList, IonNote } from '@ionic/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CapAction, CapActionKind, CapRow } from '../lib/caps.ts';
import type { UserMessage } from '../lib/errors.ts';
import { CapActionForm } from './CapActionForm.tsx';
import { CapCard } from './CapCard.tsx';
import { capKey, type CapView } from './capView.ts';

interface OfferCapsProps {
  rows: CapRow[];
  views: CapView[];
  /** The offer's latest actions on its caps, newest first; null while they load. */
  history: CapAction[] | null;
  names: Record<string, string>;
  mayAct: boolean;
  busy: boolean;
  formatMoment(iso: string): string;
  formatCount(value: number): string;
  onAct(row: CapRow, action: CapActionKind, reason: string, newLimit: number | null): Promise<UserMessage | null>;
}

/** The offer card's caps: its usage now (a card per GEO counted on its own) and who did what to them lately. */
export function OfferCaps({ rows, views, history, names, mayAct, busy, formatMoment, formatCount, onAct }: OfferCapsProps) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<string | null>(null);
  const chosenRow = rows.find((r) => capKey(r) === chosen) ?? null;
  const chosenTitle = views.find((v) => v.key === chosen)?.title ?? '';
  return (
    <section className="offer-caps ion-padding-horizontal" data-offer="caps">
      <h2 className="section-title">{t('caps.offer.title')}</h2>
      {views.length ? (
        views.map((v) => <CapCard key={v.key} cap={v} compact onAct={mayAct ? () => setChosen(v.key) : null} cannotAct={mayAct ? null : t('caps.cannotAct')} />)
      ) : (
        <p className="caps-empty">{t('caps.offer.none')}</p>
      )}
      <h3 className="section-title">{t('caps.offer.history')}</h3>
      {history && history.length === 0 && <p className="caps-empty">{t('caps.offer.noHistory')}</p>}
      {history && history.length > 0 && (
        <IonList lines="inset" className="cap-history" data-caps="history">
          {history.map((a) => (
            <IonItem key={a.id} data-cap-history={a.action}>
              <IonLabel className="ion-text-wrap">
                <h3>
                  {t('caps.offer.historyItem', { action: t(`caps.actions.${a.action}`), who: (a.actor && names[a.actor]) || t('caps.offer.someone'), when: formatMoment(a.at) })}
                  {a.geo ? ` · ${a.geo}` : ''}
                </h3>
                {a.oldLimit !== null && a.newLimit !== null && a.oldLimit !== a.newLimit && <p>{t('caps.offer.limitChange', { from: formatCount(a.oldLimit), to: formatCount(a.newLimit) })}</p>}
                <p className="cap-reason">{a.reason}</p>
              </IonLabel>
            </IonItem>
          ))}
        </IonList>
      )}
      {history === null && <IonNote>{t('common.wait')}</IonNote>}
      <CapActionForm
        cap={chosenRow ? { ...chosenRow, title: chosenTitle } : null}
        busy={busy}
        onSubmit={(action, reason, newLimit) => (chosenRow ? onAct(chosenRow, action, reason, newLimit) : Promise.resolve(null))}
        onClose={() => setChosen(null)}
      />
    </section>
  );
}
