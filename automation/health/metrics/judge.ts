import type { JudgeConfig } from "../../../config/gates";

/**
 * The verdict of one metric gate check, from plain numbers: the changed cluster's value and
 * samples, and the other clusters' (the baseline). Pure.
 *  - `pass`: the value is within the judge's limits.
 *  - `fail`: it is beyond them.
 *  - `wait`: it cannot be judged yet: too few samples in the window, no value for the changed
 *    cluster, or (baseline judge) no other cluster with enough samples to compare with. Not a
 *    pass and not a failure.
 */
export type Judged = "pass" | "fail" | "wait";

/** One cluster's answer to a gate's query. */
export interface ClusterReading {
  cluster: string;
  /** The query's value; absent when there is none (no series, NaN). */
  value?: number;
  /** The samples behind it (e.g. requests in the window); absent when not counted. */
  samples?: number;
}

/** What {@link judgeMetric} is given. */
export interface JudgeInput {
  judge: JudgeConfig;
  /** The changed cluster: the one being checked. */
  changed: ClusterReading;
  /** The other clusters of the environment, whose median is the baseline. */
  baseline: readonly ClusterReading[];
  /** The query, as shown in the detail. */
  query: string;
}

/** A verdict with what it was based on. */
export interface Judgement {
  verdict: Judged;
  /**
   * One line: the changed cluster's value (and samples), the baseline's, the limit and the query,
   * e.g. `a 0.05 (2400 samples) vs baseline 0.001 (median of b 0.001, c 0.0012): above the
   * limit 0.011 (2x and +0.01); query: ...`.
   */
  detail: string;
  /** The median of the baseline clusters judged against (baseline judge, when there was one). */
  baselineValue?: number;
  /** The baseline clusters that had a value and enough samples. */
  baselineClusters: string[];
  /** The value beyond which the changed cluster fails (`max` or `min` for an absolute judge). */
  limit?: number;
}

/** Judges one reading of the changed cluster against the judge's limits. */
export function judgeMetric(input: JudgeInput): Judgement {
  const { judge, changed, query } = input;
  const minSamples = judge.minSamples;
  const enough = (r: ClusterReading) =>
    r.value !== undefined && (minSamples === 0 || (r.samples ?? 0) >= minSamples);
  const usable = input.baseline.filter(enough);
  const baselineClusters = usable.map((r) => r.cluster);
  const line = (text: string) => `${text}; query: ${query}`;
  const self = `${changed.cluster} ${reading(changed)}`;

  if (minSamples > 0 && (changed.samples ?? 0) < minSamples) {
    const have = changed.samples === undefined ? "no sample count" : `${changed.samples} samples`;
    return {
      verdict: "wait",
      detail: line(
        `waiting: ${changed.cluster} has ${have} in the window, fewer than ${minSamples}`,
      ),
      baselineClusters,
    };
  }
  if (changed.value === undefined) {
    return {
      verdict: "wait",
      detail: line(
        `waiting: no value for ${changed.cluster} (the query returned no series for it)`,
      ),
      baselineClusters,
    };
  }
  const value = changed.value;

  if (judge.type === "absolute") {
    const above = judge.max !== undefined && value > judge.max;
    const below = judge.min !== undefined && value < judge.min;
    const bounds = [
      judge.min !== undefined ? `min ${num(judge.min)}` : "",
      judge.max !== undefined ? `max ${num(judge.max)}` : "",
    ]
      .filter(Boolean)
      .join(", ");
    if (above || below) {
      const limit = above ? judge.max! : judge.min!;
      return {
        verdict: "fail",
        detail: line(`${self} is ${above ? "above max" : "below min"} ${num(limit)}`),
        baselineClusters,
        limit,
      };
    }
    return { verdict: "pass", detail: line(`${self} is within ${bounds}`), baselineClusters };
  }

  if (usable.length === 0) {
    const why =
      input.baseline.length === 0
        ? "no other cluster to compare with"
        : minSamples > 0
          ? `no other cluster has a value and ${minSamples} samples in the window`
          : "no other cluster has a value";
    return { verdict: "wait", detail: line(`waiting: ${self}, but ${why}`), baselineClusters };
  }
  const base = median(usable.map((r) => r.value!));
  const limit = baselineLimit(judge, base);
  const higher = judge.worse === "higher";
  const failed = higher ? value > limit : value < limit;
  const left = input.baseline.filter((r) => !enough(r)).map((r) => r.cluster);
  const of =
    `median of ${usable.map((r) => `${r.cluster} ${num(r.value!)}`).join(", ")}` +
    (left.length > 0 ? `; left out: ${left.join(", ")}` : "");
  const rule = [
    judge.maxRatio !== undefined ? `${num(judge.maxRatio)}x` : "",
    judge.maxDifference !== undefined ? `${higher ? "+" : "-"}${num(judge.maxDifference)}` : "",
  ]
    .filter(Boolean)
    .join(" and ");
  const where = failed ? (higher ? "above" : "below") : "within";
  return {
    verdict: failed ? "fail" : "pass",
    detail: line(
      `${self} vs baseline ${num(base)} (${of}): ${where} the limit ${num(limit)} (${rule})`,
    ),
    baselineValue: base,
    baselineClusters,
    limit,
  };
}

/**
 * The value beyond which a cluster fails against a baseline: the baseline times `maxRatio` and
 * plus `maxDifference` (for "lower is worse": divided by, minus); with both, the more lenient of
 * the two, so a cluster fails only beyond both (a ratio alone fails on noise when the baseline
 * is near 0, a difference alone misses a doubling of a large value).
 */
export function baselineLimit(judge: Extract<JudgeConfig, { type: "baseline" }>, base: number) {
  const higher = judge.worse === "higher";
  const limits: number[] = [];
  if (judge.maxRatio !== undefined)
    limits.push(higher ? base * judge.maxRatio : base / judge.maxRatio);
  if (judge.maxDifference !== undefined) {
    limits.push(higher ? base + judge.maxDifference : base - judge.maxDifference);
  }
  return higher ? Math.max(...limits) : Math.min(...limits);
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A value as people read it: at most four significant digits. */
export function num(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
}

function reading(r: ClusterReading): string {
  const value = r.value === undefined ? "no value" : num(r.value);
  return r.samples === undefined ? value : `${value} (${num(r.samples)} samples)`;
}
