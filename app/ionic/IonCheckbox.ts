import { defineCustomElement, IonCheckbox as Element } from '@ionic/core/components/ion-checkbox.js';
import type { IonCheckbox as IonicReactIonCheckbox } from '@ionic/react';
import { createComponent } from '@stencil/react-output-target/runtime';
import React from 'react';

/** `ion-checkbox` as @ionic/react declares it, in a module of its own (see ./react.ts). */
export const IonCheckbox = /* @__PURE__ */ createComponent({
  tagName: 'ion-checkbox',
  elementClass: Element,
  react: React,
  events: { onIonChange: 'ionChange', onIonFocus: 'ionFocus', onIonBlur: 'ionBlur' },
  defineCustomElement,
}) as unknown as typeof IonicReactIonCheckbox;
