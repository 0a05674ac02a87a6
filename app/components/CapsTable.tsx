import { IonButton, IonIcon, IonInput, IonSelect, IonSelectOption } from '@ionic/react';
import { downloadOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import { capStatuses, type CapFilter } from '../lib/caps.ts';
import { CapStatusChip } from './CapCard.tsx';
import type { CapView } from './capView.ts';

interface CapsTableProps {
  caps: CapView[];
  filter: CapFilter;
  programs: { id: string; name: string }[];
  onFilter(filter: CapFilter): void;
  onExport(): void;
  onOpen(href: string): void;
  /** Null when the person's role may not act on caps. */
  onAct: ((key: string) => void) | null;
}

const any = '';

/** The monitor on tablets: filters by status, program and offer, the caps as a table, and the export. */
export function CapsTable({ caps, filter, programs, onFilter, onExport, onOpen, onAct }: CapsTableProps) {
  const { t } = useTranslation();
  return (
    <>
      <div className="caps-filters" data-caps="filters">
        <IonSelect
          interface="popover"
          label={t('caps.filters.status')}
          value={filter.status ?? any}
          data-filter="status"
          onIonChange={(e) => onFilter({ ...filter, status: capStatuses.find((s) => s === e.detail.value) ?? null })}
        >
          <IonSelectOption value={any}>{t('caps.filters.all')}</IonSelectOption>
          {capStatuses.map((s) => (
            <IonSelectOption key={s} value={s}>
              {t(`caps.status.${s}`)}
            </IonSelectOption>
          ))}
        </IonSelect>
        <IonSelect
          interface="popover"
          label={t('caps.filters.program')}
          value={filter.programId ?? any}
          data-filter="program"
          onIonChange={(e) => onFilter({ ...filter, programId: programs.find((p) => p.id === e.detail.value)?.id ?? null })}
        >
          <IonSelectOption value={any}>{t('caps.filters.all')}</IonSelectOption>
          {programs.map((p) => (
            <IonSelectOption key={p.id} value={p.id}>
              {p.name}
            </IonSelectOption>
          ))}
        </IonSelect>
        <IonInput
          label={t('caps.filters.search')}
          value={filter.search}
          data-filter="search"
          debounce={200}
          clearInput
          onIonInput={(e) => onFilter({ ...filter, search: String(e.detail.value ?? '') })}
        />
        <IonButton fill="outline" onClick={onExport} disabled={caps.length === 0} data-action="export-caps">
          <IonIcon slot="start" icon={downloadOutline} aria-hidden="true" />
          {t('caps.export')}
        </IonButton>
      </div>
      <table className="caps-table" data-caps="table">
        <thead>
          <tr>
            <th>{t('caps.columns.offer')}</th>
            <th>{t('caps.columns.program')}</th>
            <th>{t('caps.columns.status')}</th>
            <th>{t('caps.columns.usage')}</th>
            <th>{t('caps.columns.period')}</th>
            <th>{t('caps.columns.eta')}</th>
            <th>{t('caps.columns.risk')}</th>
            {onAct && <th>{t('caps.columns.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {caps.map((c) => (
            <tr key={c.key} data-cap={c.key}>
              <td>
                <a
                  href={c.href}
                  onClick={(e) => {
                    e.preventDefault();
                    onOpen(c.href);
                  }}
                >
                  {c.title}
                </a>
              </td>
              <td>{c.program ?? '—'}</td>
              <td>
                <CapStatusChip status={c.status} text={c.statusText} />
              </td>
              <td data-cap-usage>
                <progress max={1} value={c.progress} aria-label={t('caps.progressLabel', { percent: c.percent })} /> {c.percent} · {c.usage}
              </td>
              <td data-cap-period>{c.period}</td>
              <td data-cap-eta>{c.eta ?? '—'}</td>
              <td>{c.spendAtRisk ?? '—'}</td>
              {onAct && (
                <td>
                  <IonButton size="small" fill="clear" onClick={() => onAct(c.key)} data-action="cap-actions">
                    {t('caps.actions.open')}
                  </IonButton>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {caps.length === 0 && <p className="caps-empty">{t('caps.noMatch')}</p>}
    </>
  );
}
