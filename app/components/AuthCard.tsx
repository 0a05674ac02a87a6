import { IonCard, IonCardContent, IonCardHeader, IonCardSubtitle, IonCardTitle } from '@ionic/react';
import type { ReactNode } from 'react';

interface AuthCardProps {
  title: string;
  subtitle?: string;
  children: ReactNode;
}

/** The centred card that sign-in, invitation and password screens share. */
export function AuthCard({ title, subtitle, children }: AuthCardProps) {
  return (
    <div className="auth-layout">
      <div className="brand" aria-hidden="true">
        <img src="/icons/icon.svg" alt="" width="40" height="40" />
        <span>ArbiDesk</span>
      </div>
      <IonCard className="auth-card">
        <IonCardHeader>
          <IonCardTitle>{title}</IonCardTitle>
          {subtitle && <IonCardSubtitle>{subtitle}</IonCardSubtitle>}
        </IonCardHeader>
        <IonCardContent>{children}</IonCardContent>
      </IonCard>
    </div>
  );
}
