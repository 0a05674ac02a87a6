import { useTranslation } from 'react-i18next';
import { offerStatuses, type OfferFilters as Filters, type OfferStatus } from '../lib/offers.ts';
import type { ProgramOption } from '../lib/offersApi.ts';
import { SearchField } from './SearchField.tsx';

interface OfferFiltersProps {
  filters: Filters;
  geos: string[];
  programs: ProgramOption[];
  onChange(changes: Partial<Filters>): void;
}

/** Search and the GEO, status and program filters of the registry (native selects: the phone's own picker). */
export function OfferFilters({ filters, geos, programs, onChange }: OfferFiltersProps) {
  const { t } = useTranslation();
  return (
    <div className="offer-filters">
      <SearchField
        label={t('offers.filters.search')}
        className="offer-search"
        value={filters.search}
        placeholder={t('offers.filters.search')}
        debounce={150}
        data-filter="search"
        onIonInput={(e) => onChange({ search: e.detail.value ?? '' })}
      />
      <div className="offer-filter-row">
        <label>
          <span className="field-label">{t('offers.filters.geo')}</span>
          <select data-filter="geo" value={filters.geo ?? ''} onChange={(e) => onChange({ geo: e.target.value || null })}>
            <option value="">{t('offers.filters.any')}</option>
            {geos.map((geo) => (
              <option key={geo} value={geo}>
                {geo}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="field-label">{t('offers.filters.status')}</span>
          <select data-filter="status" value={filters.status ?? ''} onChange={(e) => onChange({ status: offerStatuses.find((s): s is OfferStatus => s === e.target.value) ?? null })}>
            <option value="">{t('offers.filters.any')}</option>
            {offerStatuses.map((status) => (
              <option key={status} value={status}>
                {t(`offers.status.${status}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="field-label">{t('offers.filters.program')}</span>
          <select data-filter="program" value={filters.programId ?? ''} onChange={(e) => onChange({ programId: e.target.value || null })}>
            <option value="">{t('offers.filters.any')}</option>
            {programs.map((program) => (
              <option key={program.id} value={program.id}>
                {program.name}
              </option>
            ))}
          </select>
        </label>
      </div>
    </div>
  );
}
