/**
 * Run `work` and answer no sooner than `floorMs` after starting, whether it resolves or throws.
 * For replies whose timing must not tell two paths apart (a reset request for an address with an
 * account issues a token; one without does not): when the floor is above both paths' usual time,
 * both answer at the floor. It hides differences below the floor, not a slow dependency above it.
 */
export async function withFloor<T>(floorMs: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  // Node's timers count whole milliseconds from the event loop's cached clock, so one can fire a
  // little before `left` has passed (CI caught an answer at 118.8 ms for a 120 ms floor): check
  // again after each timer, and wait out what is left.
  const wait = async () => {
    for (
      let left = floorMs - (performance.now() - started);
      left > 0;
      left = floorMs - (performance.now() - started)
    ) {
      await new Promise<void>((resolve) => setTimeout(resolve, Math.ceil(left)));
    }
  };
  try {
    const value = await work();
    await wait();
    return value;
  } catch (error) {
    await wait();
    throw error;
  }
}
