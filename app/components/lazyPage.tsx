import { IonSpinner } from '@ionic/react';
import { lazy, Suspense, type ComponentType } from 'react';

/**
 * A screen whose code is fetched the first time it is opened, so the phone's first screen
 * (the summary) does not wait for the code of every other one. The placeholder is laid out
 * as a page but is not an IonPage: the router outlet would run its transition on it, and the
 * real IonPage that replaces it would stay hidden (ion-page-invisible) for good. Without one
 * the outlet waits for the real page and runs the transition then.
 */
export function lazyPage(load: () => Promise<{ default: ComponentType }>): ComponentType {
  const Page = lazy(load);
  return function LazyPage() {
    return (
      <Suspense
        fallback={
          <div className="ion-page">
            <div className="page-loading">
              <IonSpinner name="crescent" />
            </div>
          </div>
        }
      >
        <Page />
      </Suspense>
    );
  };
}
