import type { UserMessage } from './errors.ts';
import type { TransferProgress } from './fileTransfer.ts';
import { estimatedFraction, finishedStatuses, type LoadRecord } from './uploads.ts';
import type { LoadStatus } from './dataApi.ts';

/** What the upload screen knows of an upload on its way (a slice of stores/uploads.ts). */
export interface UploadProgressState {
  step: string;
  stage: 'sending' | 'processing';
  file: File | null;
  load: LoadRecord | null;
  transfer: TransferProgress | null;
  resumedFrom: number | null;
  interruption: UserMessage | null;
  bytesPerRow: number | null;
}

export interface UploadProgressFormat {
  count(n: number): string;
  bytes(n: number): string;
  percent(fraction: number): string;
  t(key: string, values?: Record<string, unknown>): string;
}

/** How the progress card shows it (UploadProgress's props without the callbacks). */
export interface UploadProgressView {
  stage: 'sending' | 'processing' | 'interrupted';
  status: LoadStatus | null;
  phase: string | null;
  fraction: number | null;
  sentBytes: number | null;
  sent: string | null;
  counts: string | null;
  notes: string[];
}

/**
 * The progress card of an upload: first the file's bytes going to Storage ("6 MB of 15.3 MB
 * (39 %)"), then the server's phases and counters; after an interruption, where it stopped and why.
 */
export function uploadProgressView(state: UploadProgressState, format: UploadProgressFormat): UploadProgressView {
  const { load, transfer } = state;
  const stage = state.step === 'interrupted' ? 'interrupted' : state.step === 'finished' ? 'processing' : state.stage;
  const sending = stage !== 'processing';
  const sentText = transfer
    ? format.t('upload.sent', { sent: format.bytes(transfer.sent), total: format.bytes(transfer.total), percent: format.percent(transfer.total > 0 ? transfer.sent / transfer.total : 1) })
    : null;
  if (sending) {
    const notes: string[] = [];
    if (stage === 'sending' && state.resumedFrom) notes.push(format.t('upload.resumed', { offset: format.bytes(state.resumedFrom) }));
    if (stage === 'interrupted') {
      if (state.interruption) notes.push(format.t(state.interruption.key, state.interruption.values));
      notes.push(format.t('upload.resumeHint'));
    }
    return {
      stage,
      status: null,
      phase: stage === 'sending' ? 'sending' : null,
      fraction: transfer ? (transfer.total > 0 ? transfer.sent / transfer.total : 1) : null,
      sentBytes: transfer?.sent ?? null,
      sent: sentText,
      counts: null,
      notes,
    };
  }
  const finished = load !== null && finishedStatuses.has(load.status);
  const fileBytes = state.file?.size ?? 0;
  return {
    stage,
    status: load?.status ?? null,
    phase: finished ? null : (load?.phase ?? 'starting'),
    fraction: finished ? 1 : load?.phase === 'parsing' ? estimatedFraction(load.rowsRead, state.bytesPerRow, fileBytes) : null,
    sentBytes: transfer?.sent ?? null,
    sent: null,
    counts: format.t('upload.counts', { read: format.count(load?.rowsRead ?? 0), accepted: format.count(load?.rowsAccepted ?? 0), rejected: format.count(load?.rowsRejected ?? 0) }),
    notes: [],
  };
}
