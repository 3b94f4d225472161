import { KeyObject } from 'node:crypto';
import { parseQris } from '../../qris/qris-codec';
import { ProviderLogger } from '../http/provider-http';
import { ProviderError } from '../provider.errors';
import { CreateQrRequest, CreatedQr, ParsedWebhook, ProviderStatus, QrisProvider, SettlementRow, WebhookRequest } from '../qris-provider';
import { ConfirmsByStatusQuery } from '../status-confirmation';
import { SnapClient, SnapProviderError } from './snap.client';
import { fromSnapAmount, mapSnapStatus, parseSnapTime, toSnapAmount } from './snap.mapping';
import { SnapAccount, SnapProfile } from './snap.profile';
import { readSettlementCsv } from './snap.settlement';
import { SnapNotifyVerification, parseSnapWebhook } from './snap.webhook';
import { snapTimestamp } from './snap-signature';

export interface SnapProviderSettings {
  profile: SnapProfile;
  account: SnapAccount;
  /** PROVIDER_BASE_URL, else the profile's sandbox or production URL. */
  baseUrl: string;
  privateKey: string | KeyObject;
  /** NICEPAY: their public key for notifications. */
  providerPublicKey?: string | KeyObject;
  /** DOKU: the bearer token we issued to DOKU for notifications (SNAP_NOTIFY_TOKEN). */
  notifyToken?: string;
  /** DOKU: the path DOKU signs for its notification (our route as DOKU calls it). */
  notifyPath: string;
  toleranceSeconds: number;
  timeoutMs: number;
  settlementDir?: string;
  now?: () => Date;
  log?: ProviderLogger;
}

/** Case 01 of a query's 404 (4045101): the provider has no such transaction. */
const NOT_FOUND = /^404\d{2}01$/;

/** BI SNAP QRIS MPM for DOKU and NICEPAY; the profile carries what differs between them. */
export class SnapQrisProvider implements QrisProvider, ConfirmsByStatusQuery {
  readonly name: string;
  readonly confirmsByStatusQuery: boolean;
  private readonly client: SnapClient;
  private readonly verification: SnapNotifyVerification;

  constructor(private readonly settings: SnapProviderSettings) {
    const { profile, account } = settings;
    this.name = profile.name;
    this.confirmsByStatusQuery = profile.confirmsByStatusQuery;
    this.client = new SnapClient({
      profile,
      account,
      baseUrl: settings.baseUrl,
      privateKey: settings.privateKey,
      timeoutMs: settings.timeoutMs,
      now: settings.now,
      log: settings.log,
    });
    this.verification =
      profile.notifyScheme === 'hmac'
        ? { scheme: 'hmac', clientSecret: account.clientSecret, notifyPath: settings.notifyPath, token: settings.notifyToken }
        : { scheme: 'rsa-client-id', publicKey: settings.providerPublicKey, clientId: account.clientId };
  }

  async createDynamicQR(request: CreateQrRequest): Promise<CreatedQr> {
    const { profile, account } = this.settings;
    const { additionalInfo, ...terminal } = profile.generateExtras(account, request);
    const body: Record<string, unknown> = {
      partnerReferenceNo: request.paymentId,
      amount: toSnapAmount(request.amount),
      merchantId: account.merchantId,
      ...terminal,
      validityPeriod: snapTimestamp(request.expiresAt),
      ...(additionalInfo === undefined ? {} : { additionalInfo }),
    };
    const response = await this.client.post(profile.generatePath, body, '47');

    const trxId = response.referenceNo;
    if (typeof trxId !== 'string' || trxId === '' || trxId.length > 128) {
      throw new ProviderError('indeterminate', `${profile.name} generate answered without a usable referenceNo`);
    }
    if (response.partnerReferenceNo !== undefined && response.partnerReferenceNo !== request.paymentId) {
      throw new ProviderError('indeterminate', `${profile.name} generate answered for another partnerReferenceNo`);
    }
    // The QR exists at the provider, but one we cannot show or that asks for another amount is never
    // handed to a customer: the payment stays CREATED (indeterminate) rather than PENDING with a bad QR.
    const qrString = response.qrContent;
    if (typeof qrString !== 'string') throw new ProviderError('indeterminate', `${profile.name} generate answered without qrContent`);
    let parsed;
    try {
      parsed = parseQris(qrString);
    } catch (error) {
      throw new ProviderError('indeterminate', `${profile.name} qrContent is not a valid QRIS payload: ${(error as Error).message}`);
    }
    if (parsed.initiation !== 'dynamic' || parsed.amountRupiah !== request.amount) {
      throw new ProviderError('indeterminate', `${profile.name} qrContent is not a dynamic QR for Rp ${request.amount}`);
    }
    const expiresAt = parseSnapTime(response.validityPeriod) ?? request.expiresAt;
    return { qrString, trxId, expiresAt };
  }

  parseWebhook(request: WebhookRequest): ParsedWebhook {
    return parseSnapWebhook(request, { verification: this.verification, toleranceSeconds: this.settings.toleranceSeconds });
  }

  fetchSettlement(date: string): Promise<SettlementRow[]> {
    return readSettlementCsv(this.settings.settlementDir, date, this.name);
  }

  async queryStatus(trxId: string): Promise<ProviderStatus> {
    const { profile, account } = this.settings;
    const body = { originalReferenceNo: trxId, serviceCode: '47', merchantId: account.merchantId };
    let response;
    try {
      response = await this.client.post(profile.queryPath, body, '51');
    } catch (error) {
      // "Not found" is an answer (status 07), not a failure: PENDING, and the expire job ends it.
      if (error instanceof SnapProviderError && error.responseCode && NOT_FOUND.test(error.responseCode)) {
        return { status: 'PENDING', refNo: null, paidAt: null, amount: null };
      }
      throw error;
    }
    if (response.originalReferenceNo !== undefined && response.originalReferenceNo !== trxId) {
      throw new ProviderError('indeterminate', `${profile.name} query answered for another transaction`);
    }
    const status = mapSnapStatus(response.latestTransactionStatus);
    const info = response.additionalInfo && typeof response.additionalInfo === 'object' ? (response.additionalInfo as Record<string, unknown>) : {};
    const rrn = typeof info.rrn === 'string' && info.rrn !== '' ? info.rrn : null;
    return {
      status,
      refNo: rrn,
      paidAt: status === 'PAID' ? parseSnapTime(response.paidTime) : null,
      amount: fromSnapAmount(response.amount),
    };
  }
}
