import { ProviderError } from '../provider.errors';
import { assertProviderQr } from '../provider-qr';
import { CreateQrRequest, CreatedQr, ParsedWebhook, ProviderStatus, QrisProvider, SettlementRow, WebhookRequest } from '../qris-provider';
import { ProviderLogger, silentProviderLogger } from '../http/provider-http';
import { XenditClient } from './xendit.client';
import { latestPaymentStatus, parseXenditTime, toQrCodeRequest, toSettlementRow, transactionsQuery } from './xendit.mapping';
import { parseXenditWebhook } from './xendit.webhook';

export interface XenditSettings {
  secretKey: string;
  callbackToken: string;
  baseUrl: string;
  timeoutMs: number;
  toleranceSeconds: number;
  log?: ProviderLogger;
}

/** Pages of GET /transactions read for one day at most (50 each): a runaway has_more cannot loop forever. */
const MAX_PAGES = 400;

/** Xendit QR Codes API (providers.md §3). */
export class XenditProvider implements QrisProvider {
  readonly name = 'xendit';
  private readonly client: XenditClient;

  constructor(private readonly settings: XenditSettings) {
    this.client = new XenditClient({ secretKey: settings.secretKey, baseUrl: settings.baseUrl, timeoutMs: settings.timeoutMs, log: settings.log ?? silentProviderLogger });
  }

  async createDynamicQR(request: CreateQrRequest): Promise<CreatedQr> {
    const answer = await this.client.createQrCode(toQrCodeRequest(request));
    if (typeof answer.id !== 'string' || answer.id.length === 0 || answer.id.length > 128) {
      throw new ProviderError('indeterminate', 'xendit answered without a QR code id');
    }
    if (answer.reference_id !== undefined && answer.reference_id !== request.paymentId) {
      throw new ProviderError('rejected', 'xendit answered for another reference_id');
    }
    const qrString = assertProviderQr(this.name, answer.qr_string, request.amount);
    return { qrString, trxId: answer.id, expiresAt: parseXenditTime(answer.expires_at) ?? request.expiresAt };
  }

  parseWebhook(request: WebhookRequest): ParsedWebhook {
    return parseXenditWebhook(request, { callbackToken: this.settings.callbackToken, toleranceSeconds: this.settings.toleranceSeconds });
  }

  async queryStatus(trxId: string): Promise<ProviderStatus> {
    const page = await this.client.qrPayments(trxId);
    return latestPaymentStatus(Array.isArray(page.data) ? page.data : []);
  }

  async fetchSettlement(date: string): Promise<SettlementRow[]> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new ProviderError('invalid_request', `not a date: ${date}`);
    const rows: SettlementRow[] = [];
    let afterId: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await this.client.transactions(transactionsQuery(date, afterId));
      const data = Array.isArray(answer.data) ? answer.data : [];
      for (const tx of data) {
        let row;
        try {
          row = toSettlementRow(tx, date);
        } catch (error) {
          throw new ProviderError('invalid_request', `xendit transactions: ${(error as Error).message}`);
        }
        if (row) rows.push(row);
      }
      const last = data[data.length - 1]?.id;
      if (!answer.has_more || !last) return rows;
      afterId = last;
    }
    throw new ProviderError('unavailable', `xendit transactions for ${date}: more than ${MAX_PAGES} pages`);
  }
}
