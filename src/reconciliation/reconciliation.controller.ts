import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminApiKeyGuard } from '../admin/admin-api-key.guard';
import { AppError } from '../common/errors/app-error';
import { Clock } from '../common/time/clock';
import { isCalendarDate } from '../common/time/jakarta-day';
import { jakartaDate } from '../common/time/jakarta-time';
import { JOB_QUEUE, JobQueue, QUEUES } from '../queue/job-queue';
import { StartReconciliationDto } from './dto/start-reconciliation.dto';
import { ReconcileJob } from './reconciliation.worker';
import { presentRun, presentRunAccepted } from './reconciliation.presenter';
import { ReconciliationService } from './reconciliation.service';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminApiKeyGuard)
@Controller('admin/reconciliations')
export class ReconciliationController {
  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly clock: Clock,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Reconcile a Jakarta day against the provider settlement now (queued; poll GET for the report)' })
  @ApiResponse({ status: 202, description: '{run_id, date, status}' })
  @ApiResponse({ status: 400, description: 'Not a YYYY-MM-DD date, or a future day' })
  async start(@Body() body: StartReconciliationDto) {
    const now = this.clock.now();
    if (body.date > jakartaDate(now)) {
      throw AppError.badRequest('RECONCILIATION_DATE_IN_FUTURE', 'The day has not happened yet in Asia/Jakarta.', [
        { field: 'date', message: `date must not be after ${jakartaDate(now)}` },
      ]);
    }
    const run = await this.reconciliation.enqueue(body.date, 'admin', now);
    try {
      await this.queue.add<ReconcileJob>(QUEUES.reconcile, { runId: run.id }, { jobId: `reconcile:run:${run.id}` });
    } catch (error) {
      await this.reconciliation.abandon(run.id, `could not enqueue: ${(error as Error).message}`, this.clock.now());
      throw error;
    }
    return presentRunAccepted(run);
  }

  @Get(':date')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'The latest reconciliation run of a day, with its report once DONE' })
  @ApiResponse({ status: 404, description: 'No run for that day' })
  async latest(@Param('date') date: string) {
    if (!isCalendarDate(date)) throw AppError.badRequest('INVALID_DATE', 'The date must be a real calendar date YYYY-MM-DD.');
    const run = await this.reconciliation.latestFor(date);
    if (!run) throw AppError.notFound('RECONCILIATION_NOT_FOUND', `No reconciliation has run for ${date}.`);
    return presentRun(run);
  }
}
