import { Module } from '@nestjs/common';
import { Env } from '../config/env';
import { QrisProviderMock } from './mock/mock.provider';
import { QRIS_PROVIDER, QrisProvider } from './qris-provider';

/** Picks the adapter named by PROVIDER and binds it to the one QRIS_PROVIDER token. */
export function createProvider(env: Env): QrisProvider {
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
      );
    default:
      throw new Error(`PROVIDER=${env.PROVIDER} has no adapter yet; use PROVIDER=mock`);
  }
}

@Module({
  providers: [{ provide: QRIS_PROVIDER, inject: [Env], useFactory: createProvider }],
  exports: [QRIS_PROVIDER],
})
export class ProvidersModule {}
