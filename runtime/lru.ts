// Eviction from a Map kept in least-recently-used order (touch = delete + set, so the oldest
// entry is the first). `map.keys().next()` is not O(1) on V8: every deleted entry before the
// first live one is skipped again on each call until the table is rehashed, so evicting at a
// full cap costs O(cap) per new key (a 5 M new-entity stream slowed down ~10× this way). A
// cursor kept per map continues where the last eviction stopped; everything before it was
// deleted, so its next key is the oldest live one: O(1) amortised.
const cursors = new WeakMap<Map<unknown, unknown>, Iterator<unknown>>();

/** Deletes and returns the oldest key of `map` (undefined when empty). */
export function evictOldest<K, V>(map: Map<K, V>): K | undefined {
  const m = map as Map<unknown, unknown>;
  for (let attempt = 0; attempt < 2; attempt++) {
    let it = cursors.get(m);
    if (!it) cursors.set(m, (it = m.keys()));
    const r = it.next();
    if (!r.done) {
      m.delete(r.value);
      return r.value as K;
    }
    cursors.delete(m); // a finished iterator stays finished: start a new one
  }
  return undefined;
}
