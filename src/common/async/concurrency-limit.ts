/** Runs at most `max` tasks at once; the others wait for a free slot in the order they came. */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new TypeError('max must be an integer >= 1');
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.max) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      // A finished task hands its slot straight to the next waiting one.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
