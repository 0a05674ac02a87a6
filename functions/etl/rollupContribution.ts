import { canonicalColumns, copyTextValue, type CanonicalRow, type SourceName } from '../_shared/etl/index.ts';

/**
 * What the rows of a load COPYed straight into the facts add to daily_metrics, summed here
 * rather than in the database: the same sums private.etl_conversion_delta takes in SQL
 * (20261126100400_etl_streaming_merge.sql), as rows of pg_temp.etl_delta, which
 * private.etl_stream_finish adds to the rollup. For clicks and spend, the days the rows
 * touch, as rows of pg_temp.etl_days (those days are rebuilt).
 *
 * Exact, as SQL's numeric is: money is summed in cents, rounded as numeric(18,2) rounds its
 * input (half away from zero), in a safe integer while it fits and in a bigint past that.
 * The campaign name of a group is the greatest name, by the database's collation: so every
 * distinct name of a group is sent, and the database picks, as it would from the facts.
 */
export interface RollupContribution {
  /** Adds rows to the batch being gathered. */
  add(rows: readonly CanonicalRow[]): void;
  /**
   * Ends the batch being gathered; the answer adds its sums to the load's once the batch is
   * in the facts (a batch that went the keyed way is summed in SQL instead: drop the answer).
   */
  seal(): () => void;
  /** The committed sums as COPY text for `table`, or null when there is nothing to send. */
  copyText(): { table: 'etl_delta' | 'etl_days'; columns: string[]; text: string } | null;
}

export function rollupContribution(source: SourceName, baseCurrency: string): RollupContribution {
  return source === 'tw_events' ? new ConversionSums(baseCurrency) : new TouchedDays(source);
}

/** Cents of a canonical decimal (values.ts: `-?digits[.digits]`), rounded to 2 places. */
export function centsOf(value: string): number | bigint {
  const negative = value.charCodeAt(0) === 45;
  const dot = value.indexOf('.');
  const whole = value.slice(negative ? 1 : 0, dot === -1 ? value.length : dot);
  const fraction = dot === -1 ? '' : value.slice(dot + 1);
  let hundredths = fraction.length === 0 ? 0 : fraction.length === 1 ? Number(fraction) * 10 : Number(fraction.slice(0, 2));
  if (fraction.length > 2 && fraction.charCodeAt(2) >= 53) hundredths += 1;
  // 13 digits of units are under 2^53 in cents; longer amounts (up to 15 digits) take a bigint.
  if (whole.length <= 13) {
    const cents = Number(whole) * 100 + hundredths;
    return negative ? -cents : cents;
  }
  const cents = BigInt(whole) * 100n + BigInt(hundredths);
  return negative ? -cents : cents;
}

/** Cents: a number while it is a safe integer, a bigint past that. */
type Cents = number | bigint;

/** An exact sum of cents. */
function addCents(sum: Cents, cents: Cents): Cents {
  if (typeof sum === 'number' && typeof cents === 'number') {
    const next = sum + cents;
    if (Number.isSafeInteger(next)) return next;
  }
  return BigInt(sum) + BigInt(cents);
}

/** Cents as a numeric literal with two decimals. */
function centsText(cents: Cents): string {
  const negative = cents < 0;
  const digits = String(negative ? -cents : cents).padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/**
 * One group's sums. Plain fields rather than objects per sum: a big load holds tens of
 * thousands of groups until its end.
 */
interface Group {
  /** The group's cells (date, campaign, offer, geo, source, sub1, sub2) joined by U+0000. */
  key: string;
  names: string[];
  registrations: number;
  ftds: number;
  deposits: number;
  depositsAmount: Cents;
  revenue: Cents;
  chargebacks: number;
  chargebackAmount: Cents;
  otherCurrencyRows: number;
}

function newGroup(key: string): Group {
  return {
    key, names: [], registrations: 0, ftds: 0, deposits: 0, depositsAmount: 0, revenue: 0, chargebacks: 0, chargebackAmount: 0, otherCurrencyRows: 0,
  };
}

function mergeGroup(into: Group, from: Group): void {
  for (const name of from.names) if (!into.names.includes(name)) into.names.push(name);
  into.registrations += from.registrations;
  into.ftds += from.ftds;
  into.deposits += from.deposits;
  into.depositsAmount = addCents(into.depositsAmount, from.depositsAmount);
  into.revenue = addCents(into.revenue, from.revenue);
  into.chargebacks += from.chargebacks;
  into.chargebackAmount = addCents(into.chargebackAmount, from.chargebackAmount);
  into.otherCurrencyRows += from.otherCurrencyRows;
}

/**
 * A copy of a cell that does not keep the text it was cut from alive: V8 keeps a substring of
 * 13 or more characters as a view into its parent (the piece of file the tokenizer read), and
 * the sums outlive every piece. Concatenating and slicing makes a string of its own.
 */
function ownCopy(value: string): string {
  return value.length < 13 ? value : (' ' + value).slice(1);
}

/** Conversions: the sums of etl_conversion_delta per date × campaign × offer × geo × source × sub1 × sub2. */
class ConversionSums implements RollupContribution {
  private committed = new Map<string, Group>();
  private pending = new Map<string, Group>();
  private readonly at: Record<string, number>;

  constructor(private readonly base: string) {
    const columns = canonicalColumns('tw_events');
    this.at = Object.fromEntries(columns.map((name, index) => [name, index]));
  }

  add(rows: readonly CanonicalRow[]): void {
    const { at, base, pending } = this;
    const [time, type, campaign, name, offer, geo, source, sub1, sub2, amount, payout, currency] = [
      at.event_time!, at.event_type!, at.campaign_id!, at.campaign_name!, at.offer_id!, at.geo!, at.source!,
      at.sub1!, at.sub2!, at.amount!, at.payout!, at.currency!,
    ];
    for (const row of rows) {
      const v = row.values;
      // event_time is canonical UTC (`…Z`): its date is the UTC day the SQL takes. Cells are
      // joined by U+0000, which no valid cell holds (naturalKey.ts).
      const stamp = v[time] as string;
      const day = stamp.slice(0, stamp.indexOf('T'));
      const key = `${day}\0${v[campaign] ?? ''}\0${v[offer] ?? ''}\0${v[geo] ?? ''}\0${v[source] ?? ''}\0${v[sub1] ?? ''}\0${v[sub2] ?? ''}`;
      let group = pending.get(key);
      if (group === undefined) {
        group = newGroup(ownCopy(key));
        pending.set(group.key, group);
      }
      const campaignName = v[name];
      if (campaignName !== null && campaignName !== undefined && !group.names.includes(campaignName)) group.names.push(ownCopy(campaignName));
      const eventType = v[type];
      if (eventType === 'registration') group.registrations++;
      else if (eventType === 'first_deposit') {
        group.ftds++;
        group.deposits++;
      } else if (eventType === 'deposit') group.deposits++;
      else if (eventType === 'chargeback') group.chargebacks++;
      if ((v[currency] ?? base) !== base) {
        group.otherCurrencyRows++;
        continue;
      }
      const money = v[payout];
      const cents = money === null || money === undefined ? 0 : centsOf(money);
      if (cents !== 0) {
        group.revenue = addCents(group.revenue, cents);
        if (eventType === 'chargeback') group.chargebackAmount = addCents(group.chargebackAmount, cents);
      }
      const deposit = v[amount];
      if (deposit !== null && deposit !== undefined && (eventType === 'first_deposit' || eventType === 'deposit')) {
        group.depositsAmount = addCents(group.depositsAmount, centsOf(deposit));
      }
    }
  }

  seal(): () => void {
    const batch = this.pending;
    this.pending = new Map();
    return () => {
      for (const [key, group] of batch) {
        const into = this.committed.get(key);
        if (into === undefined) this.committed.set(key, group);
        else mergeGroup(into, group);
      }
    };
  }

  copyText(): { table: 'etl_delta'; columns: string[]; text: string } | null {
    if (this.committed.size === 0) return null;
    let text = '';
    for (const group of this.committed.values()) {
      const sums = `${group.registrations}\t${group.ftds}\t${group.deposits}\t${centsText(group.depositsAmount)}\t${centsText(group.revenue)}\t` +
        `${group.chargebacks}\t${centsText(group.chargebackAmount)}\t${group.otherCurrencyRows}`;
      // One row per distinct name, the sums on the first: the database sums them and takes the greatest name.
      const key = group.key.split('\0').map(copyTextValue).join('\t');
      const [first, ...others] = group.names;
      text += `${key}\t${first === undefined ? '\\N' : copyTextValue(first)}\tf\t${sums}\n`;
      for (const other of others) text += `${key}\t${copyTextValue(other)}\tf\t0\t0\t0\t0\t0\t0\t0\t0\n`;
    }
    return {
      table: 'etl_delta',
      columns: ['date', 'campaign_id', 'offer_id', 'geo', 'source', 'network_campaign_id', 'creative_id', 'name_added', 'removed',
        'registrations', 'ftds', 'deposits', 'deposits_amount', 'revenue', 'chargebacks', 'chargeback_amount', 'other_currency_rows'],
      text,
    };
  }
}

/** Clicks and spend: the days their rows fall on, which the rollup rebuilds. */
class TouchedDays implements RollupContribution {
  private committed = new Set<string>();
  private pending = new Set<string>();
  private readonly dateAt: number;

  constructor(source: SourceName) {
    this.dateAt = canonicalColumns(source).indexOf('date');
  }

  add(rows: readonly CanonicalRow[]): void {
    for (const row of rows) {
      const day = row.values[this.dateAt] as string;
      if (!this.pending.has(day)) this.pending.add(ownCopy(day));
    }
  }

  seal(): () => void {
    const batch = this.pending;
    this.pending = new Set();
    return () => {
      for (const day of batch) this.committed.add(day);
    };
  }

  copyText(): { table: 'etl_days'; columns: string[]; text: string } | null {
    if (this.committed.size === 0) return null;
    return { table: 'etl_days', columns: ['day'], text: [...this.committed].map((day) => `${day}\n`).join('') };
  }
}
