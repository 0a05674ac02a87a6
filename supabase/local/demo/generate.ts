import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hash32, Prng } from './prng.ts';
import { csvField, TextFile } from './textFile.ts';

/**
 * Deterministic demo data in the three real formats (docs: /work/shared/DATA.md):
 * TrafficWave conversions and clicks, and Moloco spend, for N days ending at a date.
 * Traffic has a weekday rhythm and noise; a few anomalies are planted (a spend spike, an
 * offer that stops converting, a late batch of chargebacks). The same options always give
 * byte-identical files. Files are written as they are generated, so 10M rows cost no memory.
 *
 * With `wild`, each file also gets a messy twin carrying the same data: other delimiters,
 * encodings, headers, number and date formats, duplicates, blank lines and malformed rows at
 * known lines. Loading a twin must give the clean file's rows exactly (after keeping the last
 * row per natural key) plus exactly the expected errors listed in the summary.
 *
 * Money is counted in integer cents (exact in a double up to 2^53, far above any total
 * here) and printed as decimal strings.
 */

export interface DemoDataOptions {
  seed: number;
  days: number;
  /** The last day, YYYY-MM-DD (UTC). */
  endDate: string;
  /** Volume: 1 is about 1 000 conversion rows a day. */
  scale?: number;
  outDir: string;
  /** Also write the messy twins. */
  wild?: boolean;
}

export type EventType = 'registration' | 'first_deposit' | 'deposit' | 'chargeback';

export interface ExpectedError {
  line: number;
  /** Canonical column, or null for a record that is bad as a whole. */
  column: string | null;
  reason: string;
}

export interface WildFile {
  path: string;
  encoding: 'utf-8' | 'windows-1251';
  bom: boolean;
  delimiter: ',' | ';' | '\t';
  /** Data records written, malformed ones included (blank lines not). */
  records: number;
  blankLines: number;
  /** Rows that pass validation: the clean file's rows plus the superseded duplicates. */
  accepted: number;
  /** Earlier rows of a natural key that a later row in the file replaces. */
  superseded: number;
  /** What validation must report, in line order. */
  errors: ExpectedError[];
}

export interface DemoSummary {
  twEvents: {
    rows: number;
    /** Physical lines, header included (a quoted campaign name spans two). */
    lines: number;
    byType: Record<EventType, number>;
    payoutByCurrency: Record<string, string>;
    amountByCurrency: Record<string, string>;
    players: number;
  };
  twClicks: { rows: number; clicks: number; uniqueClicks: number };
  adSpend: { rows: number; impressions: number; clicks: number; installs: number; spend: string; currency: 'USD' };
  anomalies: {
    spendSpike: { date: string; campaignId: string; factor: number };
    deadOffer: { offerId: string; from: string };
    lateChargebacks: { date: string; count: number } | null;
  };
}

export interface DemoData {
  files: { twEvents: string; twClicks: string; adSpend: string };
  wild: { twEvents: WildFile; twClicks: WildFile; adSpend: WildFile } | null;
  summary: DemoSummary;
}

/**
 * The formats as the exporting tools write them. Spelled out here rather than taken from
 * the parser's column specs, so that tests compare the parser with an independent account.
 */
export const twEventsHeader = [
  'event_id', 'event_time', 'event_type', 'click_id', 'campaign_id', 'campaign_name', 'offer_id', 'link_title', 'affiliate_network',
  'geo', 'source', 'sub1', 'sub2', 'sub3', 'sub4', 'sub5', 'player_id', 'amount', 'payout', 'currency',
];
export const twClicksHeader = ['date', 'campaign_id', 'offer_id', 'link_title', 'geo', 'source', 'sub1', 'clicks', 'unique_clicks'];
export const molocoHeader = ['Date', 'Campaign ID', 'Campaign', 'Ad Group ID', 'Ad Group', 'Creative ID', 'Creative', 'Country', 'Impressions', 'Clicks', 'Installs', 'Spend', 'Currency'];

/** The twins' headers: other names, other order (event time first, payout before amount), Russian. */
export const wildTwEventsHeader = [
  'Event Time', 'Event ID', 'Type', 'Click ID', 'Campaign ID', 'Campaign', 'Offer', 'Link', 'Affiliate Network', 'GEO', 'Source',
  'Sub1', 'Sub2', 'Sub3', 'Sub4', 'Sub5', 'Player ID', 'Выплата', 'Сумма', 'Валюта',
];
export const wildTwClicksHeader = ['Дата', 'ID кампании', 'ID оффера', 'Ссылка', 'Гео', 'Источник', 'Sub1', 'Клики', 'Уникальные клики'];
export const wildAdSpendHeader = ['Дата', 'ID кампании', 'Кампания', 'ID группы', 'Группа объявлений', 'ID креатива', 'Креатив', 'Страна', 'Показы', 'Клики', 'Установки', 'Расход, USD'];

interface Geo {
  code: string;
  weight: number;
  cpcCents: number;
  conversionRate: number;
  payoutPercent: number;
}

// Cost per click is set so the demo's overall ROI lands where teams see it (+20–40 %).
const geos: Geo[] = [
  { code: 'RU', weight: 30, cpcCents: 210, conversionRate: 0.06, payoutPercent: 120 },
  { code: 'KZ', weight: 16, cpcCents: 135, conversionRate: 0.07, payoutPercent: 100 },
  { code: 'UZ', weight: 10, cpcCents: 90, conversionRate: 0.08, payoutPercent: 70 },
  { code: 'AZ', weight: 8, cpcCents: 105, conversionRate: 0.07, payoutPercent: 80 },
  { code: 'TR', weight: 14, cpcCents: 165, conversionRate: 0.05, payoutPercent: 90 },
  { code: 'BR', weight: 16, cpcCents: 120, conversionRate: 0.05, payoutPercent: 80 },
  { code: 'IN', weight: 6, cpcCents: 45, conversionRate: 0.04, payoutPercent: 50 },
];
const offerNames = ['Вулкан Старс', 'Lucky Bear', 'Казино "Мечта"', 'Golden Fox', 'Азарт Плюс', 'Spin Royale', 'Фортуна Live', 'Mega Slots'];
const offerEmoji = ['🎰', '🐻', '💎', '🦊', '🔥', '👑', '🍀', '🎲'];
const affiliateNetworks = ['Orbit Partners', 'Северный Альянс', 'Lucky Affiliates, Ltd.'];
const otherSources = ['facebook', 'google', 'tiktok'];
const adGroupNames = ['Широкая аудитория', 'Interests 25-44, iOS'];
const creativeNames = ['video_15s_v1.mp4', 'баннер 1200x628'];
/** Monday to Sunday: gambling traffic peaks at the weekend. */
const weekdayFactor = [0.9, 0.92, 0.95, 1.0, 1.1, 1.2, 1.12];
const campaignCount = 16;
const NBSP = '\u00a0';

interface Offer {
  id: string;
  linkTitle: string;
  network: string;
  currency: string;
  /** Deposits in this currency are this many times the USD figures. */
  unit: number;
  regPayoutCents: number;
  ftdPayoutUnits: number;
  revsharePercent: number;
}

interface Campaign {
  index: number;
  id: string;
  name: string;
  geo: Geo;
  source: string;
  platform: string;
  offers: Offer[];
  weight: number;
  molocoId: string;
  molocoName: string;
  adGroups: { id: string; name: string; creatives: { id: string; name: string }[] }[];
}

interface Combo {
  campaign: Campaign;
  offer: Offer;
  /** Fields campaign_id … sub5 as the clean file writes them. */
  clean: string;
  wild: string;
  /** Line breaks inside those fields (a quoted multi-line campaign name). */
  breaks: number;
  ftdPayoutCents: number;
  wildCurrency: string;
}

interface Day {
  index: number;
  iso: string;
  dotted: string;
  ms: number;
}

function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`demo data: no ${what}`);
  return value;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function groupThousands(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+$)/g, separator);
}

/** Cents as the clean files print money: `-1234.50`. */
export function formatCents(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${pad2(abs % 100)}`;
}

/** Cents as a Russian spreadsheet prints them: `-1 234,50` with a no-break space. */
function formatCentsWild(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${groupThousands(String(Math.floor(abs / 100)), NBSP)},${pad2(abs % 100)}`;
}

const clockTimes: string[] = Array.from({ length: 86400 }, (_, s) => `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}`);

function countBreaks(text: string): number {
  return text.split('\n').length - 1;
}

class WildTwin {
  readonly file: TextFile;
  line = 2;
  records = 0;
  blankLines = 0;
  accepted = 0;
  superseded = 0;
  readonly errors: ExpectedError[] = [];

  constructor(
    path: string,
    readonly encoding: WildFile['encoding'],
    readonly bom: boolean,
    readonly delimiter: WildFile['delimiter'],
    header: string[],
  ) {
    this.file = new TextFile(path, encoding);
    this.file.write(`${bom ? '\uFEFF' : ''}${header.join(delimiter)}\r\n`);
  }

  row(text: string, breaks = 0): void {
    this.file.write(`${text}\r\n`);
    this.line += 1 + breaks;
    this.records++;
    this.accepted++;
  }

  duplicate(text: string, breaks = 0): void {
    this.row(text, breaks);
    this.superseded++;
  }

  bad(cells: string[], errors: { column: string | null; reason: string }[]): void {
    this.file.write(`${cells.join(this.delimiter)}\r\n`);
    for (const error of errors) this.errors.push({ line: this.line, ...error });
    this.line++;
    this.records++;
  }

  blank(text: string): void {
    this.file.write(`${text}\r\n`);
    this.line++;
    this.blankLines++;
  }

  close(): WildFile {
    this.file.close();
    return {
      path: this.file.path,
      encoding: this.encoding,
      bom: this.bom,
      delimiter: this.delimiter,
      records: this.records,
      blankLines: this.blankLines,
      accepted: this.accepted,
      superseded: this.superseded,
      errors: this.errors,
    };
  }
}

/** A malformed row for a twin: its cells and the errors validation must report for it. */
interface BadRow {
  cells: string[];
  errors: { column: string | null; reason: string }[];
}

function badEventRows(date: string): BadRow[] {
  // Cells in the twin's column order (wildTwEventsHeader).
  const base = (id: string, change: Partial<Record<'time' | 'type' | 'geo' | 'payout' | 'amount' | 'currency' | 'id', string>>) => [
    change.time ?? `${date} 10:00:00`, change.id ?? id, change.type ?? 'reg', 'deadbeefdeadbeef', '9999', 'Bad row', 'of101', '', '',
    change.geo ?? 'RU', 'moloco', '', '', '', '', '', 'p-bad', change.payout ?? '0,00', change.amount ?? '', change.currency ?? 'USD',
  ];
  return [
    { cells: base('bad-1', { type: 'FTD', payout: '12,5,0' }), errors: [{ column: 'payout', reason: "'12,5,0' is not a number" }] },
    {
      cells: base('bad-2', { type: 'install' }),
      errors: [{ column: 'event_type', reason: "'install' is not an event type (expected registration, first_deposit, deposit or chargeback)" }],
    },
    { cells: base('bad-3', { time: '31.02.2026 10:00:00' }), errors: [{ column: 'event_time', reason: "'31.02.2026 10:00:00' is not a real date" }] },
    {
      cells: base('bad-4', { geo: 'Russia' }),
      errors: [{ column: 'geo', reason: "'Russia' is not an ISO 3166-1 alpha-2 country code (two letters, like RU or KZ)" }],
    },
    {
      cells: [`${date} 10:00:00`, 'bad-5', 'reg'],
      errors: [{ column: null, reason: '3 fields, but the header has 20 (a missing delimiter, or a line break inside a value that is not quoted?)' }],
    },
    { cells: base('', { id: ' ' }), errors: [{ column: 'event_id', reason: 'is empty, but a value is required' }] },
    {
      cells: base('bad-7', { type: 'dep', amount: 'abc', currency: 'RUBL', payout: '1,00' }),
      errors: [
        { column: 'amount', reason: "'abc' is not a number" },
        { column: 'currency', reason: "'RUBL' is not an ISO 4217 currency code (three letters, like USD or RUB)" },
      ],
    },
    {
      cells: base('bad-8', { type: 'chargeback', payout: '30,00' }),
      errors: [{ column: 'payout', reason: "'30.00' is positive, but a chargeback's payout is negative (it takes money back)" }],
    },
  ];
}

function badClickRows(date: string): BadRow[] {
  const base = (change: Partial<Record<'date' | 'offer' | 'geo' | 'clicks', string>>) => [
    change.date ?? date, '9999', change.offer ?? 'of101', 'Bad row', change.geo ?? 'KZ', 'moloco', 'sub-bad', change.clicks ?? '10', '5',
  ];
  return [
    { cells: base({ clicks: '12,5' }), errors: [{ column: 'clicks', reason: "'12,5' is not a whole number" }] },
    { cells: base({ clicks: '-3' }), errors: [{ column: 'clicks', reason: "'-3' is negative, and a count cannot be" }] },
    { cells: base({ date: '2026-13-01' }), errors: [{ column: 'date', reason: "'2026-13-01' is not a real date" }] },
    { cells: base({ offer: '' }), errors: [{ column: 'offer_id', reason: 'is empty, but a value is required' }] },
    { cells: base({ geo: 'KAZ' }), errors: [{ column: 'geo', reason: "'KAZ' is not an ISO 3166-1 alpha-2 country code (two letters, like RU or KZ)" }] },
  ];
}

function badSpendRows(date: string): BadRow[] {
  const base = (change: Partial<Record<'date' | 'country' | 'impressions' | 'spend', string>>) => [
    change.date ?? date, 'badCampaign1', 'Bad row', 'badGroup', 'Группа', 'badCreative', 'Креатив', change.country ?? 'RU',
    change.impressions ?? '1 000', '10', '1', change.spend ?? '1,00',
  ];
  return [
    { cells: base({ spend: 'abc' }), errors: [{ column: 'spend', reason: "'abc' is not a number" }] },
    { cells: base({ country: 'RUS' }), errors: [{ column: 'country', reason: "'RUS' is not an ISO 3166-1 alpha-2 country code (two letters, like RU or KZ)" }] },
    {
      cells: base({ impressions: '1,5E+6' }),
      errors: [{ column: 'impressions', reason: "'1,5E+6' is in scientific notation; export the column as a plain number" }],
    },
    { cells: base({ date: '32.01.2026' }), errors: [{ column: 'date', reason: "'32.01.2026' is not a real date" }] },
  ];
}

/** After which real rows of a twin its malformed rows go (the rest go at the end). */
const badRowsAfter = [3, 8, 13, 21, 34, 55, 89, 144];

function buildOffers(rng: Prng): Offer[] {
  return offerNames.map((name, i) => {
    // Programs pay the demo team in USD: with other currencies the dashboards would leave
    // their revenue out until the finance module brings FX rates.
    const currency = 'USD';
    return {
      id: `of${101 + i}`,
      linkTitle: `${name} ${offerEmoji[i] ?? ''} | лендинг ${i + 1}`,
      network: affiliateNetworks[i % affiliateNetworks.length] ?? '',
      currency,
      unit: 1,
      regPayoutCents: i % 4 === 1 ? 150 : 0,
      ftdPayoutUnits: rng.between(40, 100),
      revsharePercent: i % 3 === 1 ? 30 : 0,
    };
  });
}

function buildCampaigns(rng: Prng, offers: Offer[]): Campaign[] {
  const totalWeight = geos.reduce((sum, g) => sum + g.weight, 0);
  return Array.from({ length: campaignCount }, (_, index) => {
    let roll = rng.int(totalWeight);
    const geo = defined(geos.find((g) => (roll -= g.weight) < 0), 'GEO');
    const platform = index % 2 === 0 ? 'ios' : 'android';
    const first = rng.pick(offers);
    const second = rng.pick(offers);
    const campaignOffers = index % 3 === 0 && second !== first ? [first, second] : [first];
    const offerName = offerNames[offers.indexOf(first)] ?? '';
    const emoji = offerEmoji[offers.indexOf(first)] ?? '';
    // A few names that need quoting: a comma, a semicolon, a line break.
    const name =
      index === 2 ? `${geo.code}, ${offerName} | ${platform} ${emoji}` : index === 4 ? `${geo.code} | ${offerName} ${emoji}\nсвязка 2` : index === 6 ? `${geo.code}; ${offerName} | тест ${emoji}` : `${geo.code} | ${offerName} | ${platform} ${emoji}`;
    return {
      index,
      id: String(3101 + index),
      name,
      geo,
      source: index % 4 === 3 ? (otherSources[index % otherSources.length] ?? 'facebook') : 'moloco',
      platform,
      offers: campaignOffers,
      weight: 50 + rng.int(100),
      molocoId: rng.id(12),
      molocoName: `${geo.code}_${offerName}_${platform}_tCPA`,
      adGroups: adGroupNames.map((groupName) => ({
        id: rng.id(12),
        name: groupName,
        creatives: creativeNames.map((creativeName) => ({ id: rng.id(12), name: creativeName })),
      })),
    };
  });
}

function buildCombos(campaigns: Campaign[]): Combo[] {
  const combos: Combo[] = [];
  for (const campaign of campaigns) {
    for (const offer of campaign.offers) {
      for (const adGroup of campaign.adGroups) {
        for (const creative of adGroup.creatives) {
          const fields = [
            campaign.id, campaign.name, offer.id, offer.linkTitle, offer.network, campaign.geo.code, campaign.source,
            campaign.source === 'moloco' ? campaign.molocoId : '', creative.id, adGroup.id, campaign.platform, '',
          ];
          const wildFields = [...fields];
          // Some twins' rows write the GEO in lower case; loading upper-cases it.
          if (combos.length % 3 === 0) wildFields[5] = campaign.geo.code.toLowerCase();
          combos.push({
            campaign,
            offer,
            clean: fields.map((f) => csvField(f, ',')).join(','),
            wild: wildFields.map((f) => csvField(f, ';')).join(';'),
            breaks: countBreaks(campaign.name),
            ftdPayoutCents: Math.round((offer.ftdPayoutUnits * offer.unit * campaign.geo.payoutPercent)),
            wildCurrency: combos.length % 2 === 0 ? offer.currency.toLowerCase() : offer.currency,
          });
        }
      }
    }
  }
  return combos;
}

class DemoGenerator {
  private readonly rng: Prng;
  private readonly offers: Offer[];
  private readonly campaigns: Campaign[];
  private readonly combos: Combo[];
  private readonly comboWeights: number[];
  private readonly comboTotal: number;
  private readonly days: Day[];
  private readonly scale: number;
  private readonly seed: number;
  /** Each player's combo (campaign, offer, ad group, creative), by player number. */
  private playerCombo = new Uint16Array(1 << 16);
  private players = 0;
  /** Players who made a first deposit, in order. */
  private depositors = new Int32Array(1 << 14);
  private depositorCount = 0;
  /** The next registered player who may still make a first deposit. */
  private ftdCursor = 0;
  private eventSeq = 0;
  private readonly deadOffer: Offer;
  private readonly deadFrom: number;
  private readonly spikeDay: number;
  private readonly spikeCampaign: Campaign;
  private readonly lateDay: number;
  private readonly twEvents: TextFile;
  private readonly twClicks: TextFile;
  private readonly adSpend: TextFile;
  private readonly wild: { twEvents: WildTwin; twClicks: WildTwin; adSpend: WildTwin } | null;
  private readonly wildBad: { twEvents: BadRow[]; twClicks: BadRow[]; adSpend: BadRow[] };
  private readonly summary: DemoSummary;
  private eventLines = 2;
  private payoutCents = new Map<string, number>();
  private amountCents = new Map<string, number>();
  private realClickRows = 0;
  private realSpendRows = 0;

  constructor(private readonly options: DemoDataOptions) {
    this.seed = options.seed;
    this.rng = new Prng(options.seed);
    this.scale = options.scale ?? 1;
    this.offers = buildOffers(this.rng);
    this.campaigns = buildCampaigns(this.rng, this.offers);
    this.combos = buildCombos(this.campaigns);
    this.comboWeights = this.combos.map((c) => c.campaign.weight / (c.campaign.offers.length * 4));
    this.comboTotal = this.comboWeights.reduce((sum, w) => sum + w, 0);
    const end = Date.parse(`${options.endDate}T00:00:00Z`);
    if (Number.isNaN(end)) throw new Error(`endDate ${options.endDate} is not YYYY-MM-DD`);
    this.days = Array.from({ length: options.days }, (_, index) => {
      const ms = end - (options.days - 1 - index) * 86_400_000;
      const iso = new Date(ms).toISOString().slice(0, 10);
      return { index, iso, dotted: `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`, ms };
    });
    this.deadOffer = defined(this.offers[2], 'offer');
    this.deadFrom = Math.floor(options.days * 0.6);
    this.spikeDay = Math.max(0, options.days - 5);
    this.spikeCampaign = defined(this.campaigns.find((c) => c.source === 'moloco'), 'Moloco campaign');
    this.lateDay = options.days >= 4 ? options.days - 2 : -1;
    mkdirSync(options.outDir, { recursive: true });
    const path = (name: string) => join(options.outDir, name);
    this.twEvents = new TextFile(path('tw_events.csv'));
    this.twClicks = new TextFile(path('tw_clicks.csv'));
    this.adSpend = new TextFile(path('moloco_spend.csv'));
    this.twEvents.write(`${twEventsHeader.join(',')}\n`);
    this.twClicks.write(`${twClicksHeader.join(',')}\n`);
    this.adSpend.write(`${molocoHeader.join(',')}\n`);
    this.wild = options.wild
      ? {
          twEvents: new WildTwin(path('tw_events.wild.csv'), 'utf-8', true, ';', wildTwEventsHeader),
          twClicks: new WildTwin(path('tw_clicks.wild.tsv'), 'utf-8', false, '\t', wildTwClicksHeader),
          adSpend: new WildTwin(path('moloco_spend.wild.csv'), 'windows-1251', false, ';', wildAdSpendHeader),
        }
      : null;
    const lastDotted = this.days[this.days.length - 1]?.dotted ?? '01.01.2026';
    this.wildBad = { twEvents: badEventRows(lastDotted), twClicks: badClickRows(lastDotted), adSpend: badSpendRows(lastDotted) };
    this.summary = {
      twEvents: { rows: 0, lines: 0, byType: { registration: 0, first_deposit: 0, deposit: 0, chargeback: 0 }, payoutByCurrency: {}, amountByCurrency: {}, players: 0 },
      twClicks: { rows: 0, clicks: 0, uniqueClicks: 0 },
      adSpend: { rows: 0, impressions: 0, clicks: 0, installs: 0, spend: '0.00', currency: 'USD' },
      anomalies: {
        spendSpike: { date: this.days[this.spikeDay]?.iso ?? '', campaignId: this.spikeCampaign.molocoId, factor: 4 },
        deadOffer: { offerId: this.deadOffer.id, from: this.days[this.deadFrom]?.iso ?? '' },
        lateChargebacks: null,
      },
    };
  }

  run(): DemoData {
    let spendCents = 0;
    for (const day of this.days) {
      this.generateEvents(day);
      const clicksByCampaign = this.generateClicks(day);
      spendCents += this.generateSpend(day, clicksByCampaign);
    }
    this.summary.adSpend.spend = formatCents(spendCents);
    this.summary.twEvents.players = this.players;
    this.summary.twEvents.lines = this.eventLines - 1;
    for (const [currency, cents] of [...this.payoutCents].sort()) this.summary.twEvents.payoutByCurrency[currency] = formatCents(cents);
    for (const [currency, cents] of [...this.amountCents].sort()) this.summary.twEvents.amountByCurrency[currency] = formatCents(cents);
    this.twEvents.close();
    this.twClicks.close();
    this.adSpend.close();
    let wild: DemoData['wild'] = null;
    if (this.wild) {
      this.finishWild(this.wild);
      wild = { twEvents: this.wild.twEvents.close(), twClicks: this.wild.twClicks.close(), adSpend: this.wild.adSpend.close() };
    }
    return { files: { twEvents: this.twEvents.path, twClicks: this.twClicks.path, adSpend: this.adSpend.path }, wild, summary: this.summary };
  }

  private dailyEvents(day: Day): number {
    const weekday = (new Date(day.ms).getUTCDay() + 6) % 7;
    return Math.max(1, Math.round(1000 * this.scale * (weekdayFactor[weekday] ?? 1) * (0.9 + 0.2 * this.rng.next())));
  }

  private pickCombo(): number {
    let roll = this.rng.next() * this.comboTotal;
    for (let i = 0; i < this.comboWeights.length; i++) {
      roll -= this.comboWeights[i] ?? 0;
      if (roll < 0) return i;
    }
    return this.comboWeights.length - 1;
  }

  private isDead(combo: Combo, day: Day): boolean {
    return combo.offer === this.deadOffer && day.index >= this.deadFrom;
  }

  private comboOf(player: number): Combo {
    const combo = this.combos[this.playerCombo[player] ?? 0];
    if (!combo) throw new Error(`player ${player} has no combo`);
    return combo;
  }

  private register(): number {
    if (this.players === this.playerCombo.length) {
      const grown = new Uint16Array(this.playerCombo.length * 2);
      grown.set(this.playerCombo);
      this.playerCombo = grown;
    }
    this.playerCombo[this.players] = this.pickCombo();
    return this.players++;
  }

  private addDepositor(player: number): void {
    if (this.depositorCount === this.depositors.length) {
      const grown = new Int32Array(this.depositors.length * 2);
      grown.set(this.depositors);
      this.depositors = grown;
    }
    this.depositors[this.depositorCount++] = player;
  }

  /** The next registered player who makes a first deposit (about a third do), or -1. */
  private nextFirstDepositor(day: Day): number {
    while (this.ftdCursor < this.players) {
      const player = this.ftdCursor++;
      if (this.rng.next() < 0.36 && !this.isDead(this.comboOf(player), day)) return player;
    }
    return -1;
  }

  private depositCents(offer: Offer): number {
    return this.rng.between(10, 200) * 100 * offer.unit;
  }

  private generateEvents(day: Day): void {
    const count = this.dailyEvents(day);
    let lateDone = day.index !== this.lateDay;
    for (let i = 0; i < count; i++) {
      const second = Math.floor(((i + this.rng.next()) / count) * 86400);
      if (!lateDone && second >= 3 * 3600) {
        this.lateChargebacks(day);
        lateDone = true;
      }
      const roll = this.rng.next();
      if (roll < 0.56) this.registration(day, second);
      else if (roll < 0.74) this.firstDeposit(day, second);
      else if (roll < 0.996) this.deposit(day, second);
      else this.chargeback(day, second, this.rng.int(Math.max(1, this.depositorCount)));
    }
    if (!lateDone) this.lateChargebacks(day);
  }

  private registration(day: Day, second: number): void {
    const player = this.register();
    const combo = this.comboOf(player);
    this.writeEvent(day, second, 'registration', player, combo, null, combo.offer.regPayoutCents);
  }

  private firstDeposit(day: Day, second: number): void {
    const player = this.nextFirstDepositor(day);
    if (player === -1) return this.registration(day, second);
    this.addDepositor(player);
    const combo = this.comboOf(player);
    this.writeEvent(day, second, 'first_deposit', player, combo, this.depositCents(combo.offer), combo.ftdPayoutCents);
  }

  private deposit(day: Day, second: number): void {
    if (this.depositorCount === 0) return this.registration(day, second);
    // Recent depositors deposit again more often than old ones.
    const recent = this.rng.next();
    const player = this.depositors[this.depositorCount - 1 - Math.floor(recent * recent * this.depositorCount)] ?? 0;
    const combo = this.comboOf(player);
    if (this.isDead(combo, day)) return this.registration(day, second);
    const amount = this.depositCents(combo.offer);
    this.writeEvent(day, second, 'deposit', player, combo, amount, Math.floor((amount * combo.offer.revsharePercent) / 100));
  }

  private chargeback(day: Day, second: number, depositorIndex: number): void {
    if (this.depositorCount === 0) return this.registration(day, second);
    const player = this.depositors[depositorIndex] ?? 0;
    const combo = this.comboOf(player);
    this.writeEvent(day, second, 'chargeback', player, combo, -this.depositCents(combo.offer), -combo.ftdPayoutCents);
  }

  /** A program's batch of chargebacks for first deposits of the period's first half, at 03:00–04:00. */
  private lateChargebacks(day: Day): void {
    const half = Math.floor(this.depositorCount / 2);
    const count = Math.max(3, Math.round(this.depositorCount * 0.03));
    if (half === 0) return;
    for (let k = 0; k < count; k++) this.chargeback(day, 3 * 3600 + Math.floor((k * 3600) / count), Math.floor((k * half) / count));
    this.summary.anomalies.lateChargebacks = { date: day.iso, count };
  }

  private clickId(player: number): string {
    return hash32(player, this.seed).toString(16).padStart(8, '0') + hash32(player, this.seed ^ 0x5bd1e995).toString(16).padStart(8, '0');
  }

  private writeEvent(day: Day, second: number, type: EventType, player: number, combo: Combo, amountCents: number | null, payoutCents: number): void {
    const seq = this.eventSeq++;
    const eventId = String(70_000_000 + seq);
    const clickId = this.clickId(player);
    const playerId = `p${1_000_000 + player}`;
    const clock = clockTimes[second] ?? '00:00:00';
    const currency = combo.offer.currency;
    const amount = amountCents === null ? '' : formatCents(amountCents);
    this.twEvents.write(`${eventId},${day.iso} ${clock},${type},${clickId},${combo.clean},${playerId},${amount},${formatCents(payoutCents)},${currency}\n`);
    this.eventLines += 1 + combo.breaks;
    const summary = this.summary.twEvents;
    summary.rows++;
    summary.byType[type]++;
    this.payoutCents.set(currency, (this.payoutCents.get(currency) ?? 0) + payoutCents);
    if (amountCents !== null) this.amountCents.set(currency, (this.amountCents.get(currency) ?? 0) + amountCents);
    if (this.wild) this.writeWildEvent(this.wild.twEvents, day, second, seq, type, eventId, clickId, playerId, combo, amountCents, payoutCents);
  }

  private writeWildEvent(
    twin: WildTwin, day: Day, second: number, seq: number, type: EventType, eventId: string, clickId: string, playerId: string,
    combo: Combo, amountCents: number | null, payoutCents: number,
  ): void {
    const clock = clockTimes[second] ?? '00:00:00';
    // The same instant three ways: Moscow time with its offset, UTC with Z, or no zone (UTC).
    const time =
      seq % 7 === 0
        ? `${new Date(day.ms + second * 1000 + 3 * 3_600_000).toISOString().slice(0, 19)}+03:00`
        : seq % 11 === 0
          ? `${day.iso}T${clock}Z`
          : `${day.dotted} ${clock}`;
    const typeText = { registration: seq % 2 ? 'reg' : 'Registration', first_deposit: 'FTD', deposit: seq % 2 ? 'dep' : 'Deposit', chargeback: 'CB' }[type];
    const amount = amountCents === null ? '' : formatCentsWild(amountCents);
    const row = (payout: number) => `${time};${eventId};${typeText};${clickId};${combo.wild};${playerId};${formatCentsWild(payout)};${amount};${combo.wildCurrency}`;
    // An export repeating an event, the first time with the payout before a correction.
    if (seq % 40 === 17) twin.duplicate(row(type === 'registration' ? payoutCents : payoutCents + 100), combo.breaks);
    twin.row(row(payoutCents), combo.breaks);
    const written = twin.accepted - twin.superseded;
    if (written === 15) twin.blank('');
    if (written === 25) twin.blank(';;;;');
    this.insertBadRows(twin, this.wildBad.twEvents, written);
  }

  private insertBadRows(twin: WildTwin, pending: BadRow[], written: number): void {
    if (pending.length && badRowsAfter.includes(written)) {
      const bad = pending.shift();
      if (bad) twin.bad(bad.cells, bad.errors);
    }
  }

  private generateClicks(day: Day): Map<Campaign, number> {
    const dailyRegistrations = 1000 * this.scale * 0.56;
    const totalWeight = this.campaigns.reduce((sum, c) => sum + c.weight, 0);
    const byCampaign = new Map<Campaign, number>();
    for (const campaign of this.campaigns) {
      for (const offer of campaign.offers) {
        const expected = (dailyRegistrations * campaign.weight) / totalWeight / campaign.offers.length;
        const clicks = Math.max(1, Math.round((expected / campaign.geo.conversionRate) * (0.85 + 0.3 * this.rng.next())));
        const unique = Math.round(clicks * (0.8 + 0.15 * this.rng.next()));
        byCampaign.set(campaign, (byCampaign.get(campaign) ?? 0) + clicks);
        const sub1 = campaign.source === 'moloco' ? campaign.molocoId : '';
        this.twClicks.write(`${day.iso},${campaign.id},${offer.id},${csvField(offer.linkTitle, ',')},${campaign.geo.code},${campaign.source},${sub1},${clicks},${unique}\n`);
        this.summary.twClicks.rows++;
        this.summary.twClicks.clicks += clicks;
        this.summary.twClicks.uniqueClicks += unique;
        const twin = this.wild?.twClicks;
        if (twin) {
          const row = (n: number) =>
            [day.dotted, campaign.id, offer.id, csvField(offer.linkTitle, '\t'), campaign.geo.code, campaign.source, sub1, groupThousands(String(n), ' '), groupThousands(String(unique), ' ')].join('\t');
          this.realClickRows++;
          if (this.realClickRows % 7 === 3) twin.duplicate(row(clicks + 5));
          twin.row(row(clicks));
          this.insertBadRows(twin, this.wildBad.twClicks, this.realClickRows);
        }
      }
    }
    return byCampaign;
  }

  private generateSpend(day: Day, clicksByCampaign: Map<Campaign, number>): number {
    let spendTotal = 0;
    for (const campaign of this.campaigns) {
      if (campaign.source !== 'moloco') continue;
      const campaignClicks = clicksByCampaign.get(campaign) ?? 0;
      const slots = campaign.adGroups.flatMap((adGroup) => adGroup.creatives.map((creative) => ({ adGroup, creative, share: 0.5 + this.rng.next() })));
      const shareTotal = slots.reduce((sum, s) => sum + s.share, 0);
      for (const { adGroup, creative, share } of slots) {
        const clicks = Math.round(((campaignClicks * share) / shareTotal) * (1.02 + 0.1 * this.rng.next()));
        const impressions = Math.round(clicks / (0.008 + 0.017 * this.rng.next()));
        const installs = Math.round(clicks * (0.2 + 0.2 * this.rng.next()));
        const spike = day.index === this.spikeDay && campaign === this.spikeCampaign ? 4 : 1;
        const spend = Math.round(clicks * campaign.geo.cpcCents * (0.85 + 0.3 * this.rng.next())) * spike;
        spendTotal += spend;
        const cells = [day.iso, campaign.molocoId, campaign.molocoName, adGroup.id, adGroup.name, creative.id, creative.name, campaign.geo.code];
        this.adSpend.write(`${cells.map((c) => csvField(c, ',')).join(',')},${impressions},${clicks},${installs},${formatCents(spend)},USD\n`);
        const summary = this.summary.adSpend;
        summary.rows++;
        summary.impressions += impressions;
        summary.clicks += clicks;
        summary.installs += installs;
        const twin = this.wild?.adSpend;
        if (twin) {
          const row = (cents: number) =>
            [day.dotted, ...cells.slice(1).map((c) => csvField(c, ';')), groupThousands(String(impressions), NBSP), clicks, installs, formatCentsWild(cents)].join(';');
          this.realSpendRows++;
          if (this.realSpendRows % 9 === 4) twin.duplicate(row(spend + 100));
          twin.row(row(spend));
          this.insertBadRows(twin, this.wildBad.adSpend, this.realSpendRows);
        }
      }
    }
    return spendTotal;
  }

  /** Malformed rows not yet placed go at the end; the events twin ends inside an unclosed quote. */
  private finishWild(wild: { twEvents: WildTwin; twClicks: WildTwin; adSpend: WildTwin }): void {
    for (const file of ['twEvents', 'twClicks', 'adSpend'] satisfies (keyof typeof wild)[]) {
      for (const bad of this.wildBad[file].splice(0)) wild[file].bad(bad.cells, bad.errors);
    }
    const date = this.days[this.days.length - 1]?.dotted ?? '';
    wild.twEvents.bad([`${date} 10:00:00`, 'bad-eof', 'reg', '"deadbeef'], [{ column: null, reason: 'a quoted value is not closed (its closing " is missing)' }]);
  }
}

/**
 * Writes tw_events.csv, tw_clicks.csv and moloco_spend.csv (and with `wild` their twins)
 * into `outDir`, and returns their paths and what they hold.
 */
export function generateDemoData(options: DemoDataOptions): DemoData {
  if (!Number.isInteger(options.days) || options.days < 1) throw new Error('days must be a positive integer');
  return new DemoGenerator(options).run();
}
