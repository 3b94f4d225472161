import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProviderError } from '../provider.errors';
import { assertProviderQr } from '../provider-qr';
import { CreateQrRequest, CreatedQr, ParsedWebhook, ProviderStatus, QrisProvider, SettlementRow, WebhookRequest } from '../qris-provider';
import { ProviderLogger, silentProviderLogger } from '../http/provider-http';
import { MidtransClient } from './midtrans.client';
import { MidtransAcquirer, mapMidtransStatus, midtransAmount, midtransRefNo, parseMidtransTime, toChargeRequest } from './midtrans.mapping';
import { MidtransSettlementFileError, parseMidtransSettlementCsv } from './midtrans.settlement';
import { parseMidtransWebhook } from './midtrans.webhook';

export interface MidtransSettings {
  /** Server key: API auth and the notification signature. */
  serverKey: string;
  baseUrl: string;
  acquirer: MidtransAcquirer;
  timeoutMs: number;
  /** Folder of dashboard exports named <YYYY-MM-DD>.csv; unset: fetchSettlement is unavailable. */
  settlementDir?: string;
  log?: ProviderLogger;
  now?: () => Date;
}

/** Midtrans Core API QRIS (providers.md §2). */
export class MidtransProvider implements QrisProvider {
  readonly name = 'midtrans';
  private readonly client: MidtransClient;
  private readonly now: () => Date;

  constructor(private readonly settings: MidtransSettings) {
    this.client = new MidtransClient({ serverKey: settings.serverKey, baseUrl: settings.baseUrl, timeoutMs: settings.timeoutMs, log: settings.log ?? silentProviderLogger });
    this.now = settings.now ?? (() => new Date());
  }

  async createDynamicQR(request: CreateQrRequest): Promise<CreatedQr> {
    const answer = await this.client.charge(toChargeRequest(request, this.settings.acquirer, this.now()));
    if (typeof answer.transaction_id !== 'string' || answer.transaction_id.length === 0 || answer.transaction_id.length > 128) {
      throw new ProviderError('indeterminate', 'midtrans charge answered without a transaction_id');
    }
    if (answer.order_id !== undefined && answer.order_id !== request.paymentId) {
      throw new ProviderError('rejected', 'midtrans charge answered for another order_id');
    }
    const qrString = assertProviderQr(this.name, answer.qr_string, request.amount);
    return { qrString, trxId: answer.transaction_id, expiresAt: parseMidtransTime(answer.expiry_time) ?? request.expiresAt };
  }

  parseWebhook(request: WebhookRequest): ParsedWebhook {
    return parseMidtransWebhook(request, this.settings.serverKey, request.receivedAt);
  }

  async queryStatus(trxId: string): Promise<ProviderStatus> {
    const answer = await this.client.status(trxId);
    const status = mapMidtransStatus(answer.transaction_status, answer.fraud_status);
    return {
      status,
      refNo: midtransRefNo(answer as Record<string, unknown>),
      paidAt: status === 'PAID' ? parseMidtransTime(answer.settlement_time) : null,
      amount: midtransAmount(answer.gross_amount),
    };
  }

  /** Reads MIDTRANS_SETTLEMENT_DIR/<date>.csv (midtrans.settlement.ts documents the columns). */
  async fetchSettlement(date: string): Promise<SettlementRow[]> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new ProviderError('invalid_request', `not a date: ${date}`);
    if (!this.settings.settlementDir) throw new ProviderError('unavailable', 'midtrans has no settlement API and MIDTRANS_SETTLEMENT_DIR is not set');
    const file = join(this.settings.settlementDir, `${date}.csv`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new ProviderError('unavailable', `midtrans settlement export for ${date} not found (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
    try {
      return parseMidtransSettlementCsv(text, date, `midtrans-${date}.csv`);
    } catch (error) {
      if (error instanceof MidtransSettlementFileError) throw new ProviderError('invalid_request', error.message);
      throw error;
    }
  }
}
