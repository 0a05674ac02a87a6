import { IonNote } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { FilePreview } from '../../functions/_shared/etl/index.ts';

interface UploadPreviewProps {
  preview: FilePreview;
}

/** The file's first rows as they will load (canonical columns), and those that would be rejected. */
export function UploadPreview({ preview }: UploadPreviewProps) {
  const { t } = useTranslation();
  const { proposal, sample } = preview;
  if (!proposal || !sample) return null;
  const shown = proposal.columns.map((c, index) => ({ name: c.column, index, used: c.header !== null || c.constant !== null })).filter((c) => c.used);
  return (
    <section className="upload-preview" data-upload="preview">
      <h2 className="section-title">{t('upload.preview')}</h2>
      <div className="upload-preview-scroll">
        <table>
          <thead>
            <tr>
              <th>{t('upload.line')}</th>
              {shown.map((c) => (
                <th key={c.name}>{c.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sample.rows.map((row) => (
              <tr key={row.line}>
                <td>{row.line}</td>
                {shown.map((c) => (
                  <td key={c.name}>{row.values[c.index] ?? ''}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {sample.errors.map((e) => (
        <IonNote key={`${e.line}-${e.column ?? ''}`} color="danger" className="upload-preview-error">
          {e.message}
        </IonNote>
      ))}
    </section>
  );
}
