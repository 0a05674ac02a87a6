import { IonRouterLink } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { CapCard } from './CapCard.tsx';
import type { CapView } from './capView.ts';

interface CapsAttentionProps {
  /** At most three caps at warning, critical or reached, most urgent first. */
  caps: CapView[];
  /** "Caps as of 14:05 (Europe/Moscow)" when the list was kept rather than just fetched. */
  keptNote: string | null;
}

/** The summary's block of caps that need attention, with the way to the monitor. */
export function CapsAttention({ caps, keptNote }: CapsAttentionProps) {
  const { t } = useTranslation();
  return (
    <section className="caps-attention ion-padding-horizontal" data-summary="caps" aria-labelledby="caps-attention-title">
      <h2 id="caps-attention-title" className="section-title">
        {t('caps.attention.title')}
      </h2>
      {keptNote && <p className="summary-note" data-note="caps-kept">{keptNote}</p>}
      {caps.length ? caps.map((c) => <CapCard key={c.key} cap={c} compact onAct={null} />) : <p className="caps-empty">{t('caps.attention.none')}</p>}
      <IonRouterLink routerLink="/app/caps" className="caps-attention-more" data-action="open-caps">
        {t('caps.attention.all')}
      </IonRouterLink>
    </section>
  );
}
