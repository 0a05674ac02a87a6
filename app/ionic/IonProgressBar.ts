import { defineCustomElement, IonProgressBar as Element } from '@ionic/core/components/ion-progress-bar.js';
import type { IonProgressBar as IonicReactIonProgressBar } from '@ionic/react';
import { createComponent } from '@stencil/react-output-target/runtime';
import React from 'react';

/** `ion-progress-bar` as @ionic/react declares it, in a module of its own (see ./react.ts). */
export const IonProgressBar = /* @__PURE__ */ createComponent({
  tagName: 'ion-progress-bar',
  elementClass: Element,
  react: React,
  events: {  },
  defineCustomElement,
}) as unknown as typeof IonicReactIonProgressBar;
