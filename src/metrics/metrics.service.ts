import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { JOB_QUEUE, JobQueue, QUEUES } from '../queue/job-queue';

/**
 * Prometheus metrics of this app instance. The registry is per instance, not prom-client's global one,
 * so several apps in one process (tests) do not clash. Other modules call the counters below.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly logger = new Logger('Metrics');

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Call after a committed status change: paymentTransitions.inc({ to: 'PAID' }). */
  readonly paymentTransitions = new Counter({
    name: 'payment_transitions_total',
    help: 'Payment status changes by target status',
    labelNames: ['to'] as const,
    registers: [this.registry],
  });

  /** outcome: processed, duplicate, rejected_signature, rejected_timestamp, malformed, mismatch, error … */
  readonly webhookEvents = new Counter({
    name: 'webhook_events_total',
    help: 'Provider webhook events by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** outcome: delivered, retry, failed, refused … */
  readonly callbackAttempts = new Counter({
    name: 'callback_attempts_total',
    help: 'Merchant callback delivery attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** const end = metrics.jobDuration.startTimer({ job: 'expire' }); … end(); */
  readonly jobDuration = new Histogram({
    name: 'job_duration_seconds',
    help: 'Background job run time by job',
    labelNames: ['job'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });

  constructor(private readonly moduleRef: ModuleRef) {
    collectDefaultMetrics({ register: this.registry });
    const service = this;
    new Gauge({
      name: 'queue_depth',
      help: 'Jobs per queue and state, read at scrape time',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        const queue = service.jobQueue();
        if (!queue) return;
        this.reset();
        for (const name of Object.values(QUEUES)) {
          try {
            const counts = await queue.counts(name);
            for (const [state, value] of Object.entries(counts)) this.set({ queue: name, state }, value);
          } catch (error) {
            service.logger.warn(`queue_depth of ${name} unavailable: ${(error as Error).message}`);
          }
        }
      },
    });
  }

  /** Times every request by its route pattern (/payments/:id), never the raw URL, to bound the labels. */
  instrument(fastify: FastifyInstance): void {
    // One labelled child per (method, route, status), looked up by a string key, instead of observe(labels)
    // (a closure and an exemplar-label check per call); a synchronous hook, no promise per request. The
    // set is bounded by the route patterns and status codes.
    const children = new Map<string, { observe(value: number): void }>();
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions?.url ?? 'unmatched';
      const key = `${request.method} ${reply.statusCode} ${route}`;
      let child = children.get(key);
      if (!child) {
        child = this.httpDuration.labels({ method: request.method, route, status: String(reply.statusCode) });
        children.set(key, child);
      }
      child.observe(reply.elapsedTime / 1000);
      done();
    });
  }

  /** The queue is optional: this service works in apps and tests that have no queue module. */
  private jobQueue(): JobQueue | null {
    try {
      return this.moduleRef.get<JobQueue>(JOB_QUEUE, { strict: false });
    } catch {
      return null;
    }
  }
}
