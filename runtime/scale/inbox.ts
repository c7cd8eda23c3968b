// Messages a worker received before it needs them, by key (the event's place g and the
// sender): taking one waits until it arrives. Kept in the worker's checkpoint, so what was
// delivered and not yet used is not lost when the consumers resume after their saved sequence.
export class Inbox<V> {
  private readonly held = new Map<string, V>();
  private readonly waiting = new Map<string, { resolve: (v: V) => void; reject: (e: Error) => void }>();
  private failed: Error | null = null;

  put(key: string, value: V): void {
    const w = this.waiting.get(key);
    if (w) { this.waiting.delete(key); w.resolve(value); }
    else this.held.set(key, value);
  }

  take(key: string): Promise<V> {
    if (this.failed) return Promise.reject(this.failed);
    const v = this.held.get(key);
    if (v !== undefined) { this.held.delete(key); return Promise.resolve(v); }
    return new Promise((resolve, reject) => this.waiting.set(key, { resolve, reject }));
  }

  /** Every waiting and later take fails (the worker stops, or a consumer failed). */
  fail(e: Error): void {
    this.failed ??= e;
    for (const w of this.waiting.values()) w.reject(this.failed);
    this.waiting.clear();
  }

  entries(): Array<[string, V]> {
    return [...this.held];
  }

  restore(entries: ReadonlyArray<[string, V]>): void {
    for (const [k, v] of entries) this.held.set(k, v);
  }
}
