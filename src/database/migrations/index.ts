import { InitialSchema1764288000000 } from './1764288000000-initial-schema';
import { CallbackDeliveries1764288000100 } from './1764288000100-callback-deliveries';
import { Reconciliation1764288000200 } from './1764288000200-reconciliation';
import { AdminPaymentsIndex1764288000300 } from './1764288000300-admin-payments-index';

/** Every migration, oldest first; add new ones at the end. */
export const MIGRATIONS = [InitialSchema1764288000000, CallbackDeliveries1764288000100, Reconciliation1764288000200, AdminPaymentsIndex1764288000300];
