import { defineCustomElement, IonSelect as Element } from '@ionic/core/components/ion-select.js';
import type { IonSelect as IonicReactIonSelect } from '@ionic/react';
import { createComponent } from '@stencil/react-output-target/runtime';
import React from 'react';

/** `ion-select` as @ionic/react declares it, in a module of its own (see ./react.ts). */
export const IonSelect = /* @__PURE__ */ createComponent({
  tagName: 'ion-select',
  elementClass: Element,
  react: React,
  events: { onIonChange: 'ionChange', onIonCancel: 'ionCancel', onIonDismiss: 'ionDismiss', onIonFocus: 'ionFocus', onIonBlur: 'ionBlur' },
  defineCustomElement,
}) as unknown as typeof IonicReactIonSelect;
