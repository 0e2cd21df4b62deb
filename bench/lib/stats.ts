// Medians and spreads for the benchmark table.

export interface Summary {
  n: number;
  median: number;
  p10: number;
  p90: number;
  min: number;
  max: number;
}

/** Linear-interpolated quantile of sorted values (q in 0..1). */
function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(values: number[]): Summary {
  if (values.length === 0) throw new Error("no samples");
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    median: quantile(s, 0.5),
    p10: quantile(s, 0.1),
    p90: quantile(s, 0.9),
    min: s[0]!,
    max: s.at(-1)!,
  };
}

const round = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

/** "123 ms (p10–p90 110–140, n=15)" */
export function fmt(s: Summary, unit: string): string {
  return `${round(s.median)} ${unit} (p10–p90 ${round(s.p10)}–${round(s.p90)}, n=${s.n})`;
}

/** Wall time of an async step, in ms. */
export async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await run();
  return { ms: performance.now() - t, value };
}

export const ratio = (a: Summary, b: Summary) => a.median / b.median;
