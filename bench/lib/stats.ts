// Medians and spreads for the benchmark table.

export interface Summary {
  n: number;
  median: number;
  p10: number;
  p90: number;
  min: number;
  max: number;
}

/** Linear-interpolated quantile of sorted values (fraction in 0..1). */
function quantile(sorted: number[], fraction: number): number {
  const pos = (sorted.length - 1) * fraction;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(values: number[]): Summary {
  if (values.length === 0) throw new Error("no samples");
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p10: quantile(sorted, 0.1),
    p90: quantile(sorted, 0.9),
    min: sorted[0]!,
    max: sorted.at(-1)!,
  };
}

const round = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

/** "123 ms (p10–p90 110–140, n=15)" */
export function fmt(summary: Summary, unit: string): string {
  return `${round(summary.median)} ${unit} (p10–p90 ${round(summary.p10)}–${round(summary.p90)}, n=${summary.n})`;
}

/** Wall time of an async step, in ms. */
export async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

export const ratio = (a: Summary, b: Summary) => a.median / b.median;
