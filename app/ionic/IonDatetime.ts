import { defineCustomElement, IonDatetime as Element } from '@ionic/core/components/ion-datetime.js';
import type { IonDatetime as IonicReactIonDatetime } from '@ionic/react';
import { createComponent } from '@stencil/react-output-target/runtime';
import React from 'react';

/** `ion-datetime` as @ionic/react declares it, in a module of its own (see ./react.ts). */
export const IonDatetime = /* @__PURE__ */ createComponent({
  tagName: 'ion-datetime',
  elementClass: Element,
  react: React,
  events: { onIonCancel: 'ionCancel', onIonChange: 'ionChange', onIonFocus: 'ionFocus', onIonBlur: 'ionBlur' },
  defineCustomElement,
}) as unknown as typeof IonicReactIonDatetime;
