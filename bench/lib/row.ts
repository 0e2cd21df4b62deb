// One line of the benchmark table.
export interface Row {
  /** What was measured. */
  measure: string;
  /** Median with its spread, e.g. "123 ms (p10–p90 110–140, n=15)". */
  value: string;
  /** The peer or floor measured in the same run, when there is one. */
  reference?: string;
  /** value / reference, when both are times. */
  ratio?: number;
  goal?: string;
  /** Whether the goal was met (undefined: no goal, or not measurable here). */
  met?: boolean;
  /** How it was measured, in a sentence. */
  how: string;
  /** Why it falls short, when it does and the reason is understood. */
  why?: string;
}
