import { createHmac, generateKeyPairSync, KeyObject } from 'node:crypto';
import { buildDynamicQris } from '../../qris/qris-codec';
import { ProviderLogger } from '../http/provider-http';
import { WebhookRequest } from '../qris-provider';
import { FakeProviderServer } from '../testing/fake-provider-server';
import { DOKU_PROFILE, NICEPAY_PROFILE, SnapProfile } from './snap.profile';
import { SnapQrisProvider } from './snap.provider';
import { snapBodyHash, snapTimestamp, tokenSignature } from './snap-signature';

/** Test helpers for the SNAP adapter (unit specs, contract, e2e): throwaway keys, a fake SNAP host, signed notifications. */

export const CLIENT_ID = 'TEST-CLIENT-ID-0001';
export const CLIENT_SECRET = 'test-snap-client-secret-6f1c2a';
export const MERCHANT_ID = 'CTH000000012345';
export const TERMINAL_ID = 'KASIR01';
export const NOTIFY_PATH = '/webhooks/qris';
export const ACCESS_TOKEN = 'fake-access-token-9b8c7d6e5f';
export const NOTIFY_TOKEN = 'notify-token-issued-to-doku-31415';

export interface TestKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function rsaKeys(): TestKeys {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

export function buildTestProvider(
  profile: SnapProfile,
  options: { baseUrl: string; ourKeys: TestKeys; providerKeys?: TestKeys; timeoutMs?: number; log?: ProviderLogger; notifyToken?: string; settlementDir?: string },
): SnapQrisProvider {
  return new SnapQrisProvider({
    profile,
    account: {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      merchantId: MERCHANT_ID,
      terminalId: TERMINAL_ID,
      merchantName: 'TOKO CONTOH',
      notifyUrl: 'https://pay.example.com/webhooks/qris',
    },
    baseUrl: options.baseUrl,
    privateKey: options.ourKeys.privateKey,
    providerPublicKey: options.providerKeys?.publicKey,
    notifyToken: options.notifyToken,
    notifyPath: NOTIFY_PATH,
    toleranceSeconds: 300,
    timeoutMs: options.timeoutMs ?? 2000,
    settlementDir: options.settlementDir,
    log: options.log,
  });
}

/** A dynamic QRIS for an amount, as a SNAP host would return in qrContent. */
export function qrFor(amount: number, reference = 'A1SNAPTEST0001'): string {
  return buildDynamicQris({
    merchantName: 'TOKO CONTOH',
    merchantCity: 'JAKARTA',
    postalCode: '10110',
    nmid: 'ID1020000000001',
    mcc: '5812',
    merchantCriteria: 'UMI',
    acquirer: { globalId: 'ID.CO.CONTOH.WWW', merchantPan: '9360099912345678901', merchantId: MERCHANT_ID },
    amount,
    referenceLabel: reference,
  });
}

/** Routes a fake SNAP host: token and generate (echoing partnerReferenceNo, a QR for the requested amount). */
export function stubSnapHost(server: FakeProviderServer, profile: SnapProfile, trxId = 'A1SNAPTEST0001'): void {
  server.on('POST', profile.tokenPath, { status: 200, body: { responseCode: '2007300', responseMessage: 'Successful', accessToken: ACCESS_TOKEN, tokenType: 'Bearer', expiresIn: '900' } });
  server.on('POST', profile.generatePath, (request) => ({
    status: 200,
    body: {
      responseCode: '2004700',
      responseMessage: 'Successful',
      referenceNo: trxId,
      partnerReferenceNo: request.json?.partnerReferenceNo,
      qrContent: qrFor(Number(String(request.json?.amount?.value).split('.')[0]), trxId),
    },
  }));
}

export interface NotifyOptions {
  at?: Date;
  secret?: string;
  token?: string;
  externalId?: string;
  omit?: string[];
  /** NICEPAY: sign with this key (the provider's private key). */
  providerKey?: KeyObject;
}

export function notifyBody(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    originalReferenceNo: 'A1SNAPTEST0001',
    originalPartnerReferenceNo: '0199a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b',
    latestTransactionStatus: '00',
    transactionStatusDesc: 'Success',
    amount: { value: '275000.00', currency: 'IDR' },
    additionalInfo: { rrn: '414210123456' },
    ...fields,
  });
}

/** A DOKU-style notification: HMAC-SHA512 over POST:path:token:bodyhash:timestamp. */
export function dokuNotification(raw: string, now: Date, options: NotifyOptions = {}): WebhookRequest {
  const timestamp = snapTimestamp(options.at ?? now);
  const token = options.token ?? NOTIFY_TOKEN;
  const stringToSign = `POST:${NOTIFY_PATH}:${token}:${snapBodyHash(raw)}:${timestamp}`;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: `Bearer ${token}`,
    'x-timestamp': timestamp,
    'x-signature': createHmac('sha512', options.secret ?? CLIENT_SECRET).update(stringToSign).digest('base64'),
    'x-partner-id': CLIENT_ID,
    'x-external-id': options.externalId ?? '41421012345600001',
    'channel-id': 'H2H',
  };
  for (const name of options.omit ?? []) delete headers[name];
  return { rawBody: Buffer.from(raw, 'utf8'), headers, receivedAt: now };
}

/** A NICEPAY-style notification: RSA-SHA256 over clientId|timestamp with the provider's key. */
export function nicepayNotification(raw: string, now: Date, providerKey: KeyObject, options: NotifyOptions = {}): WebhookRequest {
  const timestamp = snapTimestamp(options.at ?? now);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-timestamp': timestamp,
    'x-signature': tokenSignature(options.providerKey ?? providerKey, CLIENT_ID, timestamp),
    'x-partner-id': MERCHANT_ID,
    'x-external-id': options.externalId ?? '41421012345600001',
    'channel-id': `${CLIENT_ID}01`,
  };
  for (const name of options.omit ?? []) delete headers[name];
  return { rawBody: Buffer.from(raw, 'utf8'), headers, receivedAt: now };
}

export { DOKU_PROFILE, NICEPAY_PROFILE };
