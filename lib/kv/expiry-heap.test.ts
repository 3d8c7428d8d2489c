import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ExpiryHeap } from './expiry-heap';

describe('ExpiryHeap', () => {
  it('gives back exactly the deadlines due, earliest first, whatever the order they came in', () => {
    const heap = new ExpiryHeap();
    const deadlines = Array.from({ length: 2_000 }, (_, i) => ({ at: randomInt(1_000), key: `k${i}` }));
    for (const d of deadlines) heap.push(d);
    expect(heap.size).toBe(2_000);

    const taken = [];
    for (let d = heap.popDue(499); d; d = heap.popDue(499)) taken.push(d.at);
    expect(taken).toEqual(
      deadlines
        .map((d) => d.at)
        .filter((at) => at <= 499)
        .sort((a, b) => a - b),
    );
    expect(heap.size).toBe(deadlines.filter((d) => d.at > 499).length);
    expect(heap.popDue(499)).toBeUndefined();
  });

  it('takes nothing out before its time, and nothing from an empty heap', () => {
    const heap = new ExpiryHeap();
    expect(heap.popDue(Number.MAX_SAFE_INTEGER)).toBeUndefined();
    heap.push({ at: 10, key: 'a' });
    expect(heap.popDue(9)).toBeUndefined();
    expect(heap.popDue(10)).toEqual({ at: 10, key: 'a' });
    expect(heap.size).toBe(0);
  });
});
