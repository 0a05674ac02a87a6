import { IonButton, IonContent, IonHeader, IonIcon, IonModal, IonNote, IonPage, IonSpinner, IonTitle, IonToolbar, IonButtons, useIonAlert, useIonRouter } from '@ionic/react';
import type { TFunction } from 'i18next';
import { addOutline, briefcaseOutline } from 'ionicons/icons';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { OfferBulkBar, type OfferExportFormat } from '../components/OfferBulkBar.tsx';
import { OfferCreateForm } from '../components/OfferCreateForm.tsx';
import { OfferFilters } from '../components/OfferFilters.tsx';
import { OfferTable } from '../components/OfferTable.tsx';
import { LoadProblem } from '../components/LoadProblem.tsx';
import { OfflineNote } from '../components/OfflineNote.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { formatAsOf } from '../lib/dates.ts';
import type { UserMessage } from '../lib/errors.ts';
import { buildCsv, saveFile } from '../lib/exportTable.ts';
import { canWriteOffers, filterOffers, formatRate, formatTermsMoment, geoOptions, type OfferRow, type OfferStatus } from '../lib/offers.ts';
import { offersFileName, offersSheet } from '../lib/offersExport.ts';
import type { NewOffer, OfferTerms } from '../lib/offersTerms.ts';
import { chosenTimeZone, todayIn } from '../lib/summary.ts';
import { selectReachable, useConnection } from '../stores/connection.ts';
import { reportError } from '../stores/notices.ts';
import { useOffers } from '../stores/offers.ts';
import { usePolicies } from '../stores/policies.ts';
import { selectLanguage, usePreferences } from '../stores/preferences.ts';
import { selectProfile, useProfile } from '../stores/profile.ts';
import { useShownWorkspace } from '../stores/shownWorkspace.ts';
import { selectWorkspaceStatus, useWorkspace } from '../stores/workspace.ts';
import { selectUser, useSession } from '../stores/session.ts';
import '../theme/offers.css';

/** Writes the chosen offers as a file for approval and hands it to the browser. */
async function exportOffers(format: OfferExportFormat, rows: OfferRow[], timeZone: string, t: TFunction) {
  const sheet = offersSheet(
    rows,
    {
      header: {
        code: t('offers.fields.code'), name: t('offers.fields.name'), product: t('offers.fields.product'), program: t('offers.fields.program'),
        status: t('offers.fields.status'), geos: t('offers.fields.geos'), rate: t('offers.fields.rate'), currency: t('offers.fields.currency'),
        validFrom: t('offers.fields.validFrom'), validTo: t('offers.fields.validTo'), landingType: t('offers.fields.landingType'),
      },
      status: (s) => t(`offers.status.${s}`),
      allGeos: t('offers.allGeos'),
      count: (n) => t('offers.export.count', { count: n }),
    },
    timeZone,
  );
  const name = offersFileName(todayIn(timeZone), format);
  if (format === 'csv') return saveFile(new Blob([buildCsv(sheet)], { type: 'text/csv;charset=utf-8' }), name);
  const { buildXlsx } = await import('../lib/exportXlsx.ts');
  saveFile(await buildXlsx(sheet, t('offers.title')), name);
}

/** The offers registry: filters and search, multi-select with bulk status and export, a new offer for writers. */
export default function OffersPage() {
  const { t } = useTranslation();
  const router = useIonRouter();
  const [confirm] = useIonAlert();
  // While offline the workspace whose summary this device kept stands in, as on the summary.
  const workspace = useShownWorkspace();
  const workspaceStatus = useWorkspace(selectWorkspaceStatus);
  const userId = useSession(selectUser)?.id;
  const reachable = useConnection(selectReachable);
  const language = usePreferences(selectLanguage);
  const timeZone = chosenTimeZone(useProfile(selectProfile)?.timeZone);
  const { rows, status, keptAt, programs, policies, filters, selected, busy, shownFor } = useOffers(
    useShallow((s) => ({ rows: s.rows, status: s.status, keptAt: s.keptAt, programs: s.programs, policies: s.policies, filters: s.filters, selected: s.selected, busy: s.busy, shownFor: s.workspaceId })),
  );
  const [creating, setCreating] = useState(false);
  const [problem, setProblem] = useState<UserMessage | null>(null);
  const workspaceId = workspace?.workspaceId;
  const canWrite = canWriteOffers(workspace?.role);
  const visible = useMemo(() => filterOffers(rows, filters), [rows, filters]);
  const chosen = useMemo(() => new Set(selected), [selected]);

  useEffect(() => {
    if (workspaceId) void useOffers.getState().load(workspaceId, userId);
  }, [workspaceId, userId]);

  useEffect(() => {
    // Back online: a list that did not load, or stood in for it, is asked for again.
    const { status: now, workspaceId: listed } = useOffers.getState();
    if (reachable && listed && now === 'failed') void useOffers.getState().load(listed);
  }, [reachable]);

  const changeStatus = (next: OfferStatus) => {
    const apply = () => void useOffers.getState().setStatus(next);
    if (next !== 'archived') return apply();
    void confirm({
      header: t('offers.bulk.confirmArchive.title', { count: selected.length }),
      message: t('offers.bulk.confirmArchive.text'),
      cssClass: 'offer-confirm-archive',
      buttons: [
        { text: t('common.cancel'), role: 'cancel' },
        { text: t('offers.bulk.to.archived'), role: 'confirm', handler: apply },
      ],
    });
  };

  const create = async (offer: NewOffer, terms: OfferTerms) => {
    setProblem(null);
    const result = await useOffers.getState().create(offer, terms);
    if ('problem' in result) return setProblem(result.problem);
    setCreating(false);
    router.push(`/app/offers/${result.id}`);
  };

  const toggleAll = (select: boolean) => {
    const ids = new Set(visible.map((r) => r.id));
    useOffers.getState().select(select ? [...new Set([...selected, ...ids])] : selected.filter((id) => !ids.has(id)));
  };

  const body = () => {
    // "No workspace" only once the person's workspaces said so, not while they load or could not.
    if (!workspaceId && workspaceStatus === 'failed' && userId) return <LoadProblem onRetry={() => void useWorkspace.getState().load(userId)} />;
    if (!workspaceId && workspaceStatus !== 'ready')
      return (
        <div className="centered">
          <IonSpinner aria-label={t('common.wait')} />
        </div>
      );
    if (!workspaceId) return <IonNote>{t('workspaces.none')}</IonNote>;
    if (status === 'failed' && rows.length === 0) return <LoadProblem onRetry={() => void useOffers.getState().load(workspaceId)} />;
    if (shownFor !== workspaceId || (status !== 'ready' && rows.length === 0))
      return (
        <div className="centered">
          <IonSpinner aria-label={t('common.wait')} />
        </div>
      );
    if (rows.length === 0) return <p className="hint" data-offers="empty">{t(canWrite ? 'offers.list.emptyWriter' : 'offers.list.empty')}</p>;
    return (
      <>
        <OfferFilters filters={filters} geos={geoOptions(rows)} programs={programs} onChange={(changes) => useOffers.getState().setFilters(changes)} />
        {selected.length > 0 && (
          <OfferBulkBar
            count={selected.length}
            canWrite={canWrite}
            busy={busy}
            onStatus={changeStatus}
            onExport={(format) => void exportOffers(format, rows.filter((r) => chosen.has(r.id)), timeZone, t).catch(reportError)}
            onClear={() => useOffers.getState().select([])}
          />
        )}
        {keptAt && <OfflineNote note="offline" text={t('offline.listAsOf', { time: formatAsOf(keptAt, language, timeZone) })} />}
        <p className="hint" data-offers="count">{t('offers.list.count', { shown: visible.length, total: rows.length })}</p>
        <OfferTable
          rows={visible}
          selected={chosen}
          formatRate={(rate, currency) => formatRate(rate, currency, language)}
          formatMoment={(iso) => formatTermsMoment(iso, language, timeZone)}
          onToggle={(id) => useOffers.getState().toggle(id)}
          onToggleAll={toggleAll}
        />
      </>
    );
  };

  return (
    <IonPage data-page="offers">
      <PageHeader title={t('offers.title')} subtitle={workspace?.workspaceName} />
      <IonContent>
        <div className="page-body offers-body">
          <div className="button-row offer-actions">
            {canWrite && (
              <IonButton data-action="new-offer" onClick={() => { setProblem(null); setCreating(true); }}>
                <IonIcon icon={addOutline} slot="start" aria-hidden="true" />
                {t('offers.list.new')}
              </IonButton>
            )}
            <IonButton fill="outline" routerLink="/app/programs" data-action="programs">
              <IonIcon icon={briefcaseOutline} slot="start" aria-hidden="true" />
              {t('programs.nav')}
            </IonButton>
          </div>
          {body()}
        </div>
        <IonModal isOpen={creating} onDidDismiss={() => setCreating(false)} data-modal="new-offer" aria-label={t('offers.form.title')}>
          <IonHeader>
            <IonToolbar>
              <IonTitle>{t('offers.form.title')}</IonTitle>
              <IonButtons slot="end">
                <IonButton onClick={() => setCreating(false)}>{t('common.close')}</IonButton>
              </IonButtons>
            </IonToolbar>
          </IonHeader>
          <IonContent>
            {creating && (
              <OfferCreateForm
                programs={programs} kpiPolicies={policies.kpi} capPolicies={policies.caps} busy={busy} problem={problem} onSubmit={(o, terms) => void create(o, terms)}
                onCreatePolicy={(policy) => usePolicies.getState().save(workspaceId ?? '', null, policy)}
              />
            )}
          </IonContent>
        </IonModal>
      </IonContent>
    </IonPage>
  );
}
