import { toJakartaIso } from '../common/time/jakarta-time';
import { ReconciliationRunEntity } from '../database/entities/reconciliation-run.entity';

export function presentRunAccepted(run: ReconciliationRunEntity) {
  return { run_id: run.id, date: run.settlementDate, status: run.status };
}

export function presentRun(run: ReconciliationRunEntity) {
  return {
    run_id: run.id,
    date: run.settlementDate,
    provider: run.provider,
    status: run.status,
    trigger: run.trigger,
    created_at: toJakartaIso(run.createdAt),
    started_at: toJakartaIso(run.startedAt),
    finished_at: toJakartaIso(run.finishedAt),
    error: run.errorMessage,
    report: run.report,
  };
}
