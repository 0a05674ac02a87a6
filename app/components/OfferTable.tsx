import { IonRouterLink } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { OfferRow } from '../lib/offers.ts';

interface OfferTableProps {
  rows: OfferRow[];
  selected: ReadonlySet<string>;
  /** Terms as the screen writes them: rate, start, GEOs. */
  formatRate(rate: number, currency: string): string;
  formatMoment(iso: string): string;
  onToggle(offerId: string): void;
  onToggleAll(select: boolean): void;
}

/** The registry as a table on tablets; on phones CSS lays each row out as a card. */
export function OfferTable({ rows, selected, formatRate, formatMoment, onToggle, onToggleAll }: OfferTableProps) {
  const { t } = useTranslation();
  const allChosen = rows.length > 0 && rows.every((r) => selected.has(r.id));
  return (
    <table className="offer-table" data-offers="table">
      <thead>
        <tr>
          <th className="offer-pick">
            <input type="checkbox" aria-label={t('offers.list.selectAll')} data-action="select-all" checked={allChosen} onChange={(e) => onToggleAll(e.target.checked)} />
          </th>
          <th>{t('offers.fields.code')}</th>
          <th>{t('offers.fields.program')}</th>
          <th>{t('offers.fields.status')}</th>
          <th>{t('offers.fields.geos')}</th>
          <th className="offer-number">{t('offers.fields.rate')}</th>
          <th>{t('offers.fields.validFrom')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id} data-offer={row.id} data-code={row.code} data-status={row.status} aria-selected={selected.has(row.id)}>
            <td className="offer-pick">
              <input type="checkbox" aria-label={t('offers.list.select', { code: row.code })} checked={selected.has(row.id)} onChange={() => onToggle(row.id)} />
            </td>
            <td className="offer-title">
              <IonRouterLink routerLink={`/app/offers/${row.id}`} data-action="open-offer">
                <strong>{row.code}</strong>
              </IonRouterLink>
              <span className="offer-sub">
                {row.name}
                {row.product ? ` · ${row.product}` : ''}
              </span>
            </td>
            <td data-label={t('offers.fields.program')}>{row.programName ?? '—'}</td>
            <td data-label={t('offers.fields.status')}>
              <span className={`offer-status offer-status-${row.status}`}>{t(`offers.status.${row.status}`)}</span>
            </td>
            <td data-label={t('offers.fields.geos')} data-cell="geos">
              {row.terms ? (row.terms.geos.length ? row.terms.geos.join(', ') : t('offers.allGeos')) : '—'}
              {row.terms?.rateGeos.length ? <span className="offer-sub">+ {row.terms.rateGeos.join(', ')}</span> : null}
            </td>
            <td className="offer-number" data-label={t('offers.fields.rate')} data-cell="rate">
              {row.terms ? formatRate(row.terms.rate, row.terms.currency) : t('offers.noTerms')}
            </td>
            <td data-label={t('offers.fields.validFrom')}>
              {row.terms ? formatMoment(row.terms.validFrom) : '—'}
              {row.terms && !row.terms.live && <span className="offer-sub">{t('offers.notLive')}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
