import { IonSearchbar } from '@ionic/react';
import { useEffect, useRef, type ComponentProps } from 'react';
import { useTranslation } from 'react-i18next';

type SearchFieldProps = Omit<ComponentProps<typeof IonSearchbar>, 'ref'> & {
  /** What is searched, for screen readers ("Search programs"). */
  label: string;
};

/**
 * Ionic's searchbar with its built-in screen-reader labels in the interface's language. Ionic
 * writes "search text" on the input and "reset" on the clear button, in English, and offers no
 * property for them; they are set on its elements once it has rendered them.
 */
export function SearchField({ label, ...props }: SearchFieldProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLIonSearchbarElement>(null);
  const clear = t('common.clearSearch');
  useEffect(() => {
    const searchbar = ref.current;
    if (!searchbar) return;
    void searchbar.getInputElement().then((input) => {
      input.setAttribute('aria-label', label);
      searchbar.querySelector('.searchbar-clear-button')?.setAttribute('aria-label', clear);
      searchbar.querySelector('.searchbar-cancel-button')?.setAttribute('aria-label', t('common.cancel'));
    });
  }, [label, clear, t]);
  return <IonSearchbar ref={ref} {...props} />;
}
