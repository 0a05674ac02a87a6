import type { IncomingMessage } from 'node:http';
import type { Sql } from 'postgres';
import { bearerToken } from '../http.ts';
import { JwtError, verifyJwt, type JwtClaims } from '../jwt.ts';
import { errors } from './errors.ts';

/** Who is asking: the role and claims the request's SQL runs with, so RLS decides. */
export interface Caller {
  role: string;
  claims: JwtClaims;
  /** The JWT's `sub`: what an upload or a new bucket records as its owner. */
  owner: string | undefined;
  /** A valid JWT came with the request (the anon key counts), storage-api's isAuthenticated. */
  authenticated: boolean;
}

const anonymous: Caller = { role: 'anon', claims: { role: 'anon' }, owner: undefined, authenticated: false };

/** The caller as storage-api's service role (its "super user"): RLS does not apply. */
export const serviceCaller: Caller = { role: 'service_role', claims: { role: 'service_role' }, owner: undefined, authenticated: true };

/**
 * Reads the bearer JWT, as storage-api's jwt plugin does
 * (https://github.com/supabase/storage/blob/master/src/http/plugins/jwt.ts): a missing or bad
 * token is 403 AccessDenied, or the anonymous caller on routes that serve public buckets
 * (`allowInvalid`). The role must be one the API may switch to, as for REST.
 */
export class Callers {
  private apiRoles: Promise<Set<string>> | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly jwtSecret: string,
  ) {}

  async identify(req: IncomingMessage, allowInvalid = false): Promise<Caller> {
    const token = bearerToken(req);
    let claims: JwtClaims;
    try {
      if (!token) throw new JwtError('No authorization header: a JWT is required');
      claims = verifyJwt(token, this.jwtSecret);
    } catch (error) {
      if (allowInvalid) return anonymous;
      throw errors.accessDenied(error instanceof JwtError ? error.message : 'Invalid JWT');
    }
    const role = typeof claims.role === 'string' ? claims.role : 'anon';
    if (!(await this.isApiRole(role))) throw errors.accessDenied(`Access denied: role "${role}" is not an API role`);
    return { role, claims, owner: typeof claims.sub === 'string' ? claims.sub : undefined, authenticated: true };
  }

  /** Roles the API login (authenticator) can switch to, read once and again for an unknown name. */
  private async isApiRole(role: string): Promise<boolean> {
    if ((await this.readApiRoles()).has(role)) return true;
    this.apiRoles = undefined;
    return (await this.readApiRoles()).has(role);
  }

  private readApiRoles(): Promise<Set<string>> {
    this.apiRoles ??= this.queryApiRoles().catch((error: unknown) => {
      this.apiRoles = undefined;
      throw error;
    });
    return this.apiRoles;
  }

  private async queryApiRoles(): Promise<Set<string>> {
    const rows = await this.sql<{ rolname: string }[]>`
      select r.rolname from pg_roles r
      where exists (select from pg_roles a where a.rolname = 'authenticator' and pg_has_role(a.oid, r.oid, 'member'))
        and r.rolname <> 'authenticator'`;
    return new Set(rows.map((row) => row.rolname));
  }
}
