import { useIonAlert } from '@ionic/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../lib/dataApi.ts';
import type { CapPolicy, KpiPolicy } from '../lib/offersApi.ts';
import { formatPercent } from '../lib/numbers.ts';
import { capPolicySentence, formatRequirement, usesOf, type PolicyEditing, type PolicyKind, type PolicyRow, type PolicySaveOutcome, type PolicyUse } from '../lib/policies.ts';
import { OfferPolicy } from './OfferPolicy.tsx';
import { PolicyEditor } from './PolicyEditor.tsx';
import { PolicyList, type PolicyEntry } from './PolicyList.tsx';

interface PolicyPanelProps {
  kind: PolicyKind;
  /** The policy of this kind the offer's current terms use. */
  attachedId: string | null;
  kpi: KpiPolicy[];
  caps: CapPolicy[];
  usage: PolicyUse[];
  canWrite: boolean;
  canAttach: boolean;
  busy: boolean;
  language: Locale;
  formatCount(value: number): string;
  onSave(policyId: string | null, policy: PolicyRow): Promise<PolicySaveOutcome>;
  onArchive(kind: PolicyKind, policyId: string, archived: boolean): void;
  onDelete(kind: PolicyKind, policyId: string): void;
  /** Opens a new version of the offer's terms with this policy chosen. */
  onAttach(kind: PolicyKind, policyId: string): void;
}

/** The offer card's Caps or KPI tab: the policy its terms use, and the workspace's policies of that kind. */
export function PolicyPanel(props: PolicyPanelProps) {
  const { kind, attachedId, kpi, caps, usage, language, formatCount } = props;
  const { t } = useTranslation();
  const [confirm] = useIonAlert();
  const [editing, setEditing] = useState<PolicyEditing | null>(null);

  const kpiSummary = (p: KpiPolicy) =>
    p.requirements.map(([key, value]) => `${t(`offers.policy.kpi.requirement.${key}`, { defaultValue: key })}: ${formatRequirement(key, value, language)}`).join(' · ') || t('offers.policies.kpi.noRequirements');
  const capSummary = (p: CapPolicy) => capPolicySentence(p, t, formatCount, (fraction) => formatPercent(fraction, language));
  const entries: PolicyEntry[] =
    kind === 'kpi'
      ? kpi.map((p) => ({ id: p.id, name: p.name, archivedAt: p.archivedAt, summary: kpiSummary(p), uses: usesOf(usage, kind, p.id) }))
      : caps.map((p) => ({ id: p.id, name: p.name, archivedAt: p.archivedAt, summary: capSummary(p), uses: usesOf(usage, kind, p.id) }));
  const attachedUses = attachedId ? usesOf(usage, kind, attachedId).length : 0;

  const edit = (policyId: string | null) => {
    if (kind === 'kpi') setEditing({ kind, policy: kpi.find((p) => p.id === policyId) ?? null });
    else setEditing({ kind, policy: caps.find((p) => p.id === policyId) ?? null });
  };
  const remove = (policyId: string) => {
    const name = entries.find((e) => e.id === policyId)?.name ?? '';
    void confirm({
      header: t('offers.policies.confirmDelete', { name }),
      cssClass: 'policy-confirm-delete',
      buttons: [
        { text: t('common.cancel'), role: 'cancel' },
        { text: t('offers.policies.delete'), role: 'confirm', handler: () => props.onDelete(kind, policyId) },
      ],
    });
  };

  return (
    <div data-tab-body={kind}>
      {kind === 'caps' ? (
        <OfferPolicy kind="caps" policy={caps.find((p) => p.id === attachedId) ?? null} formatCount={formatCount} sentence={capSummary} usedBy={attachedUses} />
      ) : (
        <OfferPolicy kind="kpi" policy={kpi.find((p) => p.id === attachedId) ?? null} language={language} usedBy={attachedUses} />
      )}
      <PolicyList
        kind={kind} entries={entries} attachedId={attachedId} canWrite={props.canWrite} canAttach={props.canAttach} busy={props.busy}
        onNew={() => edit(null)} onEdit={edit} onAttach={(id) => props.onAttach(kind, id)} onArchive={(id, archived) => props.onArchive(kind, id, archived)} onDelete={remove}
      />
      <PolicyEditor
        editing={editing} uses={editing?.policy ? usesOf(usage, editing.kind, editing.policy.id) : []} busy={props.busy}
        onSave={props.onSave} onSaved={() => setEditing(null)} onClose={() => setEditing(null)}
      />
    </div>
  );
}
