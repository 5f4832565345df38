import { eachBounded } from '../../../core/runtime/bounded';

/** A call that settles when the test says so, recording how many run at once. */
function gate() {
  let inFlight = 0;
  let peak = 0;
  const started: number[] = [];
  const release: (() => void)[] = [];
  const fn = (n: number) => {
    started.push(n);
    inFlight++;
    peak = Math.max(peak, inFlight);
    return new Promise<void>((r) =>
      release.push(() => {
        inFlight--;
        r();
      }),
    );
  };
  return { fn, started, release, peak: () => peak };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('eachBounded', () => {
  it('never has more than the limit in flight, and runs every item', async () => {
    const g = gate();
    const done = eachBounded([1, 2, 3, 4, 5], 2, g.fn);
    for (let i = 0; i < 5; i++) {
      await tick();
      g.release.shift()?.();
    }
    await done;
    expect(g.started).toEqual([1, 2, 3, 4, 5]);
    expect(g.peak()).toBe(2);
  });

  it('starts nothing more once until() answers true', async () => {
    const seen: number[] = [];
    await eachBounded(
      [1, 2, 3, 4, 5, 6],
      2,
      async (n) => void seen.push(n),
      () => seen.includes(3),
    );
    expect(seen.length).toBeLessThanOrEqual(4);
    expect(seen).toContain(3);
    expect(seen).not.toContain(6);
  });

  it('rejects with the first error, after the calls in flight settle, and starts no more', async () => {
    const seen: number[] = [];
    const run = eachBounded([1, 2, 3, 4], 2, async (n) => {
      seen.push(n);
      if (n === 1) throw new Error('heat answered 500');
    });
    await expect(run).rejects.toThrow('heat answered 500');
    expect(seen).not.toContain(4);
  });

  it('does nothing for no items', async () => {
    const fn = jest.fn();
    await eachBounded([], 8, fn);
    expect(fn).not.toHaveBeenCalled();
  });
});
