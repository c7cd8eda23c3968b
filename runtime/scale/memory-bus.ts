// The bus in one process (runtime/scale/bus.ts): one stream of stored messages, duplicate ids
// dropped, durable consumers that remember what was committed. For tests and single-machine
// trials of the scale-out roles; JetStream is the real one (runtime/scale/nats-bus.ts).
import type { Bus, BusConsumer, BusMessage, ConsumeOptions } from './bus.ts';

/** NATS subject matching: `*` one token, `>` one or more trailing tokens. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

export class MemoryBus implements Bus {
  readonly messages: BusMessage[] = [];
  private readonly ids = new Set<string>();
  private readonly waiters = new Set<() => void>();
  /** durable consumer name → last committed stream sequence */
  readonly committed = new Map<string, number>();
  /** publishes dropped as duplicates (a restarted worker sending again) */
  duplicates = 0;
  private closed = false;

  /** `latencyMs`: a message is stored (and delivered) only so long after it is published, like a network hop (measurements). */
  constructor(private readonly latencyMs = 0) {}

  async publish(subject: string, data: Uint8Array, id: string): Promise<void> {
    if (this.closed) throw new Error('the bus is closed');
    if (this.ids.has(id)) { this.duplicates++; return; }
    this.ids.add(id);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    this.messages.push({ subject, seq: this.messages.length + 1, data });
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const w of waiting) w();
  }

  consume(name: string, filter: string, opts: ConsumeOptions): BusConsumer {
    let next = opts.afterSeq; // index into messages of the next one to look at
    let open = true;
    const matches = new Map<string, boolean>(); // subjects are few: match each once
    const wanted = (subject: string) => {
      let m = matches.get(subject);
      if (m === undefined) matches.set(subject, (m = subjectMatches(filter, subject)));
      return m;
    };
    let wake: (() => void) | null = null;
    const bus = this;
    const consumer: BusConsumer = {
      async commit(seq: number) {
        bus.committed.set(name, Math.max(bus.committed.get(name) ?? 0, seq));
      },
      async close() {
        open = false;
        if (wake) { bus.waiters.delete(wake); wake(); }
      },
      async *[Symbol.asyncIterator]() {
        let delivered = 0;
        while (open) {
          while (next < bus.messages.length) {
            // Let timers and I/O run now and then, as a network consumer would.
            if (++delivered % 64 === 0) await new Promise<void>((r) => setImmediate(r));
            if (!open) return;
            const m = bus.messages[next++]!;
            if (wanted(m.subject)) {
              yield m;
              if (!open) return;
            }
          }
          if (bus.closed) return;
          await new Promise<void>((resolve) => { wake = resolve; bus.waiters.add(resolve); });
          wake = null;
        }
      },
    };
    return consumer;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters) w();
    this.waiters.clear();
  }
}
