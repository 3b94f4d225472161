import { ConcurrencyLimit } from './concurrency-limit';

describe('ConcurrencyLimit', () => {
  it('runs at most max tasks at once, the rest in arrival order, and passes results and errors through', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const task = (i: number) => () => {
      started.push(i);
      running++;
      peak = Math.max(peak, running);
      return new Promise<number>((resolve, reject) =>
        releases.push(() => {
          running--;
          if (i === 1) reject(new Error('task 1 failed'));
          else resolve(i * 10);
        }),
      );
    };
    const results = [0, 1, 2, 3, 4].map((i) => limit.run(task(i)).catch((error: Error) => error.message));
    await new Promise(setImmediate);
    expect(started).toEqual([0, 1]);
    while (releases.length) {
      releases.shift()!();
      await new Promise(setImmediate);
    }
    expect(await Promise.all(results)).toEqual([0, 'task 1 failed', 20, 30, 40]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('rejects a limit below 1', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(TypeError);
  });
});
