import type { SupabaseClient } from '@supabase/supabase-js';
import { backendClient } from './backend.ts';
import { dataOf } from './dataApi.ts';
import { RequestError } from './errors.ts';
import { array, bool, decimal, InvalidResponseError, nonEmptyText, nullable, object, oneOf, readAs, text, uuid, type Reader } from './guards.ts';
import { offerStatuses, type OfferRow, type OfferStatus } from './offers.ts';
import type { NewOffer, OfferTerms } from './offersTerms.ts';
import type { DayRange } from './summary.ts';

/** One version of an offer's terms, with the GEOs that have a rate of their own. */
export interface OfferVersion {
  id: string;
  validFrom: string;
  validTo: string | null;
  geos: string[];
  geoRates: { geo: string; rate: number; currency: string | null }[];
  rate: number;
  currency: string;
  kpiPolicyId: string | null;
  capPolicyId: string | null;
  landingType: string | null;
  approach: string | null;
  notes: string | null;
  author: string | null;
  backdateReason: string | null;
}

export interface OfferDetail {
  id: string;
  workspaceId: string;
  code: string;
  name: string;
  product: string | null;
  status: OfferStatus;
  programId: string | null;
  /** Newest first. */
  versions: OfferVersion[];
}

/** One changed field of the offer or of one of its versions (offer_audit_log). */
export interface OfferChange {
  id: string;
  versionId: string | null;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  changedBy: string | null;
  changedAt: string;
}

export interface OfferMapping {
  id: string;
  twOfferId: string;
  linkTitle: string | null;
  isActive: boolean;
  createdAt: string;
}

export interface MappingSuggestion {
  twOfferId: string;
  linkTitle: string | null;
  events: number;
  revenue: number;
  lastSeen: string;
  similarity: number;
}

/** A TW campaign a mapping of the offer brings, with its metrics over the range (offer_campaigns()). */
export interface LinkedCampaign {
  campaignId: string;
  campaignName: string | null;
  twOfferId: string;
  linkTitle: string | null;
  clicks: number;
  registrations: number;
  ftds: number;
  revenue: number;
  spend: number | null;
  profit: number | null;
  otherCurrencyRows: number;
}

export interface ProgramOption {
  id: string;
  name: string;
  status: string;
  defaultCurrency: string;
}

export interface KpiPolicy {
  id: string;
  name: string;
  description: string | null;
  requirements: [string, number | string][];
  /** Set: no longer offered for new terms (lib/policies.ts). */
  archivedAt: string | null;
}

export interface CapPolicy {
  id: string;
  name: string;
  /** day, week, month, lifetime ('total' is lifetime's old name). */
  period: string;
  eventType: string;
  capLimit: number;
  notes: string | null;
  archivedAt: string | null;
  /** conversions (of eventType), clicks, payout, revenue. */
  metric: string;
  /** Null: the program's time zone. */
  timeZone: string | null;
  /** offer: one count for the offer; geo: each GEO against the limit on its own. */
  scope: string;
  /** Hard: the program stops paying past the limit; soft: an alert only. */
  hard: boolean;
  warningPercent: number;
  criticalPercent: number;
}

/** A JSON object's entries: numbers and text as they are, anything else as JSON text (KPI requirements are free-form). */
const entries: Reader<[string, number | string][]> = (value, path) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidResponseError(path, 'an object');
  return Object.entries(value).map(([k, v]) => [k, typeof v === 'string' || typeof v === 'number' ? v : JSON.stringify(v)]);
};

const readListRow = object({
  id: uuid,
  code: nonEmptyText,
  name: text,
  product: nullable(text),
  status: oneOf(offerStatuses),
  program_id: nullable(uuid),
  program_name: nullable(text),
  version_id: nullable(uuid),
  valid_from: nullable(text),
  valid_to: nullable(text),
  geos: array(text),
  rate_geos: array(text),
  rate: nullable(decimal),
  currency: nullable(text),
  landing_type: nullable(text),
  terms_live: bool,
  versions: decimal,
  active_mappings: decimal,
});

function toOfferRow(row: unknown): OfferRow {
  const r = readAs(readListRow, row, 'offer');
  const terms =
    r.version_id && r.valid_from && r.rate !== null && r.currency
      ? { versionId: r.version_id, validFrom: r.valid_from, validTo: r.valid_to, geos: r.geos, rateGeos: r.rate_geos, rate: r.rate, currency: r.currency, landingType: r.landing_type, live: r.terms_live }
      : null;
  return { id: r.id, code: r.code, name: r.name, product: r.product, status: r.status, programId: r.program_id, programName: r.program_name, terms, versions: r.versions, activeMappings: r.active_mappings };
}

const readVersion = object({
  id: uuid,
  valid_from: text,
  valid_to: nullable(text),
  geos: array(text),
  rate: decimal,
  currency: text,
  kpi_policy_id: nullable(uuid),
  cap_policy_id: nullable(uuid),
  landing_type: nullable(text),
  approach: nullable(text),
  notes: nullable(text),
  author: nullable(uuid),
  backdate_reason: nullable(text),
});
const versionColumns = 'id, valid_from, valid_to, geos, rate, currency, kpi_policy_id, cap_policy_id, landing_type, approach, notes, author, backdate_reason';
const readGeoRate = object({ offer_version_id: uuid, geo: text, rate: decimal, currency: nullable(text) });
const readOffer = object({ id: uuid, workspace_id: uuid, code: nonEmptyText, name: text, product: nullable(text), status: oneOf(offerStatuses), program_id: nullable(uuid) });
const readChange = object({ id: decimal, offer_version_id: nullable(uuid), field: text, old_value: nullable(text), new_value: nullable(text), changed_by: nullable(uuid), changed_at: text });
const readMapping = object({ id: uuid, tw_offer_id: text, link_title: nullable(text), is_active: bool, created_at: text });
const readSuggestion = object({ tw_offer_id: text, link_title: nullable(text), events: decimal, revenue: decimal, last_seen: text, similarity: decimal });
const readCampaign = object({
  campaign_id: text,
  campaign_name: nullable(text),
  tw_offer_id: text,
  link_title: nullable(text),
  clicks: decimal,
  registrations: decimal,
  ftds: decimal,
  revenue: decimal,
  spend: nullable(decimal),
  profit: nullable(decimal),
  other_currency_rows: decimal,
});
const readProgram = object({ id: uuid, name: text, status: text, default_currency: text });
const readKpi = object({ id: uuid, name: text, description: nullable(text), requirements: entries, archived_at: nullable(text) });
const readCap = object({
  id: uuid,
  name: text,
  period: text,
  event_type: text,
  cap_limit: decimal,
  notes: nullable(text),
  archived_at: nullable(text),
  metric: text,
  time_zone: nullable(text),
  scope: text,
  hard: bool,
  warning_percent: decimal,
  critical_percent: decimal,
});
const capColumns = 'id, name, period, event_type, cap_limit, notes, archived_at, metric, time_zone, scope, hard, warning_percent, critical_percent';

/** open_offer_version()'s geo_rates: {"DE": 12} or, with a currency of its own, {"DE": {"rate": 12, "currency": "EUR"}}. */
function geoRatesArgument(terms: OfferTerms): Record<string, number | { rate: number; currency: string }> {
  return Object.fromEntries((terms.geoRates ?? []).map((g) => [g.geo, g.currency ? { rate: g.rate, currency: g.currency } : g.rate]));
}

/** An update that RLS filtered to nothing answers 200 with no rows: say it was refused. */
export function refusedUnless(changed: number): void {
  if (changed === 0) throw new RequestError(403, '42501', 'The change was refused');
}

/** The Offers screens' requests over supabase-js, validated where they enter (as lib/dataApi.ts does). */
export function createOffersApi(client: SupabaseClient) {
  return {
    async listOffers(workspaceId: string): Promise<OfferRow[]> {
      const rows = dataOf(await client.rpc('offer_list', { workspace: workspaceId }, { get: true }).retry(false));
      return readAs(array((row) => row), rows, 'offers').map(toOfferRow);
    },

    async listPrograms(workspaceId: string): Promise<ProgramOption[]> {
      const rows = dataOf(await client.from('affiliate_programs').select('id, name, status, default_currency').eq('workspace_id', workspaceId).order('name').retry(false));
      return readAs(array(readProgram), rows, 'programs').map((p) => ({ id: p.id, name: p.name, status: p.status, defaultCurrency: p.default_currency }));
    },

    async listPolicies(workspaceId: string): Promise<{ kpi: KpiPolicy[]; caps: CapPolicy[] }> {
      const [kpi, caps] = await Promise.all([
        client.from('kpi_policies').select('id, name, description, requirements, archived_at').eq('workspace_id', workspaceId).order('name').retry(false),
        client.from('cap_policies').select(capColumns).eq('workspace_id', workspaceId).order('name').retry(false),
      ]);
      return {
        kpi: readAs(array(readKpi), dataOf(kpi), 'KPI policies').map((k) => ({ id: k.id, name: k.name, description: k.description, requirements: k.requirements, archivedAt: k.archived_at })),
        caps: readAs(array(readCap), dataOf(caps), 'cap policies').map((c) => ({
          id: c.id,
          name: c.name,
          period: c.period,
          eventType: c.event_type,
          capLimit: c.cap_limit,
          notes: c.notes,
          archivedAt: c.archived_at,
          metric: c.metric,
          timeZone: c.time_zone,
          scope: c.scope,
          hard: c.hard,
          warningPercent: c.warning_percent,
          criticalPercent: c.critical_percent,
        })),
      };
    },

    /** Creates the offer with its first terms in one transaction; returns its id. */
    async createOffer(workspaceId: string, offer: NewOffer, terms: OfferTerms): Promise<string> {
      const row = dataOf(
        await client.rpc('create_offer', {
          workspace: workspaceId, code: offer.code, name: offer.name, product: offer.product, program: offer.programId,
          valid_from: terms.validFrom, rate: terms.rate, currency: terms.currency, geos: terms.geos, geo_rates: geoRatesArgument(terms),
          kpi_policy_id: terms.kpiPolicyId, cap_policy_id: terms.capPolicyId, landing_type: terms.landingType, approach: terms.approach, notes: terms.notes,
        }),
      );
      return readAs(object({ id: uuid }), row, 'offer').id;
    },

    /** Opens new terms from their start; the current version closes there (open_offer_version()). */
    async openVersion(offerId: string, terms: OfferTerms): Promise<void> {
      dataOf(
        await client.rpc('open_offer_version', {
          offer: offerId, valid_from: terms.validFrom, rate: terms.rate, currency: terms.currency, geos: terms.geos, geo_rates: geoRatesArgument(terms), kpi_policy_id: terms.kpiPolicyId,
          cap_policy_id: terms.capPolicyId, landing_type: terms.landingType, approach: terms.approach, notes: terms.notes, reason: terms.reason,
        }),
      );
    },

    /** Sets the status of the offers; returns the ids that changed (RLS leaves out what the person may not change). */
    async setStatus(workspaceId: string, offerIds: string[], status: OfferStatus): Promise<string[]> {
      const rows = dataOf(await client.from('offers').update({ status }).eq('workspace_id', workspaceId).in('id', offerIds).select('id'));
      const changed = readAs(array(object({ id: uuid })), rows, 'offers').map((r) => r.id);
      refusedUnless(changed.length);
      return changed;
    },

    async offer(offerId: string): Promise<OfferDetail> {
      const [offerResult, versionResult] = await Promise.all([
        client.from('offers').select('id, workspace_id, code, name, product, status, program_id').eq('id', offerId).single().retry(false),
        client.from('offer_versions').select(versionColumns).eq('offer_id', offerId).order('valid_from', { ascending: false }).retry(false),
      ]);
      const offer = readAs(readOffer, dataOf(offerResult), 'offer');
      const read = readAs(array(readVersion), dataOf(versionResult), 'versions');
      const rates = read.length
        ? readAs(array(readGeoRate), dataOf(await client.from('offer_geo').select('offer_version_id, geo, rate, currency').in('offer_version_id', read.map((v) => v.id)).order('geo').retry(false)), 'GEO rates')
        : [];
      const versions = read.map((v) => ({
        id: v.id, validFrom: v.valid_from, validTo: v.valid_to, geos: v.geos, rate: v.rate, currency: v.currency,
        geoRates: rates.filter((g) => g.offer_version_id === v.id).map((g) => ({ geo: g.geo, rate: g.rate, currency: g.currency })),
        kpiPolicyId: v.kpi_policy_id, capPolicyId: v.cap_policy_id, landingType: v.landing_type, approach: v.approach, notes: v.notes,
        author: v.author, backdateReason: v.backdate_reason,
      }));
      return { id: offer.id, workspaceId: offer.workspace_id, code: offer.code, name: offer.name, product: offer.product, status: offer.status, programId: offer.program_id, versions };
    },

    /** The offer's field changes, oldest first. */
    async history(offerId: string): Promise<OfferChange[]> {
      const rows = dataOf(await client.from('offer_audit_log').select('id, offer_version_id, field, old_value, new_value, changed_by, changed_at').eq('offer_id', offerId).order('changed_at').order('id').retry(false));
      return readAs(array(readChange), rows, 'history').map((c) => ({ id: String(c.id), versionId: c.offer_version_id, field: c.field, oldValue: c.old_value, newValue: c.new_value, changedBy: c.changed_by, changedAt: c.changed_at }));
    },

    async mappings(offerId: string): Promise<OfferMapping[]> {
      const rows = dataOf(await client.from('offer_mapping').select('id, tw_offer_id, link_title, is_active, created_at').eq('offer_id', offerId).order('created_at').retry(false));
      return readAs(array(readMapping), rows, 'mappings').map((m) => ({ id: m.id, twOfferId: m.tw_offer_id, linkTitle: m.link_title, isActive: m.is_active, createdAt: m.created_at }));
    },

    async suggestions(offerId: string): Promise<MappingSuggestion[]> {
      const rows = dataOf(await client.rpc('suggest_offer_mappings', { offer: offerId, max_rows: 20 }, { get: true }).retry(false));
      return readAs(array(readSuggestion), rows, 'suggestions').map((s) => ({ twOfferId: s.tw_offer_id, linkTitle: s.link_title, events: s.events, revenue: s.revenue, lastSeen: s.last_seen, similarity: s.similarity }));
    },

    async map(workspaceId: string, offerId: string, twOfferId: string, linkTitle: string | null): Promise<void> {
      dataOf(await client.from('offer_mapping').insert({ workspace_id: workspaceId, offer_id: offerId, tw_offer_id: twOfferId, link_title: linkTitle }));
    },

    /** Ends a mapping; the row stays, inactive, as history. */
    async unmap(mappingId: string): Promise<void> {
      const rows = dataOf(await client.from('offer_mapping').update({ is_active: false }).eq('id', mappingId).select('id'));
      refusedUnless(readAs(array(object({ id: uuid })), rows, 'mappings').length);
    },

    async linkedCampaigns(offerId: string, range: DayRange): Promise<LinkedCampaign[]> {
      const rows = dataOf(await client.rpc('offer_campaigns', { offer: offerId, date_from: range.from, date_to: range.to }, { get: true }).retry(false));
      return readAs(array(readCampaign), rows, 'linked campaigns').map((c) => ({
        campaignId: c.campaign_id, campaignName: c.campaign_name, twOfferId: c.tw_offer_id, linkTitle: c.link_title, clicks: c.clicks,
        registrations: c.registrations, ftds: c.ftds, revenue: c.revenue, spend: c.spend, profit: c.profit, otherCurrencyRows: c.other_currency_rows,
      }));
    },
  };
}

export type OffersApi = ReturnType<typeof createOffersApi>;

let connected: { client: SupabaseClient; api: OffersApi } | undefined;

/** The Offers requests over the app's one client (lib/backend.ts). */
export function offersApi(): OffersApi {
  const client = backendClient();
  if (connected?.client !== client) connected = { client, api: createOffersApi(client) };
  return connected.api;
}
