import { IonButton, IonContent, IonPage, IonSpinner } from '@ionic/react';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { LoadProblem } from '../components/LoadProblem.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ProgramCalendar } from '../components/ProgramCalendar.tsx';
import { ProgramContactLog } from '../components/ProgramContactLog.tsx';
import { ProgramContacts } from '../components/ProgramContacts.tsx';
import { ProgramForm } from '../components/ProgramForm.tsx';
import { ProgramOffers } from '../components/ProgramOffers.tsx';
import { ProgramTerms } from '../components/ProgramTerms.tsx';
import { formatMoment } from '../lib/dates.ts';
import { canWritePrograms, draftOf, type FieldProblems, type ProgramDraft, type ProgramField } from '../lib/programs.ts';
import { chosenTimeZone } from '../lib/summary.ts';
import { selectLanguage, usePreferences } from '../stores/preferences.ts';
import { selectProfile, useProfile } from '../stores/profile.ts';
import { usePrograms } from '../stores/programs.ts';
import { selectCurrentWorkspace, useWorkspace } from '../stores/workspace.ts';
import '../theme/programs.css';

function Section({ name, title, action, children }: { name: string; title: string; action?: ReactNode; children: ReactNode }) {
  return (
    <section className="program-section" data-section={name}>
      <header className="program-section-header">
        <h2>{title}</h2>
        {action}
      </header>
      {children}
    </section>
  );
}

/**
 * One affiliate program: its terms (edited in place by affiliate managers and admins), the
 * payout calendar its schedule gives, contacts, the contact log and its active offers. Two
 * columns on a tablet, one on a phone.
 */
export default function ProgramPage() {
  const { t } = useTranslation();
  const { programId = '' } = useParams();
  const workspace = useWorkspace(selectCurrentWorkspace);
  const language = usePreferences(selectLanguage);
  const timeZone = chosenTimeZone(useProfile(selectProfile)?.timeZone);
  const detail = usePrograms((s) => s.detail);
  const status = usePrograms((s) => s.detailStatus);
  const names = usePrograms((s) => s.names);
  const busy = usePrograms((s) => s.busy);
  // Whose terms are being edited: opening another program leaves the form behind.
  const [editingId, setEditingId] = useState<string | null>(null);
  const editing = editingId === programId;
  const setEditing = (on: boolean) => setEditingId(on ? programId : null);
  const [refused, setRefused] = useState<FieldProblems<ProgramField>>({});
  const canWrite = canWritePrograms(workspace?.role);

  useEffect(() => {
    if (programId) void usePrograms.getState().open(programId);
  }, [programId]);

  const saveTerms = async (draft: ProgramDraft) => {
    const outcome = await usePrograms.getState().saveTerms(draft);
    if (outcome.saved) setEditing(false);
    else setRefused(outcome.problems);
  };

  const body = () => {
    if (!detail || detail.program.id !== programId) {
      if (status === 'failed') return <LoadProblem onRetry={() => void usePrograms.getState().open(programId)} />;
      return (
        <div className="centered">
          <IonSpinner aria-label={t('common.wait')} />
        </div>
      );
    }
    const { program, contacts, log, offers, calendar } = detail;
    const editButton = canWrite && !editing && (
      <IonButton fill="outline" size="small" onClick={() => setEditing(true)} data-action="edit-terms">
        {t('programs.terms.edit')}
      </IonButton>
    );
    return (
      <div className="program-columns" data-program-id={program.id}>
        <div className="program-column">
          <Section name="terms" title={t('programs.terms.title')} action={editButton}>
            {editing ? (
              <ProgramForm
                initial={draftOf(program)}
                refused={refused}
                saving={busy}
                submitLabel={t('programs.terms.save')}
                language={language}
                onSubmit={(draft) => void saveTerms(draft)}
                onCancel={() => setEditing(false)}
              />
            ) : (
              <ProgramTerms terms={program} language={language} />
            )}
          </Section>
          <Section name="calendar" title={t('programs.calendar.title')}>
            <ProgramCalendar payouts={calendar} holdDays={program.holdDays} timeZone={program.timeZone} language={language} />
          </Section>
        </div>
        <div className="program-column">
          <Section name="contacts" title={t('programs.contacts.title')}>
            <ProgramContacts
              contacts={contacts}
              canWrite={canWrite}
              saving={busy}
              onSave={async (contactId, draft) => {
                const outcome = await usePrograms.getState().saveContact(contactId, draft);
                return outcome.saved ? null : outcome.problems;
              }}
              onRemove={(contactId) => void usePrograms.getState().removeContact(contactId)}
            />
          </Section>
          <Section name="log" title={t('programs.log.title')}>
            <ProgramContactLog
              entries={log}
              canWrite={canWrite}
              saving={busy}
              when={(entry) => formatMoment(entry.at, language, timeZone)}
              who={(entry) => (entry.author && names[entry.author]) || t('programs.log.someone')}
              onAdd={async (comment) => (await usePrograms.getState().addLogEntry(comment)).saved}
            />
          </Section>
          <Section name="offers" title={t('programs.offers.title', { count: offers.length })}>
            <ProgramOffers offers={offers} />
          </Section>
        </div>
      </div>
    );
  };

  return (
    <IonPage data-page="program">
      <PageHeader title={detail?.program.id === programId ? detail.program.name : t('programs.title')} subtitle={workspace?.workspaceName} />
      <IonContent>
        <div className="page-body program-body">
          <IonButton fill="clear" routerLink="/app/programs" routerDirection="back" data-action="back-to-programs">
            {t('programs.back')}
          </IonButton>
          {body()}
        </div>
      </IonContent>
    </IonPage>
  );
}
