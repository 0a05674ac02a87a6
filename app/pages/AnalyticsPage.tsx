import { IonContent, IonPage, IonSpinner } from '@ionic/react';
import type { TFunction } from 'i18next';
import { lazy, Suspense, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { AnalyticsExport, type ExportFormat } from '../components/AnalyticsExport.tsx';
import { AnalyticsFilters } from '../components/AnalyticsFilters.tsx';
import { AnalyticsLayoutPicker } from '../components/AnalyticsLayoutPicker.tsx';
import { AnalyticsPresets } from '../components/AnalyticsPresets.tsx';
import { AnalyticsRangePicker } from '../components/AnalyticsRangePicker.tsx';
import { AnalyticsTable } from '../components/AnalyticsTable.tsx';
import { LoadProblem } from '../components/LoadProblem.tsx';
import { NoDataYet } from '../components/NoDataYet.tsx';
import { OfflineNote } from '../components/OfflineNote.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { metricKinds, nextSort, sortForGrouping, sortRows, type AnalyticsRow, type AnalyticsSelection, type AnalyticsTable as MetricsTable, type Metric } from '../lib/analytics.ts';
import { canSharePresets, listPresets, PresetFileError, presetsFile, readPresetsFile } from '../lib/analyticsPresets.ts';
import type { Locale } from '../lib/dataApi.ts';
import { formatAsOf } from '../lib/dates.ts';
import { buildCsv, buildJson, exportFileName, exportSheet, saveFile } from '../lib/exportTable.ts';
import { formatCount, formatMoney, formatPercent } from '../lib/numbers.ts';
import { chosenTimeZone, type DayRange } from '../lib/summary.ts';
import { selectAnalyticsKeptAt, selectAnalyticsStatus, selectChart, selectCurrentTable, selectedRange, selectFilterValues, selectPresets, selectSelection, selectSharedPresets, useAnalytics, useAnalyticsPresets } from '../stores/analytics.ts';
import { selectReachable, useConnection } from '../stores/connection.ts';
import { reportError, reportSuccess, useNotices } from '../stores/notices.ts';
import { selectLanguage, usePreferences } from '../stores/preferences.ts';
import { selectProfile, selectProfileStatus, useProfile } from '../stores/profile.ts';
import { selectUser, useSession } from '../stores/session.ts';
import { useShownWorkspace } from '../stores/shownWorkspace.ts';
import { selectWorkspaceStatus, useWorkspace } from '../stores/workspace.ts';
import '../theme/analytics.css';

// The chart is the heaviest part of the screen and often not looked at: it loads when opened.
const AnalyticsChart = lazy(() => import('../components/AnalyticsChart.tsx'));

function valueFormatter(currency: string, language: Locale) {
  return (metric: Metric, value: number | null) => {
    if (value === null) return '—';
    const kind = metricKinds[metric];
    return kind === 'money' ? formatMoney(value, currency, language) : kind === 'ratio' ? formatPercent(value, language) : formatCount(value, language);
  };
}

/** Builds the file of the chosen format from what the table shows and hands it to the browser. */
async function exportSelection(format: ExportFormat, table: { data: MetricsTable; range: DayRange }, rows: AnalyticsRow[], selection: AnalyticsSelection, t: TFunction) {
  const sheet = exportSheet(table.data, rows, selection, { dimension: (d) => t(`analytics.dimension.${d}`), metric: (m) => t(`analytics.metric.${m}`), total: t('analytics.total'), none: t('analytics.none') });
  const name = exportFileName(table.range, format);
  if (format === 'csv') return saveFile(new Blob([buildCsv(sheet)], { type: 'text/csv;charset=utf-8' }), name);
  if (format === 'json') return saveFile(new Blob([buildJson(table.data, rows, selection, table.range)], { type: 'application/json' }), name);
  const { buildXlsx } = await import('../lib/exportXlsx.ts');
  saveFile(await buildXlsx(sheet, t('analytics.title')), name);
}

function Section({ name, title, children, onOpen }: { name: string; title: string; children: ReactNode; onOpen?(open: boolean): void }) {
  return (
    <details className="analytics-section" data-section={name} onToggle={(e) => onOpen?.(e.currentTarget.open)}>
      <summary>{title}</summary>
      {children}
    </details>
  );
}

/**
 * Analytics: the metrics RPC as a table grouped by the chosen dimensions, with the chosen
 * metrics as columns, a totals row, sorting, date presets, filters on every dimension,
 * presets kept on this device or shared with the workspace, exports and a chart of the metrics per day.
 */
export default function AnalyticsPage() {
  const { t } = useTranslation();
  // While offline the workspace whose summary this device kept stands in, as on the summary.
  const workspace = useShownWorkspace();
  const workspaceStatus = useWorkspace(selectWorkspaceStatus);
  const profile = useProfile(selectProfile);
  const profileStatus = useProfile(selectProfileStatus);
  const language = usePreferences(selectLanguage);
  const selection = useAnalytics(selectSelection);
  const table = useAnalytics(selectCurrentTable);
  const status = useAnalytics(selectAnalyticsStatus);
  const keptAt = useAnalytics(selectAnalyticsKeptAt);
  const reachable = useConnection(selectReachable);
  const filterValues = useAnalytics(selectFilterValues);
  const chart = useAnalytics(selectChart);
  const range = useAnalytics(useShallow(selectedRange));
  const userId = useSession(selectUser)?.id ?? null;
  const [exporting, setExporting] = useState(false);
  const [chartOpen, setChartOpen] = useState(false);
  const workspaceId = workspace?.workspaceId;
  const role = workspace?.role ?? null;
  const devicePresets = useAnalyticsPresets(selectPresets);
  const sharedPresets = useAnalyticsPresets(selectSharedPresets(workspaceId));
  const presets = useMemo(() => listPresets(devicePresets, sharedPresets, { userId, role }), [devicePresets, sharedPresets, userId, role]);
  const timeZone = chosenTimeZone(profile?.timeZone);
  const profileSettled = profileStatus === 'ready' || profileStatus === 'failed';
  const choose = (changes: Partial<AnalyticsSelection>) => void useAnalytics.getState().choose(changes);

  useEffect(() => {
    if (userId && workspaceId && profileSettled) void useAnalytics.getState().setTarget({ userId, workspaceId, timeZone });
  }, [userId, workspaceId, timeZone, profileSettled]);

  useEffect(() => {
    // Back online: what did not load, or stood in for it, is asked for again.
    const { status: now, keptAt: shownKept } = useAnalytics.getState();
    if (reachable && (now === 'failed' || shownKept)) void useAnalytics.getState().reload();
  }, [reachable]);

  useEffect(() => {
    if (chartOpen && table) void useAnalytics.getState().loadChart();
  }, [chartOpen, table]);

  useEffect(() => (workspaceId ? useAnalyticsPresets.getState().watchShared(workspaceId) : undefined), [workspaceId]);

  const rows = useMemo(() => (table ? sortRows(table.data.rows, selection.sort) : []), [table, selection.sort]);
  const formatValue = valueFormatter(workspace?.baseCurrency ?? 'USD', language);

  const runExport = async (format: ExportFormat) => {
    if (!table) return;
    setExporting(true);
    try {
      await exportSelection(format, table, rows, selection, t);
    } catch (error) {
      reportError(error);
    } finally {
      setExporting(false);
    }
  };

  const importPresets = async (file: File) => {
    try {
      useAnalyticsPresets.getState().importPresets(readPresetsFile(await file.text()));
      reportSuccess('analytics.presets.imported');
    } catch (error) {
      if (error instanceof PresetFileError) useNotices.getState().push({ key: 'analytics.presets.badFile', values: { detail: error.detail } }, 'error');
      else reportError(error);
    }
  };

  const body = () => {
    if (!workspace && workspaceStatus === 'failed' && userId) return <LoadProblem onRetry={() => void useWorkspace.getState().load(userId)} />;
    if (!workspace && workspaceStatus !== 'ready')
      return (
        <div className="centered">
          <IonSpinner aria-label={t('common.wait')} />
        </div>
      );
    if (!workspace) return <NoDataYet workspace={workspace} />;
    return (
      <>
        {table && keptAt && <OfflineNote note="offline" text={t('offline.figuresAsOf', { time: formatAsOf(keptAt, language, timeZone) })} />}
        <AnalyticsRangePicker choice={selection.range} range={range} onChange={(choice) => choose({ range: choice })} />
        <Section name="layout" title={t('analytics.sections.layout')}>
          <AnalyticsLayoutPicker groupBy={selection.groupBy} columns={selection.columns} onGroupBy={(groupBy) => choose({ groupBy, sort: sortForGrouping(selection.groupBy, groupBy, selection.sort) })} onColumns={(columns) => choose({ columns })} />
        </Section>
        <Section name="filters" title={t('analytics.sections.filters')}>
          <AnalyticsFilters filters={selection.filters} values={filterValues} onOpen={(d) => void useAnalytics.getState().loadFilterValues(d)} onChange={(filters) => choose({ filters })} />
        </Section>
        <Section name="presets" title={t('analytics.sections.presets')} onOpen={(open) => open && void useAnalyticsPresets.getState().refreshShared()}>
          <AnalyticsPresets
            presets={presets}
            canShare={canSharePresets(role)}
            onSave={(name, scope) => void useAnalyticsPresets.getState().savePreset(scope, name, selection, { workspaceId: workspace.workspaceId, userId })}
            onLoad={(preset) => choose(preset.selection)}
            onRename={(preset, name) => void useAnalyticsPresets.getState().renamePreset(preset, name)}
            onDelete={(preset) => void useAnalyticsPresets.getState().removePreset(preset)}
            onExport={() => saveFile(new Blob([presetsFile(presets)], { type: 'application/json' }), 'arbidesk-presets.json')}
            onImport={(file) => void importPresets(file)}
          />
        </Section>
        <Section name="export" title={t('analytics.sections.export')}>
          <AnalyticsExport busy={exporting} disabled={!table} onExport={(format) => void runExport(format)} />
        </Section>
        <Section name="chart" title={t('analytics.sections.chart')} onOpen={setChartOpen}>
          {chartOpen && (
            <Suspense fallback={<IonSpinner aria-label={t('common.wait')} />}>
              {chart ? (
                <AnalyticsChart days={chart.data} range={chart.range} metrics={selection.columns.slice(0, 4)} label={(m) => t(`analytics.metric.${m}`)} formatValue={formatValue} />
              ) : reachable ? (
                <IonSpinner aria-label={t('common.wait')} />
              ) : (
                <OfflineNote note="needs-connection" text={t('offline.needsConnection')} />
              )}
            </Suspense>
          )}
        </Section>
        {table ? (
          <AnalyticsTable groupBy={selection.groupBy} columns={selection.columns} rows={rows} total={table.data.total} sort={selection.sort} onSort={(key) => choose({ sort: nextSort(selection.sort, key) })} formatValue={formatValue} />
        ) : status === 'failed' && !reachable ? (
          <OfflineNote note="needs-connection" text={t('offline.needsConnection')} />
        ) : status === 'failed' ? (
          <LoadProblem onRetry={() => void useAnalytics.getState().reload()} />
        ) : (
          <div className="centered">
            <IonSpinner aria-label={t('common.wait')} />
          </div>
        )}
        {table && table.data.total.values.other_currency_rows ? <p className="analytics-muted">{t('analytics.otherCurrencies', { count: table.data.total.values.other_currency_rows })}</p> : null}
      </>
    );
  };

  return (
    <IonPage data-page="analytics">
      <PageHeader title={t('analytics.title')} subtitle={workspace ? `${workspace.workspaceName} · ${range.from} – ${range.to}` : undefined} />
      <IonContent>
        <div className="page-body analytics-body">{body()}</div>
      </IonContent>
    </IonPage>
  );
}
