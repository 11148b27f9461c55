/** Anything with a due time (ms, `performance.now()` clock). */
export interface Due {
  due: number;
}

/**
 * A binary min-heap ordered by `due`: the simulator's single agenda of upcoming events, so one
 * timer can serve every stream (O(log n) per event instead of one timer per stream).
 * Ties pop in no particular order.
 */
export class DueQueue<T extends Due> {
  #items: T[] = [];

  /** Number of queued items. */
  get size(): number {
    return this.#items.length;
  }

  /** The earliest item, without removing it. */
  peek(): T | undefined {
    return this.#items[0];
  }

  /** Adds an item; its `due` must not change while it is queued. */
  push(item: T): void {
    const a = this.#items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent].due <= item.due) break;
      a[i] = a[parent];
      i = parent;
    }
    a[i] = item;
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && a[r].due < a[l].due ? r : l;
      if (a[c].due >= last.due) break;
      a[i] = a[c];
      i = c;
    }
    a[i] = last;
    return top;
  }

  /** Removes every item. */
  clear(): void {
    this.#items = [];
  }
}
