import { create } from 'zustand';
import { resolveRange, type RangeChoice } from '../lib/analytics.ts';
import { api, backendClient } from '../lib/backend.ts';
import {
  checkComment,
  checkContactDraft,
  checkProgramDraft,
  contactRow,
  hasProblems,
  programFieldProblem,
  programRow,
  type ContactDraft,
  type ContactField,
  type ContactLogEntry,
  type FieldProblems,
  type Program,
  type ProgramContact,
  type ProgramDraft,
  type ProgramField,
  type ProgramOffer,
  type ProgramOutline,
  type ProgramPayout,
} from '../lib/programs.ts';
import { createProgramsApi, type ProgramsApi } from '../lib/programsApi.ts';
import { todayIn, type DayRange } from '../lib/summary.ts';
import { reportError, reportSuccess } from './notices.ts';

type Status = 'idle' | 'loading' | 'ready' | 'failed';

/** A save either happened or left problems for the form to show (other failures went to the toast). */
export type Outcome<F extends string, T> = { saved: true; value: T } | { saved: false; problems: FieldProblems<F> };

export interface ProgramDetail {
  program: Program;
  contacts: ProgramContact[];
  log: ContactLogEntry[];
  offers: ProgramOffer[];
  calendar: ProgramPayout[];
}

interface ProgramsState {
  range: RangeChoice;
  query: string;
  /** The list as last loaded, with the request it answers so a stale answer is never shown. */
  list: { key: string; range: DayRange; outlines: ProgramOutline[] } | null;
  listStatus: Status;
  detail: ProgramDetail | null;
  detailStatus: Status;
  /** Display names of contact log authors. */
  names: Record<string, string>;
  busy: boolean;
  loadList(workspaceId: string, timeZone: string): Promise<void>;
  chooseRange(range: RangeChoice): void;
  search(query: string): void;
  open(programId: string): Promise<void>;
  create(workspaceId: string, draft: ProgramDraft): Promise<Outcome<ProgramField, Program>>;
  saveTerms(draft: ProgramDraft): Promise<Outcome<ProgramField, Program>>;
  saveContact(contactId: string | null, draft: ContactDraft): Promise<Outcome<ContactField, ProgramContact>>;
  removeContact(contactId: string): Promise<void>;
  addLogEntry(comment: string): Promise<Outcome<'comment', ContactLogEntry>>;
}

/** How many payouts the calendar shows. */
export const calendarLength = 6;

let programsApi: ProgramsApi | undefined;
const programs = (): ProgramsApi => (programsApi ??= createProgramsApi(backendClient()));

const listKey = (workspaceId: string, range: DayRange) => JSON.stringify([workspaceId, range]);
let listInFlight: string | null = null;

/** The programs list and the program open on screen, with every change made to them. */
export const usePrograms = create<ProgramsState>()((set, get) => {
  /** Runs a save: checks first, then the request; a refusal that belongs to a field goes back to the form. */
  async function save<F extends string, T>(
    problems: FieldProblems<F>,
    request: () => Promise<T>,
    fieldProblem: (error: unknown) => FieldProblems<F> | null = () => null,
  ): Promise<Outcome<F, T>> {
    if (hasProblems(problems)) return { saved: false, problems };
    set({ busy: true });
    try {
      return { saved: true, value: await request() };
    } catch (error) {
      const own = fieldProblem(error);
      if (!own) reportError(error);
      return { saved: false, problems: own ?? {} };
    } finally {
      set({ busy: false });
    }
  }

  const current = (): ProgramDetail => {
    const detail = get().detail;
    if (!detail) throw new Error('No program is open');
    return detail;
  };

  async function learnNames(entries: ContactLogEntry[]): Promise<void> {
    const unknown = [...new Set(entries.map((e) => e.author).filter((a): a is string => a !== null && !(a in get().names)))];
    if (unknown.length === 0) return;
    const found = await api().displayNames(unknown).catch(() => ({}));
    set({ names: { ...get().names, ...found } });
  }

  return {
    range: { preset: 'last30' },
    query: '',
    list: null,
    listStatus: 'idle',
    detail: null,
    detailStatus: 'idle',
    names: {},
    busy: false,
    loadList: async (workspaceId, timeZone) => {
      const range = resolveRange(get().range, todayIn(timeZone));
      const key = listKey(workspaceId, range);
      // The screen asks when it mounts and each time it comes into view: one request serves both.
      if (listInFlight === key) return;
      listInFlight = key;
      set({ listStatus: 'loading' });
      try {
        const outlines = await programs().overview(workspaceId, range);
        if (listKey(workspaceId, resolveRange(get().range, todayIn(timeZone))) !== key) return;
        set({ list: { key, range, outlines }, listStatus: 'ready' });
      } catch (error) {
        set({ listStatus: 'failed' });
        reportError(error);
      } finally {
        if (listInFlight === key) listInFlight = null;
      }
    },
    chooseRange: (range) => set({ range }),
    search: (query) => set({ query }),
    open: async (programId) => {
      if (get().detail?.program.id !== programId) set({ detail: null });
      set({ detailStatus: 'loading' });
      try {
        const data = programs();
        const [program, contacts, log, offers, calendar] = await Promise.all([
          data.program(programId),
          data.contacts(programId),
          data.contactLog(programId),
          data.activeOffers(programId),
          data.payoutCalendar(programId, calendarLength),
        ]);
        // Names first, so no entry shows as by "a former member" while its author's name is on its way.
        await learnNames(log);
        set({ detail: { program, contacts, log, offers, calendar }, detailStatus: 'ready' });
      } catch (error) {
        set({ detailStatus: 'failed' });
        reportError(error);
      }
    },
    create: async (workspaceId, draft) => {
      const outcome = await save(checkProgramDraft(draft), () => programs().createProgram(workspaceId, programRow(draft)), programFieldProblem);
      if (outcome.saved) reportSuccess('programs.created', { name: outcome.value.name });
      return outcome;
    },
    saveTerms: async (draft) => {
      const { program } = current();
      const outcome = await save(checkProgramDraft(draft), () => programs().updateProgram(program.id, programRow(draft)), programFieldProblem);
      if (!outcome.saved) return outcome;
      // New terms may move every payout: the calendar is asked again.
      const calendar = await programs().payoutCalendar(program.id, calendarLength).catch((error: unknown) => {
        reportError(error);
        return current().calendar;
      });
      set({ detail: { ...current(), program: outcome.value, calendar } });
      reportSuccess('programs.termsSaved');
      return outcome;
    },
    saveContact: async (contactId, draft) => {
      const { program } = current();
      const outcome = await save(checkContactDraft(draft), () => programs().saveContact(program.workspaceId, program.id, contactId, contactRow(draft)));
      if (outcome.saved) {
        const others = current().contacts.filter((c) => c.id !== outcome.value.id);
        set({ detail: { ...current(), contacts: [...others, outcome.value].sort((a, b) => a.name.localeCompare(b.name)) } });
      }
      return outcome;
    },
    removeContact: async (contactId) => {
      set({ busy: true });
      try {
        await programs().removeContact(contactId);
        set({ detail: { ...current(), contacts: current().contacts.filter((c) => c.id !== contactId) } });
      } catch (error) {
        reportError(error);
      } finally {
        set({ busy: false });
      }
    },
    addLogEntry: async (comment) => {
      const { program } = current();
      const problem = checkComment(comment);
      const outcome = await save<'comment', ContactLogEntry>(problem ? { comment: problem } : {}, () => programs().addLogEntry(program.workspaceId, program.id, comment.trim()));
      if (outcome.saved) {
        await learnNames([outcome.value]);
        set({ detail: { ...current(), log: [outcome.value, ...current().log] } });
      }
      return outcome;
    },
  };
});
