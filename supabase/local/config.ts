import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';

/** Repository root: two levels above supabase/local/. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type PasswordRequirements =
  | ''
  | 'letters_digits'
  | 'lower_upper_letters_digits'
  | 'lower_upper_letters_digits_symbols';

/** `[auth.mfa]`: the factors a user may enroll and verify (GoTrue's MFA settings the CLI passes on). */
export interface MfaConfig {
  /** Factors, verified or not, one user may have at once. */
  maxEnrolledFactors: number;
  totp: { enrollEnabled: boolean; verifyEnabled: boolean };
}

export interface AuthConfig {
  siteUrl: string;
  redirectUrls: string[];
  jwtExpiry: number;
  refreshTokenRotation: boolean;
  refreshTokenReuseInterval: number;
  enableSignup: boolean;
  minimumPasswordLength: number;
  passwordRequirements: PasswordRequirements;
  /** Sign-in and sign-up requests per IP per 5 minutes (Supabase's `sign_in_sign_ups`). */
  signInsPerIp: number;
  tokenRefreshesPerIp: number;
  /** OTP and link verifications per IP per 5 minutes (Supabase's `token_verifications`). */
  tokenVerificationsPerIp: number;
  /**
   * Failed password sign-ins per email per 15 minutes before further attempts are refused.
   * Supabase Auth has no such knob; on hosted Supabase the same rule belongs in an auth hook.
   */
  failedSignInsPerEmail: number;
  otpLength: number;
  otpExpiry: number;
  mfa: MfaConfig;
}

export interface StorageConfig {
  /** The largest file one upload may have, in bytes ([storage] file_size_limit). */
  fileSizeLimit: number;
}

export interface FunctionConfig {
  verifyJwt: boolean;
  entrypoint?: string;
}

export interface StackConfig {
  apiPort: number;
  dbPort: number;
  /** The local mail server's SMTP port (`[inbucket] smtp_port`, where the CLI's Inbucket takes SMTP; MAIL_PORT overrides). */
  mailPort: number;
  schemas: string[];
  extraSearchPath: string[];
  maxRows: number;
  /** Largest request body the API accepts, in bytes. */
  maxBodyBytes: number;
  /**
   * The API's address as clients reach it, for token issuers and emailed links
   * (`[api] external_url`, or API_EXTERNAL_URL as GoTrue names it); the address it listens on if unset.
   */
  externalUrl?: string;
  /** Proxies whose X-Forwarded-For the gateway believes (API_TRUSTED_PROXIES, comma-separated). */
  trustedProxies: string[];
  auth: AuthConfig;
  storage: StorageConfig;
  functions: Record<string, FunctionConfig>;
}

type Table = Record<string, unknown>;

function table(value: unknown): Table {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Table) : {};
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function str(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

function strings(value: unknown, fallback: string[]): string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : fallback;
}

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  return raw === undefined || raw === '' ? undefined : Number(raw);
}

/**
 * A size as the Supabase CLI reads config.toml's (docker's go-units RAMInBytes): a number and
 * an optional unit, KB and KiB alike meaning 1024 bytes.
 */
function parseSizeInBytes(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?\s*$/i.exec(text);
  if (!match) throw new Error(`supabase/config.toml: '${text}' is not a size (such as "50MiB")`);
  const power = ['', 'k', 'm', 'g', 't', 'p'].indexOf((match[2] ?? '').toLowerCase());
  return Math.floor(Number(match[1]) * 1024 ** power);
}

const requirementValues: PasswordRequirements[] = [
  '',
  'letters_digits',
  'lower_upper_letters_digits',
  'lower_upper_letters_digits_symbols',
];

/**
 * Reads supabase/config.toml (the Supabase CLI's file) and applies environment overrides
 * (API_PORT, DB_PORT), so the local stack and a hosted project share one configuration.
 */
export function loadConfig(path = resolve(projectRoot, 'supabase/config.toml')): StackConfig {
  const doc = table(parse(readFileSync(path, 'utf8')));
  const api = table(doc.api);
  const db = table(doc.db);
  const auth = table(doc.auth);
  const rate = table(auth.rate_limit);
  const email = table(auth.email);
  const storage = table(doc.storage);
  const inbucket = table(doc.inbucket);
  const mfa = table(auth.mfa);
  const totp = table(mfa.totp);
  const requirements = str(auth.password_requirements, '');
  if (!requirementValues.includes(requirements as PasswordRequirements)) {
    throw new Error(`supabase/config.toml: auth.password_requirements '${requirements}' is not one of ${requirementValues.join(', ')}`);
  }
  // The CLI's defaults (its config.toml template) where the file says nothing: TOTP off.
  const totpConfig = { enrollEnabled: bool(totp.enroll_enabled, false), verifyEnabled: bool(totp.verify_enabled, false) };
  if (totpConfig.enrollEnabled && !totpConfig.verifyEnabled) {
    throw new Error('supabase/config.toml: auth.mfa.totp.enroll_enabled requires verify_enabled');
  }
  const functions: Record<string, FunctionConfig> = {};
  for (const [name, raw] of Object.entries(table(doc.functions))) {
    const fn = table(raw);
    functions[name] = { verifyJwt: bool(fn.verify_jwt, true), entrypoint: typeof fn.entrypoint === 'string' ? fn.entrypoint : undefined };
  }
  return {
    apiPort: envNumber('API_PORT') ?? num(api.port, 54321),
    dbPort: envNumber('DB_PORT') ?? num(db.port, 54322),
    mailPort: envNumber('MAIL_PORT') ?? num(inbucket.smtp_port, 54325),
    schemas: strings(api.schemas, ['public']),
    extraSearchPath: strings(api.extra_search_path, ['public', 'extensions']),
    maxRows: num(api.max_rows, 1000),
    maxBodyBytes: envNumber('API_MAX_BODY_BYTES') ?? 10 * 1024 * 1024,
    externalUrl: process.env.API_EXTERNAL_URL || (typeof api.external_url === 'string' && api.external_url) || undefined,
    trustedProxies: (process.env.API_TRUSTED_PROXIES ?? '').split(',').filter((entry) => entry.trim()),
    auth: {
      siteUrl: str(auth.site_url, 'http://127.0.0.1:5173'),
      redirectUrls: strings(auth.additional_redirect_urls, []),
      jwtExpiry: num(auth.jwt_expiry, 3600),
      refreshTokenRotation: bool(auth.enable_refresh_token_rotation, true),
      refreshTokenReuseInterval: envNumber('AUTH_REFRESH_TOKEN_REUSE_INTERVAL') ?? num(auth.refresh_token_reuse_interval, 10),
      enableSignup: bool(auth.enable_signup, true),
      minimumPasswordLength: num(auth.minimum_password_length, 6),
      passwordRequirements: requirements as PasswordRequirements,
      signInsPerIp: envNumber('AUTH_SIGN_INS_PER_IP') ?? num(rate.sign_in_sign_ups, 30),
      tokenRefreshesPerIp: num(rate.token_refresh, 150),
      tokenVerificationsPerIp: envNumber('AUTH_TOKEN_VERIFICATIONS_PER_IP') ?? num(rate.token_verifications, 30),
      failedSignInsPerEmail: envNumber('AUTH_FAILED_SIGN_INS_PER_EMAIL') ?? 5,
      otpLength: num(email.otp_length, 6),
      otpExpiry: num(email.otp_expiry, 3600),
      mfa: { maxEnrolledFactors: num(mfa.max_enrolled_factors, 10), totp: totpConfig },
    },
    storage: { fileSizeLimit: parseSizeInBytes(str(storage.file_size_limit, '50MiB')) },
    functions,
  };
}
