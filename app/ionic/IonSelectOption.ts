import { defineCustomElement, IonSelectOption as Element } from '@ionic/core/components/ion-select-option.js';
import type { IonSelectOption as IonicReactIonSelectOption } from '@ionic/react';
import { createComponent } from '@stencil/react-output-target/runtime';
import React from 'react';

/** `ion-select-option` as @ionic/react declares it, in a module of its own (see ./react.ts). */
export const IonSelectOption = /* @__PURE__ */ createComponent({
  tagName: 'ion-select-option',
  elementClass: Element,
  react: React,
  events: {  },
  defineCustomElement,
}) as unknown as typeof IonicReactIonSelectOption;
