import { Transform, plainToInstance } from 'class-transformer';
import type { MerchantCriteria } from '../qris/qris-codec';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import { IsCronExpression, PERCENT_PATTERN } from './env-validators';

export const DEV_WEBHOOK_SECRET = 'dev-webhook-secret';
export const DEV_CALLBACK_SIGNING_KEY = 'dev-callback-signing-key';

const PROVIDERS = ['mock', 'midtrans', 'xendit', 'doku', 'nicepay'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const SQLITE_SYNC_MODES = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;

/** An empty string in the environment means "not set", as in `REDIS_URL=`. */
const emptyAsUnset = () => Transform(({ value }) => (typeof value === 'string' && value.trim() === '' ? undefined : value));
const toInt = () =>
  Transform(({ value }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value));
const toBool = () =>
  Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const v = value.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
    return value;
  });

/**
 * Every environment variable the service reads, with its default. Validated once at boot; a bad value
 * stops the boot with a message naming the variable (see validateEnv).
 */
export class Env {
  @emptyAsUnset() @toInt() @IsInt() @Min(0) @Max(65535)
  PORT = 9000;

  @emptyAsUnset() @IsOptional() @IsString() @Matches(/^(sqlite:.+|mysql:\/\/.+|mariadb:\/\/.+|postgres(ql)?:\/\/.+)$/, {
    message: 'DB_URL must be sqlite:PATH, mysql://… or postgres://…',
  })
  DB_URL?: string;

  @emptyAsUnset() @toBool() @IsBoolean()
  DB_MIGRATIONS_RUN = true;

  /**
   * MySQL/MariaDB and PostgreSQL: connections of TypeORM's pool in each process. MySQL's group commit keeps
   * a pool of half as many beside it (see MysqlGroupCommit), so a process opens up to 1.5 × this.
   */
  @emptyAsUnset() @toInt() @IsInt() @Min(1) @Max(500)
  DB_POOL_SIZE = 20;

  @emptyAsUnset() @IsIn(SQLITE_SYNC_MODES)
  SQLITE_SYNCHRONOUS: (typeof SQLITE_SYNC_MODES)[number] = 'NORMAL';

  @emptyAsUnset() @IsOptional() @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be redis://… or rediss://…' })
  REDIS_URL?: string;

  /** Redis key prefix of the Bull queues: deployments sharing one Redis use different prefixes. */
  @emptyAsUnset() @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'QUEUE_PREFIX must be 1-64 characters of A-Za-z0-9_.:-' })
  QUEUE_PREFIX = 'qris';

  /** Whether this process runs job handlers (false: an API-only process; `npm run start:worker` forces true). */
  @emptyAsUnset() @toBool() @IsBoolean()
  WORKERS = true;

  @emptyAsUnset() @IsIn(PROVIDERS)
  PROVIDER: (typeof PROVIDERS)[number] = 'mock';

  @emptyAsUnset() @IsOptional() @IsString()
  PROVIDER_API_KEY?: string;

  @emptyAsUnset() @IsOptional() @Matches(/^https?:\/\/.+/, { message: 'PROVIDER_BASE_URL must be an http(s) URL' })
  PROVIDER_BASE_URL?: string;

  /** Development default so `npm start` works out of the box; refused in production. */
  @emptyAsUnset() @IsString()
  PROVIDER_WEBHOOK_SECRET = DEV_WEBHOOK_SECRET;

  /** Development default so `npm start` works out of the box; refused in production. */
  @emptyAsUnset() @IsString()
  CALLBACK_SIGNING_KEY = DEV_CALLBACK_SIGNING_KEY;

  @emptyAsUnset() @toInt() @IsInt() @Min(1) @Max(1440)
  EXPIRE_MINUTES = 15;

  @emptyAsUnset() @toInt() @IsInt() @Min(1) @Max(10_000_000)
  MAX_PAYMENT_AMOUNT = 10_000_000;

  @emptyAsUnset() @toInt() @IsInt() @Min(1)
  RATE_LIMIT_MAX = 10;

  @emptyAsUnset() @toInt() @IsInt() @Min(1)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  /** Providers send bursts from few IPs, so the webhook route has its own, higher bound. */
  @emptyAsUnset() @toInt() @IsInt() @Min(1)
  WEBHOOK_RATE_LIMIT_MAX = 600;

  @emptyAsUnset() @toInt() @IsInt() @Min(1)
  WEBHOOK_RATE_LIMIT_WINDOW_SECONDS = 60;

  @emptyAsUnset() @IsString() @Matches(/^[A-Za-z0-9:_.-]{1,64}$/, { message: 'RATE_LIMIT_REDIS_PREFIX must be 1-64 of A-Z a-z 0-9 : _ . -' })
  RATE_LIMIT_REDIS_PREFIX = 'qris:ratelimit:';

  @emptyAsUnset() @toInt() @IsInt() @Min(1000) @Max(600_000)
  REQUEST_TIMEOUT_MS = 30_000;

  /** After SIGTERM, in-flight work gets this long before the process exits anyway. */
  @emptyAsUnset() @toInt() @IsInt() @Min(1000) @Max(600_000)
  SHUTDOWN_TIMEOUT_MS = 25_000;

  @emptyAsUnset() @IsOptional() @IsString()
  MERCHANT_API_KEYS?: string;

  @emptyAsUnset() @IsOptional() @IsString()
  ADMIN_API_KEY?: string;

  @emptyAsUnset() @toBool() @IsBoolean()
  CALLBACK_ALLOW_PRIVATE_NETWORKS = false;

  /** Whole exchange with the merchant's callback_url: connect, send, first 64 KiB of the answer. */
  @emptyAsUnset() @toInt() @IsInt() @Min(100) @Max(60_000)
  CALLBACK_TIMEOUT_MS = 5000;

  /** How often workers re-enqueue due callbacks and webhook events a crash or queue outage left behind. */
  @emptyAsUnset() @toInt() @IsInt() @Min(1) @Max(3600)
  OUTBOX_DISPATCH_INTERVAL_SECONDS = 5;

  @emptyAsUnset() @toInt() @IsInt() @Min(1) @Max(86400)
  WEBHOOK_TOLERANCE_SECONDS = 300;

  @emptyAsUnset() @IsOptional() @IsString() @Matches(/^\s*https?:\/\/[^\s,*/]+\s*(,\s*https?:\/\/[^\s,*/]+\s*)*$/, {
    message: 'CORS_ORIGINS must be comma-separated origins like https://dashboard.example.com (no * and no path)',
  })
  CORS_ORIGINS?: string;

  @emptyAsUnset() @toBool() @IsBoolean()
  TRUST_PROXY = false;

  @emptyAsUnset() @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @emptyAsUnset() @IsString()
  QRIS_MERCHANT_NAME = 'QRIS ORCHESTRATOR';

  @emptyAsUnset() @IsString()
  QRIS_MERCHANT_CITY = 'JAKARTA';

  @emptyAsUnset() @Matches(/^\d{5}$/, { message: 'QRIS_POSTAL_CODE must be 5 digits' })
  QRIS_POSTAL_CODE = '10110';

  @emptyAsUnset() @Matches(/^ID\d{13}$/, { message: 'QRIS_NMID must be ID followed by 13 digits' })
  QRIS_NMID = 'ID1020000000001';

  @emptyAsUnset() @Matches(/^\d{4}$/, { message: 'QRIS_MCC must be 4 digits' })
  QRIS_MCC = '5812';

  @emptyAsUnset() @IsIn(['UMI', 'UKE', 'UME', 'UBE', 'URE'])
  QRIS_MERCHANT_CRITERIA: MerchantCriteria = 'UMI';

  /** Run the job crons (expire, reconcile, janitor) in this process; each tick only enqueues a deduplicated job. */
  @emptyAsUnset() @toBool() @IsBoolean()
  CRON_ENABLED = true;

  /** Cron (Asia/Jakarta) for expiring PENDING payments past expires_at. */
  @emptyAsUnset() @IsCronExpression()
  EXPIRE_CRON = '* * * * *';

  /** Cron (Asia/Jakarta) for reconciling the previous Jakarta day against the provider's settlement. */
  @emptyAsUnset() @IsCronExpression()
  RECONCILE_CRON = '0 1 * * *';

  /** Cron (Asia/Jakarta) for the janitor that asks the provider about PENDING payments older than JANITOR_AFTER_MINUTES. */
  @emptyAsUnset() @IsCronExpression()
  JANITOR_CRON = '*/5 * * * *';

  @emptyAsUnset() @toInt() @IsInt() @Min(1) @Max(1440)
  JANITOR_AFTER_MINUTES = 10;

  /** MDR in percent with at most two decimals (exact basis points); the mock settlement charges it. */
  @emptyAsUnset() @Matches(PERCENT_PATTERN, { message: 'MDR_REGULAR_PERCENT must be a percentage like 0.7 (at most two decimals)' })
  MDR_REGULAR_PERCENT = '0.7';

  @emptyAsUnset() @Matches(PERCENT_PATTERN, { message: 'MDR_UMI_PERCENT must be a percentage like 0.3 (at most two decimals)' })
  MDR_UMI_PERCENT = '0.3';

  /** UMI merchants pay no MDR on a transaction up to and including this amount (whole rupiah). */
  @emptyAsUnset() @toInt() @IsInt() @Min(0)
  MDR_UMI_FREE_UP_TO = 500_000;

  /** Testing only: comma-separated faults the mock settlement injects (drop_one, alter_amount, add_unknown, include_pending). */
  @emptyAsUnset() @IsOptional() @Matches(/^\s*(drop_one|alter_amount|add_unknown|include_pending)(\s*,\s*(drop_one|alter_amount|add_unknown|include_pending))*\s*$/, {
    message: 'MOCK_SETTLEMENT_DISCREPANCIES must be a comma-separated list of drop_one, alter_amount, add_unknown, include_pending',
  })
  MOCK_SETTLEMENT_DISCREPANCIES?: string;

  // --- Provider: DOKU / NICEPAY (BI SNAP). PROVIDER_API_KEY is the SNAP client secret.
  /** SNAP client id (X-CLIENT-KEY of the token call). */
  @emptyAsUnset() @IsOptional() @IsString()
  SNAP_CLIENT_ID?: string;

  /** PEM file of our RSA private key (signs the access-token request). */
  @emptyAsUnset() @IsOptional() @IsString()
  SNAP_PRIVATE_KEY_PATH?: string;

  /** PEM file of the provider's RSA public key (verifies NICEPAY notifications). */
  @emptyAsUnset() @IsOptional() @IsString()
  SNAP_PROVIDER_PUBLIC_KEY_PATH?: string;

  /** merchantId of the generate call (NICEPAY: the iMid). */
  @emptyAsUnset() @IsOptional() @IsString()
  SNAP_MERCHANT_ID?: string;

  /** terminalId (DOKU) / storeId (NICEPAY). */
  @emptyAsUnset() @IsOptional() @IsString()
  SNAP_TERMINAL_ID?: string;

  /** CHANNEL-ID header; default DOKU H2H, NICEPAY clientId + 01. */
  @emptyAsUnset() @IsOptional() @IsString()
  SNAP_CHANNEL_ID?: string;

  /** X-PARTNER-ID header; default DOKU the client id, NICEPAY the merchant id (iMid). */
  @emptyAsUnset() @IsOptional() @IsString()
  SNAP_PARTNER_ID?: string;

  /** Production base URL instead of the sandbox one (PROVIDER_BASE_URL overrides both). */
  @emptyAsUnset() @toBool() @IsBoolean()
  SNAP_PRODUCTION = false;

  /** DOKU: the bearer token DOKU must present on notifications (issued to DOKU out of band). */
  @emptyAsUnset() @IsOptional() @IsString()
  SNAP_NOTIFY_TOKEN?: string;

  /** DOKU: the path DOKU signs for its notification (our route as DOKU calls it). */
  @emptyAsUnset() @Matches(/^\/\S*$/, { message: 'SNAP_NOTIFY_PATH must be a path starting with /' })
  SNAP_NOTIFY_PATH = '/webhooks/qris';

  /** NICEPAY: dbProcessUrl/callBackUrl sent with each QR (our public POST /webhooks/qris URL). */
  @emptyAsUnset() @IsOptional() @Matches(/^https?:\/\/.+/, { message: 'SNAP_NOTIFY_URL must be an http(s) URL' })
  SNAP_NOTIFY_URL?: string;

  /** NICEPAY: mitraCd of the QRIS acquirer. */
  @emptyAsUnset() @IsOptional() @IsString()
  SNAP_NICEPAY_MITRA_CD?: string;

  /** Folder of settlement exports, one <YYYY-MM-DD>.csv per Jakarta day (neither provider has a settlement API). */
  @emptyAsUnset() @IsOptional() @IsString()
  SNAP_SETTLEMENT_DIR?: string;

  /** Whole exchange of one SNAP call, milliseconds. */
  @emptyAsUnset() @toInt() @IsInt() @Min(1000) @Max(120_000)
  SNAP_TIMEOUT_MS = 15_000;

  // --- Provider: Midtrans (Core API QRIS). PROVIDER_API_KEY is the server key (API auth and notification signature).
  /** true: https://api.midtrans.com; false: https://api.sandbox.midtrans.com. PROVIDER_BASE_URL overrides both. */
  @emptyAsUnset() @toBool() @IsBoolean()
  MIDTRANS_PRODUCTION = false;

  /** QRIS acquirer of the charge. */
  @emptyAsUnset() @IsIn(['gopay', 'airpay shopee'])
  MIDTRANS_QRIS_ACQUIRER: 'gopay' | 'airpay shopee' = 'gopay';

  /** Folder of dashboard transaction exports, one <YYYY-MM-DD>.csv per Jakarta day (Midtrans has no settlement API). */
  @emptyAsUnset() @IsOptional() @IsString()
  MIDTRANS_SETTLEMENT_DIR?: string;

  /** Whole exchange of one Midtrans call, milliseconds. */
  @emptyAsUnset() @toInt() @IsInt() @Min(1000) @Max(120_000)
  MIDTRANS_TIMEOUT_MS = 10_000;

  // --- Provider: Xendit (QR Codes API). PROVIDER_API_KEY is the secret key, PROVIDER_WEBHOOK_SECRET the callback token.
  /** Whole exchange of one Xendit call, milliseconds. */
  @emptyAsUnset() @toInt() @IsInt() @Min(1000) @Max(120_000)
  XENDIT_TIMEOUT_MS = 10_000;
}


export class EnvValidationError extends Error {}

/** Validates and normalises raw environment variables; throws naming each offending variable. */
export function validateEnv(raw: Record<string, unknown>): Env {
  // Dropped before the transform so that `PORT=` falls back to the default rather than to undefined.
  const present = Object.fromEntries(Object.entries(raw).filter(([, value]) => !(typeof value === 'string' && value.trim() === '')));
  const env = plainToInstance(Env, present, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}=${JSON.stringify(e.value ?? '')}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new EnvValidationError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  assertProductionSafe(env, raw.NODE_ENV);
  return env;
}

const EXAMPLE_SECRET = /^(dev-.*|.*change-?me.*|example.*|secret|test|password)$/i;

function assertProductionSafe(env: Env, nodeEnv: unknown): void {
  if (nodeEnv !== 'production') return;
  const problems: string[] = [];
  const secrets: Array<keyof Env> = ['PROVIDER_WEBHOOK_SECRET', 'CALLBACK_SIGNING_KEY'];
  for (const name of secrets) {
    const value = env[name] as string | undefined;
    if (!value || EXAMPLE_SECRET.test(value) || value.length < 16) problems.push(`  ${name}: must be a real secret of 16+ characters in production`);
  }
  const merchantKeys = (env.MERCHANT_API_KEYS ?? '').split(',').map((key) => key.trim()).filter(Boolean);
  if (merchantKeys.length === 0) problems.push('  MERCHANT_API_KEYS: required in production');
  else if (merchantKeys.some((key) => EXAMPLE_SECRET.test(key) || key.length < 16))
    problems.push('  MERCHANT_API_KEYS: every key must be a real secret of 16+ characters in production');
  if (env.ADMIN_API_KEY !== undefined && (EXAMPLE_SECRET.test(env.ADMIN_API_KEY) || env.ADMIN_API_KEY.length < 16))
    problems.push('  ADMIN_API_KEY: must be a real secret of 16+ characters in production (or empty to disable admin)');
  if (problems.length > 0) throw new EnvValidationError(`Refusing to boot in production:\n${problems.join('\n')}`);
}
