import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import ws from 'ws';
import { demoUsers } from './demoUsers.ts';

/** Payment terms of the demo team's programs, by the affiliate network name TW exports. */
const programTerms: Record<string, { schedule: 'net7' | 'net15' | 'net30' | 'weekly'; weekdays?: number[]; holdDays: number; minimumPayout: number; timeZone: string; channels: string[]; terms: string }> = {
  'Orbit Partners': { schedule: 'net15', holdDays: 7, minimumPayout: 500, timeZone: 'Europe/Moscow', channels: ['usdt_trc20', 'wire'], terms: 'NET15, 7-day hold, from $500' },
  'Северный Альянс': { schedule: 'weekly', weekdays: [2, 5], holdDays: 3, minimumPayout: 200, timeZone: 'Europe/Moscow', channels: ['usdt_trc20', 'capitalist'], terms: 'Выплаты по вторникам и пятницам, холд 3 дня' },
  'Lucky Affiliates, Ltd.': { schedule: 'net30', holdDays: 14, minimumPayout: 1000, timeZone: 'Europe/Nicosia', channels: ['wire', 'paxum'], terms: 'NET30 after month close, 14-day hold' },
};

/** Fails with the request's own message, so a broken seed says what the database refused. */
function must<T>(result: { data: T; error: { message: string } | null }, what: string): NonNullable<T> {
  if (result.error) throw new Error(`demo registry: ${what}: ${result.error.message}`);
  return result.data as NonNullable<T>;
}

async function signedIn(apiUrl: string, anonKey: string, role: string): Promise<SupabaseClient> {
  const client = createClient(apiUrl, anonKey, { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: ws as never } });
  const user = demoUsers.users.find((u) => u.role === role);
  if (!user) throw new Error(`no demo ${role}`);
  const { error } = await client.auth.signInWithPassword({ email: user.email, password: demoUsers.password });
  if (error) throw new Error(`demo registry: sign-in as ${role}: ${error.message}`);
  return client;
}

/** "Вулкан Старс 🎰 | лендинг 1" → "Вулкан Старс": the offer's name as TW link titles carry it. */
function offerName(linkTitle: string | null, twOfferId: string): string {
  const name = (linkTitle ?? '').split('|')[0]?.replace(/[^\p{L}\p{N}"'.,\- ]/gu, '').trim();
  return name || twOfferId;
}

/**
 * The offers registry of the demo team, built the way an affiliate manager would build it from
 * the loaded TW data (so it runs after the ETL loads): a program per affiliate network with
 * contacts and a contact log, a KPI and a cap policy, an offer per TW offer with its terms, all
 * but two mapped (those two are what the mapping suggestions and the unmapped list show), one
 * offer paused, and one rate change opened in the past by the admin with a reason (History).
 * Everything goes through the same API and RLS as the app.
 */
export async function loadDemoRegistry(apiUrl: string, anonKey: string, workspaceId: string): Promise<{ programs: number; offers: number }> {
  const manager = await signedIn(apiUrl, anonKey, 'affiliate_manager');
  const unmapped = must(await manager.from('unmapped_tw_offers').select('tw_offer_id, link_title, revenue').eq('workspace_id', workspaceId).order('tw_offer_id'), 'unmapped TW offers');
  const twOffers = [...new Map(unmapped.map((row) => [row.tw_offer_id as string, row.link_title as string | null])).entries()];

  const programIds = new Map<string, string>();
  for (const [network, terms] of Object.entries(programTerms)) {
    const program = must(
      await manager
        .from('affiliate_programs')
        .insert({
          workspace_id: workspaceId,
          name: network,
          contact: 'Account manager',
          payment_terms: terms.terms,
          payout_schedule: terms.schedule,
          payout_weekdays: terms.weekdays ?? [],
          hold_days: terms.holdDays,
          minimum_payout: terms.minimumPayout,
          time_zone: terms.timeZone,
          payment_channels: terms.channels,
          invoice_email: `billing@${network.toLowerCase().replace(/[^a-z]+/g, '') || 'alliance'}.example`,
        })
        .select('id')
        .single(),
      `program ${network}`,
    );
    programIds.set(network, program.id as string);
    must(
      await manager.from('affiliate_contacts').insert({ workspace_id: workspaceId, program_id: program.id, name: 'Account manager', telegram: `am_${programIds.size}`, preferred_channel: 'telegram' }),
      `contact of ${network}`,
    );
    must(
      await manager.from('program_contact_log').insert({ workspace_id: workspaceId, program_id: program.id, comment: 'Terms confirmed for the quarter; caps reviewed every Monday.' }),
      `contact log of ${network}`,
    );
  }

  const kpi = must(
    await manager.from('kpi_policies').insert({ workspace_id: workspaceId, name: 'Reg→FTD ≥ 10%, deposit ≥ $20', requirements: { min_reg_to_ftd: 0.1, min_deposit: 20 } }).select('id').single(),
    'KPI policy',
  );
  const cap = must(await manager.from('cap_policies').insert({ workspace_id: workspaceId, name: '60 FTD a day', period: 'day', event_type: 'first_deposit', cap_limit: 60 }).select('id').single(), 'cap policy');

  // Terms start at midnight in Moscow, where the demo team works.
  const moscowMidnight = (daysAgo: number) => `${new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10)}T00:00:00+03:00`;
  const termsFrom = moscowMidnight(120);
  const offerIds: string[] = [];
  for (const [index, [twOfferId, linkTitle]] of twOffers.entries()) {
    const network = must(await manager.from('tw_events').select('affiliate_network').eq('workspace_id', workspaceId).eq('offer_id', twOfferId).limit(1), `network of ${twOfferId}`)[0]?.affiliate_network as string | undefined;
    const name = offerName(linkTitle, twOfferId);
    const offer = must(
      await manager
        .rpc('create_offer', {
          workspace: workspaceId,
          code: `${twOfferId.toUpperCase()}-CPA`,
          name,
          program: (network && programIds.get(network)) ?? null,
          valid_from: termsFrom,
          rate: 60 + index * 5,
          currency: 'USD',
          geos: [],
          geo_rates: index === 0 ? { TR: 45, BR: 40 } : {},
          kpi_policy_id: kpi.id,
          cap_policy_id: index % 2 === 0 ? cap.id : null,
          landing_type: index % 3 === 0 ? 'prelanding' : 'direct',
          approach: index % 2 === 0 ? 'bonus' : 'review',
        })
        .single(),
      `offer ${twOfferId}`,
    );
    offerIds.push((offer as { id: string }).id);
    // The last two stay unmapped: their revenue is what "Unmapped TW offers" and the suggestions show.
    if (index < twOffers.length - 2) {
      must(await manager.from('offer_mapping').insert({ workspace_id: workspaceId, offer_id: (offer as { id: string }).id, tw_offer_id: twOfferId }), `mapping of ${twOfferId}`);
    }
  }

  // The third offer stopped converting (the generator's dead offer): the manager paused it.
  if (offerIds[2]) must(await manager.from('offers').update({ status: 'paused' }).eq('id', offerIds[2]), 'pausing an offer');
  // The program raised the second offer's rate three weeks ago; the admin records it over counted events.
  if (offerIds[1]) {
    const admin = await signedIn(apiUrl, anonKey, 'admin');
    must(
      await admin.rpc('open_offer_version', {
        offer: offerIds[1],
        valid_from: moscowMidnight(21),
        rate: 75,
        currency: 'USD',
        kpi_policy_id: kpi.id,
        cap_policy_id: cap.id,
        landing_type: 'direct',
        approach: 'review',
        reason: 'The program raised the rate from this date (manager’s email); events since then are paid at 75.',
      }),
      'rate change',
    );
    await admin.auth.signOut();
  }
  await manager.auth.signOut();
  return { programs: programIds.size, offers: offerIds.length };
}
