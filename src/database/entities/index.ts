import { CallbackDeliveryEntity } from './callback-delivery.entity';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { PaymentLogEntity } from './payment-log.entity';
import { PaymentEntity } from './payment.entity';
import { ReconciliationRunEntity } from './reconciliation-run.entity';
import { SettlementEntity } from './settlement.entity';
import { WebhookEventEntity } from './webhook-event.entity';

/** Every entity the data source knows; add new ones here. */
export const ENTITIES = [PaymentEntity, PaymentLogEntity, WebhookEventEntity, SettlementEntity, IdempotencyKeyEntity, CallbackDeliveryEntity, ReconciliationRunEntity];
