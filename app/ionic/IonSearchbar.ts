import { defineCustomElement, IonSearchbar as Element } from '@ionic/core/components/ion-searchbar.js';
import type { IonSearchbar as IonicReactIonSearchbar } from '@ionic/react';
import { createComponent } from '@stencil/react-output-target/runtime';
import React from 'react';

/** `ion-searchbar` as @ionic/react declares it, in a module of its own (see ./react.ts). */
export const IonSearchbar = /* @__PURE__ */ createComponent({
  tagName: 'ion-searchbar',
  elementClass: Element,
  react: React,
  events: { onIonInput: 'ionInput', onIonChange: 'ionChange', onIonCancel: 'ionCancel', onIonClear: 'ionClear', onIonBlur: 'ionBlur', onIonFocus: 'ionFocus' },
  defineCustomElement,
}) as unknown as typeof IonicReactIonSearchbar;
