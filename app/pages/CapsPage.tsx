import { IonContent, IonIcon, IonNote, IonPage, IonRefresher, IonRefresherContent, IonSpinner, useIonRouter, useIonViewWillEnter, type RefresherEventDetail } from '@ionic/react';
import { cloudOfflineOutline, syncOutline } from 'ionicons/icons';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import '../theme/caps.css';
import { CapActionForm } from '../components/CapActionForm.tsx';
import { CapCard } from '../components/CapCard.tsx';
import { CapsTable } from '../components/CapsTable.tsx';
import { capKey, capView } from '../components/capView.ts';
import { LoadProblem } from '../components/LoadProblem.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { canActOnCaps, capPrograms, capsFileName, capsSheet, filterCaps, noCapFilter, periodWording, type CapFilter, type CapRow } from '../lib/caps.ts';
import { formatAsOf } from '../lib/dates.ts';
import { buildCsv, saveFile } from '../lib/exportTable.ts';
import { chosenTimeZone, todayIn } from '../lib/summary.ts';
import { selectCapActing, selectCapsFor, selectCapsKept, selectCapsStatus, useCaps, useFollowCaps } from '../stores/caps.ts';
import { selectReachable, useConnection } from '../stores/connection.ts';
import { selectLanguage, usePreferences } from '../stores/preferences.ts';
import { selectProfile, useProfile } from '../stores/profile.ts';
import { selectSummaryTimeZone, useSummary } from '../stores/summary.ts';
import { selectWorkspaceStatus, useWorkspace } from '../stores/workspace.ts';

/**
 * The caps monitor: every capped offer (and GEO), most urgent first, with how much is used,
 * the period in the cap's own zone, when it runs out and what that risks. Phones list cards;
 * tablets get a table with filters and the CSV export. Affiliate managers and admins act on a
 * cap from here. The list stays on screen, marked, while the backend is out of reach.
 */
export default function CapsPage() {
  const { t } = useTranslation();
  const router = useIonRouter();
  const workspace = useFollowCaps();
  const workspaceStatus = useWorkspace(selectWorkspaceStatus);
  const language = usePreferences(selectLanguage);
  const keptTimeZone = useSummary(selectSummaryTimeZone);
  const timeZone = chosenTimeZone(useProfile(selectProfile)?.timeZone ?? keptTimeZone);
  const snapshot = useCaps(selectCapsFor(workspace?.workspaceId));
  const status = useCaps(selectCapsStatus);
  const kept = useCaps(selectCapsKept);
  const acting = useCaps(selectCapActing);
  const [filter, setFilter] = useState<CapFilter>(noCapFilter);
  const [chosen, setChosen] = useState<string | null>(null);
  const mayAct = canActOnCaps(workspace?.role);
  const rows = useMemo(() => snapshot?.rows ?? [], [snapshot]);
  const filtered = useMemo(() => filterCaps(rows, filter), [rows, filter]);
  const chosenRow = rows.find((r) => capKey(r) === chosen) ?? null;
  const reachable = useConnection(selectReachable);

  // The summary or the offer card may have loaded the caps a while ago: coming to the monitor asks again.
  useIonViewWillEnter(() => {
    if (reachable && useCaps.getState().status !== 'loading') void useCaps.getState().reload();
  }, [reachable]);

  const exportCsv = (list: CapRow[]) => {
    const h = (k: string) => t(`caps.columns.${k}`);
    const sheet = capsSheet(list, {
      header: { offer: h('offer'), code: h('code'), geo: h('geo'), program: h('program'), status: h('status'), used: h('used'), limit: h('limit'), percent: h('percent'), period: h('period'), zone: h('zone'), eta: h('eta'), confidence: h('confidence'), spendAtRisk: h('risk'), currency: h('currency') },
      status: (s) => t(`caps.status.${s}`),
      period: (r) => {
        const p = periodWording(r, language);
        return t(p.key, p.values);
      },
      confidence: (c) => t(`caps.confidence.${c}`),
      wholeOffer: t('caps.wholeOffer'),
      count: (n) => t('caps.exportCount', { count: n }),
    });
    saveFile(new Blob([buildCsv(sheet)], { type: 'text/csv;charset=utf-8' }), capsFileName(todayIn(timeZone)));
  };

  const refresh = async (event: CustomEvent<RefresherEventDetail>) => {
    await useCaps.getState().reload();
    event.detail.complete();
  };

  const body = () => {
    if (!workspace && workspaceStatus === 'ready') return <IonNote>{t('workspaces.none')}</IonNote>;
    if (!snapshot) {
      if (status === 'failed') return <LoadProblem onRetry={() => void useCaps.getState().reload()} />;
      return (
        <div className="centered">
          <IonSpinner aria-label={t('common.wait')} />
        </div>
      );
    }
    const views = rows.map((r) => capView(r, t, language));
    return (
      <>
        {kept && (
          <p className={`summary-note ${kept}-note`} data-note={kept} role="status">
            <IonIcon icon={kept === 'offline' ? cloudOfflineOutline : syncOutline} aria-hidden="true" />
            {t(`caps.${kept}AsOf`, { time: formatAsOf(snapshot.fetchedAt, language, timeZone) })}
          </p>
        )}
        {!mayAct && <IonNote className="hint" data-caps="cannot-act">{t('caps.cannotAct')}</IonNote>}
        {rows.length === 0 ? (
          <p className="caps-empty">{t('caps.none')}</p>
        ) : (
          <>
            <div className="caps-list" data-caps="list">
              {views.map((v) => (
                <CapCard key={v.key} cap={v} onAct={mayAct ? () => setChosen(v.key) : null} />
              ))}
            </div>
            <div className="caps-wide">
              <CapsTable
                caps={filtered.map((r) => capView(r, t, language))}
                filter={filter}
                programs={capPrograms(rows)}
                onFilter={setFilter}
                onExport={() => exportCsv(filtered)}
                onOpen={(href) => router.push(href)}
                onAct={mayAct ? setChosen : null}
              />
            </div>
          </>
        )}
        <IonNote className="hint">{t('caps.zoneNote')}</IonNote>
      </>
    );
  };

  return (
    <IonPage data-page="caps">
      <PageHeader title={t('caps.title')} subtitle={workspace?.workspaceName} />
      <IonContent>
        <IonRefresher slot="fixed" onIonRefresh={(e) => void refresh(e)} disabled={!snapshot}>
          <IonRefresherContent />
        </IonRefresher>
        <div className="page-body ion-padding-horizontal">{body()}</div>
        <CapActionForm
          cap={chosenRow ? { ...chosenRow, title: capView(chosenRow, t, language).title } : null}
          busy={acting}
          onSubmit={(action, reason, newLimit) => (chosenRow ? useCaps.getState().act({ row: chosenRow, action, reason, newLimit }) : Promise.resolve(null))}
          onClose={() => setChosen(null)}
        />
      </IonContent>
    </IonPage>
  );
}
