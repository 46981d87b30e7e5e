/** Helpers shared by the benches. */

/** The fastest of `runs` runs of `work`, in milliseconds. */
export function bestMs(runs: number, work: () => void): number {
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const start = process.hrtime.bigint();
    work();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return best;
}
