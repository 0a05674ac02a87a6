import { IonIcon } from '@ionic/react';
import { cloudOfflineOutline } from 'ionicons/icons';

interface OfflineNoteProps {
  /** What the note says, for tests and styles: `offline` (kept figures shown), `needs-connection`, `period-offline`. */
  note: string;
  text: string;
}

/** A line over (or instead of) what a screen shows while the backend is out of reach, in the summary's offline style. */
export function OfflineNote({ note, text }: OfflineNoteProps) {
  return (
    <p className="summary-note offline-note" data-note={note} role="status">
      <IonIcon icon={cloudOfflineOutline} aria-hidden="true" />
      {text}
    </p>
  );
}
