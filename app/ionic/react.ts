/**
 * What the app gets when it imports '@ionic/react' (vite.config.ts sends every import of it
 * here, except this folder's own).
 *
 * @ionic/react is a single module that declares a wrapper for every Ionic element, so any
 * element used on any screen is bundled with the first screen. The form controls below are
 * the heavy ones that only lazily loaded screens use; declared again here, one module each,
 * they travel with the screens that use them. They are made exactly as @ionic/react makes
 * them (createComponent with the same events), and typed as its own.
 */
export * from '@ionic/react';
export { IonCheckbox } from './IonCheckbox.ts';
export { IonDatetime } from './IonDatetime.ts';
export { IonInput } from './IonInput.ts';
export { IonProgressBar } from './IonProgressBar.ts';
export { IonSearchbar } from './IonSearchbar.ts';
export { IonSelect } from './IonSelect.ts';
export { IonSelectOption } from './IonSelectOption.ts';
export { IonTextarea } from './IonTextarea.ts';
export { IonToggle } from './IonToggle.ts';
