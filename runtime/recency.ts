// A map kept in least-recently-used order without re-inserting on every touch.
//
// Moving a Map entry to the end (delete + set) leaves a hole at its old place; V8 compacts
// holes only when the table grows, and an iterator over the map (oldest first: sweeps,
// evictions) walks over every hole before the first live entry. With one touch per event
// that made a sweep or an eviction cost as much as all the touches since the last rehash.
// Here the Map only indexes the entries, which sit in a doubly linked list: a touch moves
// one node to the newest end (no hashing), an eviction unlinks the oldest node.
//
// Maps with the same keys (a user's open session, day-sequence, history and last session) can
// share one index (SharedKeys): a key's entry holds its node in each of them, so the engine
// finds all of a user's state with one look-up per event, and a node stays in its entry to be
// reused when the key comes back (most sessions hold one event: one open and close per event).

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
  /** the shared entry holding this node (maps on SharedKeys), else null */
  entry: SharedEntry<K> | null;
}

/** One key's nodes in the maps sharing an index; `live` counts those not removed. */
export class SharedEntry<K> {
  live = 0;
  readonly nodes: Array<Node<K, unknown> | null>;
  constructor(readonly key: K, slots: number) {
    this.nodes = new Array<Node<K, unknown> | null>(slots).fill(null);
  }
}

/**
 * The index shared by several RecencyMaps with the same keys. An entry leaves the index when
 * its last live node is removed. A caller holding an entry across a removal of that key's
 * nodes must look it up again before reading through it (`*In` methods treat removed nodes
 * as absent; adding through a detached entry re-attaches it).
 */
export class SharedKeys<K> {
  readonly index = new Map<K, SharedEntry<K>>();
  slots = 0;
  get(key: K): SharedEntry<K> | undefined {
    return this.index.get(key);
  }
  get size(): number {
    return this.index.size;
  }
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
  /** own index (maps without SharedKeys) */
  private readonly index = new Map<K, Node<K, V>>();
  private readonly shared: SharedKeys<K> | null;
  /** this map's node in a shared entry */
  private readonly slot: number;
  /** live entries (maps on SharedKeys; the own index knows its size) */
  private count = 0;
  private oldestNode: Node<K, V> | null = null;
  private newestNode: Node<K, V> | null = null;
  private clock = 0;
  /** nodes changed, added or deleted since the last drain; null while changes are not tracked */
  private changes: Array<Node<K, V>> | null = null;

  constructor(shared?: SharedKeys<K>) {
    this.shared = shared ?? null;
    this.slot = shared ? shared.slots++ : -1;
  }

  get size(): number {
    return this.shared === null ? this.index.size : this.count;
  }

  get(key: K): V | undefined {
    const n = this.find(key);
    return n === undefined ? undefined : n.value;
  }

  has(key: K): boolean {
    return this.find(key) !== undefined;
  }

  /** Set a value; a new key becomes the newest entry, an existing one keeps its place. */
  set(key: K, value: V): this {
    const n = this.find(key);
    if (n !== undefined) {
      n.value = value;
      this.mark(n);
    } else {
      this.append(key, value, this.shared?.index.get(key));
    }
    return this;
  }

  /** Set a value and make the entry the newest (a Map's delete + set). */
  setNewest(key: K, value: V): this {
    const n = this.find(key);
    if (n === undefined) {
      this.append(key, value, this.shared?.index.get(key));
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
    this.append(key, value, this.shared?.index.get(key));
    return this;
  }

  /** Make an existing entry the newest; returns its value (undefined when absent). */
  touch(key: K): V | undefined {
    const n = this.find(key);
    if (n === undefined) return undefined;
    this.moveToNewest(n);
    return n.value;
  }

  delete(key: K): boolean {
    const n = this.find(key);
    if (n === undefined) return false;
    this.unindex(n);
    this.unlink(n);
    this.remove(n);
    return true;
  }

  clear(): void {
    for (let n = this.oldestNode; n !== null; n = n.newer) this.unindex(n);
    for (let n = this.oldestNode; n !== null;) {
      const next = n.newer;
      n.older = n.newer = null;
      this.remove(n);
      n = next;
    }
    this.oldestNode = this.newestNode = null;
  }

  /** `get` for a caller that may change the value in place: counts the entry as changed. */
  protected getToChange(key: K): V | undefined {
    const n = this.find(key);
    if (n === undefined) return undefined;
    this.mark(n);
    return n.value;
  }

  /** Record that an entry's value changed in place (its owner mutated it after `get`). */
  changed(key: K): void {
    const n = this.find(key);
    if (n !== undefined) this.mark(n);
  }

  // ---- by shared entry (maps on SharedKeys): no look-up ---------------------------------------

  /** This map's value in `e` (undefined when absent), counted as changed like `getToChange`. */
  getToChangeIn(e: SharedEntry<K> | undefined): V | undefined {
    const n = this.nodeIn(e);
    if (n === undefined) return undefined;
    this.mark(n);
    return n.value;
  }

  /** This map's value in `e`, without counting it as changed. */
  getIn(e: SharedEntry<K> | undefined): V | undefined {
    const n = this.nodeIn(e);
    return n === undefined ? undefined : n.value;
  }

  /** `touch` of the key of `e`. */
  touchIn(e: SharedEntry<K> | undefined): V | undefined {
    const n = this.nodeIn(e);
    if (n === undefined) return undefined;
    this.moveToNewest(n);
    return n.value;
  }

  /** `delete` of the key of `e`, which holds a value here. */
  deleteIn(e: SharedEntry<K>): void {
    const n = this.nodeIn(e);
    if (n === undefined) throw new Error('no entry to delete');
    this.unindex(n);
    this.unlink(n);
    this.remove(n);
  }

  /**
   * `add` of a key absent from this map, whose shared entry the caller holds (`e`: looked up
   * since the key's nodes were last removed; undefined: the key has none). Returns the entry.
   */
  addIn(e: SharedEntry<K> | undefined, key: K, value: V): SharedEntry<K> {
    return this.append(key, value, e)!;
  }

  /** The shared entry of the least recently touched entry. */
  oldestEntry(): SharedEntry<K> | undefined {
    return this.oldestNode?.entry ?? undefined;
  }

  // ---- incremental checkpoints --------------------------------------------------------------

  /**
   * Start tracking changes from now (every entry was just written in full, or loaded). Until
   * this is called nothing is tracked, so a map that is never checkpointed pays nothing.
   */
  trackChanges(): void {
    // A deleted node is not in the checkpoint just written (a shared entry may reuse it).
    if (this.changes !== null) for (const n of this.changes) n.flags &= n.flags & REMOVED ? ~(LISTED | WRITTEN) : ~LISTED;
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
        n.flags &= ~WRITTEN; // a shared entry may reuse the node: the checkpoint no longer holds it
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
    if (stamps.length !== this.size) throw new Error(`${stamps.length} stamps for ${this.size} entries`);
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
    this.unindex(n);
    this.unlink(n);
    this.remove(n);
    return value;
  }

  /** Drop the least recently touched entries until at most `cap` remain; returns how many were dropped. */
  trimTo(cap: number): number {
    let dropped = 0;
    for (; this.size > cap; dropped++) this.deleteOldest();
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

  /** Append an absent key as the newest entry (`e`: its shared entry, if any); returns the shared entry. */
  private append(key: K, value: V, e: SharedEntry<K> | undefined): SharedEntry<K> | undefined {
    let n: Node<K, V>;
    if (this.shared === null) {
      n = { key, value, older: this.newestNode, newer: null, stamp: ++this.clock, flags: 0, entry: null };
      this.index.set(key, n);
    } else {
      e = this.attach(key, e);
      const reused = e.nodes[this.slot] as Node<K, V> | null;
      if (reused === null) {
        n = { key, value, older: this.newestNode, newer: null, stamp: ++this.clock, flags: 0, entry: e };
        e.nodes[this.slot] = n as Node<K, unknown>;
      } else {
        // A removed node (it may still be listed as a deletion: it becomes a put, which replaces).
        if ((reused.flags & REMOVED) === 0) throw new Error('adding a key this map holds');
        n = reused;
        n.value = value;
        n.older = this.newestNode;
        n.stamp = ++this.clock;
        n.flags &= ~REMOVED;
      }
      e.live++;
      this.count++;
    }
    if (this.newestNode === null) this.oldestNode = n;
    else this.newestNode.newer = n;
    this.newestNode = n;
    this.mark(n);
    return e;
  }

  /** The entry of `key` in the shared index, made or put back if need be. */
  private attach(key: K, e: SharedEntry<K> | undefined): SharedEntry<K> {
    const index = this.shared!.index;
    if (e === undefined) {
      e = new SharedEntry<K>(key, this.shared!.slots);
      index.set(key, e);
    } else if (e.live === 0) {
      // Detached when its last node went: another map may have added the key since.
      const current = index.get(key);
      if (current === undefined) index.set(key, e);
      else e = current;
    }
    return e;
  }

  private find(key: K): Node<K, V> | undefined {
    if (this.shared === null) return this.index.get(key);
    return this.nodeIn(this.shared.index.get(key));
  }

  private nodeIn(e: SharedEntry<K> | undefined): Node<K, V> | undefined {
    if (e === undefined) return undefined;
    const n = e.nodes[this.slot] as Node<K, V> | null;
    return n === null || (n.flags & REMOVED) !== 0 ? undefined : n;
  }

  /** Take a live node out of the index (its shared entry leaves the index with its last live node). */
  private unindex(n: Node<K, V>): void {
    const e = n.entry;
    if (e === null) {
      this.index.delete(n.key);
      return;
    }
    this.count--;
    if (--e.live === 0) this.shared!.index.delete(e.key);
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
