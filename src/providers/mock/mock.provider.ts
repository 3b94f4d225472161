import { pooledRandomBytes } from '../../common/ids/random-pool';
import { DynamicQrisInput, DynamicQrisPayment, dynamicQrisBuilder } from '../../qris/qris-codec';
import { ProviderError } from '../provider.errors';
import { CreateQrRequest, CreatedQr, ParsedWebhook, QrisProvider, SettlementRow, WebhookRequest } from '../qris-provider';
import { MockWebhookSettings, parseMockWebhook } from './mock.webhook';
import { MockSettlementOptions, buildMockSettlement } from './mock.settlement';

/** The merchant printed in the mock's QR (from QRIS_* variables). */
export type MockMerchantSettings = Pick<
  DynamicQrisInput,
  'merchantName' | 'merchantCity' | 'postalCode' | 'nmid' | 'mcc' | 'merchantCriteria'
>;

/**
 * Test-mode order ids, like a card network's test card numbers: an order id containing
 * MOCK_PROVIDER_DOWN always fails with "unavailable"; MOCK_PROVIDER_FLAKY fails the first attempt per
 * process and then succeeds, to exercise the CREATED retry path over plain HTTP.
 */
const ALWAYS_DOWN = 'MOCK_PROVIDER_DOWN';
const FAILS_ONCE = 'MOCK_PROVIDER_FLAKY';

/** The default provider: issues real, scannable dynamic QRIS payloads and verifies HMAC-signed webhooks. */
export class QrisProviderMock implements QrisProvider {
  readonly name = 'mock';
  private readonly flakyOrdersSeen = new Set<string>();
  /** The merchant's part of every QR, checked and encoded once. */
  private readonly buildQr: (payment: DynamicQrisPayment) => string;

  constructor(
    merchant: MockMerchantSettings,
    private readonly webhook: MockWebhookSettings,
    /** Without it (unit tests of other parts) fetchSettlement reports the feed as unavailable. */
    private readonly settlement?: MockSettlementOptions,
  ) {
    this.buildQr = dynamicQrisBuilder({
      ...merchant,
      acquirer: { globalId: 'ID.CO.MOCKQRIS.WWW', merchantPan: '9360099900000000001', merchantId: 'MOCK00000000001' },
    });
  }

  async createDynamicQR(request: CreateQrRequest): Promise<CreatedQr> {
    this.simulateOutage(request.orderId);
    const trxId = `QRIS${pooledRandomBytes(10).toString('hex').toUpperCase()}`;
    const qrString = this.buildQr({
      amount: request.amount,
      referenceLabel: trxId,
      billNumber: request.orderId.length <= 25 ? request.orderId : undefined,
    });
    return { qrString, trxId, expiresAt: request.expiresAt };
  }

  parseWebhook(request: WebhookRequest): ParsedWebhook {
    return parseMockWebhook(request, this.webhook);
  }

  async fetchSettlement(date: string): Promise<SettlementRow[]> {
    if (!this.settlement) throw new ProviderError('unavailable', 'the mock settlement feed has no source configured');
    return buildMockSettlement(this.name, date, this.settlement);
  }

  private simulateOutage(orderId: string): void {
    if (orderId.includes(ALWAYS_DOWN)) throw new ProviderError('unavailable', 'mock provider is down (test order id)');
    if (orderId.includes(FAILS_ONCE) && !this.flakyOrdersSeen.has(orderId)) {
      this.flakyOrdersSeen.add(orderId);
      throw new ProviderError('unavailable', 'mock provider failed once (test order id)');
    }
  }
}
