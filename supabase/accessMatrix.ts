/**
 * The access matrix: which role may do what in each module. The policies in
 * supabase/migrations enforce it; docs/access.md is generated from it
 * (`npm run docs:access`) and tests/db/access.matrix.test.ts checks every cell against the
 * live database, so the three cannot drift.
 */

export const roles = ['media_buyer', 'affiliate_manager', 'finance', 'admin', 'read_only'] as const;
export type Role = (typeof roles)[number];

/**
 * none: sees nothing; read own / write own: only the rows that are the member's own;
 * read: sees the workspace's rows; write: reads and changes them (within the table's operations).
 */
export type Access = 'none' | 'read own' | 'read' | 'write own' | 'write';

export type Operation = 'select' | 'insert' | 'update' | 'delete';

export interface TableRule {
  name: string;
  /** Operations the API allows on the table at all; others go through RPCs or nowhere. */
  operations: Operation[];
  /** Why some operations are missing, for the docs. */
  note?: string;
  /** Rows are seen only by the member they belong to ("read own" / "write own" then hide others' rows). */
  ownerOnly?: boolean;
}

export interface Module {
  name: string;
  access: Record<Role, Access>;
  tables: TableRule[];
  /** Where the module's tables come from, while they are still to be built. */
  pending?: string;
}

const everyone = (access: Access): Record<Role, Access> => ({
  media_buyer: access, affiliate_manager: access, finance: access, admin: access, read_only: access,
});

export const modules: Module[] = [
  {
    name: 'Workspace settings',
    access: { ...everyone('read'), admin: 'write' },
    tables: [{ name: 'workspaces', operations: ['select', 'update'], note: 'created by create_workspace(); never deleted through the API; includes import_retention_days, how long originals of finished loads are kept' }],
  },
  {
    name: 'Users and roles',
    access: { ...everyone('read own'), admin: 'write' },
    tables: [{ name: 'workspace_members', operations: ['select', 'update', 'delete'], ownerOnly: true, note: 'joined only through create_workspace() and accept_invitation() (the person\'s consent); the last admin cannot be removed or demoted' }],
  },
  {
    name: 'Invitations',
    access: { ...everyone('none'), admin: 'write' },
    tables: [{ name: 'workspace_invitations', operations: ['select', 'insert', 'update', 'delete'], note: 'accepted with accept_invitation()' }],
  },
  {
    name: 'Profiles',
    access: everyone('write own'),
    tables: [{ name: 'profiles', operations: ['select', 'update'], note: 'created with the user; teammates read each other\'s' }],
  },
  {
    name: 'Audit log',
    access: { ...everyone('none'), admin: 'read' },
    tables: [{ name: 'audit_log', operations: ['select'], note: 'written only by triggers; nobody changes or deletes it' }],
  },
  {
    name: 'Alerts',
    access: everyone('read'),
    tables: [{ name: 'alerts', operations: ['select'], note: 'raised and resolved only by the server; acknowledged with acknowledge_alert() by every role but read_only' }],
  },
  {
    name: 'Alert rules (who is told of what)',
    access: everyone('write own'),
    tables: [{ name: 'alert_rules', operations: ['select', 'insert', 'update', 'delete'], ownerOnly: true, note: 'each person\'s own, per kind; without one, the role\'s default' }],
  },
  {
    name: 'Devices for push notifications',
    access: everyone('write own'),
    tables: [{ name: 'push_subscriptions', operations: ['select', 'delete'], ownerOnly: true, note: 'each person\'s own devices, admins included; registered with register_push_subscription(), which moves a device to whoever signed in on it last' }],
  },
  {
    name: 'Alert silences',
    access: { ...everyone('write own'), admin: 'write', read_only: 'read' },
    tables: [{ name: 'alert_silences', operations: ['select', 'insert', 'delete'], note: 'lifted by their author or an admin; never changed, at most 90 days' }],
  },
  {
    name: 'Alerts in the team\'s Slack channel',
    access: { ...everyone('none'), admin: 'write' },
    tables: [{ name: 'alert_slack', operations: ['select', 'insert', 'update', 'delete'], note: 'the incoming webhook is a secret: admins only; posted to only under SLACK_WEBHOOK_ORIGIN' }],
  },
  {
    name: 'Alert notifications (outbox and delivery log)',
    access: { ...everyone('read own'), admin: 'read' },
    tables: [{ name: 'alert_notifications', operations: ['select'], ownerOnly: true, note: 'queued by the server when an alert fires, rises or escalates; sent by the delivery function' }],
  },
  {
    name: 'Analytics and ETL',
    access: { ...everyone('read'), media_buyer: 'write', admin: 'write' },
    tables: [
      { name: 'etl_loads', operations: ['select', 'insert'], note: 'rolled back, re-applied and cancelled with rollback_load(), reapply_load(), cancel_load(); original_removed_at is set only by the retention job' },
      { name: 'etl_load_errors', operations: ['select'], note: 'written by the ETL function' },
      { name: 'column_mappings', operations: ['select', 'insert', 'update', 'delete'] },
      { name: 'tw_events', operations: ['select'], note: 'facts: written only by the ETL function' },
      { name: 'tw_clicks', operations: ['select'], note: 'facts: written only by the ETL function' },
      { name: 'ad_spend', operations: ['select'], note: 'facts: written only by the ETL function' },
      { name: 'daily_metrics', operations: ['select'], note: 'rollup, read through metrics()' },
    ],
  },
  {
    name: 'Shared analytics presets',
    access: { ...everyone('write own'), admin: 'write', read_only: 'read' },
    tables: [
      {
        name: 'saved_filters',
        operations: ['select', 'insert', 'update', 'delete'],
        note: 'shared with the workspace, personal presets stay on the device; members share, rename and delete their own, admins anyone\'s',
      },
    ],
  },
  {
    name: 'Offers, programs, caps, KPI policies',
    access: { ...everyone('read'), affiliate_manager: 'write', admin: 'write' },
    tables: [
      { name: 'affiliate_programs', operations: ['select', 'insert', 'update', 'delete'], note: 'a program with offers is archived, not deleted' },
      { name: 'affiliate_contacts', operations: ['select', 'insert', 'update', 'delete'] },
      { name: 'program_contact_log', operations: ['select', 'insert', 'delete'], note: 'entries are not edited' },
      { name: 'kpi_policies', operations: ['select', 'insert', 'update', 'delete'] },
      { name: 'cap_policies', operations: ['select', 'insert', 'update', 'delete'] },
      { name: 'cap_usage', operations: ['select'], note: 'the current period of each capped offer, written only by the server (loads, cron, actions); read through caps_overview()' },
      { name: 'cap_actions', operations: ['select'], note: 'raises, resets and pauses with their reason, written by cap_action() (affiliate managers and admins)' },
      { name: 'offers', operations: ['select', 'insert', 'update', 'delete'], note: 'deactivating closes its versions; an offer TW events reference is archived, not deleted' },
      { name: 'offer_versions', operations: ['select'], note: 'terms never change in place: opened with open_offer_version()' },
      { name: 'offer_geo', operations: ['select'], note: 'GEO rates of a version, written with it by open_offer_version()' },
      { name: 'offer_mapping', operations: ['select', 'insert', 'update', 'delete'] },
      { name: 'offer_audit_log', operations: ['select'], note: 'the offer\'s history, written only by triggers' },
    ],
  },
  {
    name: 'Finance',
    access: { ...everyone('none'), finance: 'write', admin: 'write', affiliate_manager: 'none' },
    tables: [],
    pending: 'receivables, payments, expenses, FX, budgets (stage 5)',
  },
  {
    name: 'Automation rules and approvals',
    access: { ...everyone('read'), media_buyer: 'write own', admin: 'write' },
    tables: [],
    pending: 'rules and suggested actions (stages 6-7); media_buyers write rules of their own campaigns; read_only sees no secrets',
  },
  {
    name: 'Connector secrets',
    access: { ...everyone('none'), admin: 'write' },
    tables: [],
    pending: 'connector accounts (stage 7)',
  },
];

/** Whether `role` may perform `op` on `table` per the matrix ('own' levels count as allowed on own rows). */
export function allows(module: Module, table: TableRule, role: Role, op: Operation): boolean {
  if (!table.operations.includes(op)) return false;
  const access = module.access[role];
  if (access === 'none') return false;
  if (op === 'select') return true;
  return access === 'write' || access === 'write own';
}

/** docs/access.md, generated. */
export function accessMarkdown(): string {
  const header = `| module | ${roles.join(' | ')} | tables |`;
  const rule = `|---|${roles.map(() => '---').join('|')}|---|`;
  const rows = modules.map((m) => {
    const tables = m.tables.length
      ? m.tables.map((t) => `\`${t.name}\` (${t.operations.join(', ')}${t.note ? `; ${t.note}` : ''})`).join('<br>')
      : `to come: ${m.pending ?? ''}`;
    return `| ${m.name} | ${roles.map((r) => m.access[r]).join(' | ')} | ${tables} |`;
  });
  return [
    '# Access matrix',
    '',
    'Generated from `supabase/accessMatrix.ts` by `npm run docs:access`; do not edit by hand.',
    'Row-level security policies in `supabase/migrations/` enforce it, and',
    '`tests/db/access.matrix.test.ts` signs in as each role and checks every cell, including',
    'that nobody reaches another workspace\'s rows.',
    '',
    '- **none**: sees nothing; **read own** / **write own**: only the member\'s own rows;',
    '  **read**: the workspace\'s rows; **write**: reads and changes them, within the table\'s operations.',
    '- Anonymous callers (the anon key without a session) have no access to any table.',
    '',
    header,
    rule,
    ...rows,
    '',
  ].join('\n');
}
