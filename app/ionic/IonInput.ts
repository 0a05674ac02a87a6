import { defineCustomElement, IonInput as Element } from '@ionic/core/components/ion-input.js';
import type { IonInput as IonicReactIonInput } from '@ionic/react';
import { createComponent } from '@stencil/react-output-target/runtime';
import React from 'react';

/** `ion-input` as @ionic/react declares it, in a module of its own (see ./react.ts). */
export const IonInput = /* @__PURE__ */ createComponent({
  tagName: 'ion-input',
  elementClass: Element,
  react: React,
  events: { onIonInput: 'ionInput', onIonChange: 'ionChange', onIonBlur: 'ionBlur', onIonFocus: 'ionFocus' },
  defineCustomElement,
}) as unknown as typeof IonicReactIonInput;
