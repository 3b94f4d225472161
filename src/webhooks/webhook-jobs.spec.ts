import { InProcessJobQueue } from '../queue/in-process.queue';
import { JobQueue, QUEUES } from '../queue/job-queue';
import { WebhookJob, WebhookJobs, eventIdsOf } from './webhook-jobs';

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** The jobs the queue hands its worker, in order. */
function recordJobs(queue: JobQueue): Array<{ data: WebhookJob; jobId: string }> {
  const seen: Array<{ data: WebhookJob; jobId: string }> = [];
  queue.process<WebhookJob>(QUEUES.webhookEvents, async (data, { jobId }) => void seen.push({ data, jobId }), 1);
  return seen;
}

const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise(setImmediate);
};

describe('WebhookJobs', () => {
  let queue: InProcessJobQueue;
  beforeEach(() => (queue = new InProcessJobQueue(silent)));
  afterEach(() => queue.close());

  it('queues the events of one event-loop turn as one job, named after its first event', async () => {
    const seen = recordJobs(queue);
    const jobs = new WebhookJobs(queue);
    await Promise.all(['a', 'b', 'c'].map((id) => jobs.enqueue(id)));
    await jobs.enqueue('d');
    await ticks(3);
    expect(seen).toEqual([
      { data: { webhookEventIds: ['a', 'b', 'c'] }, jobId: 'a' },
      { data: { webhookEventIds: ['d'] }, jobId: 'd' },
    ]);
  });

  it('caps a job at 64 events', async () => {
    const seen = recordJobs(queue);
    const jobs = new WebhookJobs(queue);
    const ids = Array.from({ length: 130 }, (_, i) => `e${i}`);
    await Promise.all(ids.map((id) => jobs.enqueue(id)));
    await ticks(3);
    expect(seen.map((job) => job.data.webhookEventIds.length)).toEqual([64, 64, 2]);
    expect(seen.flatMap((job) => job.data.webhookEventIds)).toEqual(ids);
  });

  it("rejects every event of a job the queue did not take, with the queue's error", async () => {
    await queue.close();
    const jobs = new WebhookJobs(queue);
    const results = await Promise.allSettled(['a', 'b'].map((id) => jobs.enqueue(id)));
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.message).toMatch(/closed/);
  });

  it('reads the one-event jobs queued before batching', () => {
    expect(eventIdsOf({ webhookEventId: 'x' })).toEqual(['x']);
    expect(eventIdsOf({ webhookEventIds: ['x', 'y'] })).toEqual(['x', 'y']);
  });
});
