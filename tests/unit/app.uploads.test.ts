import { describe, expect, it } from 'vitest';
import {
  averageLineBytes,
  canUpload,
  estimatedFraction,
  rejectedRowsCsv,
  rejectedRowsFileName,
  toLoadRecord,
  withColumnHeader,
} from '../../app/lib/uploads.ts';
import { InvalidResponseError } from '../../app/lib/guards.ts';

describe('rejectedRowsCsv', () => {
  it('writes line, column, value, reason with quoting where a spreadsheet needs it', () => {
    const csv = rejectedRowsCsv([
      { line: 3, column: 'payout', value: '12.5.0', reason: "line 3: column `payout`: '12.5.0' is not a number" },
      { line: 7, column: null, value: 'a,"b"\nc', reason: 'unclosed quote' },
    ]);
    expect(csv).toBe(
      'line,column,value,reason\r\n3,payout,12.5.0,line 3: column `payout`: \'12.5.0\' is not a number\r\n7,,"a,""b""\nc",unclosed quote\r\n',
    );
  });

  it('with the file\'s header: one row per rejected record, its reasons, then its own cells to fix and upload again', () => {
    const csv = rejectedRowsCsv(
      [
        { line: 4, column: 'event_id', value: '', reason: 'line 4: column `event_id`: is empty', record: ['', 'x,y', '12.5.0'] },
        { line: 4, column: 'payout', value: '12.5.0', reason: "line 4: column `payout`: '12.5.0' is not a number", record: ['', 'x,y', '12.5.0'] },
        { line: 9, column: null, value: null, reason: 'line 9: a quote is never closed', record: null },
      ],
      ['event_id', 'campaign_name', 'payout'],
    );
    expect(csv.split('\r\n')).toEqual([
      'line,reason,event_id,campaign_name,payout',
      "4,line 4: column `event_id`: is empty; line 4: column `payout`: '12.5.0' is not a number,,\"x,y\",12.5.0",
      '9,line 9: a quote is never closed,,,',
      '',
    ]);
  });

  it('names the file after the upload', () => {
    expect(rejectedRowsFileName('tw-march.csv')).toBe('tw-march.rejected.csv');
    expect(rejectedRowsFileName('export')).toBe('export.rejected.csv');
  });
});

describe('withColumnHeader', () => {
  it('points a column at a header, takes that header from the column that had it, and drops a constant', () => {
    const mapping = { columns: { event_id: 'id', payout: 'amount' }, constants: { currency: 'USD' } };
    expect(withColumnHeader(mapping, 'amount', 'amount')).toEqual({ columns: { event_id: 'id', payout: null, amount: 'amount' }, constants: { currency: 'USD' } });
    expect(withColumnHeader(mapping, 'currency', 'cur')).toEqual({ columns: { event_id: 'id', payout: 'amount', currency: 'cur' }, constants: {} });
    expect(withColumnHeader(mapping, 'event_id', null).columns.event_id).toBeNull();
  });
});

describe('progress estimate', () => {
  it('turns rows read into a share of the file from the bytes per line of its start', () => {
    expect(averageLineBytes(new TextEncoder().encode('h,h\n1,2\n3,4\n'))).toBe(4);
    expect(averageLineBytes(new TextEncoder().encode('one line'))).toBeNull();
    expect(estimatedFraction(250, 4, 2000)).toBe(0.5);
    expect(estimatedFraction(1000, 4, 2000)).toBe(0.99);
    expect(estimatedFraction(10, null, 2000)).toBeNull();
  });
});

describe('toLoadRecord', () => {
  const row = {
    id: '6f1c7f0e-3a53-4c8e-9d59-6a1d9f2b7c11',
    file_name: 'tw.csv',
    source: 'tw_events',
    status: 'running',
    phase: 'parsing',
    rows_read: '1200',
    rows_accepted: 1198,
    rows_rejected: 2,
    rows_superseded: 0,
    error_summary: null,
    duplicate_of: null,
    created_by: '0b6c2a8e-1d7a-4f3e-8f43-2b0c9a1e5d22',
    started_at: '2026-11-26T10:00:00+00:00',
    finished_at: null,
  };

  it('reads a row from REST, realtime or the ETL function (bigints as numbers or digits)', () => {
    expect(toLoadRecord(row)).toMatchObject({ fileName: 'tw.csv', status: 'running', rowsRead: 1200, rowsAccepted: 1198, phase: 'parsing' });
  });

  it('refuses a row it does not understand', () => {
    expect(() => toLoadRecord({ ...row, status: 'exploded' })).toThrow(InvalidResponseError);
  });
});

describe('canUpload', () => {
  it('lets media buyers and admins upload, nobody else', () => {
    expect(canUpload('media_buyer')).toBe(true);
    expect(canUpload('admin')).toBe(true);
    expect(canUpload('read_only')).toBe(false);
    expect(canUpload('finance')).toBe(false);
    expect(canUpload(undefined)).toBe(false);
  });
});
