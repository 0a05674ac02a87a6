import type { Sql, TransactionSql } from 'postgres';

/** A workspace of one test's own, with a program in `zone` and a load its facts belong to. */
export interface CapTeam {
  workspace: string;
  program: string;
  load: string;
}

export interface CapPolicyFields {
  cap_limit: number;
  period?: string;
  metric?: string;
  event_type?: string;
  time_zone?: string | null;
  scope?: string;
  warning_percent?: number;
  critical_percent?: number;
}

export interface CappedOfferOptions {
  /** The TW offer id its mapping names (default: the code in lower case). */
  twOfferId?: string;
  /** A mapping of one link of the TW offer only. */
  linkTitle?: string | null;
  /** GEOs of its terms. */
  geos?: string[];
}

export interface EventFact {
  time: string;
  twOfferId: string;
  type?: string;
  geo?: string;
  payout?: number;
  currency?: string;
  linkTitle?: string | null;
}

let sequence = 0;

export async function capTeam(sql: Sql, name: string, zone = 'UTC'): Promise<CapTeam> {
  const [ws] = await sql<{ id: string }[]>`insert into public.workspaces (name) values (${name}) returning id`;
  if (!ws) throw new Error('no workspace');
  const [program] = await sql<{ id: string }[]>`
    insert into public.affiliate_programs (workspace_id, name, time_zone) values (${ws.id}, ${`${name} program`}, ${zone}) returning id`;
  const [load] = await sql<{ id: string }[]>`
    insert into public.etl_loads (workspace_id, source, file_name, content_hash, status)
    values (${ws.id}, 'tw_events', 'fixture.csv', ${'c'.repeat(64)}, 'done') returning id`;
  if (!program || !load) throw new Error('no program or load');
  return { workspace: ws.id, program: program.id, load: load.id };
}

/** An offer of the team's program whose terms (from 2020 on, open) point to a new cap policy. */
export async function cappedOffer(sql: Sql, team: CapTeam, code: string, policy: CapPolicyFields, options: CappedOfferOptions = {}): Promise<{ offer: string; policy: string }> {
  const [cap] = await sql<{ id: string }[]>`
    insert into public.cap_policies ${sql({ workspace_id: team.workspace, name: `${code} cap`, ...policy })} returning id`;
  const [offer] = await sql<{ id: string }[]>`
    insert into public.offers (workspace_id, code, name, program_id) values (${team.workspace}, ${code}, ${`${code} offer`}, ${team.program}) returning id`;
  if (!cap || !offer) throw new Error('no cap or offer');
  await sql`insert into public.offer_versions (workspace_id, offer_id, valid_from, rate, currency, cap_policy_id, geos)
    values (${team.workspace}, ${offer.id}, '2020-01-01T00:00:00Z', 10, 'USD', ${cap.id}, ${options.geos ?? []})`;
  await sql`insert into public.offer_mapping (workspace_id, offer_id, tw_offer_id, link_title)
    values (${team.workspace}, ${offer.id}, ${options.twOfferId ?? code.toLowerCase()}, ${options.linkTitle ?? null})`;
  return { offer: offer.id, policy: cap.id };
}

/** Active conversions of the team's load. */
export async function addEvents(sql: Sql, team: CapTeam, events: EventFact[]): Promise<void> {
  const rows = events.map((e) => ({
    workspace_id: team.workspace, event_id: `fx-${++sequence}`, event_time: e.time, event_type: e.type ?? 'first_deposit',
    offer_id: e.twOfferId, link_title: e.linkTitle ?? null, geo: e.geo ?? 'RU', payout: e.payout ?? 0, currency: e.currency ?? 'USD', load_id: team.load,
  }));
  if (rows.length) await sql`insert into public.tw_events ${sql(rows)}`;
}

/**
 * Recounts the team's usage as of `at`, as the cron job does, and reads it in the same
 * transaction (a cron run meanwhile leaves a workspace being recounted alone): the rows of
 * an offer by GEO.
 */
export async function refreshCaps(sql: Sql, team: CapTeam, at: string): Promise<(offer: string) => UsageRow[]> {
  const rows = await sql.begin(async (tx) => {
    await tx`select private.refresh_cap_usage(${team.workspace}, ${at})`;
    return readUsage(tx, 'workspace_id', team.workspace);
  });
  return (offer) => rows.filter((r) => r.offer_id === offer);
}

export interface UsageRow {
  offer_id: string;
  geo: string;
  used: number;
  effective_limit: number;
  status: string;
  period_start: string;
  period_end: string | null;
  time_zone: string;
  expected_total: number | null;
  runs_out_at: string | null;
  confidence: number;
  curve_source: string;
  spend_at_risk: number | null;
}

/** The offer's rows of cap_usage as they are now (see refreshCaps). */
export async function usageOf(sql: Sql, offer: string): Promise<UsageRow[]> {
  return readUsage(sql, 'offer_id', offer);
}

/** cap_usage rows by GEO, numbers as numbers and moments in ISO 8601 UTC to the second, whatever the session's zone. */
async function readUsage(sql: Sql | TransactionSql, column: 'workspace_id' | 'offer_id', id: string): Promise<UsageRow[]> {
  const iso = 'YYYY-MM-DD"T"HH24:MI:SS"Z"';
  return sql<UsageRow[]>`
    select offer_id, geo, used::float8 as used, effective_limit::float8 as effective_limit, status,
      to_char(period_start at time zone 'UTC', ${iso}) as period_start, to_char(period_end at time zone 'UTC', ${iso}) as period_end, time_zone,
      expected_total::float8 as expected_total,
      to_char(date_trunc('second', runs_out_at + interval '0.5 second') at time zone 'UTC', ${iso}) as runs_out_at,
      confidence::float8 as confidence, curve_source, spend_at_risk::float8 as spend_at_risk
    from public.cap_usage where ${sql(column)} = ${id} order by offer_id, geo`;
}

export async function dropTeams(sql: Sql, teams: CapTeam[]): Promise<void> {
  if (teams.length) await sql`delete from public.workspaces where id in ${sql(teams.map((t) => t.workspace))}`;
}
