import { IonContent, IonIcon, IonNote, IonPage, IonRefresher, IonRefresherContent, IonSpinner, type RefresherEventDetail } from '@ionic/react';
import { cloudOfflineOutline, informationCircleOutline, syncOutline } from 'ionicons/icons';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import '../theme/caps.css';
import { CapsAttention } from '../components/CapsAttention.tsx';
import { capView } from '../components/capView.ts';
import { KpiCard } from '../components/KpiCard.tsx';
import { LatestLoad } from '../components/LatestLoad.tsx';
import { LoadProblem } from '../components/LoadProblem.tsx';
import { NoDataYet } from '../components/NoDataYet.tsx';
import { OfflineNote } from '../components/OfflineNote.tsx';
import { OfferRanking, type RankedOffer } from '../components/OfferRanking.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { PeriodSwitch } from '../components/PeriodSwitch.tsx';
import { SummarySkeleton } from '../components/SummarySkeleton.tsx';
import type { Locale, OfferProfit, PeriodTotals } from '../lib/dataApi.ts';
import { attentionCaps } from '../lib/caps.ts';
import { formatAsOf, formatMoment } from '../lib/dates.ts';
import { formatCount, formatMoney, formatPercent, formatSignedPercent, formatSignedPoints } from '../lib/numbers.ts';
import { changeTone, chosenTimeZone, pointsChange, relativeChange } from '../lib/summary.ts';
import type { SummarySnapshot } from '../lib/summaryCache.ts';
import { selectCapsFor, selectCapsKept, useCaps, useFollowCaps } from '../stores/caps.ts';
import { selectReachable, useConnection } from '../stores/connection.ts';
import { selectLanguage, usePreferences } from '../stores/preferences.ts';
import { selectProfile, selectProfileStatus, useProfile } from '../stores/profile.ts';
import { selectUser, useSession } from '../stores/session.ts';
import { selectKeptWorkspace, selectPeriod, selectSnapshotFor, selectSummaryKept, selectSummaryStatus, selectSummaryTimeZone, useSummary, type KeptState } from '../stores/summary.ts';
import { selectCurrentWorkspace, selectWorkspaceStatus, useWorkspace } from '../stores/workspace.ts';

type Metric = 'spend' | 'revenue' | 'profit' | 'roi' | 'ftds';
const metrics: Metric[] = ['spend', 'revenue', 'profit', 'roi', 'ftds'];

/** A KPI's value and change, formatted for a card. */
function figure(metric: Metric, current: PeriodTotals, previous: PeriodTotals, currency: string, language: Locale) {
  if (metric === 'roi') {
    const change = pointsChange(current.roi, previous.roi);
    return { value: current.roi === null ? '—' : formatPercent(current.roi, language), change, changeText: change === null ? null : formatSignedPoints(change, language) };
  }
  const change = relativeChange(current[metric], previous[metric]);
  const value = metric === 'ftds' ? formatCount(current.ftds, language) : formatMoney(current[metric], currency, language);
  return { value, change, changeText: change === null ? null : formatSignedPercent(change, language) };
}

function ranked(offers: OfferProfit[], currency: string, language: Locale): RankedOffer[] {
  return offers.map((o) => ({
    offerId: o.offerId,
    offerName: o.offerName,
    profit: formatMoney(o.profit, currency, language),
    roi: o.roi === null ? null : formatPercent(o.roi, language),
    tone: o.profit > 0 ? 'good' : o.profit < 0 ? 'bad' : 'neutral',
  }));
}


const keptNotes = {
  updating: { icon: syncOutline, text: 'summary.updatingAsOf', className: 'summary-note updating-note' },
  offline: { icon: cloudOfflineOutline, text: 'summary.offlineAsOf', className: 'summary-note offline-note' },
} as const;

/** Says that the figures below were kept on this device, as of when, and whether fresh ones are on their way. */
function KeptNote({ kept, when }: { kept: KeptState; when: string }) {
  const { t } = useTranslation();
  const note = keptNotes[kept];
  return (
    <p className={note.className} data-note={kept} role="status">
      <IonIcon icon={note.icon} aria-hidden="true" />
      {t(note.text, { time: when })}
    </p>
  );
}

interface FiguresProps {
  snapshot: SummarySnapshot;
  currency: string;
  language: Locale;
  timeZone: string;
}

/** The figures of a loaded summary. */
function SummaryFigures({ snapshot, currency, language, timeZone }: FiguresProps) {
  const { t } = useTranslation();
  const { current, previous, latestLoad } = snapshot;
  return (
    <>
      <div className="kpi-grid">
        {metrics.map((metric) => {
          const { value, change, changeText } = figure(metric, current, previous, currency, language);
          return (
            <KpiCard
              key={metric}
              metric={metric}
              label={t(`summary.kpi.${metric}`)}
              value={value}
              change={changeText === null ? null : metric === 'roi' ? t('summary.points', { value: changeText }) : changeText}
              direction={change === null || change === 0 ? 'flat' : change > 0 ? 'up' : 'down'}
              tone={changeTone(metric, change)}
              changeHint={t(`summary.vsPrevious.${snapshot.period}`)}
            />
          );
        })}
      </div>
      {current.otherCurrencyRows > 0 && (
        <p className="summary-note" data-note="other-currencies">
          <IonIcon icon={informationCircleOutline} aria-hidden="true" />
          {t('summary.otherCurrencies', { count: formatCount(current.otherCurrencyRows, language), currency })}
        </p>
      )}
      <div className="summary-columns">
        <OfferRanking kind="top" title={t('summary.topOffers')} offers={ranked(snapshot.top, currency, language)} />
        <OfferRanking kind="bottom" title={t('summary.bottomOffers')} offers={ranked(snapshot.bottom, currency, language)} />
      </div>
      <LatestLoad
        load={latestLoad}
        accepted={formatCount(latestLoad?.rowsAccepted ?? 0, language)}
        rejected={formatCount(latestLoad?.rowsRejected ?? 0, language)}
        when={latestLoad ? formatMoment(latestLoad.finishedAt ?? latestLoad.startedAt, language, timeZone) : ''}
      />
    </>
  );
}

/**
 * The phone's home screen: the chosen workspace's spend, revenue, profit, ROI and FTDs for
 * today, yesterday or 7 days against the period before, the best and worst offers and the
 * latest upload. It reloads by itself when an upload is applied or rolled back.
 */
export default function SummaryPage() {
  const { t } = useTranslation();
  const user = useSession(selectUser);
  const liveWorkspace = useWorkspace(selectCurrentWorkspace);
  const workspaceStatus = useWorkspace(selectWorkspaceStatus);
  const keptWorkspace = useSummary(selectKeptWorkspace(user?.id));
  // Until the person's workspaces load (at start, or not at all while offline), the one whose summary this device kept stands in.
  const workspace = liveWorkspace ?? (workspaceStatus === 'ready' ? undefined : keptWorkspace);
  const profile = useProfile(selectProfile);
  const profileStatus = useProfile(selectProfileStatus);
  const language = usePreferences(selectLanguage);
  const reachable = useConnection(selectReachable);
  const period = useSummary(selectPeriod);
  const snapshot = useSummary(selectSnapshotFor(workspace?.workspaceId));
  const status = useSummary(selectSummaryStatus);
  const kept = useSummary(selectSummaryKept);
  const workspaceId = workspace?.workspaceId;
  const userId = user?.id;
  const profileSettled = profileStatus === 'ready' || profileStatus === 'failed';
  // The person's zone; until their profile is known (at start, or not at all offline), the zone
  // the kept summary was counted in — never the phone's clock, whose days may not be theirs.
  const keptTimeZone = useSummary(selectSummaryTimeZone);
  const timeZone = chosenTimeZone(profile?.timeZone ?? keptTimeZone);
  useFollowCaps();
  const caps = useCaps(selectCapsFor(workspaceId));
  const capsKept = useCaps(selectCapsKept);

  useEffect(() => {
    // Start-up has usually asked for these figures already (main.tsx); load() does not ask twice.
    if (userId && workspaceId && profileSettled) void useSummary.getState().load({ userId, workspaceId, timeZone });
  }, [userId, workspaceId, timeZone, profileSettled]);

  useEffect(() => (workspaceId ? useSummary.getState().followLoads(workspaceId) : undefined), [workspaceId]);

  useEffect(() => {
    if (userId && liveWorkspace && profileSettled) useSummary.getState().rememberWorkspace(userId, liveWorkspace, timeZone);
  }, [userId, liveWorkspace, timeZone, profileSettled]);

  useEffect(() => {
    const { status: now, kept: shownKept } = useSummary.getState();
    if (reachable && (now === 'failed' || shownKept === 'offline')) void useSummary.getState().reload();
  }, [reachable]);

  const liveWorkspaceId = liveWorkspace?.workspaceId;
  useEffect(() => {
    if (!reachable && userId) useSummary.getState().showKept(userId, liveWorkspaceId);
  }, [reachable, userId, liveWorkspaceId, period]);

  const refresh = async (event: CustomEvent<RefresherEventDetail>) => {
    await useSummary.getState().reload();
    event.detail.complete();
  };

  const body = () => {
    if (!workspace && workspaceStatus === 'failed' && user) return <LoadProblem onRetry={() => void useWorkspace.getState().load(user.id)} />;
    if (!workspace && workspaceStatus !== 'ready')
      return (
        <div className="centered">
          <IonSpinner aria-label={t('common.wait')} />
        </div>
      );
    if (!workspace) return <NoDataYet workspace={workspace} />;
    if (snapshot && !snapshot.hasData) return <NoDataYet workspace={workspace} />;
    const periodSwitch = <PeriodSwitch period={period} onChange={(p) => useSummary.getState().choosePeriod(p)} />;
    if (!snapshot)
      return (
        <>
          {periodSwitch}
          {!reachable ? (
            // Nothing kept for this period and no way to fetch it: say so rather than wait (the banner offers the retry).
            <OfflineNote note="period-offline" text={t('offline.periodNotKept')} />
          ) : status === 'failed' ? (
            <LoadProblem onRetry={() => void useSummary.getState().reload()} />
          ) : (
            <SummarySkeleton />
          )}
        </>
      );
    return (
      <>
        {periodSwitch}
        {kept && <KeptNote kept={kept} when={formatAsOf(snapshot.fetchedAt, language, timeZone)} />}
        <SummaryFigures snapshot={snapshot} currency={workspace.baseCurrency} language={language} timeZone={timeZone} />
        {caps && caps.rows.length > 0 && (
          <CapsAttention
            caps={attentionCaps(caps.rows).map((row) => capView(row, t, language))}
            keptNote={capsKept ? t(`caps.${capsKept}AsOf`, { time: formatAsOf(caps.fetchedAt, language, timeZone) }) : null}
          />
        )}
        <IonNote className="summary-footnote">{t('summary.utcDays')}</IonNote>
      </>
    );
  };

  return (
    <IonPage data-page="summary">
      <PageHeader title={t('summary.title')} subtitle={workspace ? `${workspace.workspaceName} · ${t(`roles.${workspace.role}`)}` : undefined} />
      <IonContent>
        <IonRefresher slot="fixed" onIonRefresh={(e) => void refresh(e)} disabled={!snapshot}>
          <IonRefresherContent />
        </IonRefresher>
        <div className="page-body">{body()}</div>
      </IonContent>
    </IonPage>
  );
}
