/** Anything with a due time (ms, `performance.now()` clock). */
export interface Due {
  due: number;
}

interface Entry<T> {
  due: number;
  /** Insertion number: equal due times pop first-in, first-out. */
  order: number;
  item: T;
}

/**
 * A binary min-heap ordered by `due`: the simulator's agenda of upcoming events, so one timer can
 * serve every stream (O(log n) per event instead of one timer per stream). Items with equal due
 * times pop in insertion order, so the engine's decisions never depend on heap layout.
 */
export class DueQueue<T extends Due> {
  #items: Entry<T>[] = [];
  #pushed = 0;

  /** Number of queued items. */
  get size(): number {
    return this.#items.length;
  }

  /** The earliest item, without removing it. */
  peek(): T | undefined {
    return this.#items[0]?.item;
  }

  /** Adds an item; its `due` is read now (later changes do not reorder it). */
  push(item: T): void {
    const a = this.#items;
    const e: Entry<T> = { due: item.due, order: this.#pushed++, item };
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(e, a[parent])) break;
      a[i] = a[parent];
      i = parent;
    }
    a[i] = e;
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top?.item;
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(a[r], a[l]) ? r : l;
      if (!before(a[c], last)) break;
      a[i] = a[c];
      i = c;
    }
    a[i] = last;
    return top.item;
  }

  /** Removes every item. */
  clear(): void {
    this.#items = [];
  }
}

function before<T>(x: Entry<T>, y: Entry<T>): boolean {
  return x.due < y.due || (x.due === y.due && x.order < y.order);
}
