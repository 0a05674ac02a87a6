import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sql } from 'postgres';
import type { AuthConfig } from '../config.ts';
import { sendJson } from '../http.ts';
import type { ProjectKeys } from '../keys.ts';

/** Placeholder until the Auth service lands: answers 501 so nothing pretends to work. */
export class AuthHandler {
  constructor(
    private readonly sql: Sql,
    private readonly config: AuthConfig,
    private readonly keys: ProjectKeys,
    private readonly dataDir: string,
  ) {}

  async handle(_req: IncomingMessage, res: ServerResponse, _url: URL, path: string): Promise<void> {
    void this.sql;
    void this.config;
    void this.keys;
    void this.dataDir;
    sendJson(res, 501, { code: 501, error_code: 'not_implemented', msg: `auth ${path} is not implemented yet` });
  }
}
