/** Collects what arrives within one event-loop turn, `max` at most, and hands it over together. */
export class TurnBatch<E> {
  private open: E[] | null = null;

  constructor(
    private readonly max: number,
    private readonly flush: (batch: E[]) => void,
  ) {}

  add(entry: E): void {
    if (this.open && this.open.length < this.max) {
      this.open.push(entry);
      return;
    }
    const batch = [entry];
    this.open = batch;
    setImmediate(() => {
      if (this.open === batch) this.open = null;
      this.flush(batch);
    });
  }
}
