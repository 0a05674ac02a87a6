import { isRecord } from './phoenix.ts';

/** A channel's options from its `phx_join` payload. */
export interface JoinConfig {
  broadcast: {
    /** The sender receives its own broadcasts. */
    self: boolean;
    /** Broadcasts are acknowledged with a reply. */
    ack: boolean;
    /** Push a `system` message once the replication connection is up. */
    replicationReady: boolean;
  };
  presence: {
    /** Presence key; empty means one generated per channel, as Supabase does. */
    key: string;
    enabled: boolean;
  };
  /** The raw `postgres_changes` bindings, validated when subscribing. */
  postgresChanges: unknown[];
  private: boolean;
}

/** A validated `phx_join` payload. */
export interface JoinPayload {
  config: JoinConfig;
  /** `access_token` (or the older `user_token`) when the client sent one. */
  accessToken?: string;
}

/** Supabase's FlexibleBoolean: a boolean, or the strings "true"/"false". */
function flag(value: unknown, fallback = false): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return fallback;
}

/**
 * Reads a join payload. Like Supabase (which logs an invalid payload and joins with defaults),
 * fields of the wrong type fall back to their defaults rather than refusing the join.
 */
export function parseJoinPayload(payload: unknown): JoinPayload {
  const body = isRecord(payload) ? payload : {};
  const config = isRecord(body.config) ? body.config : {};
  const broadcast = isRecord(config.broadcast) ? config.broadcast : {};
  const presence = isRecord(config.presence) ? config.presence : {};
  const token = typeof body.access_token === 'string' ? body.access_token : typeof body.user_token === 'string' ? body.user_token : undefined;
  return {
    config: {
      broadcast: { self: flag(broadcast.self), ack: flag(broadcast.ack), replicationReady: flag(broadcast.replication_ready) },
      presence: { key: typeof presence.key === 'string' ? presence.key : '', enabled: flag(presence.enabled) },
      postgresChanges: Array.isArray(config.postgres_changes) ? config.postgres_changes.filter((b) => b !== null && b !== undefined) : [],
      private: flag(config.private),
    },
    accessToken: token || undefined,
  };
}
