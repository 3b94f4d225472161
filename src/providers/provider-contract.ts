/// <reference types="jest" />
/**
 * The one contract every QRIS adapter passes, the mock included (STYLE.md "One contract suite"). An
 * adapter's spec calls `runProviderContract('midtrans', setup)`; the setup knows the provider's wire
 * format (fixtures, how to sign), the suite knows what every adapter must guarantee:
 *
 * - create returns a QR and a provider reference, and sends our id as the provider's reference
 *   (asserted on the OUTGOING request: path, auth header, body fields);
 * - every status fixture maps to its normalized status; an unknown status never maps to PAID;
 * - the verifier accepts a signed fixture (as Buffer and as the same bytes re-read) and rejects a
 *   tampered body, a wrong secret, a missing header, and a stale timestamp where the scheme has one;
 * - timeouts, dropped connections and 5xx map to indeterminate, a refused connection to unavailable,
 *   401 to auth, 4xx to invalid_request/rejected;
 * - the exchange's logs contain no secret and no Authorization value.
 *
 * HTTP adapters get a fresh FakeProviderServer per test (src/providers/testing/fake-provider-server.ts).
 */
import { ProviderError, WebhookRejectedError } from './provider.errors';
import { CreateQrRequest, CreatedQr, ProviderPaymentStatus, QrisProvider, WebhookRequest } from './qris-provider';
import { FakeProviderServer, FakeResponse, RecordedRequest } from './testing/fake-provider-server';
import type { ProviderLogger } from './http/provider-http';

export interface ContractContext {
  /** The fake's base URL (HTTP adapters), or a closed port for the "refused" test. */
  baseUrl: string;
  /** Collects the adapter client's log entries; the suite checks them for secrets. */
  log: ProviderLogger;
  /** A short client timeout so the timeout test is fast. */
  timeoutMs: number;
}

export interface StatusFixture {
  label: string;
  /** A correctly signed notification carrying this provider status. */
  request(now: Date): WebhookRequest;
  expected: ProviderPaymentStatus;
}

export interface HttpContract {
  /** Values that must never appear in a log line (API keys, webhook secrets). */
  secrets: string[];
  /** Canned create answer(s) on the fake; return what createDynamicQR should then report. */
  stubCreate(server: FakeProviderServer, input: CreateQrRequest): { qrString: string; trxId: string };
  /** The create call's route, for error injection. */
  createRoute: { method: string; path: string };
  /** Asserts on the outgoing create request: path, auth header, our id as the provider's reference, amount. */
  assertCreateRequest(request: RecordedRequest, input: CreateQrRequest): void;
  /** The provider's error answer for an HTTP status (its body shape; the status may also be in the body). */
  errorResponse(status: number): FakeResponse;
}

export interface WebhookContract {
  signed(now: Date): WebhookRequest;
  /** The signed fixture with its body changed after signing. */
  tampered(now: Date): WebhookRequest;
  /** Signed with another secret. */
  wrongSecret(now: Date): WebhookRequest;
  /** Without the signature/token header (or field, where the provider signs inside the body). */
  missingSignature(now: Date): WebhookRequest;
  /** Signed, but with a timestamp outside the tolerance; absent where the scheme has no timestamp. */
  stale?(now: Date): WebhookRequest;
  /** Signed, with a status value the adapter has never seen. */
  unknownStatus(now: Date): WebhookRequest;
}

export interface ProviderContractSetup {
  build(ctx: ContractContext): QrisProvider;
  /** Absent for in-process adapters (mock): the transport tests then do not apply. */
  http?: HttpContract;
  webhook: WebhookContract;
  statuses: StatusFixture[];
  /** Extra checks on what create returned (e.g. the mock prints our order id into the QR). */
  assertCreated?(created: CreatedQr, input: CreateQrRequest): void;
  /** Fixed "now" for webhook checks (default 2025-10-26T04:45:00Z). */
  now?: Date;
}

const TIMEOUT_MS = 300;

export function contractCreateInput(): CreateQrRequest {
  return {
    paymentId: '0199a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b',
    orderId: 'ORD-CONTRACT-1',
    amount: 275_000,
    expiresAt: new Date('2025-10-26T05:00:00Z'),
  };
}

async function rejection(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

export function runProviderContract(name: string, setup: ProviderContractSetup): void {
  const now = setup.now ?? new Date('2025-10-26T04:45:00Z');

  describe(`${name}: provider contract`, () => {
    let server: FakeProviderServer | null = null;
    let logs: string[] = [];
    let provider: QrisProvider;

    beforeEach(async () => {
      logs = [];
      server = setup.http ? await new FakeProviderServer().start() : null;
      provider = setup.build({ baseUrl: server?.url ?? 'http://127.0.0.1:9', log: (entry) => logs.push(JSON.stringify(entry)), timeoutMs: TIMEOUT_MS });
    });

    afterEach(async () => {
      await server?.stop();
    });

    it('names itself', () => {
      expect(provider.name).toBe(name);
    });

    describe('create', () => {
      it('returns a QR and a provider reference, and sends our id as the provider reference', async () => {
        const input = contractCreateInput();
        const expected = setup.http?.stubCreate(server!, input);
        const created = await provider.createDynamicQR(input);
        expect(typeof created.qrString).toBe('string');
        expect(created.qrString.length).toBeGreaterThan(20);
        expect(created.trxId.length).toBeGreaterThan(0);
        expect(created.expiresAt).toBeInstanceOf(Date);
        expect(Number.isNaN(created.expiresAt.getTime())).toBe(false);
        if (expected) {
          expect(created.qrString).toBe(expected.qrString);
          expect(created.trxId).toBe(expected.trxId);
          const sent = server!.requestsTo(setup.http!.createRoute.method, setup.http!.createRoute.path);
          expect(sent).toHaveLength(1);
          setup.http!.assertCreateRequest(sent[0], input);
        }
        setup.assertCreated?.(created, input);
      });

      if (setup.http) {
        const http = setup.http;
        const failWith = async (answer: FakeResponse) => {
          server!.on(http.createRoute.method, http.createRoute.path, answer);
          return rejection(() => provider.createDynamicQR(contractCreateInput()));
        };

        it('maps a timeout to indeterminate', async () => {
          const error = await failWith({ hang: true });
          expect(error).toBeInstanceOf(ProviderError);
          expect((error as ProviderError).kind).toBe('indeterminate');
        });

        it.each([500, 502, 503, 504])('maps HTTP %i to indeterminate', async (status) => {
          const error = await failWith(http.errorResponse(status));
          expect((error as ProviderError).kind).toBe('indeterminate');
        });

        it('maps 401 to auth', async () => {
          const error = await failWith(http.errorResponse(401));
          expect((error as ProviderError).kind).toBe('auth');
        });

        it.each([400, 404])('maps HTTP %i to invalid_request or rejected', async (status) => {
          const error = await failWith(http.errorResponse(status));
          expect(['invalid_request', 'rejected']).toContain((error as ProviderError).kind);
        });

        it('maps a 2xx answer without a usable QR to a ProviderError, never a thrown TypeError', async () => {
          const error = await failWith({ status: 200, body: { unexpected: true } });
          expect(error).toBeInstanceOf(ProviderError);
          expect(['rejected', 'indeterminate', 'invalid_request']).toContain((error as ProviderError).kind);
        });

        it('maps a refused connection (nothing sent) to unavailable', async () => {
          const closed = new FakeProviderServer();
          await closed.start();
          const url = closed.url;
          await closed.stop();
          const offline = setup.build({ baseUrl: url, log: () => undefined, timeoutMs: TIMEOUT_MS });
          const error = await rejection(() => offline.createDynamicQR(contractCreateInput()));
          expect((error as ProviderError).kind).toBe('unavailable');
        });

        it('logs the exchange without any secret or Authorization value', async () => {
          const input = contractCreateInput();
          http.stubCreate(server!, input);
          await provider.createDynamicQR(input);
          server!.on(http.createRoute.method, http.createRoute.path, http.errorResponse(401));
          await rejection(() => provider.createDynamicQR(input));
          expect(logs.length).toBeGreaterThanOrEqual(2);
          const authorizations = server!.requests.map((r) => r.headers.authorization).filter((v): v is string => !!v);
          const forbidden = [...http.secrets, ...authorizations, ...authorizations.map((a) => a.replace(/^\S+\s+/, ''))].filter((s) => s.length >= 6);
          expect(forbidden.length).toBeGreaterThan(0);
          for (const line of logs) for (const secret of forbidden) expect(line).not.toContain(secret);
        });
      }
    });

    describe('statuses', () => {
      it.each(setup.statuses.map((s) => [s.label, s] as const))('maps %s', (_label, fixture) => {
        expect(provider.parseWebhook(fixture.request(now)).status).toBe(fixture.expected);
      });

      it('covers PAID and at least one non-paid status', () => {
        expect(setup.statuses.some((s) => s.expected === 'PAID')).toBe(true);
        expect(setup.statuses.some((s) => s.expected !== 'PAID')).toBe(true);
      });

      it('never maps an unknown status to PAID (PENDING, or rejected as malformed)', () => {
        try {
          expect(provider.parseWebhook(setup.webhook.unknownStatus(now)).status).not.toBe('PAID');
        } catch (error) {
          expect(error).toBeInstanceOf(WebhookRejectedError);
        }
      });
    });

    describe('webhook verification', () => {
      const expectRejected = (request: WebhookRequest, reasons: string[]) => {
        let error: unknown;
        try {
          provider.parseWebhook(request);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(WebhookRejectedError);
        expect(reasons).toContain((error as WebhookRejectedError).reason);
      };

      it('accepts a signed fixture, from a Buffer of the exact bytes', () => {
        const request = setup.webhook.signed(now);
        const parsed = provider.parseWebhook(request);
        expect(parsed.eventId.length).toBeGreaterThan(0);
        expect(parsed.trxId.length).toBeGreaterThan(0);
        expect(Number.isSafeInteger(parsed.amount)).toBe(true);
        const again = provider.parseWebhook({ ...request, rawBody: Buffer.from(request.rawBody.toString('utf8'), 'utf8') });
        expect(again).toEqual(parsed);
      });

      it('rejects a tampered body', () => expectRejected(setup.webhook.tampered(now), ['signature']));
      it('rejects a wrong secret', () => expectRejected(setup.webhook.wrongSecret(now), ['signature']));
      it('rejects a missing signature', () => expectRejected(setup.webhook.missingSignature(now), ['signature', 'malformed']));
      if (setup.webhook.stale) {
        const stale = setup.webhook.stale;
        it('rejects a stale timestamp', () => expectRejected(stale(now), ['timestamp']));
      }
      it('rejects a body that is not JSON', () => {
        const signed = setup.webhook.signed(now);
        expectRejected({ ...signed, rawBody: Buffer.from('not json{', 'utf8') }, ['signature', 'malformed']);
      });
    });
  });
}
