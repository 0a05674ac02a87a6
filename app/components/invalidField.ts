import type { TFunction } from 'i18next';

/** An Ionic input's props for a field's problem (an i18n key): marked invalid with the text beneath; none without one. */
export function invalidField(problemKey: string | undefined, t: TFunction): { className?: string; errorText?: string } {
  return problemKey ? { className: 'ion-invalid ion-touched', errorText: t(problemKey) } : {};
}
