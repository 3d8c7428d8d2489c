import { describe, expect, it, vi } from 'vitest';
import { withFloor } from './timing';

// Lower bounds only: a timer never fires early, so these hold on any machine, however loaded.
describe('withFloor', () => {
  it('answers no sooner than the floor, with the value', async () => {
    const t0 = performance.now();
    expect(await withFloor(120, async () => 'done')).toBe('done');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(119);
  });

  it('holds a failure back to the floor as well, then rethrows it', async () => {
    const t0 = performance.now();
    await expect(
      withFloor(120, async () => {
        throw new Error('mail down');
      }),
    ).rejects.toThrow('mail down');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(119);
  });

  it('adds no wait to work that already took longer than the floor', async () => {
    const timers = vi.spyOn(globalThis, 'setTimeout');
    try {
      await withFloor(10, () => new Promise((resolve) => setTimeout(resolve, 60)));
      // The work's own timer only: no wait was added after it.
      expect(timers.mock.calls.map((call) => call[1])).toEqual([60]);
    } finally {
      timers.mockRestore();
    }
  });
});
