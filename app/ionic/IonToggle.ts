import { defineCustomElement, IonToggle as Element } from '@ionic/core/components/ion-toggle.js';
import type { IonToggle as IonicReactIonToggle } from '@ionic/react';
import { createComponent } from '@stencil/react-output-target/runtime';
import React from 'react';

/** `ion-toggle` as @ionic/react declares it, in a module of its own (see ./react.ts). */
export const IonToggle = /* @__PURE__ */ createComponent({
  tagName: 'ion-toggle',
  elementClass: Element,
  react: React,
  events: { onIonChange: 'ionChange', onIonFocus: 'ionFocus', onIonBlur: 'ionBlur' },
  defineCustomElement,
}) as unknown as typeof IonicReactIonToggle;
