import { defineCustomElement, IonTextarea as Element } from '@ionic/core/components/ion-textarea.js';
import type { IonTextarea as IonicReactIonTextarea } from '@ionic/react';
import { createComponent } from '@stencil/react-output-target/runtime';
import React from 'react';

/** `ion-textarea` as @ionic/react declares it, in a module of its own (see ./react.ts). */
export const IonTextarea = /* @__PURE__ */ createComponent({
  tagName: 'ion-textarea',
  elementClass: Element,
  react: React,
  events: { onIonChange: 'ionChange', onIonInput: 'ionInput', onIonBlur: 'ionBlur', onIonFocus: 'ionFocus' },
  defineCustomElement,
}) as unknown as typeof IonicReactIonTextarea;
