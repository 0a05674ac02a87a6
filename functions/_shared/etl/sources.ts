/**
 * The three file sources and their canonical columns (docs: /work/shared/DATA.md). The
 * column order here is the order of a canonical row and of the COPY columns (after the load's ids).
 */

export type SourceName = 'tw_events' | 'tw_clicks' | 'ad_spend';

/** Every source, in the order detection reports ties. */
export const sourceNames: readonly SourceName[] = ['tw_events', 'tw_clicks', 'ad_spend'];

/** How a cell is read; see values.ts for each parser. */
export type ValueType =
  | 'text'
  | 'lowercase'
  | 'count'
  | 'money'
  | 'date'
  | 'timestamp'
  | 'event_type'
  | 'country'
  | 'currency';

export interface ColumnSpec {
  name: string;
  type: ValueType;
  /** The file (or the mapping, as a constant) must provide this column. */
  required: boolean;
  /**
   * What an empty cell, or an absent optional column, becomes. Natural-key columns use ''
   * rather than NULL so that keys compare equal in SQL (NULL is never equal to NULL).
   */
  whenEmpty: 'null' | 'empty_string' | 'reject';
  /** Other header spellings, compared after normalisation (case, spaces, `_`, `-`, `ё`). */
  aliases: readonly string[];
}

export interface SourceSpec {
  name: SourceName;
  columns: readonly ColumnSpec[];
  /** Columns that identify a row; a newer row with the same key supersedes the older one. */
  naturalKey: readonly string[];
}

function column(name: string, type: ValueType, required: boolean, whenEmpty: ColumnSpec['whenEmpty'], aliases: readonly string[] = []): ColumnSpec {
  return { name, type, required, whenEmpty, aliases };
}

const campaignId = ['campaign id', 'id кампании', 'кампания id', 'ид кампании'];
const campaignName = ['campaign', 'campaign title', 'кампания', 'название кампании'];
const offerId = ['offer', 'id оффера', 'оффер', 'оффер id', 'ид оффера'];
const linkTitle = ['link', 'link name', 'ссылка', 'название ссылки'];
const geo = ['country', 'country code', 'гео', 'страна', 'код страны'];
const trafficSource = ['traffic source', 'источник', 'источник трафика'];
const currency = ['cur', 'валюта', 'currency code'];
const date = ['day', 'дата', 'день'];
const clicks = ['клики', 'total clicks', 'raw clicks', 'клики всего'];
const sub = (n: number) => column(`sub${n}`, 'text', false, 'null', [`subid${n}`, `sub id ${n}`, `саб${n}`, `sub_id${n}`]);

const twEvents: SourceSpec = {
  name: 'tw_events',
  naturalKey: ['event_id'],
  columns: [
    column('event_id', 'text', true, 'reject', ['id события', 'conversion id', 'id конверсии', 'transaction id']),
    column('event_time', 'timestamp', true, 'reject', ['time', 'datetime', 'date time', 'timestamp', 'event date', 'conversion time', 'created at', 'время', 'дата', 'date', 'время события', 'дата и время']),
    column('event_type', 'event_type', true, 'reject', ['type', 'event', 'conversion type', 'goal', 'тип', 'тип события', 'событие', 'цель']),
    column('click_id', 'text', false, 'null', ['clickid', 'click', 'id клика', 'клик']),
    column('campaign_id', 'text', true, 'reject', campaignId),
    column('campaign_name', 'text', false, 'null', campaignName),
    column('offer_id', 'text', true, 'reject', offerId),
    column('link_title', 'text', false, 'null', linkTitle),
    column('affiliate_network', 'text', false, 'null', ['affiliate', 'network', 'partner', 'affiliate program', 'партнерка', 'партнерская программа', 'партнер', 'сеть']),
    column('geo', 'country', true, 'null', geo),
    column('source', 'lowercase', false, 'null', trafficSource),
    sub(1),
    sub(2),
    sub(3),
    sub(4),
    sub(5),
    column('player_id', 'text', false, 'null', ['player', 'user id', 'customer id', 'игрок', 'id игрока']),
    column('amount', 'money', false, 'null', ['deposit', 'deposit amount', 'sum', 'сумма', 'сумма депозита', 'депозит']),
    column('payout', 'money', true, 'null', ['revenue', 'commission', 'выплата', 'доход', 'вознаграждение']),
    column('currency', 'currency', true, 'null', currency),
  ],
};

const twClicks: SourceSpec = {
  name: 'tw_clicks',
  naturalKey: ['date', 'campaign_id', 'offer_id', 'geo', 'sub1'],
  columns: [
    column('date', 'date', true, 'reject', date),
    column('campaign_id', 'text', true, 'reject', campaignId),
    column('offer_id', 'text', true, 'reject', offerId),
    column('link_title', 'text', false, 'null', linkTitle),
    column('geo', 'country', true, 'empty_string', geo),
    column('source', 'lowercase', false, 'null', trafficSource),
    column('sub1', 'text', false, 'empty_string', ['subid1', 'sub id 1', 'саб1', 'sub_id1']),
    column('clicks', 'count', true, 'reject', clicks),
    column('unique_clicks', 'count', false, 'null', ['uniques', 'unique', 'uniq clicks', 'уникальные клики', 'уники', 'уникальные']),
  ],
};

const adSpend: SourceSpec = {
  name: 'ad_spend',
  naturalKey: ['network', 'date', 'campaign_id', 'ad_group_id', 'creative_id', 'country'],
  columns: [
    column('network', 'lowercase', true, 'reject', ['ad network', 'сеть', 'рекламная сеть']),
    column('date', 'date', true, 'reject', date),
    column('campaign_id', 'text', true, 'reject', campaignId),
    column('campaign_name', 'text', false, 'null', campaignName),
    column('ad_group_id', 'text', false, 'empty_string', ['adgroup id', 'id группы', 'id группы объявлений', 'ид группы']),
    column('ad_group_name', 'text', false, 'null', ['ad group', 'adgroup', 'группа', 'группа объявлений', 'название группы']),
    column('creative_id', 'text', false, 'empty_string', ['id креатива', 'ид креатива']),
    column('creative_name', 'text', false, 'null', ['creative', 'креатив', 'название креатива']),
    column('country', 'country', false, 'empty_string', ['geo', 'страна', 'гео', 'country code']),
    column('impressions', 'count', false, 'null', ['imps', 'impr', 'показы']),
    column('clicks', 'count', false, 'null', clicks),
    column('installs', 'count', false, 'null', ['install', 'установки', 'инсталлы', 'установок']),
    column('spend', 'money', true, 'reject', ['cost', 'amount spent', 'расход', 'затраты', 'стоимость', 'потрачено']),
    column('currency', 'currency', true, 'reject', currency),
  ],
};

const specs: Record<SourceName, SourceSpec> = { tw_events: twEvents, tw_clicks: twClicks, ad_spend: adSpend };

/** The column specification of a source. */
export function sourceSpec(source: SourceName): SourceSpec {
  return specs[source];
}

/** Canonical column names of a source, in canonical row order. */
export function canonicalColumns(source: SourceName): string[] {
  return specs[source].columns.map((c) => c.name);
}

/** Narrows untrusted input (a request parameter, a stored row) to a source name. */
export function isSourceName(value: unknown): value is SourceName {
  return value === 'tw_events' || value === 'tw_clicks' || value === 'ad_spend';
}

/** Moloco's report header, exactly as Moloco writes it; recognising it names the network. */
export const molocoHeader: readonly string[] = [
  'Date', 'Campaign ID', 'Campaign', 'Ad Group ID', 'Ad Group', 'Creative ID', 'Creative',
  'Country', 'Impressions', 'Clicks', 'Installs', 'Spend', 'Currency',
];
