import { IonButton, IonIcon } from '@ionic/react';
import { cloudUploadOutline } from 'ionicons/icons';
import { useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';

interface UploadFilePickerProps {
  fileName: string | null;
  disabled: boolean;
  onFile(file: File): void;
}

/** Choosing the file: a button on every device, dropping it onto the zone where there is a pointer. */
export function UploadFilePicker({ fileName, disabled, onFile }: UploadFilePickerProps) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const drop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (file && !disabled) onFile(file);
  };

  return (
    <div
      className={`upload-drop${over ? ' upload-drop-over' : ''}`}
      data-upload="drop"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <IonIcon icon={cloudUploadOutline} aria-hidden="true" className="upload-drop-icon" />
      <p className="upload-drop-hint">{fileName ?? t('upload.dropHint')}</p>
      <input
        ref={input}
        type="file"
        name="file"
        accept=".csv,.tsv,.txt,text/csv,text/plain"
        hidden
        disabled={disabled}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) onFile(file);
          e.target.value = '';
        }}
      />
      <IonButton fill="outline" disabled={disabled} onClick={() => input.current?.click()} data-action="choose-file">
        {fileName ? t('upload.chooseAnother') : t('upload.chooseFile')}
      </IonButton>
    </div>
  );
}
