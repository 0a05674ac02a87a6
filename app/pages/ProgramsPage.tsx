import { IonButton, IonContent, IonList, IonNote, IonPage, IonSpinner, useIonRouter, useIonViewWillEnter } from '@ionic/react';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AnalyticsRangePicker } from '../components/AnalyticsRangePicker.tsx';
import { LoadProblem } from '../components/LoadProblem.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ProgramForm } from '../components/ProgramForm.tsx';
import { ProgramListItem } from '../components/ProgramListItem.tsx';
import { SearchField } from '../components/SearchField.tsx';
import { resolveRange } from '../lib/analytics.ts';
import { formatMoment } from '../lib/dates.ts';
import { formatMoney } from '../lib/numbers.ts';
import { canWritePrograms, emptyDraft, scheduleText, searchPrograms, type FieldProblems, type ProgramDraft, type ProgramField } from '../lib/programs.ts';
import { chosenTimeZone, todayIn } from '../lib/summary.ts';
import { selectLanguage, usePreferences } from '../stores/preferences.ts';
import { selectProfile, selectProfileStatus, useProfile } from '../stores/profile.ts';
import { usePrograms } from '../stores/programs.ts';
import { selectCurrentWorkspace, useWorkspace } from '../stores/workspace.ts';
import '../theme/analytics.css';
import '../theme/programs.css';

/**
 * Affiliate programs: each with its schedule, active offers, revenue over the chosen days
 * (through the offer mapping) and last contact; search; and, for affiliate managers and
 * admins, the new program form beside the list (above it on a phone).
 */
export default function ProgramsPage() {
  const { t } = useTranslation();
  const router = useIonRouter();
  const workspace = useWorkspace(selectCurrentWorkspace);
  const language = usePreferences(selectLanguage);
  const profileStatus = useProfile(selectProfileStatus);
  const timeZone = chosenTimeZone(useProfile(selectProfile)?.timeZone);
  const list = usePrograms((s) => s.list);
  const listStatus = usePrograms((s) => s.listStatus);
  const rangeChoice = usePrograms((s) => s.range);
  const query = usePrograms((s) => s.query);
  const busy = usePrograms((s) => s.busy);
  const [creating, setCreating] = useState(false);
  const [refused, setRefused] = useState<FieldProblems<ProgramField>>({});
  const workspaceId = workspace?.workspaceId;
  const canWrite = canWritePrograms(workspace?.role);
  const profileSettled = profileStatus === 'ready' || profileStatus === 'failed';
  const range = useMemo(() => resolveRange(rangeChoice, todayIn(timeZone)), [rangeChoice, timeZone]);
  const shown = useMemo(() => searchPrograms(list?.outlines ?? [], query), [list, query]);

  const reload = () => {
    if (workspaceId && profileSettled) void usePrograms.getState().loadList(workspaceId, timeZone);
  };
  useEffect(reload, [workspaceId, timeZone, profileSettled, rangeChoice]);
  // Back from a program page: a new program, contact or offer shows at once.
  useIonViewWillEnter(reload, [workspaceId, timeZone, profileSettled]);

  const create = async (draft: ProgramDraft) => {
    if (!workspaceId) return;
    const outcome = await usePrograms.getState().create(workspaceId, draft);
    if (!outcome.saved) return setRefused(outcome.problems);
    setCreating(false);
    router.push(`/app/programs/${outcome.value.id}`);
  };

  const listBody = () => {
    if (!workspaceId) return <IonNote>{t('workspaces.none')}</IonNote>;
    if (listStatus === 'failed' && !list) return <LoadProblem onRetry={() => void usePrograms.getState().loadList(workspaceId, timeZone)} />;
    if (!list)
      return (
        <div className="centered">
          <IonSpinner aria-label={t('common.wait')} />
        </div>
      );
    if (list.outlines.length === 0) return <IonNote className="programs-empty">{t('programs.list.none')}</IonNote>;
    if (shown.length === 0) return <IonNote className="programs-empty">{t('programs.list.noMatch', { query: query.trim() })}</IonNote>;
    return (
      <IonList data-programs="list" className={listStatus === 'loading' ? 'programs-stale' : undefined}>
        {shown.map((program) => (
          <ProgramListItem
            key={program.id}
            program={program}
            schedule={scheduleText(t, program, language)}
            revenue={formatMoney(program.revenue, workspace?.baseCurrency ?? 'USD', language)}
            lastContact={program.lastContactAt ? t('programs.list.lastContact', { when: formatMoment(program.lastContactAt, language, timeZone) }) : t('programs.list.noContact')}
          />
        ))}
      </IonList>
    );
  };

  return (
    <IonPage data-page="programs">
      <PageHeader title={t('programs.title')} subtitle={workspace ? `${workspace.workspaceName} · ${range.from} – ${range.to}` : undefined} />
      <IonContent>
        <div className="page-body programs-body">
          <div className={creating ? 'programs-split programs-split-open' : 'programs-split'}>
            <section className="programs-pane" aria-label={t('programs.title')}>
              <div className="programs-toolbar">
                <SearchField
                  label={t('programs.list.search')}
                  name="search"
                  value={query}
                  placeholder={t('programs.list.search')}
                  debounce={150}
                  onIonInput={(e) => usePrograms.getState().search(e.detail.value ?? '')}
                />
                {canWrite && !creating && (
                  <IonButton onClick={() => setCreating(true)} data-action="new-program">
                    {t('programs.new')}
                  </IonButton>
                )}
              </div>
              <p className="programs-range-label">{t('programs.list.revenueFor')}</p>
              <AnalyticsRangePicker choice={rangeChoice} range={range} onChange={(choice) => usePrograms.getState().chooseRange(choice)} />
              {listBody()}
            </section>
            {creating && (
              <section className="programs-pane programs-form-pane" data-pane="new-program" aria-label={t('programs.new')}>
                <h2>{t('programs.new')}</h2>
                <ProgramForm
                  initial={emptyDraft(timeZone)}
                  refused={refused}
                  saving={busy}
                  submitLabel={t('programs.create')}
                  language={language}
                  onSubmit={(draft) => void create(draft)}
                  onCancel={() => setCreating(false)}
                />
              </section>
            )}
          </div>
        </div>
      </IonContent>
    </IonPage>
  );
}
