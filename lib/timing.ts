/**
 * Run `work` and answer no sooner than `floorMs` after starting, whether it resolves or throws.
 * For replies whose timing must not tell two paths apart (a reset request for an address with an
 * account issues a token; one without does not): when the floor is above both paths' usual time,
 * both answer at the floor. It hides differences below the floor, not a slow dependency above it.
 */
export async function withFloor<T>(floorMs: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const wait = () => {
    const left = floorMs - (performance.now() - started);
    return left > 0 ? new Promise<void>((resolve) => setTimeout(resolve, left)) : Promise.resolve();
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
