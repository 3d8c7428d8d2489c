/**
 * Deadlines of keys, earliest first (a binary min-heap), so the in-process store can find the keys
 * that have expired without looking at the others: O(log n) to add one, O(log n) per one taken out.
 * Entries go stale when a key is deleted or given another deadline; the store checks each one it
 * takes out against the key's current deadline, so a stale entry costs only its own removal.
 */
export type Deadline = { at: number; key: string };

export class ExpiryHeap {
  private items: Deadline[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: Deadline): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((items[parent] as Deadline).at <= item.at) break;
      items[i] = items[parent] as Deadline;
      i = parent;
    }
    items[i] = item;
  }

  /** The earliest entry if its deadline is at or before `now`, removed; otherwise undefined. */
  popDue(now: number): Deadline | undefined {
    const items = this.items;
    const top = items[0];
    if (!top || top.at > now) return undefined;
    const last = items.pop() as Deadline;
    if (items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child =
        right < items.length && (items[right] as Deadline).at < (items[left] as Deadline).at ? right : left;
      if ((items[child] as Deadline).at >= last.at) break;
      items[i] = items[child] as Deadline;
      i = child;
    }
    items[i] = last;
    return top;
  }

  clear(): void {
    this.items = [];
  }
}
