import { IonButton, IonButtons, IonContent, IonHeader, IonLabel, IonModal, IonPage, IonSegment, IonSegmentButton, IonSpinner, IonTitle, IonToolbar } from '@ionic/react';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { useShallow } from 'zustand/react/shallow';
import { capView } from '../components/capView.ts';
import { LoadProblem } from '../components/LoadProblem.tsx';
import { OfferCaps } from '../components/OfferCaps.tsx';
import { OfferCampaigns, type CampaignPeriod } from '../components/OfferCampaigns.tsx';
import { OfferHistory } from '../components/OfferHistory.tsx';
import { OfferMappingList } from '../components/OfferMappingList.tsx';
import { OfferParameters } from '../components/OfferParameters.tsx';
import { OfferVersionForm } from '../components/OfferVersionForm.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { PolicyPanel } from '../components/PolicyPanel.tsx';
import { canActOnCaps } from '../lib/caps.ts';
import type { UserMessage } from '../lib/errors.ts';
import { formatCount, formatMoney } from '../lib/numbers.ts';
import { canWriteOffers, currentVersion, formatRate, formatTermsMoment, isLive, lastDays, type OfferStatus } from '../lib/offers.ts';
import type { OfferTerms, TermsDraft } from '../lib/offersTerms.ts';
import type { PolicyRow } from '../lib/policies.ts';
import { chosenTimeZone, todayIn } from '../lib/summary.ts';
import { useCaps, useOfferCaps } from '../stores/caps.ts';
import { useOfferCard, useOffers } from '../stores/offers.ts';
import { usePolicies } from '../stores/policies.ts';
import { selectLanguage, usePreferences } from '../stores/preferences.ts';
import { selectProfile, useProfile } from '../stores/profile.ts';
import { selectCurrentWorkspace, useWorkspace } from '../stores/workspace.ts';
import '../theme/caps.css';
import '../theme/offers.css';

const tabs = ['parameters', 'history', 'campaigns', 'caps', 'kpi'] as const;
type Tab = (typeof tabs)[number];

/** One offer: its parameters (edit = a new version), history, linked campaigns and mapping, caps and KPI. */
export default function OfferPage() {
  const { t } = useTranslation();
  const { offerId = '' } = useParams();
  const workspace = useWorkspace(selectCurrentWorkspace);
  const language = usePreferences(selectLanguage);
  const timeZone = chosenTimeZone(useProfile(selectProfile)?.timeZone);
  const card = useOfferCard(
    useShallow((s) => ({ detail: s.detail, status: s.status, history: s.history, names: s.names, mappings: s.mappings, suggestions: s.suggestions, campaigns: s.campaigns, busy: s.busy })),
  );
  const { programs, policies, listFor } = useOffers(useShallow((s) => ({ programs: s.programs, policies: s.policies, listFor: s.workspaceId })));
  const [tab, setTab] = useState<Tab>('parameters');
  const [period, setPeriod] = useState<CampaignPeriod>(30);
  const [editing, setEditing] = useState(false);
  // Policies chosen on the Caps or KPI tab for the new version.
  const [preset, setPreset] = useState<Partial<Pick<TermsDraft, 'kpiPolicyId' | 'capPolicyId'>>>({});
  const policyState = usePolicies(useShallow((s) => ({ kpi: s.kpi, caps: s.caps, usage: s.usage, busy: s.busy })));
  const [problem, setProblem] = useState<UserMessage | null>(null);
  const offerCaps = useOfferCaps(offerId, tab === 'caps');
  const workspaceId = workspace?.workspaceId;
  const canWrite = canWriteOffers(workspace?.role);
  const detail = card.detail?.id === offerId ? card.detail : null;
  const current = detail ? currentVersion(detail.versions) : null;
  const currency = workspace?.baseCurrency ?? 'USD';
  const rate = (value: number, code: string) => formatRate(value, code, language);
  const moment = (iso: string) => formatTermsMoment(iso, language, timeZone);
  const count = (value: number) => formatCount(value, language);
  const money = (value: number) => formatMoney(value, currency, language);
  const programNames = useMemo(() => Object.fromEntries(programs.map((p) => [p.id, p.name])), [programs]);
  const kpiNames = useMemo(() => Object.fromEntries(policies.kpi.map((p) => [p.id, p.name])), [policies]);
  const capNames = useMemo(() => Object.fromEntries(policies.caps.map((p) => [p.id, p.name])), [policies]);
  const range = useMemo(() => lastDays(period, todayIn(timeZone)), [period, timeZone]);

  useEffect(() => {
    if (offerId) void useOfferCard.getState().open(offerId);
  }, [offerId]);
  useEffect(() => {
    if (workspaceId && listFor !== workspaceId) void useOffers.getState().load(workspaceId);
  }, [workspaceId, listFor]);
  useEffect(() => {
    if (!detail) return;
    if (tab === 'history' && card.history === null) void useOfferCard.getState().loadHistory();
    if (tab === 'campaigns' && card.mappings === null) void useOfferCard.getState().loadMapping();
  }, [tab, detail, card.history, card.mappings]);
  useEffect(() => {
    if (workspaceId && (tab === 'caps' || tab === 'kpi')) void usePolicies.getState().load(workspaceId);
  }, [workspaceId, tab, current?.id]);
  useEffect(() => {
    if (tab === 'campaigns' && detail && (card.campaigns === null || card.campaigns.range.from !== range.from || card.campaigns.range.to !== range.to)) void useOfferCard.getState().loadCampaigns(range);
  }, [tab, detail, card.campaigns, range]);

  const submitVersion = async (terms: OfferTerms) => {
    setProblem(null);
    const refused = await useOfferCard.getState().openVersion(terms);
    if (refused) return setProblem(refused);
    setEditing(false);
    if (workspaceId) void useOffers.getState().load(workspaceId);
  };
  const openNewVersion = (chosen: typeof preset = {}) => {
    setProblem(null);
    setPreset(chosen);
    setEditing(true);
  };
  const savePolicy = (policyId: string | null, policy: PolicyRow) => usePolicies.getState().save(workspaceId ?? '', policyId, policy);
  const changeStatus = async (status: OfferStatus) => {
    await useOfferCard.getState().setStatus(status);
    if (workspaceId) await useOffers.getState().load(workspaceId);
  };
  const describe = (field: string, value: string): string | null => {
    const names: Record<string, Record<string, string> | undefined> = { author: card.names, program_id: programNames, kpi_policy_id: kpiNames, cap_policy_id: capNames };
    const named = names[field];
    if (named) return named[value] ?? null;
    return field === 'rate' && Number.isFinite(Number(value)) ? String(Number(value)) : null;
  };

  const body = () => {
    if (!detail) {
      if (card.status === 'failed') return <LoadProblem onRetry={() => void useOfferCard.getState().open(offerId)} />;
      return (
        <div className="centered">
          <IonSpinner aria-label={t('common.wait')} />
        </div>
      );
    }
    const wait = (
      <div className="centered">
        <IonSpinner aria-label={t('common.wait')} />
      </div>
    );
    switch (tab) {
      case 'parameters':
        return (
          <OfferParameters
            offer={detail} current={current} live={current !== null && isLive(current)} programName={programNames[detail.programId ?? ''] ?? null}
            kpiName={kpiNames[current?.kpiPolicyId ?? ''] ?? null} capName={capNames[current?.capPolicyId ?? ''] ?? null}
            authorName={current?.author ? (card.names[current.author] ?? null) : null} canWrite={canWrite} busy={card.busy} formatRate={rate} formatMoment={moment}
            onNewVersion={() => openNewVersion()}
            onStatus={(s) => void changeStatus(s)}
          />
        );
      case 'history':
        return card.history ? <OfferHistory versions={detail.versions} changes={card.history} names={card.names} formatRate={rate} formatMoment={moment} describe={describe} /> : wait;
      case 'campaigns':
        return (
          <div data-tab-body="campaigns">
            <OfferMappingList mappings={card.mappings} suggestions={card.suggestions} canWrite={canWrite} busy={card.busy} formatMoney={money} formatCount={count}
              onMap={(s) => void useOfferCard.getState().map(s)} onUnmap={(m) => void useOfferCard.getState().unmap(m.id)} />
            <OfferCampaigns period={period} rows={card.campaigns?.rows ?? null} formatMoney={money} formatCount={count} onPeriod={setPeriod} />
          </div>
        );
      case 'caps':
      case 'kpi':
        return (
          <>
            {tab === 'caps' && (
              <OfferCaps
                rows={offerCaps.rows} views={offerCaps.rows.map((r) => capView(r, t, language))} history={offerCaps.history?.actions ?? null} names={offerCaps.history?.names ?? {}}
                mayAct={canActOnCaps(workspace?.role)} busy={offerCaps.acting} formatMoment={moment} formatCount={count}
                onAct={(row, action, reason, newLimit) => useCaps.getState().act({ row, action, reason, newLimit })}
              />
            )}
            <PolicyPanel
              kind={tab} attachedId={(tab === 'caps' ? current?.capPolicyId : current?.kpiPolicyId) ?? null} {...policyState} busy={policyState.busy || card.busy}
              canWrite={canWrite} canAttach={detail.status === 'active'} language={language} formatCount={count} onSave={savePolicy}
              onArchive={(kind, id, archived) => void usePolicies.getState().setArchived(kind, id, archived)} onDelete={(kind, id) => void usePolicies.getState().remove(kind, id)}
              onAttach={(kind, id) => openNewVersion(kind === 'kpi' ? { kpiPolicyId: id } : { capPolicyId: id })}
            />
          </>
        );
    }
  };

  return (
    <IonPage data-page="offer">
      <PageHeader title={detail?.code ?? t('offers.card.title')} subtitle={detail?.name} />
      <IonContent>
        <div className="page-body offers-body">
          <IonButton fill="clear" routerLink="/app/offers" routerDirection="back" data-action="back-to-offers">
            {t('offers.card.back')}
          </IonButton>
          <IonSegment scrollable value={tab} className="offer-tabs" onIonChange={(e) => setTab(tabs.find((x) => x === e.detail.value) ?? 'parameters')}>
            {tabs.map((name) => (
              <IonSegmentButton key={name} value={name} data-tab={name}>
                <IonLabel>{t(`offers.card.tabs.${name}`)}</IonLabel>
              </IonSegmentButton>
            ))}
          </IonSegment>
          {body()}
        </div>
        <IonModal isOpen={editing} onDidDismiss={() => setEditing(false)} data-modal="new-version" aria-label={t('offers.version.title')}>
          <IonHeader>
            <IonToolbar>
              <IonTitle>{t('offers.version.title')}</IonTitle>
              <IonButtons slot="end">
                <IonButton onClick={() => setEditing(false)}>{t('common.close')}</IonButton>
              </IonButtons>
            </IonToolbar>
          </IonHeader>
          <IonContent>
            {editing && (
              <OfferVersionForm
                current={current} kpiPolicies={policies.kpi} capPolicies={policies.caps} busy={card.busy} problem={problem} preset={preset}
                onSubmit={(terms) => void submitVersion(terms)} onCreatePolicy={canWrite ? (policy) => savePolicy(null, policy) : undefined}
              />
            )}
          </IonContent>
        </IonModal>
      </IonContent>
    </IonPage>
  );
}
