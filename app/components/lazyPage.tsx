import { IonContent, IonPage, IonSpinner } from '@ionic/react';
import { lazy, Suspense, type ComponentType } from 'react';

/**
 * A screen whose code is fetched the first time it is opened, so the phone's first screen
 * (the summary) does not wait for the code of every other one. The placeholder is an
 * IonPage, which the router outlet needs for its transitions.
 */
export function lazyPage(load: () => Promise<{ default: ComponentType }>): ComponentType {
  const Page = lazy(load);
  return function LazyPage() {
    return (
      <Suspense
        fallback={
          <IonPage>
            <IonContent>
              <div className="page-loading">
                <IonSpinner name="crescent" />
              </div>
            </IonContent>
          </IonPage>
        }
      >
        <Page />
      </Suspense>
    );
  };
}
