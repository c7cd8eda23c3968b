// A map kept in least-recently-used order without re-inserting on every touch.
//
// Moving a Map entry to the end (delete + set) leaves a hole at its old place; V8 compacts
// holes only when the table grows, and an iterator over the map (oldest first: sweeps,
// evictions) walks over every hole before the first live entry. With one touch per event
// that made a sweep or an eviction cost as much as all the touches since the last rehash.
// Here the Map only indexes the entries, which sit in a doubly linked list: a touch moves
// one node to the newest end (no hashing), an eviction unlinks the oldest node.

interface Node<K, V> {
  key: K;
  value: V;
  older: Node<K, V> | null;
  newer: Node<K, V> | null;
  /** position in recency order: larger is newer (kept by incremental checkpoints) */
  stamp: number;
  /** LISTED: in `changes` since the last drain; REMOVED: deleted from the map (a later entry may
   *  have the same key); WRITTEN: a checkpoint holds this entry (its deletion must be reported) */
  flags: number;
}

const LISTED = 1;
const REMOVED = 2;
const WRITTEN = 4;

/** What changed since the last checkpoint, as `drainChanges` reports it. */
export interface ChangeSink<K, V> {
  /** a key that was deleted (it may have been added again: then it is also `put`) */
  deleted(key: K): void;
  put(key: K, value: V, stamp: number): void;
}

/**
 * Iteration (keys, values, entries, for-of) goes from the least to the most recently
 * touched entry, as a Map whose touched entries are deleted and set again would.
 * `set` of an existing key replaces its value in place, like `Map.set`; `touch` and
 * `setNewest` move an entry to the newest end.
 */
export class RecencyMap<K, V> implements Iterable<[K, V]> {
  private readonly index = new Map<K, Node<K, V>>();
  private oldestNode: Node<K, V> | null = null;
  private newestNode: Node<K, V> | null = null;
  private clock = 0;
  /** nodes changed, added or deleted since the last drain; null while changes are not tracked */
  private changes: Array<Node<K, V>> | null = null;

  get size(): number {
    return this.index.size;
  }

  get(key: K): V | undefined {
    const n = this.index.get(key);
    return n === undefined ? undefined : n.value;
  }

  has(key: K): boolean {
    return this.index.has(key);
  }

  /** Set a value; a new key becomes the newest entry, an existing one keeps its place. */
  set(key: K, value: V): this {
    const n = this.index.get(key);
    if (n !== undefined) {
      n.value = value;
      this.mark(n);
    } else {
      this.append(key, value);
    }
    return this;
  }

  /** Set a value and make the entry the newest (a Map's delete + set). */
  setNewest(key: K, value: V): this {
    const n = this.index.get(key);
    if (n === undefined) {
      this.append(key, value);
    } else {
      n.value = value;
      this.moveToNewest(n);
    }
    return this;
  }

  /**
   * Add a key the caller knows is absent (a `touch` or `get` just missed) as the newest
   * entry: `set` without its look-up. The engine opens a scope this way on almost every event.
   */
  add(key: K, value: V): this {
    this.append(key, value);
    return this;
  }

  /** Make an existing entry the newest; returns its value (undefined when absent). */
  touch(key: K): V | undefined {
    const n = this.index.get(key);
    if (n === undefined) return undefined;
    this.moveToNewest(n);
    return n.value;
  }

  delete(key: K): boolean {
    const n = this.index.get(key);
    if (n === undefined) return false;
    this.index.delete(key);
    this.unlink(n);
    this.remove(n);
    return true;
  }

  clear(): void {
    for (const n of this.index.values()) this.remove(n);
    this.index.clear();
    this.oldestNode = this.newestNode = null;
  }

  /** `get` for a caller that may change the value in place: counts the entry as changed. */
  protected getToChange(key: K): V | undefined {
    const n = this.index.get(key);
    if (n === undefined) return undefined;
    this.mark(n);
    return n.value;
  }

  /** Record that an entry's value changed in place (its owner mutated it after `get`). */
  changed(key: K): void {
    const n = this.index.get(key);
    if (n !== undefined) this.mark(n);
  }

  // ---- incremental checkpoints --------------------------------------------------------------

  /**
   * Start tracking changes from now (every entry was just written in full, or loaded). Until
   * this is called nothing is tracked, so a map that is never checkpointed pays nothing.
   */
  trackChanges(): void {
    if (this.changes !== null) for (const n of this.changes) n.flags &= ~LISTED;
    for (let n = this.oldestNode; n !== null; n = n.newer) n.flags |= WRITTEN;
    this.changes = [];
  }

  get tracking(): boolean {
    return this.changes !== null;
  }

  /** Entries changed since the last drain (deleted ones included): an upper bound on what `drainChanges` reports. */
  get changeCount(): number {
    return this.changes === null ? 0 : this.changes.length;
  }

  /**
   * Report what changed since tracking started or the last drain (keys deleted, and entries
   * changed or added as they are now, with their recency stamps), and start over. A key may be
   * reported deleted and put (deleted, then added again): the deletion comes first in effect.
   * Entries both added and deleted since the last drain are not reported at all.
   */
  drainChanges(sink: ChangeSink<K, V>): void {
    const changes = this.changes;
    if (changes === null) throw new Error('changes are not tracked');
    for (const n of changes) {
      n.flags &= ~LISTED;
      if ((n.flags & REMOVED) === 0) {
        sink.put(n.key, n.value, n.stamp);
        n.flags |= WRITTEN;
      } else if (n.flags & WRITTEN) {
        sink.deleted(n.key); // an entry added and deleted since the last drain was never written
      }
    }
    this.changes = [];
  }

  /** Every entry with its recency stamp, oldest first (what a full checkpoint writes). */
  forEachStamped(fn: (key: K, value: V, stamp: number) => void): void {
    for (let n = this.oldestNode; n !== null;) {
      const next = n.newer;
      fn(n.key, n.value, n.stamp);
      n = next;
    }
  }

  /**
   * Give the entries, oldest first, the stamps they had when checkpointed, so later changes
   * are ordered against the entries a checkpoint still holds. `stamps` ascends.
   */
  restoreStamps(stamps: readonly number[]): void {
    if (stamps.length !== this.index.size) throw new Error(`${stamps.length} stamps for ${this.index.size} entries`);
    let i = 0;
    for (let n = this.oldestNode; n !== null; n = n.newer) n.stamp = stamps[i++]!;
    if (stamps.length > 0) this.clock = Math.max(this.clock, stamps[stamps.length - 1]!);
  }

  /** The least recently touched entry's key, or undefined when empty. */
  oldestKey(): K | undefined {
    return this.oldestNode === null ? undefined : this.oldestNode.key;
  }

  /** The least recently touched entry's value, or undefined when empty. */
  oldest(): V | undefined {
    return this.oldestNode === null ? undefined : this.oldestNode.value;
  }

  /** Remove the least recently touched entry; returns its value. */
  deleteOldest(): V | undefined {
    const n = this.oldestNode;
    if (n === null) return undefined;
    const value = n.value;
    this.index.delete(n.key);
    this.unlink(n);
    this.remove(n);
    return value;
  }

  /** Drop the least recently touched entries until at most `cap` remain; returns how many were dropped. */
  trimTo(cap: number): number {
    let dropped = 0;
    for (; this.index.size > cap; dropped++) this.deleteOldest();
    return dropped;
  }

  *entries(): IterableIterator<[K, V]> {
    // Read the next node before yielding: the consumer may delete the current entry.
    for (let n = this.oldestNode; n !== null;) {
      const next = n.newer;
      yield [n.key, n.value];
      n = next;
    }
  }

  *keys(): IterableIterator<K> {
    for (let n = this.oldestNode; n !== null;) {
      const next = n.newer;
      yield n.key;
      n = next;
    }
  }

  *values(): IterableIterator<V> {
    for (let n = this.oldestNode; n !== null;) {
      const next = n.newer;
      yield n.value;
      n = next;
    }
  }

  forEach(fn: (value: V, key: K) => void): void {
    for (let n = this.oldestNode; n !== null;) {
      const next = n.newer;
      fn(n.value, n.key);
      n = next;
    }
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  /** A deleted node stays listed (as a deletion) until the next drain, without its value. */
  private remove(n: Node<K, V>): void {
    n.flags |= REMOVED;
    n.value = undefined as V;
    this.mark(n);
  }

  private mark(n: Node<K, V>): void {
    if (this.changes !== null && (n.flags & LISTED) === 0) {
      n.flags |= LISTED;
      this.changes.push(n);
    }
  }

  private append(key: K, value: V): void {
    const n: Node<K, V> = { key, value, older: this.newestNode, newer: null, stamp: ++this.clock, flags: 0 };
    if (this.newestNode === null) this.oldestNode = n;
    else this.newestNode.newer = n;
    this.newestNode = n;
    this.index.set(key, n);
    this.mark(n);
  }

  private moveToNewest(n: Node<K, V>): void {
    this.mark(n);
    if (n === this.newestNode) return;
    n.stamp = ++this.clock;
    this.unlink(n);
    n.older = this.newestNode;
    n.newer = null;
    if (this.newestNode === null) this.oldestNode = n;
    else this.newestNode.newer = n;
    this.newestNode = n;
  }

  private unlink(n: Node<K, V>): void {
    if (n.older === null) this.oldestNode = n.newer;
    else n.older.newer = n.newer;
    if (n.newer === null) this.newestNode = n.older;
    else n.newer.older = n.older;
    n.older = n.newer = null;
  }
}
