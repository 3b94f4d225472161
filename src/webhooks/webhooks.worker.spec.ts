import { Db } from '../database/db';
import { InProcessJobQueue } from '../queue/in-process.queue';
import { QUEUES } from '../queue/job-queue';
import { WorkerRole } from '../queue/worker-role';
import { WebhookProcessorService } from './webhook-processor.service';
import { WebhooksWorker } from './webhooks.worker';

/** A processor that records what it was asked, fails on ids starting with "bad", and finishes when told. */
class RecordingProcessor {
  readonly started: string[] = [];
  running = 0;
  peak = 0;
  private readonly finishers: Array<() => void> = [];

  process(id: string): Promise<void> {
    this.started.push(id);
    this.running++;
    this.peak = Math.max(this.peak, this.running);
    return new Promise<void>((resolve, reject) =>
      this.finishers.push(() => {
        this.running--;
        if (id.startsWith('bad')) reject(new Error(`event ${id} failed`));
        else resolve();
      }),
    );
  }

  async finishAll(): Promise<void> {
    while (this.finishers.length > 0) {
      this.finishers.shift()!();
      await new Promise(setImmediate);
    }
  }
}

describe('WebhooksWorker', () => {
  const errors: string[] = [];
  const logger = { log: () => undefined, warn: () => undefined, error: (message: string) => void errors.push(message) };
  let queue: InProcessJobQueue;
  let processor: RecordingProcessor;

  beforeEach(() => {
    errors.length = 0;
    queue = new InProcessJobQueue(logger);
    processor = new RecordingProcessor();
    const worker = new WebhooksWorker({ enabled: true } as WorkerRole, processor as unknown as WebhookProcessorService, { kind: 'sqlite' } as Db, queue);
    worker.onModuleInit();
  });
  afterEach(() => queue.close());

  it("applies every event of a job, fails the job when one failed, and holds the process to 8 events at once (SQLite)", async () => {
    const first = ['a1', 'bad1', 'a2', 'a3', 'a4', 'a5'];
    const second = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'];
    await queue.add(QUEUES.webhookEvents, { webhookEventIds: first }, { jobId: 'a1' });
    await queue.add(QUEUES.webhookEvents, { webhookEventIds: second }, { jobId: 'b1' });
    await new Promise(setImmediate);
    expect(processor.running).toBe(8);
    await processor.finishAll();
    await new Promise(setImmediate);
    expect(processor.started.sort()).toEqual([...first, ...second].sort());
    expect(processor.peak).toBe(8);
    expect(errors).toEqual([expect.stringMatching(/job a1 failed after 1 attempt\(s\): 1 of 6 webhook events failed; the first: event bad1 failed/)]);
  });

  it('still takes the one-event jobs queued before batching', async () => {
    await queue.add(QUEUES.webhookEvents, { webhookEventId: 'old' }, { jobId: 'old' });
    await new Promise(setImmediate);
    await processor.finishAll();
    expect(processor.started).toEqual(['old']);
    expect(errors).toEqual([]);
  });
});
