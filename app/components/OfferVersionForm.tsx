import { IonList } from '@ionic/react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserMessage } from '../lib/errors.ts';
import { needsBackdateReason } from '../lib/offers.ts';
import type { CapPolicy, KpiPolicy, OfferVersion } from '../lib/offersApi.ts';
import { emptyTerms, readTerms, startingNow, startsInPast, type OfferTerms, type Problems, type TermsDraft } from '../lib/offersTerms.ts';
import type { PolicyRow, PolicySaveOutcome } from '../lib/policies.ts';
import { OfferTermsFields } from './OfferTermsFields.tsx';
import { TermsFormSubmit, usePolicyCreation } from './OfferTermsForm.tsx';

interface OfferVersionFormProps {
  /** The terms the new version starts from (the current version), if any. */
  current: OfferVersion | null;
  kpiPolicies: KpiPolicy[];
  capPolicies: CapPolicy[];
  busy: boolean;
  /** What the server refused (an overlap, a change in the past), shown above the button. */
  problem: UserMessage | null;
  /** Policies chosen before the form opened (attaching one from the Caps or KPI tab). */
  preset?: Partial<Pick<TermsDraft, 'kpiPolicyId' | 'capPolicyId'>>;
  onSubmit(terms: OfferTerms): void;
  /** Absent: the person cannot add policies from the pickers. */
  onCreatePolicy?: (policy: PolicyRow) => Promise<PolicySaveOutcome>;
}

/** The current terms as the new version's starting point, GEO rates included (they do not carry over by themselves). */
function startingFrom(current: OfferVersion | null): TermsDraft {
  const draft = emptyTerms(new Date(), current?.currency);
  if (!current) return draft;
  return {
    ...draft,
    geos: current.geos.join(', '),
    rate: String(current.rate),
    kpiPolicyId: current.kpiPolicyId ?? '',
    capPolicyId: current.capPolicyId ?? '',
    landingType: current.landingType ?? '',
    approach: current.approach ?? '',
    geoRates: current.geoRates.map((g) => ({ geo: g.geo, rate: String(g.rate), currency: g.currency ?? '' })),
  };
}

/** New terms from a moment: the current version closes there (edit = a new version). */
export function OfferVersionForm({ current, kpiPolicies, capPolicies, busy, problem, preset, onSubmit, onCreatePolicy }: OfferVersionFormProps) {
  const { t } = useTranslation();
  const [offered] = useState<TermsDraft>(() => startingFrom(current));
  const [draft, setDraft] = useState<TermsDraft>(() => ({ ...offered, ...preset }));
  const policyCreation = usePolicyCreation(onCreatePolicy, busy, (changes) => setDraft((d) => ({ ...d, ...changes })));
  const [problems, setProblems] = useState<Problems>({});
  const reasonAsked = problem !== null && needsBackdateReason(problem);
  const shownProblems = reasonAsked && draft.reason.trim() === '' ? { ...problems, reason: 'offers.form.invalid.reason' } : problems;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = readTerms(draft);
    setProblems('problems' in result ? result.problems : {});
    if ('terms' in result) onSubmit(startingNow(result.terms, draft.validFrom, offered.validFrom));
  };

  return (
    <>
      <form onSubmit={submit} noValidate data-form="new-version">
        <p className="ion-padding-horizontal hint">{t('offers.version.explain')}</p>
        <IonList inset>
          <OfferTermsFields
            draft={draft}
            problems={shownProblems}
            kpiPolicies={kpiPolicies}
            capPolicies={capPolicies}
            askReason={reasonAsked || (draft.validFrom !== offered.validFrom && startsInPast(draft.validFrom))}
            startHint="offers.version.validFromHelp"
            onChange={(changes) => setDraft({ ...draft, ...changes })}
            onNewPolicy={policyCreation.onNewPolicy}
          />
        </IonList>
        <TermsFormSubmit problem={problem} busy={busy} label={t('offers.version.submit')} />
      </form>
      {policyCreation.editor}
    </>
  );
}
