import { describe, expect, it } from 'vitest';
import { formatSignedPercent, formatSignedPoints } from '../../app/lib/numbers.ts';
import { changeTone, periodRange, pointsChange, previousRange, rankByProfit, relativeChange, todayIn } from '../../app/lib/summary.ts';

describe('summary periods', () => {
  it('takes "today" in the person’s time zone', () => {
    const lateUtc = new Date('2026-11-25T22:30:00Z');
    expect(todayIn('UTC', lateUtc)).toBe('2026-11-25');
    expect(todayIn('Europe/Moscow', lateUtc)).toBe('2026-11-26');
    expect(todayIn('America/New_York', new Date('2026-11-26T03:00:00Z'))).toBe('2026-11-25');
  });

  it('turns today / yesterday / 7 days into RPC dates, and the previous period of the same length', () => {
    expect(periodRange('today', '2026-03-01')).toEqual({ from: '2026-03-01', to: '2026-03-01' });
    expect(periodRange('yesterday', '2026-03-01')).toEqual({ from: '2026-02-28', to: '2026-02-28' });
    expect(periodRange('week', '2026-03-01')).toEqual({ from: '2026-02-23', to: '2026-03-01' });
    expect(previousRange({ from: '2026-03-01', to: '2026-03-01' })).toEqual({ from: '2026-02-28', to: '2026-02-28' });
    expect(previousRange({ from: '2026-02-23', to: '2026-03-01' })).toEqual({ from: '2026-02-16', to: '2026-02-22' });
  });

  it('crosses the DST change without losing or doubling a day', () => {
    expect(periodRange('week', '2026-03-31')).toEqual({ from: '2026-03-25', to: '2026-03-31' });
    expect(previousRange({ from: '2026-10-26', to: '2026-11-01' })).toEqual({ from: '2026-10-19', to: '2026-10-25' });
  });
});

describe('changes against the previous period', () => {
  it('is relative to the size of the previous value, so a shrinking loss is a rise', () => {
    expect(relativeChange(120, 100)).toBeCloseTo(0.2);
    expect(relativeChange(50, 100)).toBeCloseTo(-0.5);
    expect(relativeChange(-50, -100)).toBeCloseTo(0.5);
    expect(relativeChange(10, 0)).toBeNull();
  });

  it('compares ROI in percentage points', () => {
    expect(pointsChange(0.4, 0.35)).toBeCloseTo(0.05);
    expect(pointsChange(null, 0.35)).toBeNull();
    expect(formatSignedPoints(0.052, 'en')).toBe('+5.2');
    expect(formatSignedPoints(-0.1, 'ru')).toBe('-10');
  });

  it('colours a rise green and a fall red, but keeps spend neutral', () => {
    expect(changeTone('profit', 0.1)).toBe('good');
    expect(changeTone('ftds', -0.1)).toBe('bad');
    expect(changeTone('spend', 0.5)).toBe('neutral');
    expect(changeTone('spend', -0.5)).toBe('neutral');
    expect(changeTone('revenue', null)).toBe('neutral');
    expect(changeTone('roi', 0)).toBe('neutral');
  });

  it('writes the sign of a change', () => {
    expect(formatSignedPercent(0.125, 'en')).toBe('+12.5%');
    expect(formatSignedPercent(-0.05, 'en')).toBe('-5%');
    expect(formatSignedPercent(0, 'en')).toBe('0%');
  });
});

describe('rankByProfit', () => {
  const offer = (offerId: string, profit: number) => ({ offerId, profit });

  it('takes the three best and the three worst', () => {
    const rows = [offer('a', 5), offer('b', -20), offer('c', 40), offer('d', 0), offer('e', 12), offer('f', -3), offer('g', 7)];
    const { top, bottom } = rankByProfit(rows);
    expect(top.map((o) => o.offerId)).toEqual(['c', 'e', 'g']);
    expect(bottom.map((o) => o.offerId)).toEqual(['b', 'f', 'd']);
  });

  it('shows no offer twice when there are few', () => {
    expect(rankByProfit([offer('a', 1), offer('b', 2), offer('c', -1), offer('d', 3)])).toEqual({
      top: [offer('d', 3), offer('b', 2), offer('a', 1)],
      bottom: [offer('c', -1)],
    });
    expect(rankByProfit([offer('a', 1)])).toEqual({ top: [offer('a', 1)], bottom: [] });
  });
});
