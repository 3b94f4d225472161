import { EnvValidationError, validateEnv } from './env';

const realSecrets = {
  PROVIDER_WEBHOOK_SECRET: 'whsec_9f8e7d6c5b4a3928',
  CALLBACK_SIGNING_KEY: 'cbk_1a2b3c4d5e6f7a8b',
  MERCHANT_API_KEYS: 'mk_live_0123456789abcdef',
};

function errorOf(raw: Record<string, string>): string {
  try {
    validateEnv(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvValidationError);
    return (error as Error).message;
  }
  throw new Error('expected validateEnv to throw');
}

describe('validateEnv', () => {
  it('gives every default with an empty environment', () => {
    const env = validateEnv({});
    expect(env).toMatchObject({
      PORT: 9000,
      RATE_LIMIT_MAX: 10,
      RATE_LIMIT_WINDOW_SECONDS: 60,
      WEBHOOK_RATE_LIMIT_MAX: 600,
      WEBHOOK_RATE_LIMIT_WINDOW_SECONDS: 60,
      RATE_LIMIT_REDIS_PREFIX: 'qris:ratelimit:',
      REQUEST_TIMEOUT_MS: 30000,
      SHUTDOWN_TIMEOUT_MS: 25000,
      TRUST_PROXY: false,
      LOG_LEVEL: 'info',
      DB_POOL_SIZE: 20,
    });
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.MERCHANT_API_KEYS).toBeUndefined();
  });

  it('treats an empty string as unset', () => {
    const env = validateEnv({ REDIS_URL: '', PORT: ' ', MERCHANT_API_KEYS: '', CORS_ORIGINS: '', TRUST_PROXY: '' });
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.PORT).toBe(9000);
    expect(env.MERCHANT_API_KEYS).toBeUndefined();
    expect(env.TRUST_PROXY).toBe(false);
  });

  it('converts numbers and booleans', () => {
    expect(validateEnv({ RATE_LIMIT_MAX: '25', TRUST_PROXY: 'true', DB_POOL_SIZE: '6' })).toMatchObject({
      RATE_LIMIT_MAX: 25,
      TRUST_PROXY: true,
      DB_POOL_SIZE: 6,
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['RATE_LIMIT_MAX', '0'],
    ['WEBHOOK_RATE_LIMIT_MAX', '-1'],
    ['REQUEST_TIMEOUT_MS', '10'],
    ['REDIS_URL', 'http://localhost:6379'],
    ['DB_URL', 'oracle://x'],
    ['DB_POOL_SIZE', '0'],
    ['DB_POOL_SIZE', '2.5'],
    ['TRUST_PROXY', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['CORS_ORIGINS', '*'],
    ['CORS_ORIGINS', 'https://a.example.com/path'],
    ['RATE_LIMIT_REDIS_PREFIX', 'has space'],
  ])('names %s when it is %j', (name, value) => {
    const message = errorOf({ [name]: value });
    expect(message).toContain(`${name}=`);
  });

  it('accepts a list of CORS origins', () => {
    expect(validateEnv({ CORS_ORIGINS: 'https://a.example.com, http://localhost:3000' }).CORS_ORIGINS).toBeDefined();
  });

  describe('in production', () => {
    const production = (extra: Record<string, string>) => ({ NODE_ENV: 'production', ...realSecrets, ...extra });

    it('boots with real secrets and merchant keys', () => {
      expect(() => validateEnv(production({}))).not.toThrow();
    });

    it.each([
      ['PROVIDER_WEBHOOK_SECRET', ''],
      ['PROVIDER_WEBHOOK_SECRET', 'dev-webhook-secret'],
      ['CALLBACK_SIGNING_KEY', 'changeme-changeme-123'],
      ['CALLBACK_SIGNING_KEY', 'short'],
      ['MERCHANT_API_KEYS', ''],
      ['MERCHANT_API_KEYS', ' , '],
      ['MERCHANT_API_KEYS', 'mk_live_0123456789abcdef,test'],
      ['ADMIN_API_KEY', 'secret'],
    ])('refuses %s=%j', (name, value) => {
      const message = errorOf(production({ [name]: value }));
      expect(message).toMatch(/Refusing to boot in production/);
      expect(message).toContain(name);
    });
  });
});
