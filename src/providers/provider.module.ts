import { Logger, Module } from '@nestjs/common';
import { Env } from '../config/env';
import { percentToBasisPoints } from '../common/money/mdr';
import { Db } from '../database/db';
import { paymentsSettlementSource } from './mock/mock-settlement.source';
import { parseMockSettlementFaults } from './mock/mock.settlement';
import { QrisProviderMock } from './mock/mock.provider';
import { QRIS_PROVIDER, QrisProvider } from './qris-provider';
import { createSnapProvider } from './snap/snap.factory';
import { MidtransProvider } from './midtrans/midtrans.provider';
import { MIDTRANS_PRODUCTION_URL, MIDTRANS_SANDBOX_URL } from './midtrans/midtrans.mapping';
import { XenditProvider } from './xendit/xendit.provider';
import { XENDIT_BASE_URL } from './xendit/xendit.mapping';
import { ProviderLogger } from './http/provider-http';

/** Picks the adapter named by PROVIDER and binds it to the one QRIS_PROVIDER token. */
export function createProvider(env: Env, db?: Db): QrisProvider {
  switch (env.PROVIDER) {
    case 'mock':
      return new QrisProviderMock(
        {
          merchantName: env.QRIS_MERCHANT_NAME,
          merchantCity: env.QRIS_MERCHANT_CITY,
          postalCode: env.QRIS_POSTAL_CODE,
          nmid: env.QRIS_NMID,
          mcc: env.QRIS_MCC,
          merchantCriteria: env.QRIS_MERCHANT_CRITERIA,
        },
        { secret: env.PROVIDER_WEBHOOK_SECRET, toleranceSeconds: env.WEBHOOK_TOLERANCE_SECONDS },
        db && {
          source: paymentsSettlementSource(db),
          criteria: env.QRIS_MERCHANT_CRITERIA,
          mdr: {
            regularBps: percentToBasisPoints(env.MDR_REGULAR_PERCENT),
            umiBps: percentToBasisPoints(env.MDR_UMI_PERCENT),
            umiFreeUpTo: env.MDR_UMI_FREE_UP_TO,
          },
          faults: parseMockSettlementFaults(env.MOCK_SETTLEMENT_DISCREPANCIES),
        },
      );
    case 'doku':
    case 'nicepay':
      return createSnapProvider(env);
    case 'midtrans':
      return new MidtransProvider({
        serverKey: requireApiKey(env),
        baseUrl: env.PROVIDER_BASE_URL ?? (env.MIDTRANS_PRODUCTION ? MIDTRANS_PRODUCTION_URL : MIDTRANS_SANDBOX_URL),
        acquirer: env.MIDTRANS_QRIS_ACQUIRER,
        timeoutMs: env.MIDTRANS_TIMEOUT_MS,
        settlementDir: env.MIDTRANS_SETTLEMENT_DIR,
        log: providerLogger,
      });
    case 'xendit':
      return new XenditProvider({
        secretKey: requireApiKey(env),
        callbackToken: env.PROVIDER_WEBHOOK_SECRET,
        baseUrl: env.PROVIDER_BASE_URL ?? XENDIT_BASE_URL,
        timeoutMs: env.XENDIT_TIMEOUT_MS,
        toleranceSeconds: env.WEBHOOK_TOLERANCE_SECONDS,
        log: providerLogger,
      });
    default:
      throw new Error(`PROVIDER=${env.PROVIDER} has no adapter yet; use PROVIDER=mock`);
  }
}

function requireApiKey(env: Env): string {
  if (!env.PROVIDER_API_KEY) throw new Error(`PROVIDER=${env.PROVIDER} needs PROVIDER_API_KEY (the provider's server/secret key)`);
  return env.PROVIDER_API_KEY;
}

const providerHttpLog = new Logger('ProviderHttp');
/** One line per provider exchange: method, path, status, duration, outcome (never headers or bodies). */
const providerLogger: ProviderLogger = (entry) =>
  entry.outcome === 'ok' ? providerHttpLog.debug(entry) : providerHttpLog.warn(entry);

@Module({
  providers: [{ provide: QRIS_PROVIDER, inject: [Env, Db], useFactory: (env: Env, db: Db) => createProvider(env, db) }],
  exports: [QRIS_PROVIDER],
})
export class ProvidersModule {}
