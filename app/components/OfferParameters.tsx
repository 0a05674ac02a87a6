import { IonButton, IonIcon, IonItem, IonLabel, IonList, IonNote } from '@ionic/react';
import { addCircleOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import type { OfferStatus } from '../lib/offers.ts';
import type { OfferDetail, OfferVersion } from '../lib/offersApi.ts';

interface OfferParametersProps {
  offer: OfferDetail;
  current: OfferVersion | null;
  live: boolean;
  programName: string | null;
  /** Names of the policies and the author, resolved by the page. */
  kpiName: string | null;
  capName: string | null;
  authorName: string | null;
  canWrite: boolean;
  busy: boolean;
  formatRate(rate: number, currency: string): string;
  formatMoment(iso: string): string;
  onNewVersion(): void;
  onStatus(status: OfferStatus): void;
}

function Row({ name, label, value }: { name: string; label: string; value: string | null }) {
  return (
    <IonItem data-param={name}>
      <IonLabel className="offer-param">
        <span className="field-label">{label}</span>
        <span className="field-value">{value ?? '—'}</span>
      </IonLabel>
    </IonItem>
  );
}

/** The offer and the terms it has now; "edit" opens a new version. */
export function OfferParameters(props: OfferParametersProps) {
  const { offer, current, live, canWrite, busy, formatRate, formatMoment } = props;
  const { t } = useTranslation();
  const geos = current ? (current.geos.length ? current.geos.join(', ') : t('offers.allGeos')) : null;
  const validity = current ? `${formatMoment(current.validFrom)} — ${current.validTo ? formatMoment(current.validTo) : t('offers.openEnd')}` : null;
  return (
    <div data-tab-body="parameters">
      <IonList inset>
        <Row name="name" label={t('offers.fields.name')} value={offer.name} />
        <Row name="product" label={t('offers.fields.product')} value={offer.product} />
        <Row name="program" label={t('offers.fields.program')} value={props.programName} />
        <Row name="status" label={t('offers.fields.status')} value={t(`offers.status.${offer.status}`)} />
      </IonList>
      {canWrite && (
        <div className="button-row ion-padding-horizontal">
          {(['active', 'paused', 'archived'] as const)
            .filter((s) => s !== offer.status)
            .map((s) => (
              <IonButton key={s} size="small" fill="outline" disabled={busy} data-status-action={s} onClick={() => props.onStatus(s)}>
                {t(`offers.bulk.to.${s}`)}
              </IonButton>
            ))}
        </div>
      )}
      <h3 className="offer-section-title ion-padding-horizontal">
        {t('offers.card.terms')} {current && !live && <IonNote>({t('offers.notLive')})</IonNote>}
      </h3>
      {current ? (
        <IonList inset data-version={current.id}>
          <Row name="validity" label={t('offers.fields.validity')} value={validity} />
          <Row name="rate" label={t('offers.fields.rate')} value={formatRate(current.rate, current.currency)} />
          <Row name="geos" label={t('offers.fields.geos')} value={geos} />
          {current.geoRates.length > 0 && (
            <IonItem data-param="geoRates">
              <IonLabel className="offer-param">
                <span className="field-label">{t('offers.fields.geoRates')}</span>
                {current.geoRates.map((g) => (
                  <span key={g.geo} className="field-value" data-geo-rate={g.geo}>
                    {g.geo}: {formatRate(g.rate, g.currency ?? current.currency)}
                  </span>
                ))}
              </IonLabel>
            </IonItem>
          )}
          <Row name="kpi" label={t('offers.fields.kpiPolicyId')} value={props.kpiName} />
          <Row name="cap" label={t('offers.fields.capPolicyId')} value={props.capName} />
          <Row name="landingType" label={t('offers.fields.landingType')} value={current.landingType} />
          <Row name="approach" label={t('offers.fields.approach')} value={current.approach} />
          <Row name="notes" label={t('offers.fields.notes')} value={current.notes} />
          <Row name="author" label={t('offers.fields.author')} value={props.authorName} />
          {current.backdateReason ? <Row name="reason" label={t('offers.fields.reason')} value={current.backdateReason} /> : null}
        </IonList>
      ) : (
        <p className="ion-padding-horizontal hint">{t('offers.noTermsText')}</p>
      )}
      {canWrite && (
        <div className="ion-padding-horizontal">
          <IonButton data-action="new-version" disabled={busy || offer.status !== 'active'} onClick={props.onNewVersion}>
            <IonIcon icon={addCircleOutline} slot="start" aria-hidden="true" />
            {t('offers.version.open')}
          </IonButton>
          {offer.status !== 'active' && <p className="hint">{t('offers.version.activateFirst')}</p>}
        </div>
      )}
    </div>
  );
}
