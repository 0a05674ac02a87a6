import { IonInput, IonItem, IonList, IonListHeader } from '@ionic/react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserMessage } from '../lib/errors.ts';
import type { CapPolicy, KpiPolicy, ProgramOption } from '../lib/offersApi.ts';
import { emptyTerms, readOffer, readTerms, type NewOffer, type OfferDraft, type OfferTerms, type Problems, type TermsDraft } from '../lib/offersTerms.ts';
import type { PolicyRow, PolicySaveOutcome } from '../lib/policies.ts';
import { OfferTermsFields } from './OfferTermsFields.tsx';
import { TermsFormSubmit, usePolicyCreation } from './OfferTermsForm.tsx';

interface OfferCreateFormProps {
  programs: ProgramOption[];
  kpiPolicies: KpiPolicy[];
  capPolicies: CapPolicy[];
  busy: boolean;
  /** What the server refused, shown above the button. */
  problem: UserMessage | null;
  onSubmit(offer: NewOffer, terms: OfferTerms): void;
  /** Absent: the person cannot add policies from the pickers. */
  onCreatePolicy?: (policy: PolicyRow) => Promise<PolicySaveOutcome>;
}

function startOfToday(): Date {
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  return today;
}

/** A new offer: code, name, product, program, and its first terms. */
export function OfferCreateForm({ programs, kpiPolicies, capPolicies, busy, problem, onSubmit, onCreatePolicy }: OfferCreateFormProps) {
  const { t } = useTranslation();
  const [offer, setOffer] = useState<OfferDraft>({ code: '', name: '', product: '', programId: '' });
  const [terms, setTerms] = useState<TermsDraft>(() => emptyTerms(startOfToday()));
  const [problems, setProblems] = useState<Problems>({});
  const policyCreation = usePolicyCreation(onCreatePolicy, busy, (changes) => setTerms((d) => ({ ...d, ...changes })));

  const chooseProgram = (programId: string) => {
    setOffer({ ...offer, programId });
    const currency = programs.find((p) => p.id === programId)?.defaultCurrency;
    if (currency) setTerms({ ...terms, currency });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const readOfferResult = readOffer(offer);
    const readTermsResult = readTerms(terms);
    const found = { ...('problems' in readOfferResult ? readOfferResult.problems : {}), ...('problems' in readTermsResult ? readTermsResult.problems : {}) };
    setProblems(found);
    if ('offer' in readOfferResult && 'terms' in readTermsResult) onSubmit(readOfferResult.offer, readTermsResult.terms);
  };

  const field = (name: 'code' | 'name' | 'product', maxlength: number) => (
    <IonItem>
      <IonInput
        name={name}
        label={t(`offers.fields.${name}`)}
        labelPlacement="stacked"
        maxlength={maxlength}
        value={offer[name]}
        className={problems[name] ? 'ion-invalid ion-touched' : ''}
        errorText={problems[name] ? t(problems[name]) : undefined}
        onIonInput={(e) => setOffer({ ...offer, [name]: e.detail.value ?? '' })}
      />
    </IonItem>
  );

  return (
    <>
      <form onSubmit={submit} noValidate data-form="new-offer">
        <IonList inset>
          {field('code', 64)}
          {field('name', 200)}
          {field('product', 200)}
          <IonItem>
            <label className="item-block">
              <span className="field-label">{t('offers.fields.program')}</span>
              <select className="offer-select" name="programId" value={offer.programId} onChange={(e) => chooseProgram(e.target.value)}>
                <option value="">{t('offers.form.noProgram')}</option>
                {programs.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
          </IonItem>
        </IonList>
        <IonList inset>
          <IonListHeader>{t('offers.form.firstTerms')}</IonListHeader>
          <OfferTermsFields
            draft={terms}
            problems={problems}
            kpiPolicies={kpiPolicies}
            capPolicies={capPolicies}
            askReason={false}
            startHint="offers.form.validFromHelp"
            onChange={(changes) => setTerms({ ...terms, ...changes })}
            onNewPolicy={policyCreation.onNewPolicy}
          />
        </IonList>
        <TermsFormSubmit problem={problem} busy={busy} label={t('offers.form.create')} />
      </form>
      {policyCreation.editor}
    </>
  );
}
