import { Logger } from '@nestjs/common';
import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Env } from '../../config/env';
import { snapProfile } from './snap.profile';
import { SnapQrisProvider } from './snap.provider';

/** Builds the DOKU or NICEPAY adapter from the environment; a missing credential stops the boot naming it. */
export function createSnapProvider(env: Env, now?: () => Date): SnapQrisProvider {
  const profile = snapProfile(env.PROVIDER);
  const missing: string[] = [];
  const need = (name: keyof Env): string => {
    const value = env[name];
    if (typeof value !== 'string' || value.trim() === '') {
      missing.push(name);
      return '';
    }
    return value.trim();
  };
  const clientId = need('SNAP_CLIENT_ID');
  const clientSecret = need('PROVIDER_API_KEY');
  const merchantId = need('SNAP_MERCHANT_ID');
  const terminalId = need('SNAP_TERMINAL_ID');
  const privateKeyPath = need('SNAP_PRIVATE_KEY_PATH');
  const publicKeyPath = profile.notifyScheme === 'rsa-client-id' ? need('SNAP_PROVIDER_PUBLIC_KEY_PATH') : undefined;
  if (missing.length > 0) throw new Error(`PROVIDER=${profile.name} needs ${missing.join(', ')}`);

  const logger = new Logger(`SnapClient:${profile.name}`);
  return new SnapQrisProvider({
    profile,
    account: {
      clientId,
      clientSecret,
      merchantId,
      terminalId,
      partnerId: env.SNAP_PARTNER_ID,
      channelId: env.SNAP_CHANNEL_ID,
      merchantName: env.QRIS_MERCHANT_NAME,
      notifyUrl: env.SNAP_NOTIFY_URL,
      mitraCd: env.SNAP_NICEPAY_MITRA_CD,
    },
    baseUrl: env.PROVIDER_BASE_URL ?? (env.SNAP_PRODUCTION ? profile.productionBaseUrl : profile.sandboxBaseUrl),
    privateKey: readKey(privateKeyPath, 'SNAP_PRIVATE_KEY_PATH', createPrivateKey),
    providerPublicKey: publicKeyPath ? readKey(publicKeyPath, 'SNAP_PROVIDER_PUBLIC_KEY_PATH', createPublicKey) : undefined,
    notifyToken: env.SNAP_NOTIFY_TOKEN,
    notifyPath: env.SNAP_NOTIFY_PATH,
    toleranceSeconds: env.WEBHOOK_TOLERANCE_SECONDS,
    timeoutMs: env.SNAP_TIMEOUT_MS,
    settlementDir: env.SNAP_SETTLEMENT_DIR,
    now,
    log: (entry) => logger.log(entry),
  });
}

function readKey(path: string, variable: string, load: (pem: string) => KeyObject): KeyObject {
  try {
    return load(readFileSync(path, 'utf8'));
  } catch (error) {
    // The message names the variable and the failure, never the key material.
    throw new Error(`${variable}: cannot load a PEM key from ${path} (${(error as NodeJS.ErrnoException).code ?? 'invalid PEM'})`);
  }
}
