import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Problems } from '../lib/offersTerms.ts';
import { invalidField } from './invalidField.ts';

/**
 * A policy form's draft: its fields as typed, the problems found when it was last sent (the
 * form's own, then what the server refused), and the submit that reads the draft into a row.
 */
export function usePolicyDraft<Draft, Row>(
  initial: () => Draft,
  read: (draft: Draft) => { row: Row } | { problems: Problems },
  refused: Problems,
  onSubmit: (row: Row) => void,
) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(initial);
  const [problems, setProblems] = useState<Problems>({});
  const shown = { ...problems, ...refused };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = read(draft);
    setProblems('problems' in result ? result.problems : {});
    if ('row' in result) onSubmit(result.row);
  };
  /** An input's props for a field's problem. */
  const invalid = (field: string) => invalidField(shown[field], t);
  return { draft, setDraft, submit, invalid };
}
