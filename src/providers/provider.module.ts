import { Module } from '@nestjs/common';
import { Env } from '../config/env';
import { percentToBasisPoints } from '../common/money/mdr';
import { Db } from '../database/db';
import { paymentsSettlementSource } from './mock/mock-settlement.source';
import { parseMockSettlementFaults } from './mock/mock.settlement';
import { QrisProviderMock } from './mock/mock.provider';
import { QRIS_PROVIDER, QrisProvider } from './qris-provider';
import { createSnapProvider } from './snap/snap.factory';

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
    default:
      throw new Error(`PROVIDER=${env.PROVIDER} has no adapter yet; use PROVIDER=mock`);
  }
}

@Module({
  providers: [{ provide: QRIS_PROVIDER, inject: [Env, Db], useFactory: (env: Env, db: Db) => createProvider(env, db) }],
  exports: [QRIS_PROVIDER],
})
export class ProvidersModule {}
